"""Diagnostics of open notes, and what the client is asked to show again after a change.

Pushed (textDocument/publishDiagnostics) after each change, debounced, and only when they
differ from what the client was last sent for that document; or, for a client that pulls
them, answered to textDocument/diagnostic, with workspace/diagnostic/refresh asked when the
notes they depend on change. Inlay hints and code lenses are refreshed the same way. The
whole vault's (closed notes too): workspace_diagnostics.py, told of every change from here.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..checks import check_note
from ..workspace import Change, Workspace
from .convert import path_to_uri, to_diagnostic, uri_to_path
from .workspace_diagnostics import result_id

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.03
VIEW_REFRESH_SECONDS = 0.3  # inlay hints and code lenses, asked again once things settle


def diagnostics_for(state: Workspace, path: Path) -> list[lsp.Diagnostic]:
    found = state.note_at(path)
    if found is None:
        return []
    vault, note = found
    return [to_diagnostic(note, p) for p in check_note(note, vault)]


class Publisher:
    """The server's diagnostics of open notes, and refresh requests, for one client."""

    def __init__(self, ls: ClaimLanguageServer) -> None:
        self.ls = ls
        self._timers: dict[Path, asyncio.TimerHandle] = {}
        # uri -> (version, links checked, diagnostics) last sent: an exact repeat is not sent
        self._published: dict[str, tuple[int | None, bool, list[lsp.Diagnostic]]] = {}
        self._versions: dict[Path, int | None] = {}  # the client's version of each open document
        self._view_timer: asyncio.TimerHandle | None = None

    def set_version(self, path: Path, version: int | None) -> None:
        """The version of an open document, sent with its diagnostics."""
        self._versions[path] = version

    def version_of(self, path: Path) -> int | None:
        return self._versions.get(path)

    def schedule(self, path: Path, delay: float = DEBOUNCE_SECONDS) -> None:
        if self.ls.client_support.pull_diagnostics:
            return
        timer = self._timers.pop(path, None)
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_event_loop()
        self._timers[path] = loop.call_later(delay, self.publish, path)

    def publish(self, path: Path) -> None:
        self._timers.pop(path, None)
        if path not in self.ls.state.open_docs:
            return
        uri = path_to_uri(path)
        diagnostics = diagnostics_for(self.ls.state, path)
        version = self._versions.get(path)
        found = self.ls.state.locate(path)
        # sent again once links are checked (the vault read) even if unchanged: the client
        # learns the answer is complete (bench.py's indexed_diagnostics waits for it)
        sent = (version, found is None or found[0].indexed, diagnostics)
        if self._published.get(uri) == sent:
            return
        self._published[uri] = sent
        self.ls.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    def close(self, path: Path) -> None:
        """The document is closed: its diagnostics (if any were shown) are cleared."""
        self._versions.pop(path, None)
        timer = self._timers.pop(path, None)
        if timer is not None:
            timer.cancel()
        if self.ls.client_support.pull_diagnostics:
            return
        uri = path_to_uri(path)
        published = self._published.pop(uri, None)
        if self.ls.whole_vault.note_closed(uri, published[2] if published is not None else None):
            return  # its problems stay shown, as every closed note's (diagnostics.scope = "vault")
        if published is not None and published[2]:
            self.ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def refresh_all_open(self) -> None:
        self.ls.whole_vault.wake()
        if self.ls.client_support.pull_diagnostics:
            self.request_pull_refresh()
            return
        for path in list(self.ls.state.open_docs):
            self.schedule(path, 0)

    def indexing_ended(self) -> None:
        """What the client shows of open notes may be of a half-read vault (links not
        checked, inlay hints missing for notes not read, lenses resolved by an older client
        that did not wait): it is asked, once, for all of it again, as far as it takes such
        requests (ClientSupport)."""
        self.refresh_all_open()
        self.schedule_view_refresh(0)

    def request_pull_refresh(self) -> None:
        if self.ls.client_support.pull_refresh:
            try:
                self.ls.workspace_diagnostic_refresh(None)
            except Exception:
                log.exception("workspace/diagnostic/refresh failed")

    def after_change(self, change: Change | None, path: Path | None = None) -> None:
        """Re-check the changed note (if open) and the open notes linking to it."""
        if path is not None and path in self.ls.state.open_docs:
            self.schedule(path)
        self.ls.whole_vault.note_changed(change)
        if change is None:
            return
        if change.names or change.shown_elsewhere:
            self.schedule_view_refresh()
        linkers = self.ls.state.open_linkers(change)
        if not linkers:
            return
        if self.ls.client_support.pull_diagnostics:
            self.request_pull_refresh()
        else:
            for other in linkers:
                self.schedule(other)

    def schedule_view_refresh(self, delay: float = VIEW_REFRESH_SECONDS) -> None:
        """Ask the client to re-request inlay hints and code lenses (confidences shown after
        links, backlink counts), once things have settled."""
        if self._view_timer is not None:
            self._view_timer.cancel()
        self._view_timer = asyncio.get_event_loop().call_later(delay, self._refresh_views)

    def _refresh_views(self) -> None:
        self._view_timer = None
        client = self.ls.client_support
        try:
            if client.inlay_hint_refresh:
                self.ls.workspace_inlay_hint_refresh(None)
            if client.code_lens_refresh:
                self.ls.workspace_code_lens_refresh(None)
        except Exception:
            log.exception("refresh request failed")

    def stop(self) -> None:
        """No more publishing nor refreshing (shutdown)."""
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        if self._view_timer is not None:
            self._view_timer.cancel()


async def diagnostic(ls: ClaimLanguageServer, params: lsp.DocumentDiagnosticParams) -> lsp.DocumentDiagnosticReport:
    path = uri_to_path(params.text_document.uri)
    if path is None:
        return lsp.RelatedFullDocumentDiagnosticReport(items=[])
    found = ls.state.note_at(path)
    if found is not None and not found[0].indexed and not ls.client_support.pull_refresh:
        # links are checked once the vault is read, and this client cannot be asked to
        # pull again then (workspace/diagnostic/refresh): the answer waits for it
        await ls.until_indexed(found[0])
    items = diagnostics_for(ls.state, path)
    # the id workspace/diagnostic gives the same diagnostics: VS Code sends a document's own
    # result id back in its workspace pull, and without one the held pull was answered anew
    # (an open note's report "changed") every 2 s while an open note had problems
    rid = result_id(items) if items else None
    if rid is not None and params.previous_result_id == rid:
        return lsp.RelatedUnchangedDocumentDiagnosticReport(result_id=rid)
    return lsp.RelatedFullDocumentDiagnosticReport(items=items, result_id=rid)


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(
        lsp.TEXT_DOCUMENT_DIAGNOSTIC,
        # (workspace/diagnostic: workspace_diagnostics.py)
        lsp.DiagnosticOptions(identifier="claim-lsp", inter_file_dependencies=True, workspace_diagnostics=True),
    )(diagnostic)
