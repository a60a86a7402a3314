"""textDocument/references: the links to what is under the cursor (backlinks), or where
the notes holding a tag write it."""

from __future__ import annotations

from .index import Vault
from .model import TAGS_FIELD, Link, Note, Span
from .tags import tag_spans


def references(vault: Vault, note: Note, line: int, col: int) -> list[tuple[Note, Link]]:
    """Links to what is under the cursor: a link's target (and heading), a heading of this
    note, the block id of its line, or else this note itself."""
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
    for block in note.blocks:
        if block.line == line:
            return vault.backlinks(note, "^" + block.id)
    return vault.backlinks(note)


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
