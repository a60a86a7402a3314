"""VaultChange -> WorkspaceEdit with versioned documentChanges.

Order: new files (CreateFile, never overwriting, then their text), edits to existing notes
(versioned when the editor has the note open, so an edit made against an outdated buffer is
refused by the client instead of corrupting it), and file renames last, so every text edit
names the file as it is before the renames.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException

from ..edits import VaultChange
from ..index import Vault
from .convert import path_to_uri, to_range, uri_to_path

if TYPE_CHECKING:
    from .server import ClaimLanguageServer


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
        note = vault.notes.get(rel)
        if note is None or not replacements:
            continue
        ordered = sorted(replacements, key=lambda r: (r.span.line, r.span.col))
        doc_changes.append(
            lsp.TextDocumentEdit(
                text_document=identifier(root / rel),
                edits=[lsp.TextEdit(range=to_range(note, r.span), new_text=r.new_text) for r in ordered],
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
