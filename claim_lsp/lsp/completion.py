"""textDocument/completion: titles inside [[...]] and in the plain items of relation fields,
headings after #."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..completion import complete
from .convert import completion_item, from_position, to_position
from .frontmatter_edit import frontmatter_completion

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

KINDS = {
    "note": lsp.CompletionItemKind.File,
    "alias": lsp.CompletionItemKind.Reference,
    "heading": lsp.CompletionItemKind.Reference,
}


def register(ls: ClaimLanguageServer) -> None:
    @ls.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["[", "#", "|"]))
    def completion(ls: ClaimLanguageServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        empty = lsp.CompletionList(is_incomplete=True, items=[])
        found = ls.note_for(params.text_document.uri)
        if found is None:
            return empty
        vault, note = found
        line_no, col = from_position(note, params.position)
        line = ls.line_text(params.text_document.uri, line_no)
        result = complete(vault, note.path, line, col, line_no=line_no)
        if result is None:
            return frontmatter_completion(vault, note, line_no, line, col, _documentation_formats(ls)) or empty
        ctx, items = result
        rng = lsp.Range(start=to_position(note, line_no, ctx.start), end=to_position(note, line_no, ctx.end))
        formats = _documentation_formats(ls)
        out = [
            completion_item(
                item.label,
                KINDS[item.kind],
                rng,
                item.new_text,
                formats,
                item.detail,
                item.documentation,
                item.sort_text,
                item.filter_text,
            )
            for item in items
        ]
        return lsp.CompletionList(is_incomplete=True, items=out)


def _documentation_formats(ls: ClaimLanguageServer) -> list | None:
    td = ls.client_capabilities.text_document
    item = td.completion.completion_item if td is not None and td.completion is not None else None
    return item.documentation_format if item is not None else None
