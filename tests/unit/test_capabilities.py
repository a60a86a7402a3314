"""lsp/capabilities.py: the client's capabilities and settings, read once at initialize."""

from __future__ import annotations

from lsprotocol import types as lsp

from claim_lsp.lsp.capabilities import ClientSupport, Settings, read_settings


def test_settings_nested_or_not():
    flat = {"severity": {"broken-link": "off"}}
    assert read_settings(flat).vault_options is flat  # (given to load_config as they came)
    for section in ("claimLsp", "claim-lsp", "claim_lsp"):
        assert read_settings({section: flat}) == Settings(vault_options=flat)
    assert read_settings(None) == Settings()
    assert read_settings({}) == Settings()
    # a section that is not an object is not one: the whole is read (and its keys reported unknown)
    assert read_settings({"claimLsp": "yes"}).vault_options == {"claimLsp": "yes"}


def test_settings_not_an_object():
    for options in (["severity"], "severity", 3):
        settings = read_settings(options)
        assert settings.vault_options == {}
        assert settings.errors == ("initializationOptions: expected an object; ignored",)


def test_a_client_saying_nothing_supports_nothing():
    assert ClientSupport.of(lsp.ClientCapabilities()) == ClientSupport()
    empty = lsp.ClientCapabilities(
        text_document=lsp.TextDocumentClientCapabilities(
            hover=lsp.HoverClientCapabilities(),
            completion=lsp.CompletionClientCapabilities(completion_item=lsp.ClientCompletionItemOptions()),
        ),
        workspace=lsp.WorkspaceClientCapabilities(
            workspace_edit=lsp.WorkspaceEditClientCapabilities(),
            diagnostics=lsp.DiagnosticWorkspaceClientCapabilities(),
        ),
        window=lsp.WindowClientCapabilities(),
    )
    assert ClientSupport.of(empty) == ClientSupport()


def test_what_a_client_supports():
    caps = lsp.ClientCapabilities(
        text_document=lsp.TextDocumentClientCapabilities(
            diagnostic=lsp.DiagnosticClientCapabilities(),
            hover=lsp.HoverClientCapabilities(content_format=[lsp.MarkupKind.PlainText]),
            document_symbol=lsp.DocumentSymbolClientCapabilities(hierarchical_document_symbol_support=True),
        ),
        workspace=lsp.WorkspaceClientCapabilities(
            workspace_edit=lsp.WorkspaceEditClientCapabilities(resource_operations=[lsp.ResourceOperationKind.Create]),
            diagnostics=lsp.DiagnosticWorkspaceClientCapabilities(refresh_support=True),
            code_lens=lsp.CodeLensWorkspaceClientCapabilities(refresh_support=True),
            did_change_watched_files=lsp.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True),
        ),
        window=lsp.WindowClientCapabilities(work_done_progress=True),
    )
    assert ClientSupport.of(caps) == ClientSupport(
        pull_diagnostics=True,
        pull_refresh=True,
        code_lens_refresh=True,
        work_done_progress=True,
        resource_operations=(lsp.ResourceOperationKind.Create,),
        hover_formats=(lsp.MarkupKind.PlainText,),
        hierarchical_symbols=True,
        watched_files_registration=True,
    )


def test_the_default_diagnostics_scope_follows_how_the_client_takes_diagnostics():
    # a client that pulls asks for the whole vault when it wants it; one that only takes
    # pushes would be sent every note's problems unasked
    assert ClientSupport(pull_diagnostics=True).diagnostics_scope == "vault"
    assert ClientSupport().diagnostics_scope == "open"
