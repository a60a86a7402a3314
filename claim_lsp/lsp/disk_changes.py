"""Changes on disk filed without stopping the server.

A watcher's report (the client's workspace/didChangeWatchedFiles, or the server's own, watch.py)
may name one note saved by another program, or a branch switch: 19,000 notes of a 20,000-note
vault, seconds of reading and parsing during which, on the event loop, no request was answered,
a completion no more than a rename. So a large report is applied in the background, one report
after another, in the order they came: the paths are sorted out and the notes read in a thread
(workspace.sort_reported, read_on_disk: the disk only, as indexing reads in threads), then filed
on the event loop a slice at a time (SLICE_SECONDS), requests answered between slices. The notes
changed while the vault was loaded are read again the same way once the loader ends (ForLoader).

Until every change reported is filed, the vault is not settled: a whole-vault request waits
(the waiting rule, waiting.py), so that a rename is never planned on half a branch switch;
per-note requests (completion, hover) are answered at once, from the notes filed so far, as
during indexing. A small report when nothing else is pending (a note saved elsewhere) is filed
as it arrives, as it always was: the next request sees it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import CONFIG_FILE, Config, load_config
from ..index import Vault
from ..load import SLOW_READ
from ..load_steps import DiskChanges
from ..workspace import OnDisk, Workspace, paths_under, read_on_disk, rereading, sort_reported
from .convert import uri_to_path

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

log = logging.getLogger(__name__)

INLINE = 32  # a report of at most this many paths, none a folder, is filed as it arrives
READ_CHUNK = 500  # notes read in a thread at a time, then filed
SLICE_SECONDS = 0.01  # filing between two looks at the requests

Sorted = dict[Vault, tuple[dict[str, Path], list[str]]]  # workspace.sort_reported's


class ChangeSets:
    """The reports of changes on disk not filed yet, filed in order in the background."""

    def __init__(self, ls: ClaimLanguageServer) -> None:
        self.ls = ls
        self._jobs: deque[Callable[[], Awaitable[None]]] = deque()  # the first is under way
        self._settled = asyncio.Event()  # set when no job is left (and at shutdown)
        self._settled.set()
        self._running = False
        self.left = 0  # notes of the job under way not filed yet (for a request that waited in vain)

    @property
    def settled(self) -> bool:
        """Is every change reported so far filed?"""
        return not self._jobs

    async def until_settled(self) -> None:
        while self._jobs and not self.ls.shutting_down:
            await self._settled.wait()

    def report(self, items: Sequence[Path | str]) -> None:
        """Paths (or file URIs: converted in the thread) reported created, changed or deleted
        on disk: what the disk holds now is filed."""
        if not self._jobs and len(items) <= INLINE:
            configs, found = _sort_out(self.ls.state.vaults, items)
            for path in configs:
                self._config_changed(path)
            plans = [
                (vault, rels, self.ls.state.folders_among(vault, absent)) for vault, (rels, absent) in found.items()
            ]
            if not any(folders for _, _, folders in plans):
                for vault, rels, _ in plans:
                    self.ls.state.record_reported(vault, rels)
                    for rel, path in rels.items():
                        self._file(vault, read_on_disk(_root(vault), vault.config, rel, path))
                return
            self._queue(functools.partial(self._sorted, [], found))
            return
        self._queue(functools.partial(self._reported, list(items)))

    def reread(self, vault: Vault, changes: DiskChanges) -> None:
        """The loader's changes (ForLoader): the notes of its paths and folders read again."""
        if not self._jobs and not changes.folders and len(changes.paths) <= INLINE:
            self.ls.state.reread(vault, changes)  # (the loader still runs: indexing_ended refreshes the views)
            return
        copy = DiskChanges()
        copy.paths, copy.folders = set(changes.paths), changes.folders
        self._queue(functools.partial(self._reread, vault, copy))

    # ---- the jobs --------------------------------------------------------------------------
    def _queue(self, job: Callable[[], Awaitable[None]]) -> None:
        self._jobs.append(job)
        self._settled.clear()
        if not self._running:
            self._running = True
            self.ls.spawn(self._drain())

    async def _drain(self) -> None:
        try:
            while self._jobs and not self.ls.shutting_down:
                try:
                    await self._jobs[0]()
                except Exception:
                    log.exception("filing the changes on disk failed")
                self._jobs.popleft()
        finally:
            self._running = False
            self.left = 0
            if self.ls.shutting_down:
                self._jobs.clear()  # (stopped: requests waiting are answered with what was filed)
            if not self._jobs:
                self._settled.set()

    async def _reported(self, items: list[Path | str]) -> None:
        loop = asyncio.get_running_loop()
        configs, found = await loop.run_in_executor(None, _sort_out, list(self.ls.state.vaults), items)
        await self._sorted(configs, found)

    async def _sorted(self, configs: list[Path], found: Sorted) -> None:
        loop = asyncio.get_running_loop()
        for path in configs:
            self._config_changed(path)
        for vault, (rels, absent) in found.items():
            if vault not in self.ls.state.vaults:
                continue
            folders = self.ls.state.folders_among(vault, absent)
            self.ls.state.record_reported(vault, rels, folders)
            if folders:
                under = functools.partial(_under, _root(vault), vault.config, folders, list(vault.notes))
                rels.update(await loop.run_in_executor(None, under))
            await self._read_and_file(vault, rels)

    async def _reread(self, vault: Vault, changes: DiskChanges) -> None:
        if vault not in self.ls.state.vaults:
            return
        filed = list(vault.notes) if changes.folders else []
        rels = await asyncio.get_running_loop().run_in_executor(None, _rereading, vault, changes, filed)
        await self._read_and_file(vault, rels)

    async def _read_and_file(self, vault: Vault, rels: dict[str, Path]) -> None:
        """Read the notes in a thread, a chunk at a time, and file each chunk in slices."""
        loop = asyncio.get_running_loop()
        items = list(rels.items())
        self.left = len(items)
        for start in range(0, len(items), READ_CHUNK):
            chunk = items[start : start + READ_CHUNK]
            found = await loop.run_in_executor(None, _read, _root(vault), vault.config, chunk)
            began = time.perf_counter()
            for item in found:
                if time.perf_counter() - began > SLICE_SECONDS:
                    await asyncio.sleep(0)  # requests are answered meanwhile
                    began = time.perf_counter()
                if vault not in self.ls.state.vaults or self.ls.shutting_down:
                    return  # the folder was removed meanwhile, or the client is leaving
                self._file(vault, item)
                self.left -= 1

    def _file(self, vault: Vault, found: OnDisk) -> None:
        self.ls.publisher.after_change(self.ls.state.file_read(vault, found))

    def _config_changed(self, path: Path) -> None:
        """A vault's settings file changed: read again, and the open notes checked again."""
        found = self.ls.state.locate(path)
        if found is not None and found[0].root == path.parent:
            vault = found[0]
            vault.config = load_config(path.parent, self.ls.settings.vault_options)
            for message in vault.config.errors:
                self.ls.show_config_error(message)
            self.ls.publisher.refresh_all_open()


