"""textDocument/references: every link to the note (or heading) under the cursor, or every
note holding the tag under it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..references import references, tag_references
from ..tags import tag_at
from .convert import from_position, location
from .waiting import indexed_note

if TYPE_CHECKING:
    from .server import ClaimLanguageServer


async def find_references(ls: ClaimLanguageServer, params: lsp.ReferenceParams) -> list[lsp.Location]:
    found = await indexed_note(ls, params.text_document.uri)
    if found is None:
        return []
    vault, note = found
    assert vault.root is not None
    line, col = from_position(note, params.position)
    tag = tag_at(note, line, ls.line_text(params.text_document.uri, line), col)
    if tag is not None:
        return [location(vault.root, src, span) for src, span in tag_references(vault, tag.name)]
    return [location(vault.root, src, link.span) for src, link in references(vault, note, line, col)]


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(lsp.TEXT_DOCUMENT_REFERENCES)(find_references)
