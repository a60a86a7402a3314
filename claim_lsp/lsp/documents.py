"""initialize / initialized, document sync, watched files and workspace folders."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..config import CONFIG_FILE
from ..scan import find_vault_root
from .capabilities import ClientSupport, read_settings
from .convert import uri_to_path

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

log = logging.getLogger(__name__)


def initialize(ls: ClaimLanguageServer, params: lsp.InitializeParams) -> None:
    ls.client_support = ClientSupport.of(params.capabilities)
    ls.settings = read_settings(params.initialization_options)
    for message in ls.settings.errors:
        ls.show_config_error(message)
    if not ls.client_support.watched_files_registration:
        # begun now, the watch is ready by the time `initialized` starts the indexing, which waits for it
        ls.watch_disk(lambda paths: files_changed(ls, paths), ls.vault_roots())


def initialized(ls: ClaimLanguageServer, params: lsp.InitializedParams) -> None:
    for root in ls.vault_roots():
        ls.start_vault(root)
    ls.whole_vault.start()
    if ls.client_support.watched_files_registration:
        options = lsp.DidChangeWatchedFilesRegistrationOptions(
            watchers=[
                lsp.FileSystemWatcher(glob_pattern="**/*.md"),
                lsp.FileSystemWatcher(glob_pattern=f"**/{CONFIG_FILE}"),
                # folders: VS Code reports a folder deleted or renamed as one event for the
                # folder, none for its notes, and only to a watcher whose glob matches it
                lsp.FileSystemWatcher(glob_pattern="**/*", kind=lsp.WatchKind.Create | lsp.WatchKind.Delete),
            ]
        )
        ls.client_register_capability(
            lsp.RegistrationParams(
                registrations=[
                    lsp.Registration(
                        id="claim-lsp-watch",
                        method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=options,
                    )
                ]
            )
        )


def ensure_vault(ls: ClaimLanguageServer, path: Path) -> None:
    """A file opened outside every workspace folder gets a vault of its own."""
    if ls.state.locate(path) is None:
        ls.start_vault(find_vault_root(path))


def did_open(ls: ClaimLanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
    path = uri_to_path(params.text_document.uri)
    if path is None:
        return
    ensure_vault(ls, path)
    ls.publisher.set_version(path, params.text_document.version)
    change = ls.state.set_text(path, params.text_document.text)
    ls.publisher.after_change(change, path)
    ls.root_warnings.note_opened(path)


def did_change(ls: ClaimLanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    path = uri_to_path(uri)
    if path is None:
        return
    if path not in ls.state.open_docs:
        log.warning("didChange for a document that is not open: %s", uri)
        return
    ls.publisher.set_version(path, params.text_document.version)
    text = ls.workspace.get_text_document(uri).source
    change = ls.state.set_text(path, text)
    ls.publisher.after_change(change, path)


def did_close(ls: ClaimLanguageServer, params: lsp.DidCloseTextDocumentParams) -> None:
    path = uri_to_path(params.text_document.uri)
    if path is None or path not in ls.state.open_docs:
        return
    ls.publisher.close(path)
    change = ls.state.close(path)
    ls.publisher.after_change(change)


def did_save(ls: ClaimLanguageServer, params: lsp.DidSaveTextDocumentParams) -> None:
    return None  # the open buffer is already indexed; saving changes nothing for us


def did_change_watched_files(ls: ClaimLanguageServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    ls.change_sets.report([event.uri for event in params.changes])  # (thousands, for a branch switch)


def files_changed(ls: ClaimLanguageServer, paths: list[Path]) -> None:
    """Files or folders created, changed or deleted on disk, as the client's watcher reports
    them or the server's own (watch.py): what the disk holds now is filed (disk_changes.py)."""
    ls.change_sets.report(paths)


def did_change_folders(ls: ClaimLanguageServer, params: lsp.DidChangeWorkspaceFoldersParams) -> None:
    for folder in params.event.removed:
        path = uri_to_path(folder.uri)
        if path is not None:
            ls.state.remove_vault(path)
    for folder in params.event.added:
        path = uri_to_path(folder.uri)
        if path is not None:
            ls.start_vault(path)
    ls.watch_vaults()
    ls.publisher.refresh_all_open()


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(lsp.INITIALIZE)(initialize)
    ls.feature(lsp.INITIALIZED)(initialized)
    ls.feature(lsp.TEXT_DOCUMENT_DID_OPEN)(did_open)
    ls.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    ls.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    ls.feature(lsp.TEXT_DOCUMENT_DID_SAVE)(did_save)
    ls.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched_files)
    ls.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)(did_change_folders)
