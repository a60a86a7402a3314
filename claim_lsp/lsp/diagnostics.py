"""textDocument/diagnostic (pull). Push happens in server.py after every change."""

from __future__ import annotations

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
    def diagnostic(ls: ClaimLanguageServer, params: lsp.DocumentDiagnosticParams) -> lsp.DocumentDiagnosticReport:
        path = uri_to_path(params.text_document.uri)
        items = ls.diagnostics_for(path) if path is not None else []
        return lsp.RelatedFullDocumentDiagnosticReport(items=items)
