"""What the client said at initialize, read once: what it supports (its capabilities, deeply
nested and mostly optional) and the settings it sent (initializationOptions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lsprotocol import types as lsp

# clients nest their settings differently: {"claimLsp": {...}} (VS Code's section), or by the
# server's name; the keys inside are those of .claim-lsp.toml
SETTINGS_SECTIONS = ("claimLsp", "claim-lsp", "claim_lsp")


@dataclass(frozen=True)
class ClientSupport:
    """The client capabilities the server acts on; the default supports none of them."""

    pull_diagnostics: bool = False  # textDocument/diagnostic: nothing is pushed to such a client
    pull_refresh: bool = False  # workspace/diagnostic/refresh
    inlay_hint_refresh: bool = False  # workspace/inlayHint/refresh
    code_lens_refresh: bool = False  # workspace/codeLens/refresh
    work_done_progress: bool = False  # window/workDoneProgress/create
    resource_operations: tuple[str, ...] = ()  # file create / rename / delete in a WorkspaceEdit
    hover_formats: tuple[str, ...] | None = None  # MarkupKinds, the client's preferred first
    completion_doc_formats: tuple[str, ...] | None = None
    completion_label_details: bool = False  # a completion item's labelDetails are shown
    hierarchical_symbols: bool = False  # DocumentSymbol trees rather than SymbolInformation lists
    watched_files_registration: bool = False  # workspace/didChangeWatchedFiles registered dynamically

    @property
    def diagnostics_scope(self) -> str:
        """The default of `[diagnostics] scope` for this client. A client that pulls asks for
        the whole vault when it wants it (VS Code's Problems panel: workspace/diagnostic), so
        "vault" costs nothing until then. To a client that only takes pushes, "vault" would
        publish every note's problems unasked: Neovim makes a buffer of each file named,
        Emacs keeps them all, and at 100,000 notes that is some 24,000 files (bench/): "open"
        unless the vault's settings say otherwise."""
        return "vault" if self.pull_diagnostics else "open"

    @classmethod
    def of(cls, caps: lsp.ClientCapabilities) -> ClientSupport:
        td, ws, window = caps.text_document, caps.workspace, caps.window
        hover = td.hover if td is not None else None
        completion = td.completion if td is not None else None
        item = completion.completion_item if completion is not None else None
        symbols = td.document_symbol if td is not None else None
        edit = ws.workspace_edit if ws is not None else None
        return cls(
            pull_diagnostics=td is not None and td.diagnostic is not None,
            pull_refresh=_refresh(ws.diagnostics if ws is not None else None),
            inlay_hint_refresh=_refresh(ws.inlay_hint if ws is not None else None),
            code_lens_refresh=_refresh(ws.code_lens if ws is not None else None),
            work_done_progress=bool(window is not None and window.work_done_progress),
            resource_operations=tuple(edit.resource_operations or ()) if edit is not None else (),
            hover_formats=_formats(hover.content_format if hover is not None else None),
            completion_doc_formats=_formats(item.documentation_format if item is not None else None),
            completion_label_details=bool(item is not None and item.label_details_support),
            hierarchical_symbols=bool(symbols is not None and symbols.hierarchical_document_symbol_support),
            watched_files_registration=bool(
                ws is not None
                and ws.did_change_watched_files is not None
                and ws.did_change_watched_files.dynamic_registration
            ),
        )


def _refresh(caps: Any) -> bool:
    return bool(caps is not None and caps.refresh_support)


def _formats(formats: list[lsp.MarkupKind] | None) -> tuple[str, ...] | None:
    return tuple(formats) if formats is not None else None


@dataclass(frozen=True)
class Settings:
    """initializationOptions: the settings of .claim-lsp.toml, applied over it in every vault."""

    vault_options: dict[str, Any] = field(default_factory=dict)  # as load_config takes them
    errors: tuple[str, ...] = ()


def read_settings(options: Any) -> Settings:
    if options is None:
        return Settings()
    if not isinstance(options, dict):
        return Settings(errors=("initializationOptions: expected an object; ignored",))
    for key in SETTINGS_SECTIONS:
        if isinstance(options.get(key), dict):
            return Settings(vault_options=options[key])
    return Settings(vault_options=options)
