"""textDocument/references: the links to what is under the cursor (backlinks, plain-title
references in relation fields included), where the notes holding a tag write it, and the one
wording of a backlink count that the hover and the code lens share."""

from __future__ import annotations

from .index import Vault
from .model import TAGS_FIELD, Link, Note, Span
from .tags import tag_spans

Links = list[tuple[Note, Link]]


def references(vault: Vault, note: Note, line: int, col: int) -> Links:
    """Links to what is under the cursor: a link's target (and heading), a heading of this
    note, the block id of its line, or else this note itself. The backlinks first, then the
    possible ones (ambiguous links that name it among other notes), so the list is complete."""
    sure, maybe = inbound_at(vault, note, line, col)
    return sure + maybe


def inbound_at(vault: Vault, note: Note, line: int, col: int) -> tuple[Links, Links]:
    """The backlinks and the possible backlinks of what is under the cursor."""
    link = vault.link_at(note, line, col)
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
    for block in note.blocks:
        if block.line == line:
            return vault.inbound(note, "^" + block.id)
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


def tag_references(vault: Vault, tag: str) -> list[tuple[Note, Span]]:
    """Where each note holding the tag writes it in its frontmatter (by path); the `tags`
    key, for a note whose text cannot be read."""
    out: list[tuple[Note, Span]] = []
    for path in vault.tagged(tag):
        note = vault.notes[path]
        text = vault.text_of(note)
        spans = tag_spans(note, text, tag) if text else []
        if not spans:
            key = note.frontmatter.key_span(TAGS_FIELD)
            spans = [key] if key is not None else [Span(0, 0, 0, 0)]
        out += [(note, span) for span in spans]
    return out
