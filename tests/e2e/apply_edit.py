"""Apply a WorkspaceEdit the way an editor would: documentChanges in order, text edits with
UTF-16 ranges, CreateFile and RenameFile honouring their overwrite options. Buffers of
open documents (uri -> text) are edited in place of the files, as an editor edits its
unsaved buffers; every other document is read from and written back to disk."""

from __future__ import annotations

import re
from pathlib import Path

from lsprotocol import types as lsp
from pygls.uris import to_fs_path

_NEWLINE = re.compile(r"\r\n|\r|\n")


def path_of(uri: str) -> Path:
    return Path(to_fs_path(uri))


def read_file(path: Path) -> str:
    """The file's text with its line endings as they are."""
    return path.read_bytes().decode("utf-8")


def offset(text: str, position: lsp.Position) -> int:
    starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    assert position.line < len(starts), f"line {position.line} is past the end"
    start = starts[position.line]
    end = starts[position.line + 1] if position.line + 1 < len(starts) else len(text)
    line = _NEWLINE.sub("", text[start:end])
    units = 0
    for i, ch in enumerate(line):
        if units >= position.character:
            return start + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return start + len(line)


def apply_text_edits(text: str, edits: list[lsp.TextEdit]) -> str:
    spans = sorted(((offset(text, e.range.start), offset(text, e.range.end), e.new_text) for e in edits), reverse=True)
    for (_, b, _), (c, _, _) in zip(spans[1:], spans):
        assert b <= c, "overlapping text edits"
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    return text


def apply_workspace_edit(edit: lsp.WorkspaceEdit, buffers: dict[str, str] | None = None) -> None:
    buffers = buffers if buffers is not None else {}
    assert edit.changes is None, "expected documentChanges only"
    for change in edit.document_changes or []:
        if isinstance(change, lsp.CreateFile):
            path = path_of(change.uri)
            overwrite = bool(change.options and change.options.overwrite)
            if path.exists() and not overwrite:
                raise FileExistsError(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("", encoding="utf-8")
        elif isinstance(change, lsp.RenameFile):
            old, new = path_of(change.old_uri), path_of(change.new_uri)
            overwrite = bool(change.options and change.options.overwrite)
            if new.exists() and not overwrite and new.resolve() != old.resolve():
                raise FileExistsError(new)
            new.parent.mkdir(parents=True, exist_ok=True)
            old.rename(new)
            if change.old_uri in buffers:
                buffers[change.new_uri] = buffers.pop(change.old_uri)
        elif isinstance(change, lsp.TextDocumentEdit):
            uri = change.text_document.uri
            if uri in buffers:
                buffers[uri] = apply_text_edits(buffers[uri], change.edits)
            else:
                path = path_of(uri)
                text = read_file(path)
                path.write_text(apply_text_edits(text, change.edits), encoding="utf-8", newline="")
        else:
            raise AssertionError(f"unexpected change {change!r}")
