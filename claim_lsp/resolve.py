"""What a link resolves to, in the terms of the vault's resolution rules (index.py): the
statuses, the Resolution, the choice among several matches (rule 5), a link's heading."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Heading, Note

OK, CASE_MISMATCH, AMBIGUOUS, BROKEN, EMPTY = "ok", "case-mismatch", "ambiguous", "broken", "empty"


@dataclass(slots=True)
class Resolution:
    status: str
    notes: list[Note] = field(default_factory=list)
    via_alias: bool = False

    @property
    def note(self) -> Note | None:
        return self.notes[0] if len(self.notes) == 1 and self.status in (OK, CASE_MISMATCH) else None


def stem_path(path: str) -> str:
    return path[:-3] if path.lower().endswith(".md") else path


def folder_parts(path: str) -> list[str]:
    return path.split("/")[:-1]


def shared_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def shared_folder_depth(a: str, b: str) -> int:
    """How many folders, from the vault's root, two notes' paths have in common."""
    return shared_prefix(folder_parts(a), folder_parts(b))


def find_heading(note: Note, heading: str) -> Heading | None:
    wanted = heading.strip()
    for h in note.headings:
        if h.text == wanted:
            return h
    lowered = wanted.casefold()
    for h in note.headings:
        if h.text.casefold() == lowered:
            return h
    return None


def pick_nearest(notes: list[Note], from_path: str, status: str) -> Resolution:
    """Rule 5: of several matches, the note in the linking note's folder, else the one sharing
    the longest folder prefix with it; still tied, all of them, ambiguous."""
    if len(notes) == 1:
        return Resolution(status, notes)
    folder = from_path.rpartition("/")[0]
    same = [n for n in notes if n.path.rpartition("/")[0] == folder]  # (paths are relative)
    if len(same) == 1:
        return Resolution(status, same)
    pool = same or notes
    here = folder_parts(from_path)
    shared = [shared_prefix(here, folder_parts(n.path)) for n in pool]
    best = max(shared)
    top = [n for n, k in zip(pool, shared) if k == best]
    if len(top) == 1:
        return Resolution(status, top)
    top.sort(key=lambda n: n.path)
    return Resolution(AMBIGUOUS, top)
