"""textDocument/codeAction: quick fixes for link and frontmatter problems, and a source
action fixing every case mismatch in the file.

The problems are recomputed from the index rather than read from the request's
diagnostics, so a client that drops diagnostic `data` still gets every fix; the client's
own diagnostic objects are attached to the actions when they match."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..checks import check_note
from ..code_actions import FIX_ALL, actions_for
from ..model import Note, Span
from .convert import from_position, to_diagnostic, to_range
from .edits import supports_file_ops, to_workspace_edit
from .waiting import indexed_note

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

KINDS = {"quickfix": lsp.CodeActionKind.QuickFix, FIX_ALL: lsp.CodeActionKind.SourceFixAll}


def eol_of(ls: ClaimLanguageServer, uri: str) -> str:
    """The line ending a document uses, so inserted lines match it."""
    try:
        lines = ls.workspace.get_text_document(uri).lines
    except OSError:
        return "\n"
    first = lines[0] if lines else ""
    return "\r\n" if first.endswith("\r\n") else "\r" if first.endswith("\r") else "\n"


def _wanted(kind: str, only: list[str] | None) -> bool:
    return only is None or any(kind == o or kind.startswith(o + ".") for o in only)


def _overlaps(span: Span, start: tuple[int, int], end: tuple[int, int]) -> bool:
    return (span.line, span.col) <= end and start <= (span.end_line, span.end_col)


def on_a_link(note: Note, rng: lsp.Range) -> bool:
    """Does the range touch a link? The fixes that create a note or retarget a link are
    there; those elsewhere change the note's own frontmatter, from what the note says."""
    start, end = from_position(note, rng.start), from_position(note, rng.end)
    return any(_overlaps(link.span, start, end) for link in note.links)


async def code_action(ls: ClaimLanguageServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
    uri = params.text_document.uri
    only = [str(k.value if hasattr(k, "value") else k) for k in params.context.only] if params.context.only else None
    found = ls.note_for(uri)
    if (
        found is not None
        and not ls.settled(found[0])
        and _wanted("quickfix", only)
        and on_a_link(found[1], params.range)
    ):
        # the waiting rule (waiting.py); not for source actions alone (fix all on save: the
        # save would wait), which fix nothing until the links are checked
        found = await indexed_note(ls, uri)
    if found is None:
        return None
    vault, note = found
    assert vault.root is not None
    root = vault.root
    start = from_position(note, params.range.start)
    end = from_position(note, params.range.end)
    problems = check_note(note, vault)
    here = [p for p in problems if _overlaps(p.span, start, end)]
    actions = actions_for(
        vault,
        note,
        here,
        problems,
        today=dt.date.today(),
        exists=lambda rel: (root / rel).exists(),
        eol=eol_of(ls, uri),
    )
    can_create = supports_file_ops(ls, lsp.ResourceOperationKind.Create)
    theirs = {(d.code, d.range.start.line, d.range.start.character): d for d in params.context.diagnostics}
    out = []
    for action in actions:
        kind = KINDS.get(action.kind, action.kind)
        if not _wanted(str(kind.value if hasattr(kind, "value") else kind), only):
            continue
        if action.change.creates and not can_create:
            continue
        diagnostics = []
        for p in action.problems:
            rng = to_range(note, p.span)
            diagnostics.append(theirs.get((p.code, rng.start.line, rng.start.character)) or to_diagnostic(note, p))
        out.append(
            lsp.CodeAction(
                title=action.title,
                kind=kind,
                diagnostics=diagnostics,
                is_preferred=action.preferred or None,
                edit=to_workspace_edit(ls, vault, action.change),
            )
        )
    return out or None


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.SourceFixAll]),
    )(code_action)
