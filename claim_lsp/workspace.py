"""Several vaults and the editor's open documents, without any LSP types.

Open documents are indexed from the editor's text; closing one falls back to the file
on disk. Every change reports which names (lower-cased titles and aliases) appeared or
disappeared, so the caller can refresh the notes that link to them.
"""

from __future__ import annotations

import bisect
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .config import SKIP_DIRS, Config, is_note_path
from .index import Vault
from .load_steps import DiskChanges
from .model import Note
from .parse import note_from_text
from .review import challenge_keys, titles_collide
from .scan import file_stamp, file_text, note_from_file, rel_path_in, stamp_key, walk_notes

log = logging.getLogger(__name__)


@dataclass
class Change:
    """What a change did: the vault and path, and the names whose linkers must re-check."""

    vault: Vault
    path: str
    names: set[str] = field(default_factory=set)
    headings_changed: bool = False  # its headings or block ids: [[note#heading]], [[note#^id]] elsewhere
    shown_elsewhere: bool = True  # what other notes show of it (confidence, links) may have changed
    # its type or confidence changed: the review checklist's problems of notes linking to it
    # (forbidden-link, confidence-exceeds-support) and of notes of its title (duplicates) may too
    kind_changed: bool = False
    # link keys its `challenges` and `challenged_by` gained or lost: the notes they name may
    # have an unacknowledged-challenge more or less
    challenged: set[str] = field(default_factory=set)


def _names(vault: Vault, note: Note | None) -> set[str]:
    return vault.names_of(note) if note is not None else set()


