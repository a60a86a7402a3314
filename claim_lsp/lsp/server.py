"""The language server: lifecycle, document sync, background indexing, diagnostics.

Feature handlers live one per module (completion.py, definition.py, hover.py, ...), each
registering itself on the server; they get state from here, call a pure function from the
domain package and convert the result.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter, run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from .. import __version__, cache
from ..checks import check_note
from ..config import CONFIG_FILE, load_config
from ..index import Vault
from ..model import Note
from ..scan import walk_notes
from ..workers import MIN_NOTES, ParsePool, listed_as
from ..workspace import Change, Workspace
from .convert import path_to_uri, to_diagnostic, uri_to_path
from .stdio import MessageReader

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.03
BATCH = 200  # notes read (or received from the workers) per step
FILE_BATCH = 5000  # notes filed between two looks at the requests


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
        self.spawn(self.index_vault(vault))
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

    async def index_vault(self, vault: Vault) -> None:
        """Read every note in worker threads, a batch at a time, and add it on the event
        loop so that requests are answered between batches."""
        assert vault.root is not None
        root, config = vault.root, vault.config
        loop = asyncio.get_running_loop()
        self.indexing += 1
        token = await self._progress_begin(f"Indexing {root.name}")
        began = time.perf_counter()
        try:
            attachments: set[str] = set()
            fresh: dict[str, cache.Entry] = {}
            with cache.bulk_load():
                paths: list[str] | None = None
                stamps = None
                listing = None
                if self.pool is not None and cache.cache_file(root).exists():
                    # a worker lists the folder and stamps the files while this process reads
                    # the cache (a listing in a thread here would wait on the unpickling, which
                    # holds the interpreter); when the folder holds just the cached notes, the
                    # cache's own paths are the listing (at 100,000 notes ~0.15 s sooner, and
                    # no copy of the paths beside the notes while they are read)
                    listing = self.pool.listing(root, config)
                cached, tables = await loop.run_in_executor(None, cache.load_with_tables, root, config.limits)
                found = await loop.run_in_executor(None, listing) if listing is not None else None
                if found is not None and cached and listed_as(cached, found):
                    paths, stamps = list(cached), found[3]
                    attachments = found[2]
                    log.info("%s: listed by a worker, as cached", root)
                if paths is None:  # (no cache, or notes added, removed or renamed since)
                    paths = await loop.run_in_executor(None, lambda: list(walk_notes(root, config, attachments)))
                    if cached and self.pool is not None and len(paths) >= MIN_NOTES:
                        stamps = await loop.run_in_executor(None, self.pool.stamps(root, paths))
                vault.set_attachments(attachments)
                total = len(paths)
                log.info(
                    "%s: %d notes listed, %d cached, in %.2f s", root, total, len(cached), time.perf_counter() - began
                )
                items = await loop.run_in_executor(None, cache.stat_notes, root, paths, cached, stamps)
                del paths  # (the notes from the cache hold their own path strings: see stat_notes)
                reader = cache.notes_of(root, items, config, fresh, self.pool)  # the workers start now
                # what is known at once is filed first: the notes unchanged since the cache
                # (with the tables built from them, when saved), and the titles of the rest;
                # completion works before a single note is read (link checks wait: Vault.indexed)
                if tables is not None:
                    cache.restore_tables(vault, tables, items)
                    self.state.refile_open(vault)  # the editor's text over the saved notes
                # completions between two batches search the titles filed so far as one text,
                # rather than rebuild the word index each time; it is built once, by the first
                # query after them (built here, it held up the indexing by ~0.3 s at 100,000)
                vault.ranker.deferred = True
                for start in range(0, len(items), FILE_BATCH):
                    batch = items[start : start + FILE_BATCH]
                    # (a changed note keeps its old version meanwhile)
                    vault.put_placeholders([rel for rel, _, note in batch if note is None])
                    if tables is None:
                        open_now = self.state.open_in(vault)  # (documents may have opened meanwhile)
                        for rel, _, note in batch:
                            if note is not None and rel not in open_now:
                                vault.put(note)
                    await asyncio.sleep(0)  # requests are answered meanwhile
                    if vault not in self.state.vaults or self.shutting_down:
                        return
                vault.ranker.deferred = False
                log.info(
                    "%s: titles filed at %.2f s (%d notes from the cache)",
                    root,
                    time.perf_counter() - began,
                    len(items) - sum(1 for item in items if item[2] is None),
                )
                self.refresh_all_open()
                done = 0
                reported = 0  # the percentage last reported (begin reported 0)
                misses = [i for i, item in enumerate(items) if item[2] is None]
                if tables is not None and not misses and len(items) == len(cached):
                    fresh = cached  # nothing changed since the cache: nothing to read or save
                    done = total
                while done < total:
                    # a batch of BATCH notes to read (or receive from the workers) at a time,
                    # in a thread, with the cached notes before and between them
                    k = bisect.bisect_left(misses, done) + BATCH - 1
                    end = misses[k] + 1 if k < len(misses) else total
                    notes = await loop.run_in_executor(None, lambda n=end - done: list(itertools.islice(reader, n)))
                    if vault not in self.state.vaults or self.shutting_down:
                        return  # the folder was removed meanwhile, or the client is leaving
                    if not notes:
                        break
                    open_now = self.state.open_in(vault)
                    for note in notes:
                        if vault.notes.get(note.path) is not note and note.path not in open_now:
                            vault.put(note)  # (a cached note was filed above)
                    done += len(notes)
                    percentage = done * 100 // max(total, 1)
                    if percentage != reported:  # (one a batch: 500 messages at 100,000 notes)
                        reported = percentage
                        self._progress_report(token, f"{done}/{total} notes", percentage)
            vault.indexed = True
            is_stale = cache.stale(cached, fresh, tables)
            if is_stale:
                vault.refresh_popularity()
            log.info(
                "%s: %d notes indexed in %.2f s (%d from the cache)",
                root,
                len(vault),
                time.perf_counter() - began,
                len(cached),
            )
            if is_stale:
                self.spawn(self._save_cache(root, config.limits, fresh, cache.tables_of(vault, fresh)))
            self.log_client(f"claim-lsp: indexed {len(vault)} notes in {root}")
        except asyncio.CancelledError:
            log.info("indexing %s stopped", root)
            return
        except Exception:
            log.exception("indexing %s failed", root)
            self.log_client(f"claim-lsp: indexing {root} failed; see the server log", lsp.MessageType.Error)
        finally:
            vault.indexed = True  # (after a failure: links are checked against what was read)
            vault.ranker.deferred = False
            self.indexing -= 1
            self._progress_end(token)
            self.spawn(self._build_word_index(vault))
            if not self.indexing and self.pool is not None:
                # the first indexing is done: the workers' memory is given back (a vault
                # added later is parsed in-process)
                pool, self.pool = self.pool, None
                loop.run_in_executor(None, pool.terminate if self.shutting_down else pool.close)
        self.refresh_all_open()

    async def _build_word_index(self, vault: Vault) -> None:
        """The completion ranker's word index, built once indexing is over (and the
        indexing's own objects are freed), not by the first completion asked after it:
        ~0.6 s at 100,000 titles, which that completion waited for. (A broken link in an open
        note built it already, for its suggestions.)"""
        await asyncio.sleep(0)
        if vault in self.state.vaults and not self.shutting_down:
            vault.ranker.prepare()

    async def _save_cache(self, root: Path, limits, entries: dict, tables=None) -> None:
        pid = cache.save_in_child(root, limits, entries, tables)
        if pid is not None:
            # reaped by polling, not by a thread blocked in waitpid (exit would wait for it)
            try:
                while not os.waitpid(pid, os.WNOHANG)[0]:
                    await asyncio.sleep(0.1)
            except ChildProcessError:
                pass  # reaped already
            return
        for _ in cache.save_steps(root, limits, entries, tables):
            if self.shutting_down:
                return
            await asyncio.sleep(0)  # let requests through between chunks

    async def _progress_begin(self, title: str) -> str | None:
        caps = self.client_capabilities.window
        if caps is None or not caps.work_done_progress:
            return None
        token = f"claim-lsp-index-{id(title)}-{len(self._tasks)}"
        try:
            await asyncio.wait_for(self.work_done_progress.create_async(token), timeout=2)
            self.work_done_progress.begin(token, lsp.WorkDoneProgressBegin(title=title, percentage=0))
        except Exception:
            return None
        return token

    def _progress_report(self, token: str | None, message: str, percentage: int) -> None:
        if token is not None:
            self.work_done_progress.report(token, lsp.WorkDoneProgressReport(message=message, percentage=percentage))

    def _progress_end(self, token: str | None) -> None:
        if token is not None:
            try:
                self.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message="done"))
            except Exception:
                pass

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
        call_hierarchy,
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
        call_hierarchy,
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
