"""textDocument/diagnostic (pull). Push happens in server.py after every change."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from .convert import uri_to_path

if TYPE_CHECKING:
    from .server import ClaimLanguageServer


def register(ls: ClaimLanguageServer) -> None:
    @ls.feature(
        lsp.TEXT_DOCUMENT_DIAGNOSTIC,
        lsp.DiagnosticOptions(identifier="claim-lsp", inter_file_dependencies=True, workspace_diagnostics=False),
    )
    async def diagnostic(ls: ClaimLanguageServer, params: lsp.DocumentDiagnosticParams) -> lsp.DocumentDiagnosticReport:
        path = uri_to_path(params.text_document.uri)
        if path is None:
            return lsp.RelatedFullDocumentDiagnosticReport(items=[])
        found = ls.state.note_at(path)
        if found is not None and not found[0].indexed and not ls.can_refresh_pulled_diagnostics():
            # links are checked once the vault is read, and this client cannot be asked to
            # pull again then (workspace/diagnostic/refresh): the answer waits for it
            while not found[0].indexed and not ls.shutting_down:
                await asyncio.sleep(0.05)
        return lsp.RelatedFullDocumentDiagnosticReport(items=ls.diagnostics_for(path))