class Workspace:
    def __init__(self) -> None:
        self.vaults: list[Vault] = []
        self.open_docs: dict[Path, str] = {}  # absolute path -> editor text
        self._loading: dict[Vault, DiskChanges] = {}  # vaults being loaded: what changed on disk since

    # ---- vaults ------------------------------------------------------------------
    def add_vault(self, root: Path, config: Config) -> Vault:
        for v in self.vaults:
            if v.root == root:
                v.config = config
                return v
        vault = Vault(root, config, read_file=file_text)
        vault.open_text = lambda rel: self.open_docs.get(root / rel)
        self.vaults.append(vault)
        self.vaults.sort(key=lambda v: len(str(v.root)), reverse=True)
        return vault

    def remove_vault(self, root: Path) -> None:
        self.vaults = [v for v in self.vaults if v.root != root]

    def locate(self, path: Path) -> tuple[Vault, str] | None:
        """The innermost vault holding path, and path relative to it."""
        return locate_in(self.vaults, path)

    def note_at(self, path: Path) -> tuple[Vault, Note] | None:
        found = self.locate(path)
        if found is None:
            return None
        vault, rel = found
        note = vault.notes.get(rel)
        return (vault, note) if note is not None else None

    def total_notes(self) -> int:
        return sum(len(v) for v in self.vaults)

    # ---- documents ---------------------------------------------------------------
    def _put(self, vault: Vault, rel: str, note: Note) -> Change:
        old = vault.put(note)
        names = _names(vault, old) ^ _names(vault, note)
        headings = old is None or old.heading_texts() != note.heading_texts() or old.block_ids() != note.block_ids()
        kind = old is None or any(old.meta.get(k) != note.meta.get(k) for k in ("type", "confidence"))
        shown = kind or old.link_targets() != note.link_targets()
        challenged = challenge_keys(old) ^ challenge_keys(note) if old is not None else challenge_keys(note)
        return Change(vault, rel, names, headings, shown, kind, challenged)

    def set_text(self, path: Path, text: str) -> Change | None:
        """The editor opened or changed a document."""
        self.open_docs[path] = text
        found = self.locate(path)
        if found is None:
            return None
        vault, rel = found
        if not rel.lower().endswith(".md"):
            return None
        note = note_from_text(rel, text, vault.config.limits)
        return self._put(vault, rel, note)

    def close(self, path: Path) -> Change | None:
        """The editor closed a document: back to what is on disk (or gone)."""
        self.open_docs.pop(path, None)
        return self.reload(path)

    def reload(self, path: Path) -> Change | None:
        """Re-read one file from disk (created, changed or deleted there)."""
        found = self.locate(path)
        if found is None:
            return None
        return self._reload(found[0], found[1], path)

    def changed_on_disk(self, path: Path) -> list[Change]:
        """A watcher reported path created, changed or deleted: a note, or a folder created,
        deleted or renamed as a whole, whose notes are read again, each (VS Code reports a
        folder deleted with its notes as one event, and inotify a folder moved away). Read
        and filed at once; the server reads a large change in a thread (lsp/disk_changes.py)."""
        out = []
        for vault, (rels, absent) in sort_reported(self.vaults, [path]).items():
            assert vault.root is not None
            folders = self.folders_among(vault, absent)
            self.record_reported(vault, rels, folders)
            if folders:
                rels.update(paths_under(vault.root, vault.config, folders, sorted(vault.notes)))
            for rel, each in rels.items():
                change = self.file_read(vault, read_on_disk(vault.root, vault.config, rel, each))
                if change is not None:
                    out.append(change)
        return out

    def folders_among(self, vault: Vault, absent: Iterable[str]) -> list[str]:
        """Which of the paths reported changed that are no file now (sort_reported) may be
        folders, each to be read with the notes under it: those that were no note nor other
        file of the vault (once gone, nothing says what a path was)."""
        return [rel for rel in absent if rel not in vault.notes and not vault.has_attachment(rel)]

    def record_reported(self, vault: Vault, rels: Iterable[str], folders: Iterable[str] = ()) -> None:
        """Paths and folders of the vault reported changed on disk, before they are read:
        recorded while the vault is loaded (the loader's own reading of them may be older)."""
        changes = self._loading.get(vault)
        if changes is not None:
            for rel in rels:
                changes.add(rel)
            for rel in folders:
                changes.add_folder(rel)

    def record_changes(self, vault: Vault, changes: DiskChanges | None) -> None:
        """While the vault is loaded (load.Loader): what is reported changed on disk."""
        if changes is None:
            self._loading.pop(vault, None)
        else:
            self._loading[vault] = changes

    def reread(self, vault: Vault, changes: DiskChanges) -> None:
        """File again, as the disk has them now, the notes reported changed on disk while the
        vault was loaded, and those of the folders reported, whether filed or on disk."""
        assert vault.root is not None
        filed = sorted(vault.notes) if changes.folders else []
        for rel, path in rereading(vault, changes, filed).items():
            self.file_read(vault, read_on_disk(vault.root, vault.config, rel, path))

    def _reload(self, vault: Vault, rel: str, path: Path) -> Change | None:
        if path in self.open_docs:
            self.record_reported(vault, [rel])
            return None  # (not read: the editor's text wins while the document is open)
        assert vault.root is not None
        return self.file_read(vault, read_on_disk(vault.root, vault.config, rel, path))

    def file_read(self, vault: Vault, found: OnDisk) -> Change | None:
        """File what a path holds now, as read (read_on_disk): its note, or none. Not while
        the document is open: the editor's text wins."""
        rel = found.rel
        changes = self._loading.get(vault)
        if changes is not None:
            changes.add(rel)  # (the loader's own reading of it may be older)
        if found.path in self.open_docs:
            return None
        if found.note is None:
            old = vault.remove(rel)
            if old is None:
                return None
            return Change(vault, rel, _names(vault, old), True, kind_changed=True, challenged=challenge_keys(old))
        return self.refile(vault, found.note, found.key)

    def refile(self, vault: Vault, note: Note, key: int) -> Change:
        """File a note just read from its file, with the key of the stamp the file had before
        (scan.stamp_key; Vault.stamps: a whole-vault edit reads again only the files whose
        stamp changed since)."""
        vault.stamps.record(note, key)
        return self._put(vault, note.path, note)

    def refile_open(self, vault: Vault) -> None:
        """File the editor's text of the vault's open notes again (after its tables were
        replaced by saved ones)."""
        for path, text in list(self.open_docs.items()):
            found = self.locate(path)
            if found is not None and found[0] is vault and found[1].lower().endswith(".md"):
                self._put(vault, found[1], note_from_text(found[1], text, vault.config.limits))

    def open_in(self, vault: Vault) -> set[str]:
        """Vault-relative paths of the vault's open documents (a set to test 100,000 notes
        against: a Path built for each cost ~2 s)."""
        out = set()
        for path in self.open_docs:
            found = self.locate(path)
            if found is not None and found[0] is vault:
                out.add(found[1])
        return out

    def open_linkers(self, change: Change) -> list[Path]:
        """Open documents whose diagnostics may change after the change: those whose links
        may resolve differently, or that link to a note whose type or confidence changed;
        and, for the review checklist, those a changed `challenges` or `challenged_by` names
        and those whose title the changed one's (nearly) repeats."""
        vault = change.vault
        assert vault.root is not None
        names = set(change.names)
        note = vault.notes.get(change.path)
        if (change.headings_changed or change.kind_changed) and note is not None:
            names |= vault.names_of(note)
        paths = vault.linkers_of_names(names) if names else set()
        titles = set(change.names)
        if change.kind_changed and note is not None:
            titles |= vault.names_of(note)
        if titles or change.challenged:
            for rel in self.open_in(vault):
                other = vault.notes.get(rel)
                if other is None or rel in paths:
                    continue
                if not change.challenged.isdisjoint(vault.names_of(other)) or titles_collide(other.title, titles):
                    paths.add(rel)
        out = []
        for rel in paths:
            abs_path = vault.root / rel
            if abs_path in self.open_docs and rel != change.path:
                out.append(abs_path)
        return out


