"""Frontmatter keys and values for textDocument/completion, and what the schema says of a
key for textDocument/hover. Called by completion.py and hover.py when the cursor is not in
a link; registers nothing itself."""

from __future__ import annotations

import datetime as dt

from lsprotocol import types as lsp

from ..frontmatter_edit import complete_frontmatter, hover_key, in_frontmatter, key_at
from ..index import Vault
from ..model import Note
from .convert import completion_item, from_position, markup, takes_markdown, to_position, to_range

KINDS = {
    "key": lsp.CompletionItemKind.Property,
    "value": lsp.CompletionItemKind.EnumMember,
    "tag": lsp.CompletionItemKind.Keyword,
}


def frontmatter_completion(
    vault: Vault, note: Note, line_no: int, line: str, col: int, formats: list | None
) -> lsp.CompletionList | None:
    if not in_frontmatter(note, line_no):
        return None
    items = complete_frontmatter(vault, note, line_no, line, col, dt.date.today())
    if not items:
        return None
    out = [
        completion_item(
            item.label,
            KINDS[item.kind],
            lsp.Range(start=to_position(note, line_no, item.start), end=to_position(note, line_no, item.end)),
            item.new_text,
            formats,
            item.detail,
            item.documentation,
            item.sort_text,
        )
        for item in items
    ]
    # the vault's tags come TAG_LIMIT at a time, those matching what is typed: asked again as it grows
    return lsp.CompletionList(is_incomplete=any(item.kind == "tag" for item in items), items=out)


def frontmatter_key_hover(vault: Vault, note: Note, position: lsp.Position, formats: list | None) -> lsp.Hover | None:
    line, col = from_position(note, position)
    key = key_at(note, line, col)
    if key is None:
        return None
    text = hover_key(vault.config, note, key)
    if text is None:
        return None
    if not takes_markdown(formats):
        text = text.replace("**", "").replace("`", "")
    return lsp.Hover(contents=markup(formats, text), range=to_range(note, note.frontmatter.keys[key]))
