"""textDocument/definition: from a link to its note, or to the heading it names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..definition import definition
from .convert import from_position, location

if TYPE_CHECKING:
    from .server import ClaimLanguageServer


def goto_definition(ls: ClaimLanguageServer, params: lsp.DefinitionParams) -> list[lsp.Location] | None:
    found = ls.note_for(params.text_document.uri)
    if found is None:
        return None
    vault, note = found
    link = vault.link_at(note, *from_position(note, params.position))
    if link is None:
        return None
    assert vault.root is not None
    targets = definition(vault, note, link)
    return [location(vault.root, target, span) for target, span in targets] or None


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(lsp.TEXT_DOCUMENT_DEFINITION)(goto_definition)
