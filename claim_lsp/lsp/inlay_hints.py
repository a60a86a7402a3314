"""textDocument/inlayHint: the linked claim's confidence after each resolved link
(switched off by the setting `inlay_hints = false`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..inlay_hints import confidence_hints
from .convert import to_position

if TYPE_CHECKING:
    from .server import ClaimLanguageServer


def inlay_hint(ls: ClaimLanguageServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint] | None:
    found = ls.note_for(params.text_document.uri)
    if found is None:
        return None
    vault, note = found
    if not vault.config.inlay_hints:
        return []
    hints = confidence_hints(vault, note, params.range.start.line, params.range.end.line)
    return [
        lsp.InlayHint(
            position=to_position(note, h.line, h.col),
            label=h.label,
            padding_left=True,
            tooltip=h.tooltip,
        )
        for h in hints
    ]


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(lsp.TEXT_DOCUMENT_INLAY_HINT)(inlay_hint)
