"""Completion inside `[[...`: note titles ranked by the fuzzy index, or a note's headings
after `#`. Works the same in the body and in frontmatter link values."""

from __future__ import annotations

from dataclasses import dataclass

from .index import Vault
from .model import Note
from .parse import split_target

LIMIT = 50


@dataclass(slots=True)
class LinkContext:
    kind: str  # "title" or "heading"
    typed: str  # what was typed of the part being completed
    start: int  # column where the replaced text starts
    end: int  # column where it ends (past an existing `]]` when `replace_close`)
    replace_close: bool  # the replaced text includes the existing `]]`
    target: str = ""  # for headings: the note part of the link


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


def complete(
    vault: Vault, note_path: str, line: str, col: int, limit: int = LIMIT
) -> tuple[LinkContext, list[Item]] | None:
    ctx = link_context(line, col)
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
                new_text=text + close,
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
