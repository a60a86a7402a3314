"""textDocument/references: the links to what is under the cursor (backlinks), plain-title
references in relation fields included."""

from __future__ import annotations

from .index import Vault
from .model import Link, Note


def references(vault: Vault, note: Note, line: int, col: int) -> list[tuple[Note, Link]]:
    """Links to what is under the cursor: a link's target (and heading), a heading of this
    note, or else this note itself."""
    link = vault.link_at(note, line, col)
    if link is not None:
        if not link.target and link.heading:
            return vault.backlinks(note, link.heading)
        res = vault.resolve(link.target, note.path)
        if res.note is None:
            return []
        return vault.backlinks(res.note, link.heading or None)
    for h in note.headings:
        if h.span.line == line and h != note.h1:
            return vault.backlinks(note, h.text)
    return vault.backlinks(note)
