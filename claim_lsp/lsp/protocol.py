"""Fixes to pygls: the protocol class the server runs with, and its stdio loop.

Nothing here knows about notes or vaults; the server (server.py) offers the protocol two
things, `stopping` (write nothing more) and `stop_background_work()`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from typing import Any, BinaryIO
from urllib.parse import unquote

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter, run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from .stdio import MessageReader

log = logging.getLogger(__name__)


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
      and it is the one encoding the domain layer converts to);
    - a notification's handler leaves nothing behind once done (see _execute_handler);
    - a $/cancelRequest for a request already answered is logged at debug level, not as a
      warning (see _handle_cancel_notification).
    """

    _server: BaseServer

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

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None):
        # pygls 2.1.1 files the future of every coroutine, thread or generator handler in
        # _request_futures, and only the reply to a request (_send_handler_result) takes it
        # out: a notification run by a generator (didOpen, didChange, didClose: pygls' own
        # handlers yield to ours), or an async one, and each step a generator yields to that
        # is not a plain function, stayed there for good (~2 KB a didChange). (Cancelled
        # futures are left: lsp_shutdown cancels them while iterating over the dict, and a
        # request's $/cancelRequest has taken its own out already.)
        def forget(future) -> None:
            if not future.cancelled() and self._request_futures.get(msg_id) is future:
                self._request_futures.pop(msg_id, None)
            callback(future)

        super()._execute_handler(msg_id, handler, forget, args, kwargs)

    def _handle_cancel_notification(self, msg_id):
        # A client cancels what it no longer wants (a completion overtaken by the next
        # keystroke) and the answer often crosses the cancellation on the wire: nothing is
        # wrong then, yet pygls warned "Cancel notification for unknown message id" each time,
        # filling the editor's output channel (VS Code shows the server's stderr there).
        if msg_id not in self._request_futures:
            log.debug("$/cancelRequest for %s, which is answered already", msg_id)
            return
        super()._handle_cancel_notification(msg_id)

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


class BaseServer(LanguageServer):
    """pygls' LanguageServer running ClaimProtocol, and reading stdin with stdio.py's reader."""

    def __init__(self, name: str, version: str) -> None:
        super().__init__(name, version, protocol_cls=ClaimProtocol)
        self.stopping = False  # exit received, or the client gone: write nothing more

    def stop_background_work(self) -> None:
        """Called on shutdown and exit; the server stops what it runs on its own."""

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
