"""textDocument/definition: where a link leads."""

from __future__ import annotations

from .index import Vault
from .model import Link, Note, Span
from .resolve import find_heading


def definition(vault: Vault, note: Note, link: Link) -> list[tuple[Note, Span]]:
    """Where a link leads: the note (its start, the heading, or the block's line), or every
    candidate."""
    if not link.target and link.heading:
        targets = [note]  # [[#heading]] within the same note
    else:
        res = vault.resolve(link.target, note.path)
        targets = res.notes
    out = []
    for target in targets:
        span = Span(0, 0, 0, 0)
        if link.heading and link.heading.startswith("^"):
            block = target.block(link.heading)
            if block is not None:
                span = Span(block.line, 0, block.line, block.span.end_col)
        elif link.heading:
            h = find_heading(target, link.heading)
            if h is not None:
                span = Span(h.span.line, 0, h.span.line, h.span.end_col)
        elif target.h1 is not None:
            span = Span(target.h1.span.line, 0, target.h1.span.line, target.h1.span.end_col)
        out.append((target, span))
    return out
