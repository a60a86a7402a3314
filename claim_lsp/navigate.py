"""Go-to-definition and references (backlinks)."""

from __future__ import annotations

from .index import Vault, find_heading
from .model import Link, Note, Span


def definition(vault: Vault, note: Note, link: Link) -> list[tuple[Note, Span]]:
    """Where a link leads: the note (its start, or the heading), or every candidate."""
    if not link.target and link.heading:
        targets = [note]  # [[#heading]] within the same note
    else:
        res = vault.resolve(link.target, note.path)
        targets = res.notes
    out = []
    for target in targets:
        span = Span(0, 0, 0, 0)
        if link.heading:
            h = find_heading(target, link.heading)
            if h is not None:
                span = Span(h.span.line, 0, h.span.line, h.span.end_col)
        elif target.h1 is not None:
            span = Span(target.h1.span.line, 0, target.h1.span.line, target.h1.span.end_col)
        out.append((target, span))
    return out


def references(vault: Vault, note: Note, line: int, col: int) -> list[tuple[Note, Link]]:
    """Links to what is under the cursor: a link's target (and heading), a heading of this
    note, or else this note itself."""
    link = note.link_at(line, col)
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
