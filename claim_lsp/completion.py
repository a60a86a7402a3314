"""Completion inside `[[...`: note titles ranked by the fuzzy index, or a note's headings
after `#`. Works the same in the body and in frontmatter link values, and for the plain
items of relation fields (`depends_on: ["cheap la`), which get the bare title, quoted as
YAML needs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .edits import as_yaml_item, in_yaml_quotes
from .index import Vault
from .model import Note
from .parse import split_target
from .schema import relations_of

LIMIT = 50


@dataclass(slots=True)
class LinkContext:
    kind: str  # "title", "heading", or "item" (a plain item of a relation field)
    typed: str  # what was typed of the part being completed
    start: int  # column where the replaced text starts
    end: int  # column where it ends (past an existing `]]` when `replace_close`)
    replace_close: bool  # the replaced text includes the existing `]]`
    target: str = ""  # for headings: the note part of the link
    quote: str | None = None  # for items: the YAML quote the item is in
    flow: bool = False  # for items: inside [...]
    close_quote: bool = False  # for items: the quote is not closed on the line (the answer closes it)


@dataclass(slots=True)
class Item:
    label: str
    new_text: str
    kind: str  # "note", "alias" or "heading"
    detail: str = ""
    documentation: str = ""
    sort_text: str = ""
    filter_text: str = ""
    path: str = ""


def link_context(line: str, col: int) -> LinkContext | None:
    """The link being typed at col, if any."""
    col = max(0, min(col, len(line)))
    before = line[:col]
    open_at = before.rfind("[[")
    if open_at == -1 or "]]" in before[open_at:]:
        return None
    inner = before[open_at + 2 :]
    if "|" in inner:
        return None  # typing the shown text: nothing to complete
    after = line[col:]
    # the rest of the current part, up to a separator or the end of the link
    rest = len(after)
    for stop in ("]]", "|", "#", "[["):
        at = after.find(stop)
        if at != -1:
            rest = min(rest, at)
    closes = after[rest : rest + 2] == "]]"
    if "#" in inner:
        target, typed = inner.split("#", 1)
        start = open_at + 2 + len(target) + 1
        kind = "heading"
    else:
        target, typed, start, kind = "", inner, open_at + 2, "title"
    if closes:
        return LinkContext(kind, typed, start, col + rest + 2, True, target.strip())
    if rest < len(after) and after[rest] in "|#":
        return LinkContext(kind, typed, start, col + rest, False, target.strip())
    # no closing brackets ahead: replace only what was typed and close the link
    return LinkContext(kind, typed, start, col, True, target.strip())


def note_detail(note: Note) -> str:
    parts = [note.field_text(k) for k in ("type", "domain", "confidence")]
    return " · ".join(p for p in parts if p)


def item_context(vault: Vault, note: Note, line_no: int, line: str, col: int) -> LinkContext | None:
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
        return LinkContext(
            "item", line[start:col], start, end, False, quote=quote, flow=flow, close_quote=close is None
        )
    rest = line[start:]
    stop = len(rest)
    for sep in (",", "]", " #") if flow else (" #",):
        at = rest.find(sep, col - start)
        if at != -1:
            stop = min(stop, at)
    end = start + len(rest[:stop].rstrip())
    return LinkContext("item", line[start:col], start, max(end, col), False, flow=flow)


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


def _as_item(ctx: LinkContext, text: str) -> str:
    """A title written as the plain item being completed: escaped for its quotes (and the
    quote closed when it is not yet), or bare, quoted when YAML would read it otherwise."""
    if ctx.quote is None:
        return as_yaml_item(text, ctx.flow)
    return in_yaml_quotes(text, ctx.quote) + (ctx.quote if ctx.close_quote else "")


def complete(
    vault: Vault, note_path: str, line: str, col: int, limit: int = LIMIT, line_no: int | None = None
) -> tuple[LinkContext, list[Item]] | None:
    """Titles (or headings) for the link being typed at col; with line_no, also for a plain
    item of one of the note's relation fields."""
    ctx = link_context(line, col)
    if ctx is None and line_no is not None:
        note = vault.notes.get(note_path)
        ctx = item_context(vault, note, line_no, line, col) if note is not None else None
    if ctx is None:
        return None
    if ctx.kind == "heading":
        return ctx, _headings(vault, note_path, ctx)
    items = []
    close = "]]" if ctx.replace_close else ""
    for n, ranked in enumerate(vault.ranker.rank(ctx.typed, limit, exclude=None)):
        entry = ranked.entry
        note = vault.notes.get(entry.path)
        if note is None:
            continue
        text = entry.text
        if not entry.alias:
            res = vault.resolve(text, note_path)
            if res.note is None or res.note.path != note.path:
                text = note.path[:-3]  # the title alone would not reach this note: link by path
        items.append(
            Item(
                label=entry.text,
                new_text=_as_item(ctx, text) if ctx.kind == "item" else text + close,
                kind="alias" if entry.alias else "note",
                detail=(f"alias of {note.title} · " if entry.alias else "") + note_detail(note),
                documentation=note.field_text("description"),
                sort_text=f"{n:04d}",
                filter_text=f"{ctx.typed} {entry.text}" if ctx.typed else entry.text,
                path=note.path,
            )
        )
    return ctx, items


def _headings(vault: Vault, note_path: str, ctx: LinkContext) -> list[Item]:
    if ctx.target:
        res = vault.resolve(split_target(ctx.target)[0], note_path)
        target = res.note
    else:
        target = vault.notes.get(note_path)  # [[#heading]] links into the same note
    if target is None:
        return []
    close = "]]" if ctx.replace_close else ""
    typed = ctx.typed.strip().casefold()
    items = []
    for n, h in enumerate(target.headings):
        if typed and typed not in h.text.casefold():
            continue
        items.append(
            Item(
                label=h.text,
                new_text=h.text + close,
                kind="heading",
                detail=f"{'#' * h.level} in {target.title}",
                sort_text=f"{n:04d}",
                filter_text=f"{ctx.typed} {h.text}" if ctx.typed else h.text,
                path=target.path,
            )
        )
    return items
