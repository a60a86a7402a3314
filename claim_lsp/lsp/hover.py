"""textDocument/hover: a preview of the linked claim, or why a link is broken."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..hover import hover_link
from .convert import from_position, to_range

if TYPE_CHECKING:
    from .server import ClaimLanguageServer


def register(ls: ClaimLanguageServer) -> None:
    @ls.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: ClaimLanguageServer, params: lsp.HoverParams) -> lsp.Hover | None:
        found = ls.note_for(params.text_document.uri)
        if found is None:
            return None
        vault, note = found
        link = note.link_at(*from_position(note, params.position))
        if link is None:
            return None
        return lsp.Hover(
            contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=hover_link(vault, note, link)),
            range=to_range(note, link.span),
        )
