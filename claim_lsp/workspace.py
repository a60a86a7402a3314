"""Several vaults and the editor's open documents, without any LSP types.

Open documents are indexed from the editor's text; closing one falls back to the file
on disk. Every change reports which names (lower-cased titles and aliases) appeared or
disappeared, so the caller can refresh the notes that link to them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config, is_note_path
from .index import Vault
from .model import Note
from .parse import note_from_text
from .scan import file_text, note_from_file, rel_path_in

log = logging.getLogger(__name__)


@dataclass
class Change:
    """What a change did: the vault and path, and the names whose linkers must re-check."""

    vault: Vault
    path: str
    names: set[str] = field(default_factory=set)
    headings_changed: bool = False  # its headings or block ids: [[note#heading]], [[note#^id]] elsewhere
    shown_elsewhere: bool = True  # what other notes show of it (confidence, links) may have changed


def _names(vault: Vault, note: Note | None) -> set[str]:
    return vault.names_of(note) if note is not None else set()


class Workspace:
    def __init__(self) -> None:
        self.vaults: list[Vault] = []
        self.open_docs: dict[Path, str] = {}  # absolute path -> editor text

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
        for vault in self.vaults:  # longest root first
            assert vault.root is not None
            rel = rel_path_in(vault.root, path)
            if rel is not None:
                return vault, rel
        return None

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
        shown = (
            old is None
            or old.meta.get("confidence") != note.meta.get("confidence")
            or old.link_targets() != note.link_targets()
        )
        return Change(vault, rel, names, headings, shown)

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
        if path in self.open_docs:
            return None  # the editor's text wins while the document is open
        found = self.locate(path)
        if found is None:
            return None
        vault, rel = found
        if not is_note_path(rel, vault.config) or not path.is_file():
            old = vault.remove(rel)
            if old is None:
                return None
            return Change(vault, rel, _names(vault, old), True)
        note = note_from_file(rel, path, vault.config)
        return self._put(vault, rel, note)

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
        """Open documents whose links may resolve differently after the change."""
        vault = change.vault
        assert vault.root is not None
        names = set(change.names)
        if change.headings_changed:
            note = vault.notes.get(change.path)
            if note is not None:
                names |= vault.names_of(note)
        if not names:
            return []
        paths = vault.linkers_of_names(names)
        out = []
        for rel in paths:
            abs_path = vault.root / rel
            if abs_path in self.open_docs and rel != change.path:
                out.append(abs_path)
        return out
