"""Is the folder being indexed the vault's root? Evidence that it is too small: an editor
made a note's own folder the workspace (Neovim or Emacs, without a .git above), and links
to notes elsewhere in the vault look broken.

- `marker_above`: the root holds no vault marker, but a folder above it does.
- `broken_share` and `found_above`: most links of a note name no note of the vault, and
  most of those name notes in a folder above it. The heuristic (ROOT_TOO_SMALL): at least
  5 links naming notes, at least 80 % of them broken, and at least half of the broken ones
  (2 at least) the file names of notes found within three folders above the root.

Disk layer: walks folders above the root (bounded, hidden folders skipped, never the home
folder or the file system's root), reads no note.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .config import SKIP_DIRS, VAULT_MARKERS
from .index import BROKEN, EMPTY, Vault
from .model import Note

MIN_LINKS = 5  # fewer: too little to go on
MIN_BROKEN_SHARE = 0.8
LEVELS_UP = 3  # folders above the root searched for the broken links' notes
MAX_ENTRIES = 200_000  # directory entries looked at, at most (a few tenths of a second)


def _too_wide(folder: Path) -> set[Path]:
    """Folders never taken for a vault: the home folder and the file system's root."""
    return {Path.home(), Path(folder.anchor)}


def marker_above(root: Path) -> tuple[Path, str] | None:
    """The nearest folder above root holding a vault marker, and the marker, when root
    holds none."""
    if any((root / marker).exists() for marker in VAULT_MARKERS):
        return None
    too_wide = _too_wide(root)
    for folder in root.parents:
        if folder in too_wide:
            break
        for marker in VAULT_MARKERS:
            if (folder / marker).exists():
                return folder, marker
    return None


@dataclass(frozen=True)
class LinkTally:
    links: int  # links naming a note (not [[#heading]], not attachments, not empty)
    broken: list[str]  # the note names of those that name none, lower-cased, without folders

    @property
    def mostly_broken(self) -> bool:
        return self.links >= MIN_LINKS and len(self.broken) >= MIN_BROKEN_SHARE * self.links


def tally_links(note: Note, vault: Vault) -> LinkTally:
    links = 0
    broken: list[str] = []
    for n, raw in enumerate(note.raw_links()):
        if vault.names_one_note(raw.split("|", 1)[0] if "|" in raw else raw):
            links += 1
            continue
        link = note.link(n)
        if not link.target or vault.has_attachment(link.target):
            continue
        status = vault.resolve(link.target, note.path).status
        if status == EMPTY:
            continue
        links += 1
        if status == BROKEN:
            broken.append(link.target.replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".md"))
    return LinkTally(links, broken)


@dataclass(frozen=True)
class FoundAbove:
    folder: Path  # the nearest folder above the root holding them
    found: int  # how many of the broken links name a note there
    broken: int


def found_above(root: Path, broken: list[str]) -> FoundAbove | None:
    """The nearest folder (up to LEVELS_UP above root) under which at least half of the
    broken links' names (2 at least) are file names of notes; None when there is none, or
    nothing above root may be looked at."""
    wanted = set(broken)
    if not wanted:
        return None
    too_wide = _too_wide(root)
    above = []
    for folder in list(root.parents)[:LEVELS_UP]:
        if folder in too_wide:
            break
        above.append(folder)
    if not above:
        return None
    where: dict[str, list[Path]] = {}  # name -> folders holding a note of that name
    budget = [MAX_ENTRIES]
    _walk(above[-1], root, wanted, where, budget)
    need = max(2, (len(wanted) + 1) // 2)
    for folder in above:  # nearest first
        found = sum(1 for folders in where.values() if any(f.is_relative_to(folder) for f in folders))
        if found >= need:
            return FoundAbove(folder, found, len(wanted))
    return None


def _walk(folder: Path, skip: Path, wanted: set[str], where: dict[str, list[Path]], budget: list[int]) -> None:
    stack = [folder]
    while stack and budget[0] > 0:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        budget[0] -= len(entries)
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name in SKIP_DIRS:
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                path = Path(entry.path)
                if path != skip:
                    stack.append(path)
            elif name[-3:].lower() == ".md":
                stem = name[:-3].lower()
                if stem in wanted:
                    where.setdefault(stem, []).append(Path(current))
