"""What a vault's loading (load.py) says and is told: the steps it yields, the changes on
disk reported while it runs, and what it asks of the editor's open documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from .index import Vault

# what a step is (Step.kind)
CACHE = "cache"  # the disk cache read (blocks)
LISTING = "listing"  # the folder listed, by a worker or here (blocks)
STAMPS = "stamps"  # the files stamped by the workers (blocks)
COMPARED = "compared"  # each file's stamp compared with its cached entry's (blocks)
FILED = "filed"  # a batch of notes filed by their titles: a pause, for the requests
TITLED = "titled"  # every note filed by its title (the cached ones in full), none read yet
READ = "read"  # a batch of notes read, or received from the workers (blocks)


class Step:
    """What loading a vault does next. A step that blocks has work, which the caller runs
    (in any thread: the server's runs in an executor, requests answered meanwhile) before it
    asks for the next step; what the work found is then its result. The other steps only
    say where the loading is: FILED, a place to answer requests; TITLED, every title known."""

    __slots__ = ("kind", "blocks", "_call", "result")

    def __init__(self, kind: str, call: Callable[[], Any] | None = None) -> None:
        self.kind = kind
        self.blocks = call is not None
        self._call = call
        self.result: Any = None

    def work(self) -> None:
        call, self._call = self._call, None  # (what it holds, such as a listing, can go once run)
        if call is not None:
            self.result = call()


class DiskChanges:
    """What changed on disk while a vault was loaded, as a watcher reported it: paths, and
    folders reported as a whole (deleted, renamed or created). What the loader read of them
    may be older than the change (a worker's parse of a note deleted since), so it files none
    of them: the workspace files them as they are on disk when the change is reported, and
    again once the loading ends (see OpenDocuments.reread)."""

    __slots__ = ("paths", "folders")

    def __init__(self) -> None:
        self.paths: set[str] = set()
        self.folders: tuple[str, ...] = ()  # vault-relative, each ending in '/'

    def add(self, rel: str) -> None:
        self.paths.add(rel)

    def add_folder(self, rel: str) -> None:
        if rel + "/" not in self.folders:
            self.folders += (rel + "/",)

    def __contains__(self, rel: str) -> bool:
        return rel in self.paths or (bool(self.folders) and rel.startswith(self.folders))

    def __bool__(self) -> bool:
        return bool(self.paths or self.folders)


class OpenDocuments(Protocol):
    """The editor's open documents and the watcher's reports (workspace.Workspace): open
    notes are filed from the editor's text, and the files' notes are never filed over them;
    notes changed on disk are filed as the disk has them now."""

    def open_in(self, vault: Vault) -> set[str]: ...

    def refile_open(self, vault: Vault) -> None: ...

    def record_changes(self, vault: Vault, changes: DiskChanges | None) -> None:
        """From now on, note in changes what is reported changed on disk in the vault (until None)."""

    def reread(self, vault: Vault, changes: DiskChanges) -> None:
        """File again, as the disk has them now, the notes of the paths and folders in changes."""