class ForLoader:
    """The editor as the loader sees it (load_steps.OpenDocuments): the workspace, except
    that the notes changed on disk while the vault was loaded are read again in the
    background (ChangeSets.reread), as any other change is, not on the event loop."""

    def __init__(self, state: Workspace, changes: ChangeSets) -> None:
        self.state = state
        self.changes = changes

    def open_in(self, vault: Vault) -> set[str]:
        return self.state.open_in(vault)

    def refile_open(self, vault: Vault) -> None:
        self.state.refile_open(vault)

    def record_changes(self, vault: Vault, changes: DiskChanges | None) -> None:
        self.state.record_changes(vault, changes)

    def reread(self, vault: Vault, changes: DiskChanges) -> None:
        self.changes.reread(vault, changes)


def _sort_out(vaults: list[Vault], items: Sequence[Path | str]) -> tuple[list[Path], Sorted]:
    """(in any thread) The settings files among the paths reported (or URIs), and the rest by vault."""
    paths = (item if isinstance(item, Path) else uri_to_path(item) for item in items)
    unique = [path for path in dict.fromkeys(paths) if path is not None]  # (a path may match two watchers)
    configs = [path for path in unique if path.name == CONFIG_FILE]
    return configs, sort_reported(vaults, (path for path in unique if path.name != CONFIG_FILE))


def _under(root: Path, config: Config, folders: list[str], filed: list[str]) -> dict[str, Path]:
    """(in a thread) workspace.paths_under, given the vault's notes as they were filed."""
    return paths_under(root, config, folders, sorted(filed))


def _rereading(vault: Vault, changes: DiskChanges, filed: list[str]) -> dict[str, Path]:
    """(in a thread) workspace.rereading, given the vault's notes as they were filed."""
    return rereading(vault, changes, sorted(filed))


def _read(root: Path, config: Config, chunk: list[tuple[str, Path]]) -> list[OnDisk]:
    """(in a thread) What each path holds now."""
    found = [read_on_disk(root, config, rel, path) for rel, path in chunk]
    if SLOW_READ:
        time.sleep(SLOW_READ)  # (the test knob: read already, what is filed may be older than the disk)
    return found


def _root(vault: Vault) -> Path:
    assert vault.root is not None
    return vault.root
