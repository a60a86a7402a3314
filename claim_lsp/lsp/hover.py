"""textDocument/hover: a preview of the linked claim, or why a link is broken."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..hover import hover_link
from .convert import from_position, markup, takes_markdown, to_range
from .frontmatter_edit import frontmatter_key_hover

if TYPE_CHECKING:
    from .server import ClaimLanguageServer


def hover(ls: ClaimLanguageServer, params: lsp.HoverParams) -> lsp.Hover | None:
    found = ls.note_for(params.text_document.uri)
    if found is None:
        return None
    vault, note = found
    link = note.link_at(*from_position(note, params.position))
    if link is None:
        return frontmatter_key_hover(vault, note, params.position, ls.client_support.hover_formats)
    formats = ls.client_support.hover_formats
    return lsp.Hover(
        contents=markup(formats, hover_link(vault, note, link, takes_markdown(formats))),
        range=to_range(note, link.span),
    )


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(lsp.TEXT_DOCUMENT_HOVER)(hover)
