"""The language server: lifecycle, document sync, background indexing, diagnostics.

Feature handlers live one per module (completion.py, definition.py, hover.py, ...), each
registering itself on the server; they get state from here, call a pure function from the
domain package and convert the result.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter, run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from .. import __version__
from ..checks import check_note
from ..index import Vault
from ..model import Note
from ..schema import CONFIG_FILE, load_config
from ..workers import ParsePool
from ..workspace import Change, Workspace
from .convert import path_to_uri, to_diagnostic, uri_to_path
from .indexing import index_vault
from .stdio import MessageReader

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.03


class _Ignored:
    """A message that could not be read; already answered with an error."""

    jsonrpc = None


class ClaimProtocol(LanguageServerProtocol):
    """Fixes to pygls' protocol:

    - didChange for a document that is not open is logged and ignored (pygls raised KeyError
      and showed the user an error);
    - after shutdown, indexing stops, and after exit nothing more is written;
    - a request without a `params` member (allowed by JSON-RPC) is read as params = null;
    - a request whose params fail to deserialize (a negative `character`, say) gets a
      JSON-RPC InvalidParams error reply, instead of no reply at all;
    - positions are UTF-16 whatever else the client offers (every client must support it,
      and it is the one encoding the domain layer converts to).
    """

    def structure_message(self, data: dict[str, Any]):
        if isinstance(data, dict) and "method" in data and "jsonrpc" in data and "params" not in data:
            data["params"] = None  # JSON-RPC lets a request omit params; pygls 2.1 requires the member
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "id" in data and "method" in data:
                detail = _leaf_errors(exc.__cause__)
                log.warning("%s: params could not be read%s", data.get("method"), detail)
                self._send_response(
                    data["id"],
                    error=lsp.ResponseError(code=exc.code, message=f"{exc.message} for {data.get('method')}{detail}"),
                )
            return _Ignored()

    def handle_message(self, message):
        if isinstance(message, _Ignored):
            return
        return super().handle_message(message)

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams):
        if unquote(params.text_document.uri) not in self.workspace.text_documents:  # pygls' own keys
            log.warning("didChange for a document that is not open: %s; ignored", params.text_document.uri)
            return
        yield from super().lsp_text_document__did_change(params)

    def _send_data(self, data):
        if self._server.stopping:
            return  # the client has gone (exit, or stdout closed): nothing more to say
        super()._send_data(data)

    @lsp_method(lsp.SHUTDOWN)
    def lsp_shutdown(self, *args):
        self._server.stop_background_work()
        return (yield from super().lsp_shutdown(*args))

    @lsp_method(lsp.EXIT)
    def lsp_exit(self, *args):
        self._server.stop_background_work()
        self._server.stopping = True
        return (yield from super().lsp_exit(*args))

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams):
        if params.capabilities.general is not None:
            params.capabilities.general.position_encodings = [lsp.PositionEncodingKind.Utf16]
        return (yield from super().lsp_initialize(params))


def _leaf_errors(exc: BaseException | None) -> str:
    """The innermost messages of a cattrs validation error group."""
    if exc is None:
        return ""
    leaves: list[str] = []
    stack = [exc]
    while stack:
        item = stack.pop()
        children = getattr(item, "exceptions", None)
        if children:
            stack.extend(children)
        else:
            leaves.append(str(item))
    return ": " + "; ".join(dict.fromkeys(leaves))


class ClaimLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("claim-lsp", __version__, protocol_cls=ClaimProtocol)
        self.state = Workspace()
        self.options: dict[str, Any] = {}
        self.pull_diagnostics = False
        self.indexing = 0  # vaults being indexed
        self._timers: dict[Path, asyncio.TimerHandle] = {}
        self._published: dict[str, list[lsp.Diagnostic]] = {}
        self._versions: dict[Path, int | None] = {}
        self._tasks: set[asyncio.Task] = set()
        self._view_timer: asyncio.TimerHandle | None = None
        self.shutting_down = False  # shutdown received: stop background work
        self.stopping = False  # exit received: write nothing more
        self.pool: ParsePool | None = None  # worker processes, until the first indexing ends

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """pygls' start_io (its _start_io_async), with a reader that takes one thread hop a
        message instead of three (stdio.py): requests are read sooner while indexing."""
        self._stop_event = threading.Event()  # (pygls' shutdown() sets it: run_async ends)
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        reader = MessageReader(stdin or sys.stdin.buffer, self.thread_pool)
        try:
            asyncio.run(
                run_async(
                    stop_event=self._stop_event,
                    reader=reader,
                    protocol=self.protocol,
                    logger=log,
                    error_handler=self.report_server_error,
                )
            )
        except BrokenPipeError:
            log.error("the connection to the client is lost; shutting down")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    # ---- helpers used by the feature modules -----------------------------------------
    def note_for(self, uri: str) -> tuple[Vault, Note] | None:
        path = uri_to_path(uri)
        if path is None:
            return None
        return self.state.note_at(path)

    def line_text(self, uri: str, line: int) -> str:
        doc = self.workspace.get_text_document(uri)
        lines = doc.lines
        if 0 <= line < len(lines):
            return lines[line].rstrip("\r\n")
        return ""

    def log_client(self, message: str, kind: lsp.MessageType = lsp.MessageType.Info) -> None:
        try:
            self.window_log_message(lsp.LogMessageParams(type=kind, message=message))
        except Exception:  # no client yet (tests) or the stream is gone
            log.info("%s", message)

    # ---- vaults ---------------------------------------------------------------------
    def vault_roots(self) -> list[Path]:
        roots = []
        for folder in self.workspace.folders.values():
            path = uri_to_path(folder.uri)
            if path is not None:
                roots.append(path)
        if not roots and self.workspace.root_uri:
            path = uri_to_path(self.workspace.root_uri)
            if path is not None:
                roots.append(path)
        return roots

    def start_vault(self, root: Path) -> Vault:
        config = load_config(root, self.options)
        for message in config.errors:
            self.show_config_error(message)
        vault = self.state.add_vault(root, config)
        vault.indexed = False  # link checks wait for every note to be read
        self.spawn(index_vault(self, vault))
        return vault

    def show_config_error(self, message: str) -> None:
        log.warning("configuration: %s", message)
        try:
            self.window_show_message(
                lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=f"claim-lsp: {message}")
            )
        except Exception:
            pass

    def stop_background_work(self) -> None:
        self.shutting_down = True
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        if self._view_timer is not None:
            self._view_timer.cancel()
        for task in list(self._tasks):
            task.cancel()

    def spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ---- diagnostics ---------------------------------------------------------------------
    def diagnostics_for(self, path: Path) -> list[lsp.Diagnostic]:
        found = self.state.note_at(path)
        if found is None:
            return []
        vault, note = found
        return [to_diagnostic(note, p) for p in check_note(note, vault)]

    def schedule_diagnostics(self, path: Path, delay: float = DEBOUNCE_SECONDS) -> None:
        if self.pull_diagnostics:
            return
        timer = self._timers.pop(path, None)
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_event_loop()
        self._timers[path] = loop.call_later(delay, self.publish_diagnostics, path)

    def publish_diagnostics(self, path: Path) -> None:
        self._timers.pop(path, None)
        if path not in self.state.open_docs:
            return
        uri = path_to_uri(path)
        diagnostics = self.diagnostics_for(path)
        version = self._versions.get(path)
        self._published[uri] = diagnostics
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    def clear_diagnostics(self, path: Path) -> None:
        timer = self._timers.pop(path, None)
        if timer is not None:
            timer.cancel()
        if self.pull_diagnostics:
            return
        uri = path_to_uri(path)
        if self._published.pop(uri, None):
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def refresh_all_open(self) -> None:
        if self.pull_diagnostics:
            self.request_pull_refresh()
            return
        for path in list(self.state.open_docs):
            self.schedule_diagnostics(path, 0)

    def schedule_view_refresh(self, delay: float = 0.3) -> None:
        """Ask the client to re-request inlay hints and code lenses (confidences shown after
        links, backlink counts), once things have settled."""
        if self._view_timer is not None:
            self._view_timer.cancel()
        self._view_timer = asyncio.get_event_loop().call_later(delay, self._refresh_views)

    def _refresh_views(self) -> None:
        self._view_timer = None
        ws = self.client_capabilities.workspace
        if ws is None:
            return
        try:
            if ws.inlay_hint is not None and ws.inlay_hint.refresh_support:
                self.workspace_inlay_hint_refresh(None)
            if ws.code_lens is not None and ws.code_lens.refresh_support:
                self.workspace_code_lens_refresh(None)
        except Exception:
            log.exception("refresh request failed")

    def can_refresh_pulled_diagnostics(self) -> bool:
        ws = self.client_capabilities.workspace
        return bool(ws is not None and ws.diagnostics is not None and ws.diagnostics.refresh_support)

    def request_pull_refresh(self) -> None:
        if self.can_refresh_pulled_diagnostics():
            try:
                self.workspace_diagnostic_refresh(None)
            except Exception:
                log.exception("workspace/diagnostic/refresh failed")

    def after_change(self, change: Change | None, path: Path | None = None) -> None:
        """Re-check the changed note (if open) and the open notes linking to it."""
        if path is not None and path in self.state.open_docs:
            self.schedule_diagnostics(path)
        if change is None:
            return
        if change.names or change.shown_elsewhere:
            self.schedule_view_refresh()
        linkers = self.state.open_linkers(change)
        if not linkers:
            return
        if self.pull_diagnostics:
            self.request_pull_refresh()
        else:
            for other in linkers:
                self.schedule_diagnostics(other)


def create_server() -> ClaimLanguageServer:
    from . import (
        code_actions,
        code_lens,
        completion,
        definition,
        diagnostics,
        documents,
        folding,
        hover,
        inlay_hints,
        references,
        rename,
        status,
        symbols,
    )

    ls = ClaimLanguageServer()
    for module in (
        documents,
        diagnostics,
        completion,
        definition,
        hover,
        references,
        status,
        rename,
        code_actions,
        symbols,
        folding,
        code_lens,
        inlay_hints,
    ):
        module.register(ls)
    return ls


def serve(tcp: bool = False, host: str = "127.0.0.1", port: int = 2087, pool: ParsePool | None = None) -> int:
    """Serve until exit. pool: worker processes for the first indexing (see workers.py)."""
    ls = create_server()
    ls.pool = pool
    try:
        if tcp:
            ls.start_tcp(host, port)
        else:
            ls.start_io()
    finally:
        if ls.pool is not None:
            ls.pool.terminate()
    return 0


__all__ = ["ClaimLanguageServer", "create_server", "serve", "CONFIG_FILE"]
