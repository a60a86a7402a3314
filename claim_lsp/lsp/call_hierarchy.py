"""textDocument/prepareCallHierarchy, callHierarchy/incomingCalls, callHierarchy/outgoingCalls:
a note's reasoning chain (call_hierarchy.py). An item is a whole note, named by its title;
its detail says the relations to the note it was reached from and its confidence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..call_hierarchy import detail, incoming_calls, outgoing_calls, prepare, title_span
from ..index import Vault
from ..model import Note, Span
from .convert import from_position, path_to_uri, to_range
from .waiting import indexed_note

if TYPE_CHECKING:
    from .server import ClaimLanguageServer


def call_item(vault: Vault, note: Note, kinds: list[str] | None = None) -> lsp.CallHierarchyItem:
    assert vault.root is not None
    return lsp.CallHierarchyItem(
        name=note.title,
        kind=lsp.SymbolKind.File,
        uri=path_to_uri(vault.root / note.path),
        range=to_range(note, Span(0, 0, note.text_lines, 0)),
        selection_range=to_range(note, title_span(note)),
        detail=detail(note, kinds or ()) or None,
    )


async def prepare_call_hierarchy(
    ls: ClaimLanguageServer, params: lsp.CallHierarchyPrepareParams
) -> list[lsp.CallHierarchyItem] | None:
    found = await indexed_note(ls, params.text_document.uri)
    if found is None:
        return None
    vault, note = found
    target = prepare(vault, note, *from_position(note, params.position))
    return [call_item(vault, target)] if target is not None else None


async def call_hierarchy_incoming(
    ls: ClaimLanguageServer, params: lsp.CallHierarchyIncomingCallsParams
) -> list[lsp.CallHierarchyIncomingCall] | None:
    found = await indexed_note(ls, params.item.uri)
    if found is None:
        return None
    vault, note = found
    return [
        lsp.CallHierarchyIncomingCall(
            from_=call_item(vault, call.note, call.kinds), from_ranges=[to_range(call.note, s) for s in call.spans]
        )
        for call in incoming_calls(vault, note)
    ]


async def call_hierarchy_outgoing(
    ls: ClaimLanguageServer, params: lsp.CallHierarchyOutgoingCallsParams
) -> list[lsp.CallHierarchyOutgoingCall] | None:
    found = await indexed_note(ls, params.item.uri)
    if found is None:
        return None
    vault, note = found
    return [
        lsp.CallHierarchyOutgoingCall(
            to=call_item(vault, call.note, call.kinds), from_ranges=[to_range(note, s) for s in call.spans]
        )
        for call in outgoing_calls(vault, note)
    ]


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(lsp.TEXT_DOCUMENT_PREPARE_CALL_HIERARCHY)(prepare_call_hierarchy)
    ls.feature(lsp.CALL_HIERARCHY_INCOMING_CALLS)(call_hierarchy_incoming)
    ls.feature(lsp.CALL_HIERARCHY_OUTGOING_CALLS)(call_hierarchy_outgoing)
