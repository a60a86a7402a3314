"""The language server's state and lifecycle: the vaults of the workspace, each indexed in
the background (and watched on disk by the server itself when the client cannot watch
files), and that background work stopped on shutdown.

Elsewhere in this package: pygls' fixes (protocol.py), what the client supports and sent
(capabilities.py), diagnostics and refresh requests (diagnostics.py), and the handlers, one
module per feature (documents.py, completion.py, hover.py, ...), each registering itself on
the server; a handler gets state from here, calls a pure function from the domain package
and converts the result.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from lsprotocol import types as lsp

from .. import __version__
from ..config import CONFIG_FILE, load_config
from ..index import Vault
from ..load import Loader
from ..model import Note
from ..watch import FolderWatcher
from ..workers import ParsePool
from ..workspace import Workspace
from .capabilities import ClientSupport, Settings
from .convert import uri_to_path
from .diagnostics import Publisher
from .disk_changes import ChangeSets
from .indexing import index_vault
from .protocol import BaseServer
from .roots import RootWarnings
from .workspace_diagnostics import WholeVault

log = logging.getLogger(__name__)

WATCH_READY_SECONDS = 10  # indexing waits at most this long for the server's own watch to begin


class ClaimLanguageServer(BaseServer):
    """One client's session."""

    def __init__(self) -> None:
        super().__init__("claim-lsp", __version__)
        self.state = Workspace()
        self.client_support = ClientSupport()  # (read at initialize)
        self.settings = Settings()
        self.indexing = 0  # vaults being indexed
        self.publisher = Publisher(self)
        self.whole_vault = WholeVault(self)  # (its changes come through the publisher)
        self.root_warnings = RootWarnings(self)
        self._tasks: set[asyncio.Task] = set()
        self._indexed: dict[Vault, asyncio.Event] = {}  # set when the vault's indexing ends
        self.loaders: dict[Vault, Loader] = {}  # the loader of each vault being indexed (its progress)
        self.change_sets = ChangeSets(self)  # changes on disk reported, filed in the background
        self.shutting_down = False  # shutdown received: stop background work
        self.pool: ParsePool | None = None  # worker processes, until the first indexing ends
        self.watcher: FolderWatcher | None = None  # the server's own, when the client cannot watch files

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
        config = load_config(root, self.settings.vault_options)
        was = next((v for v in self.state.vaults if v.root == root), None)
        if was is not None:
            # open already (a folder added again, or first opened as a file's vault): indexed
            # or being indexed, and kept up with the disk since. A second indexing would run
            # beside the first, and the requests waiting for the first would wait in vain.
            if config != was.config:
                self.state.add_vault(root, config)
                for message in config.errors:
                    self.show_config_error(message)
                self.publisher.refresh_all_open()
            return was
        for message in config.errors:
            self.show_config_error(message)
        vault = self.state.add_vault(root, config)
        self.watch_vaults()
        vault.indexed = False  # link checks wait for every note to be read
        self._indexed[vault] = asyncio.Event()
        self.spawn(index_vault(self, vault))
        self.root_warnings.vault_started(vault)
        return vault

    def mark_indexed(self, vault: Vault) -> None:
        """The vault's indexing has ended (done, stopped or failed): links are checked now."""
        vault.indexed = True
        self.loaders.pop(vault, None)
        event = self._indexed.pop(vault, None)
        if event is not None:
            event.set()

    async def until_indexed(self, vault: Vault) -> None:
        """Until the vault's indexing has ended, or the server is shutting down."""
        event = self._indexed.get(vault)
        if event is not None and not vault.indexed:
            await event.wait()

    def settled(self, vault: Vault) -> bool:
        """Is every note of the vault read, and every change on disk reported so far filed?
        (A whole-vault answer is complete then: waiting.py.)"""
        return vault.indexed and self.change_sets.settled

    async def until_settled(self, vault: Vault) -> None:
        """Until the vault is indexed and the changes on disk reported meanwhile are filed, or
        the server is shutting down."""
        await self.until_indexed(vault)
        await self.change_sets.until_settled()

    # ---- the server's own watch over the disk -------------------------------------------
    def watch_disk(self, on_changes, roots: list[Path]) -> None:
        """Watch these folders, then the vaults' (a client that cannot watch files); the
        changes are handed to on_changes(paths) on the event loop."""
        loop = asyncio.get_running_loop()

        def handed_over(paths: list[Path]) -> None:  # (in the watcher's thread)
            if not self.shutting_down:
                try:
                    loop.call_soon_threadsafe(on_changes, paths)
                except RuntimeError:
                    pass  # the loop is closed: the server is leaving

        self.watcher = FolderWatcher(handed_over)
        self.watcher.watch(roots)

    def watch_vaults(self) -> None:
        """The server's own watch (if any) follows the vaults added and removed."""
        if self.watcher is not None and not self.shutting_down:
            self.watcher.watch(v.root for v in self.state.vaults if v.root is not None)

    async def until_watched(self) -> None:
        """Until the server's own watch (if any) covers the vaults, so that whatever changes
        after a folder is listed is seen (bounded: past it, the watch may miss those)."""
        watcher = self.watcher
        if watcher is None:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WATCH_READY_SECONDS
        while not watcher.ready.is_set() and not self.shutting_down:
            if loop.time() > deadline:
                log.warning("the watch over %s has not begun yet; indexing anyway", watcher.roots)
                return
            await asyncio.sleep(0.01)
        if watcher.error is not None:
            self.log_client(
                f"claim-lsp: cannot watch the vault for changes on disk ({watcher.error})", lsp.MessageType.Warning
            )

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
        self.publisher.stop()
        if self.watcher is not None:
            self.watcher.stop()
        for task in list(self._tasks):
            task.cancel()
        for event in self._indexed.values():
            event.set()  # (a pull waiting for the indexing is answered with what was read)

    def spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


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
        graph,
        hover,
        inlay_hints,
        references,
        rename,
        status,
        symbols,
        workspace_diagnostics,
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
        workspace_diagnostics,
        graph,
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
        if ls.watcher is not None:
            ls.watcher.stop()  # (exit without shutdown, or the client gone)
    return 0


__all__ = ["ClaimLanguageServer", "create_server", "serve", "CONFIG_FILE"]