# ---- what the disk holds, read in any thread; filed where the vault lives (Workspace.file_read) ----


@dataclass(slots=True)
class OnDisk:
    """What a path of a vault holds now, as read_on_disk found it."""

    rel: str
    path: Path
    note: Note | None = None  # none: gone, a folder, or no note of the vault
    key: int = 0  # the key of the stamp the file had before it was read (scan.stamp_key)


def read_on_disk(root: Path, config: Config, rel: str, path: Path) -> OnDisk:
    """Read what path (rel in the vault at root) holds now. Only the disk is read."""
    if not is_note_path(rel, config) or not path.is_file():
        return OnDisk(rel, path)
    since = time.time_ns()
    stamp = file_stamp(path)  # (before the read: a change after it makes another stamp)
    return OnDisk(rel, path, note_from_file(rel, path, config), stamp_key(stamp, since))


def locate_in(vaults: list[Vault], path: Path) -> tuple[Vault, str] | None:
    """The innermost of the vaults (longest root first) holding path, and path relative to it."""
    for vault in vaults:
        assert vault.root is not None
        rel = rel_path_in(vault.root, path)
        if rel is not None:
            return vault, rel
    return None


def sort_reported(vaults: list[Vault], paths: Iterable[Path]) -> dict[Vault, tuple[dict[str, Path], list[str]]]:
    """Paths reported changed on disk, by the vault holding each: its vault-relative path ->
    the path, and those of them that are no file now. Not what lies in hidden folders (.git,
    .obsidian: never part of a vault). Only the disk is read."""
    out: dict[Vault, tuple[dict[str, Path], list[str]]] = {}
    for path in paths:
        found = locate_in(vaults, path)
        if found is None:
            continue
        vault, rel = found
        if any(part.startswith(".") or part in SKIP_DIRS for part in rel.split("/")):
            continue
        rels, absent = out.setdefault(vault, ({}, []))
        if rel not in rels:
            rels[rel] = path
            if not path.is_file():
                absent.append(rel)
    return out


def paths_under(root: Path, config: Config, folders: Iterable[str], filed: list[str]) -> dict[str, Path]:
    """The notes under the folders (vault-relative) -> their paths: those filed (filed: the
    vault's notes, sorted) and those in the folders on disk. Only the disk is read."""
    found: set[str] = set()
    for rel in folders:
        prefix = rel + "/"
        at = bisect.bisect_left(filed, prefix)
        while at < len(filed) and filed[at].startswith(prefix):
            found.add(filed[at])
            at += 1
        folder = root / rel
        if folder.is_dir():
            # (the vault's ignore globs are relative to its root: applied to each path found)
            inside = (prefix + sub for sub in walk_notes(folder, Config()))
            found.update(path for path in inside if is_note_path(path, config))
    return {rel: root / rel for rel in sorted(found)}


def rereading(vault: Vault, changes: DiskChanges, filed: list[str]) -> dict[str, Path]:
    """What to read again of the changes reported while the vault was loaded: the paths and
    the notes of the folders (filed: the vault's notes, sorted), by vault-relative path."""
    assert vault.root is not None
    rels = {rel: vault.root / rel for rel in changes.paths}
    rels.update(paths_under(vault.root, vault.config, [folder[:-1] for folder in changes.folders], filed))
    return dict(sorted(rels.items()))
