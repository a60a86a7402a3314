"""Completion of the plain items of relation fields (`depends_on: ["cheap la`): where the
item being typed starts and ends, read as YAML reads it, and the title written back as a YAML
item. completion.py ranks the titles, as for links."""

from __future__ import annotations

import re
from typing import NamedTuple

from .edits import as_yaml_item, in_yaml_quotes
from .index import Vault
from .model import Note
from .schema import relations_of


class ItemAt(NamedTuple):
    """The plain item being typed: what was typed of it, where it starts and ends, its quote,
    whether it is inside [...], and whether its quote is still open (the answer closes it)."""

    typed: str
    start: int
    end: int
    quote: str | None = None
    flow: bool = False
    close_quote: bool = False


def item_at(vault: Vault, note: Note, line_no: int, line: str, col: int) -> ItemAt | None:
    """The plain item of one of the note's relation fields being typed at col, if any: a
    quoted or unquoted item of a list (block or [...]), or the field's value itself."""
    fm = note.frontmatter
    if fm.span is None or not 0 < line_no < fm.span.end_line:
        return None
    key = fm.key_of_line(line_no)
    if key is None or key not in relations_of(vault.config, note.meta.get("type")):
        return None
    key_span = fm.key_span(key)
    first = 0
    if key_span is not None and key_span.line == line_no:
        first = line.find(":", key_span.end_col) + 1
        if not first or col < first:
            return None  # on the key itself
    col = max(0, min(col, len(line)))
    found = _item_at(line, first, col)
    if found is None:
        return None
    start, quote, flow = found
    if quote is not None:
        close = _QUOTE_END[quote].match(line, col)
        end = close.end() - 1 if close is not None else col  # (unclosed: the answer closes it)
        return ItemAt(line[start:col], start, end, quote, flow, close is None)
    rest = line[start:]
    stop = len(rest)
    for sep in (",", "]", " #") if flow else (" #",):
        at = rest.find(sep, col - start)
        if at != -1:
            stop = min(stop, at)
    end = start + len(rest[:stop].rstrip())
    return ItemAt(line[start:col], start, max(end, col), None, flow)


# from the cursor to the closing quote of the item it is in (None when it is not closed)
_QUOTE_END = {'"': re.compile(r'(?:[^"\\]|\\.)*"'), "'": re.compile(r"(?:[^']|'')*'")}


def _item_at(line: str, i: int, col: int) -> tuple[int, str | None, bool] | None:
    """(where the item under col starts, inside its quote; the quote; inside [...]), reading
    the YAML value from column i; None when col is not in an item (after a closing quote, in
    a comment)."""
    depth = 0
    quote: str | None = None
    start: int | None = None  # the current item's start, once one has begun
    after = False  # just after a closed quoted item
    n = len(line)
    while i < col:
        c = line[i]
        if quote is not None:
            if quote == '"' and c == "\\":
                i += 2
                continue
            if c == quote:
                if quote == "'" and i + 1 < n and line[i + 1] == "'":
                    i += 2
                    continue
                quote, start, after = None, None, True
            i += 1
            continue
        if start is not None:  # in an unquoted item
            if depth and c in ",]":
                start = None
            elif c == "#" and line[i - 1] in " \t":
                return None
            else:
                i += 1
                continue
        if c in " \t":
            pass
        elif c == "[":
            depth, after = depth + 1, False
        elif c == "]" or c == ",":
            depth, after = depth - (c == "]"), False
        elif c == "-" and not depth and (i + 1 == n or line[i + 1] in " \t"):
            after = False
        elif after or c == "#":
            return None
        elif c in "'\"":
            quote, start = c, i + 1
        else:
            start = i
        i += 1
    if quote is not None:
        return start, quote, depth > 0
    if start is not None:
        return start, None, depth > 0
    if after or (i > 0 and line[i - 1] not in " \t[,") or line[i : i + 1] not in ("", " ", "\t", "]", ","):
        return None  # right after a closed item, or in the middle of something else
    return col, None, depth > 0


def as_item(text: str, quote: str | None, flow: bool, close_quote: bool) -> str:
    """A title written as the plain item being completed: escaped for its quotes (and the
    quote closed when it is not yet), or bare, quoted when YAML would read it otherwise."""
    if quote is None:
        return as_yaml_item(text, flow)
    return in_yaml_quotes(text, quote) + (quote if close_quote else "")
