"""VaultChange -> WorkspaceEdit with versioned documentChanges.

Order: new files (CreateFile, never overwriting, then their text), edits to existing notes
(versioned when the editor has the note open, so an edit made against an outdated buffer is
refused by the client instead of corrupting it), and file renames last, so every text edit
names the file as it is before the renames.

Every note edited is checked against the text the edit will change: the editor's buffer
when the note is open, else the file, read again now. A replacement whose text is no longer
what it was planned on (edits.stale_replacement), or a file that cannot be read, refuses
the whole edit with a message naming the file: nothing is half applied. A file that changed
is filed again meanwhile, so the index takes what it holds and the next request can succeed.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException

from ..edits import Replace, VaultChange, stale_replacement
from ..index import Vault
from ..scan import read_text
from ..text import split_lines
from ..verify import refresh
from .convert import path_to_uri, to_range_in, uri_to_path

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

log = logging.getLogger(__name__)


class RequestFailed(JsonRpcException):
    """A request understood but refused (LSP RequestFailed); the message says why."""

    CODE = -32803
    MESSAGE = "Request failed"


def open_documents(ls: ClaimLanguageServer) -> dict[Path, tuple[str, int | None]]:
    """Absolute path -> (the client's URI, version) of every document open in the editor."""
    out: dict[Path, tuple[str, int | None]] = {}
    for uri, doc in ls.workspace.text_documents.items():
        path = uri_to_path(uri)
        if path is not None:
            out[path] = (doc.uri, doc.version)
    return out


def supports_file_ops(ls: ClaimLanguageServer, kind: lsp.ResourceOperationKind) -> bool:
    return kind in ls.client_support.resource_operations


def refresh_vault(ls: ClaimLanguageServer, vault: Vault) -> None:
    """Before a whole-vault edit (rename, file moves): the notes whose files changed, appeared
    or went on disk since they were read are read again, filed or dropped (verify.refresh), so
    the edit is planned on what the files hold. Not while the vault is being indexed: the
    loader is reading the disk then, and whole-vault requests wait for it to end."""
    if not vault.indexed:
        return
    began = time.perf_counter()
    done = refresh(ls.state, vault)
    for change in done.changes:
        ls.publisher.after_change(change)
    log.info(
        "%s: %d notes stamped, %d read again before an edit, in %.3f s",
        vault.root,
        done.listed,
        done.read,
        time.perf_counter() - began,
    )


def to_workspace_edit(ls: ClaimLanguageServer, vault: Vault, change: VaultChange) -> lsp.WorkspaceEdit:
    assert vault.root is not None
    root = vault.root
    opened = open_documents(ls)
    doc_changes: list[lsp.TextDocumentEdit | lsp.CreateFile | lsp.RenameFile | lsp.DeleteFile] = []

    def identifier(path: Path) -> lsp.OptionalVersionedTextDocumentIdentifier:
        uri, version = opened.get(path, (path_to_uri(path), None))
        return lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)

    for rel, text in change.creates:
        path = root / rel
        doc_changes.append(
            lsp.CreateFile(
                uri=path_to_uri(path), options=lsp.CreateFileOptions(overwrite=False, ignore_if_exists=False)
            )
        )
        start = lsp.Position(line=0, character=0)
        doc_changes.append(
            lsp.TextDocumentEdit(
                text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=path_to_uri(path), version=None),
                edits=[lsp.TextEdit(range=lsp.Range(start=start, end=start), new_text=text)],
            )
        )
    for rel in sorted(change.edits):
        replacements = change.edits[rel]
        if rel not in vault.notes or not replacements:
            continue
        path = root / rel
        lines = split_lines(_current_text(ls, vault, rel, opened))
        stale = stale_replacement(lines, replacements)
        if stale is not None:
            raise _refused_stale(ls, rel, path, stale, path in opened)
        ordered = sorted(replacements, key=lambda r: (r.span.line, r.span.col))
        doc_changes.append(
            lsp.TextDocumentEdit(
                text_document=identifier(path),
                edits=[lsp.TextEdit(range=to_range_in(lines, r.span), new_text=r.new_text) for r in ordered],
            )
        )
    for old, new in change.renames:
        doc_changes.append(
            lsp.RenameFile(
                old_uri=identifier(root / old).uri,
                new_uri=path_to_uri(root / new),
                options=lsp.RenameFileOptions(overwrite=False, ignore_if_exists=False),
            )
        )
    return lsp.WorkspaceEdit(document_changes=doc_changes)


def _current_text(ls: ClaimLanguageServer, vault: Vault, rel: str, opened: dict[Path, tuple[str, int | None]]) -> str:
    """The text an edit of the note changes: the editor's buffer when it is open, else the
    file's, read now; RequestFailed naming the file when it cannot be read."""
    assert vault.root is not None
    path = vault.root / rel
    if path in opened:
        return ls.workspace.get_text_document(opened[path][0]).source
    loaded = read_text(path, vault.config.max_file_bytes)
    if loaded.problem is not None and not loaded.text:  # (undecodable bytes replaced: still its text)
        if not path.exists() or path.is_dir():
            ls.publisher.after_change(ls.state.reload(path))  # gone: the index lets it go
        # (a file that cannot be read keeps what was read of it: its links still count)
        raise RequestFailed(
            f"Nothing was changed: {rel} changed on disk and could not be re-read (it {loaded.problem})"
        )
    return loaded.text


def _refused_stale(ls: ClaimLanguageServer, rel: str, path: Path, stale: Replace, is_open: bool) -> RequestFailed:
    span, text = stale.reads if stale.reads is not None else (stale.span, "")
    what = f'is no longer "{text}"' if text else "is past the end of the text"
    if is_open:
        why = "the document changed; try again"
    else:
        ls.publisher.after_change(ls.state.reload(path))  # the index takes what the file holds now
        why = "the file changed on disk; it has been read again, try again"
    return RequestFailed(f"Nothing was changed: the text at {rel}:{span.line + 1} {what} ({why})")
