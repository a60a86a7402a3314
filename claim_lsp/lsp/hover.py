"""textDocument/hover: a preview of the linked claim, or why a link is broken; a tag's count."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..hover import hover_link, hover_tag, title_hover
from ..model import Span
from ..tags import tag_at
from .convert import from_position, markup, takes_markdown, to_range
from .frontmatter_edit import frontmatter_key_hover

if TYPE_CHECKING:
    from .server import ClaimLanguageServer


def hover(ls: ClaimLanguageServer, params: lsp.HoverParams) -> lsp.Hover | None:
    found = ls.note_for(params.text_document.uri)
    if found is None:
        return None
    vault, note = found
    formats = ls.client_support.hover_formats
    line, col = from_position(note, params.position)
    link = vault.link_at(note, line, col)
    if link is None:
        tag = tag_at(note, line, ls.line_text(params.text_document.uri, line), col)
        if tag is not None:
            return lsp.Hover(
                contents=markup(formats, hover_tag(vault, tag.name, takes_markdown(formats))),
                range=to_range(note, Span(line, tag.start, line, tag.end)),
            )
        on_title = title_hover(vault, note, line, takes_markdown(formats))
        if on_title is not None:
            return lsp.Hover(contents=markup(formats, on_title[0]), range=to_range(note, on_title[1]))
        return frontmatter_key_hover(vault, note, params.position, formats)
    return lsp.Hover(
        contents=markup(formats, hover_link(vault, note, link, takes_markdown(formats))),
        range=to_range(note, link.span),
    )


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(lsp.TEXT_DOCUMENT_HOVER)(hover)
