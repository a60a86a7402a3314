"""textDocument/completion: titles inside [[...]] and in the plain items of relation fields,
headings after #."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..completion import Item, complete
from ..model import Note
from .convert import completion_item, from_position, to_position
from .frontmatter_edit import frontmatter_completion

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

KINDS = {
    "note": lsp.CompletionItemKind.File,
    "alias": lsp.CompletionItemKind.Reference,
    "heading": lsp.CompletionItemKind.Reference,
    "block": lsp.CompletionItemKind.Reference,
}


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
        return (
            frontmatter_completion(vault, note, line_no, line, col, ls.client_support.completion_doc_formats) or empty
        )
    ctx, items = result
    rng = lsp.Range(start=to_position(note, line_no, ctx.start), end=to_position(note, line_no, ctx.end))
    formats = ls.client_support.completion_doc_formats
    folders = ls.client_support.completion_label_details
    out = [_item(note, line_no, rng, item, formats, folders) for item in items]
    return lsp.CompletionList(is_incomplete=True, items=out)


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["[", "#", "|"]))(completion)


def _item(
    note: Note, line_no: int, rng: lsp.Range, item: Item, formats: tuple[str, ...] | None, label_details: bool
) -> lsp.CompletionItem:
    """An item; its folder beside the label where the client shows labelDetails (in the
    detail in any case), and the edit to the link's title, if any, as an additional edit."""
    out = completion_item(
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
    if item.folder and label_details:
        out.label_details = lsp.CompletionItemLabelDetails(description=item.folder)
    if item.target_edit is not None:
        start, end, text = item.target_edit
        edit_range = lsp.Range(start=to_position(note, line_no, start), end=to_position(note, line_no, end))
        out.additional_text_edits = [lsp.TextEdit(range=edit_range, new_text=text)]
    return out
