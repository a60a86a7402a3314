"""textDocument/foldingRange: the frontmatter and every section."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..symbols import FRONTMATTER, folding_ranges
from .symbols import document_lines

if TYPE_CHECKING:
    from .server import ClaimLanguageServer


def folding_range(ls: ClaimLanguageServer, params: lsp.FoldingRangeParams) -> list[lsp.FoldingRange] | None:
    uri = params.text_document.uri
    found = ls.note_for(uri)
    if found is None:
        return None
    _vault, note = found
    # whole lines only: every client folds lines, and line numbers need no UTF-16 care
    return [
        lsp.FoldingRange(
            start_line=start,
            end_line=end,
            kind=lsp.FoldingRangeKind.Imports if kind == FRONTMATTER else lsp.FoldingRangeKind.Region,
        )
        for start, end, kind in folding_ranges(note, document_lines(ls, uri))
    ]


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(lsp.TEXT_DOCUMENT_FOLDING_RANGE)(folding_range)
