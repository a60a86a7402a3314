"""textDocument/references: the links to what is under the cursor (backlinks), and the one
wording of their count that the hover and the code lens share."""

from __future__ import annotations

from .index import Vault
from .model import Link, Note

Links = list[tuple[Note, Link]]


def references(vault: Vault, note: Note, line: int, col: int) -> Links:
    """Links to what is under the cursor: a link's target (and heading), a heading of this
    note, or else this note itself. The backlinks first, then the possible ones (ambiguous
    links that name it among other notes), so the list is complete."""
    sure, maybe = inbound_at(vault, note, line, col)
    return sure + maybe


def inbound_at(vault: Vault, note: Note, line: int, col: int) -> tuple[Links, Links]:
    """The backlinks and the possible backlinks of what is under the cursor."""
    link = note.link_at(line, col)
    if link is not None:
        if not link.target and link.heading:
            return vault.inbound(note, link.heading)
        res = vault.resolve(link.target, note.path)
        if res.note is None:
            return [], []
        return vault.inbound(res.note, link.heading or None)
    for h in note.headings:
        if h.span.line == line and h != note.h1:
            return vault.inbound(note, h.text)
    return vault.inbound(note)


def backlinks_summary(sure: Links, maybe: Links) -> str:
    """ "5 backlinks from 3 notes (+1 possible)": the links, the notes they are in when that
    differs, and the ambiguous links that may mean this note."""
    n = len(sure)
    text = f"{n} backlink{'s' if n != 1 else ''}"
    notes = len({src.path for src, _ in sure})
    if notes != n:
        text += f" from {notes} note{'s' if notes != 1 else ''}"
    if maybe:
        text += f" (+{len(maybe)} possible)"
    return text
