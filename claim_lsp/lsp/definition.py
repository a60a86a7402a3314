"""textDocument/definition: from a link to its note, or to the heading it names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..definition import definition
from ..index import Vault
from ..model import Link, Note, Span
from .convert import from_position, location
from .waiting import indexed_note, titles_filed

if TYPE_CHECKING:
    from .server import ClaimLanguageServer


async def goto_definition(ls: ClaimLanguageServer, params: lsp.DefinitionParams) -> list[lsp.Location] | None:
    uri = params.text_document.uri
    found = ls.note_for(uri)
    if found is None:
        return None
    vault, note = found
    line, col = from_position(note, params.position)
    link = note.link_at(line, col)
    if link is None:
        return None
    targets = _targets(vault, note, line, col)
    if not _final(ls, vault, link, targets):
        found = await indexed_note(ls, uri)
        if found is None:
            return None
        vault, note = found
        targets = _targets(vault, note, *from_position(note, params.position))
    assert vault.root is not None
    return [location(vault.root, target, span) for target, span in targets] or None


def _final(ls: ClaimLanguageServer, vault: Vault, link: Link, targets: list) -> bool:
    """Is this where the link leads, though the vault may still be read? The waiting rule
    (waiting.py) holds for the rest: a link by an alias, or to a heading, of a note not read
    yet leads nowhere until it is read."""
    if ls.settled(vault) or (targets and not link.target):  # [[#heading]]: in this note
        return True
    return bool(targets) and not link.heading and titles_filed(ls, vault)  # a title, among every title


def _targets(vault: Vault, note: Note, line: int, col: int) -> list[tuple[Note, Span]]:
    link = vault.link_at(note, line, col)
    return definition(vault, note, link) if link is not None else []


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(lsp.TEXT_DOCUMENT_DEFINITION)(goto_definition)
