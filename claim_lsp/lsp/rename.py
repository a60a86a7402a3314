"""textDocument/prepareRename, textDocument/rename and workspace/willRenameFiles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..rename import RenameError, expand_moves, follow_moves, rename, rename_target
from .convert import from_position, to_range, uri_to_path
from .edits import RequestFailed, refresh_vault, supports_file_ops, to_workspace_edit
from .waiting import indexed_note, whole_vault

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

NOTHING_HERE = "Nothing to rename here: put the cursor on a [[link]], the H1 or a heading"


async def target_at(ls: ClaimLanguageServer, uri: str, position: lsp.Position):
    found = await indexed_note(ls, uri)
    if found is None:
        raise RequestFailed("This file is not a note of an indexed vault")
    vault, note = found
    line, col = from_position(note, position)
    try:
        target = rename_target(vault, note, line, col, ls.line_text(uri, line))
    except RenameError as exc:
        raise RequestFailed(str(exc)) from None
    return vault, note, target


async def prepare_rename(ls: ClaimLanguageServer, params: lsp.PrepareRenameParams):
    vault, note, target = await target_at(ls, params.text_document.uri, params.position)
    if target is None:
        return None
    return lsp.PrepareRenamePlaceholder(range=to_range(note, target.span), placeholder=target.placeholder)


async def rename_symbol(ls: ClaimLanguageServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit:
    found = await indexed_note(ls, params.text_document.uri)  # (waits while the vault is indexed)
    if found is not None:
        refresh_vault(ls, found[0])  # (files changed on disk since they were read: read again)
    vault, _note, target = await target_at(ls, params.text_document.uri, params.position)
    if target is None:
        raise RequestFailed(NOTHING_HERE)
    if target.kind == "note" and not supports_file_ops(ls, lsp.ResourceOperationKind.Rename):
        raise RequestFailed(
            "Renaming a note renames its file, and this editor does not accept file renames in an edit: "
            "rename the file itself instead (links follow when the editor sends workspace/willRenameFiles)"
        )
    assert vault.root is not None
    root = vault.root
    try:
        change = rename(vault, target, params.new_name, lambda rel: (root / rel).exists())
    except RenameError as exc:
        raise RequestFailed(str(exc)) from None
    return to_workspace_edit(ls, vault, change)


async def will_rename_files(ls: ClaimLanguageServer, params: lsp.RenameFilesParams) -> lsp.WorkspaceEdit | None:
    olds = [path for item in params.files if (path := uri_to_path(item.old_uri)) is not None]
    await whole_vault(ls, {found[0] for path in olds if (found := ls.state.locate(path)) is not None})
    changes: dict[int, tuple] = {}
    for item in params.files:
        old, new = uri_to_path(item.old_uri), uri_to_path(item.new_uri)
        if old is None:
            continue
        found = ls.state.locate(old)
        if found is None:
            continue
        vault, old_rel = found
        if id(vault) not in changes:
            refresh_vault(ls, vault)  # (files changed on disk since they were read: read again)
        new_rel = None
        if new is not None:
            new_found = ls.state.locate(new)
            if new_found is not None and new_found[0] is vault:
                new_rel = new_found[1]
        entry = changes.setdefault(id(vault), (vault, []))
        entry[1].extend(expand_moves(vault, old_rel, new_rel))
    edits = []
    for vault, moves in changes.values():
        change = follow_moves(vault, moves)
        if change:
            edits.append(to_workspace_edit(ls, vault, change))
    if not edits:
        return None
    out: list = []  # several vaults: one edit holding every vault's changes
    for edit in edits:
        out.extend(edit.document_changes or [])
    return lsp.WorkspaceEdit(document_changes=out)


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)(prepare_rename)
    ls.feature(lsp.TEXT_DOCUMENT_RENAME)(rename_symbol)
    ls.feature(
        lsp.WORKSPACE_WILL_RENAME_FILES,
        lsp.FileOperationRegistrationOptions(
            filters=[
                lsp.FileOperationFilter(
                    scheme="file",
                    pattern=lsp.FileOperationPattern(glob="**/*.md", matches=lsp.FileOperationPatternKind.File),
                ),
                lsp.FileOperationFilter(
                    scheme="file",
                    pattern=lsp.FileOperationPattern(glob="**", matches=lsp.FileOperationPatternKind.Folder),
                ),
            ]
        ),
    )(will_rename_files)
