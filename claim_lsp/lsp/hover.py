"""textDocument/hover: a preview of the linked claim, or why a link is broken."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..hover import hover_link, title_hover
from .convert import from_position, markup, takes_markdown, to_range
from .frontmatter_edit import frontmatter_key_hover

if TYPE_CHECKING:
    from .server import ClaimLanguageServer


def register(ls: ClaimLanguageServer) -> None:
    @ls.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: ClaimLanguageServer, params: lsp.HoverParams) -> lsp.Hover | None:
        found = ls.note_for(params.text_document.uri)
        if found is None:
            return None
        vault, note = found
        line, col = from_position(note, params.position)
        link = note.link_at(line, col)
        formats = _content_formats(ls)
        if link is None:
            on_title = title_hover(vault, note, line, takes_markdown(formats))
            if on_title is not None:
                return lsp.Hover(contents=markup(formats, on_title[0]), range=to_range(note, on_title[1]))
            return frontmatter_key_hover(vault, note, params.position, formats)
        return lsp.Hover(
            contents=markup(formats, hover_link(vault, note, link, takes_markdown(formats))),
            range=to_range(note, link.span),
        )


def _content_formats(ls: ClaimLanguageServer) -> list | None:
    td = ls.client_capabilities.text_document
    return td.hover.content_format if td is not None and td.hover is not None else None
