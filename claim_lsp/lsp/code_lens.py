"""textDocument/codeLens on the H1: "N backlinks (+K possible) · M depend on this · K challenge
it" (code_lens.py; the backlinks worded as the hover words them), counted only when the client
resolves the lens (codeLens/resolve), so listing lenses costs nothing.

Clicking runs the command `claim-lsp.showReferences` with arguments
[uri, position, locations] (the shape of VS Code's `editor.action.showReferences`, which
the VS Code extension maps it to). Editors that send it back to the server through
workspace/executeCommand get the locations as the result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from lsprotocol.converters import get_converter

from ..code_lens import lens_title
from ..model import Span
from ..references import references
from .convert import from_position, location, to_range
from .waiting import indexed_note

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

SHOW_REFERENCES = "claim-lsp.showReferences"
_converter = get_converter()


def lens_span(note) -> Span:
    if note.h1 is not None:
        return note.h1.span
    line = note.frontmatter.body_line
    return Span(line, 0, line, 0)


def code_lens(ls: ClaimLanguageServer, params: lsp.CodeLensParams) -> list[lsp.CodeLens] | None:
    found = ls.note_for(params.text_document.uri)
    if found is None:
        return None
    _vault, note = found
    return [lsp.CodeLens(range=to_range(note, lens_span(note)), data={"uri": params.text_document.uri})]


async def code_lens_resolve(ls: ClaimLanguageServer, lens: lsp.CodeLens) -> lsp.CodeLens:
    uri = lens.data.get("uri") if isinstance(lens.data, dict) else None
    found = await indexed_note(ls, uri) if isinstance(uri, str) else None
    if found is None:
        lens.command = lsp.Command(title="no longer indexed", command="")
        return lens
    vault, note = found
    assert vault.root is not None
    sure, maybe = vault.inbound(note)
    locations = [_converter.unstructure(location(vault.root, src, link.span)) for src, link in sure + maybe]
    position = _converter.unstructure(lens.range.start)
    lens.command = lsp.Command(
        title=lens_title(vault, note, sure, maybe), command=SHOW_REFERENCES, arguments=[uri, position, locations]
    )
    return lens


async def show_references(ls, *args):  # no annotations: pygls reads them to convert the arguments
    """[uri, position, locations] -> the locations (recomputed when not given)."""
    if len(args) >= 3 and isinstance(args[2], list):
        return args[2]  # (resolved by code_lens_resolve, which waited for the index)
    if not args or not isinstance(args[0], str):
        return []
    found = await indexed_note(ls, args[0])
    if found is None:
        return []
    vault, note = found
    assert vault.root is not None
    line, col = 0, 0
    if len(args) >= 2 and isinstance(args[1], dict):
        pos = _converter.structure(args[1], lsp.Position)
        line, col = from_position(note, pos)
    else:
        span = lens_span(note)
        line, col = span.line, span.col
    return [
        _converter.unstructure(location(vault.root, src, link.span)) for src, link in references(vault, note, line, col)
    ]


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=True))(code_lens)
    ls.feature(lsp.CODE_LENS_RESOLVE)(code_lens_resolve)
    ls.command(SHOW_REFERENCES)(show_references)
