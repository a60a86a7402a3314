"""Completion inside `[[...`: note titles ranked by the fuzzy index, or a note's headings
after `#` (its block ids after `#^`). Works the same in the body and in frontmatter link values, and for the plain items of
relation fields (`depends_on: ["cheap la`), which get the bare title, quoted as YAML needs.

Notes that share a title (a `_map` in every folder) are told apart by their folder, and the
one the link would resolve to comes first (resolution rule 5: the linking note's folder,
then the longest shared folder prefix); what is inserted is the title when it reaches the
chosen note, else the shortest path that does. Typed with a `/`, the part before the last
`/` narrows the titles to that folder (rule 2: a suffix of the path, or `./` and `../`)."""

from __future__ import annotations

from dataclasses import dataclass

from .completion_items import as_item, item_at
from .edits import in_yaml_quotes
from .index import AMBIGUOUS, Vault
from .linktext import lowered, read_quoted
from .model import Note
from .parse import split_target, yaml_quote_at
from .rank import Ranked
from .resolve import shared_folder_depth
from .text import split_lines

LIMIT = 50
ROOT_FOLDER = "/"  # how the vault's root is shown as a note's folder


@dataclass(slots=True)
class LinkContext:
    kind: str  # "title", "heading" (a block id too: the heading part starts with ^), or "item" (a plain item of a relation field)
    typed: str  # what was typed of the part being completed
    start: int  # column where the replaced text starts
    end: int  # column where it ends (past the existing closing brackets when `replace_close`)
    replace_close: bool  # the inserted text ends the link with `]]` (replacing any there)
    target: str = ""  # for headings: the note part of the link
    tail: str = ""  # `#heading` or `|shown` kept between the completed part and the closing brackets
    target_col: int = 0  # for headings: the column where the note part starts
    quote: str | None = None  # the YAML quote the item (or a frontmatter link) is in
    flow: bool = False  # for items: inside [...]
    close_quote: bool = False  # for items: the quote is not closed on the line (the answer closes it)


@dataclass(slots=True)
class Item:
    label: str
    new_text: str
    kind: str  # "note", "alias", "heading" or "block"
    detail: str = ""
    documentation: str = ""
    sort_text: str = ""
    filter_text: str = ""
    path: str = ""
    # the note's folder, shown beside the label where the label alone does not tell notes apart
    folder: str = ""
    # another edit on the line, (start, end, text): a heading of one of several notes sharing
    # the title written in the link rewrites that title to a path reaching the chosen note
    target_edit: tuple[int, int, str] | None = None


def link_context(line: str, col: int) -> LinkContext | None:
    """The link being typed at col, if any."""
    col = max(0, min(col, len(line)))
    before = line[:col]
    open_at = before.rfind("[[")
    if open_at == -1 or "]" in before[open_at:]:
        return None  # no link open, or the cursor is past its (partial) closing brackets
    inner = before[open_at + 2 :]
    if "|" in inner:
        return None  # typing the shown text: nothing to complete
    after = line[col:]
    quote = line[open_at - 1] if open_at > 0 and line[open_at - 1] in "\"'" else None
    if quote is not None and quote in after:
        # `"[[x"]` (a link in a YAML string): the link ends before the quote, a ] past it is YAML's
        after = after[: after.index(quote)]
    # the rest of the current part, up to a separator, a bracket or the end of the line
    rest = len(after)
    for stop in ("]", "|", "#", "["):
        at = after.find(stop)
        if at != -1:
            rest = min(rest, at)
    if "#" in inner:
        target, typed = inner.split("#", 1)
        start = open_at + 2 + len(target) + 1
        kind = "heading"
    else:
        target, typed, start, kind = "", inner, open_at + 2, "title"

    def context(end: int, replace_close: bool, tail: str = "") -> LinkContext:
        return LinkContext(kind, typed, start, end, replace_close, target.strip(), tail, open_at + 2)

    if after[rest : rest + 1] == "]":
        # `]]`, or a lone `]` (a closing half typed): replaced, so the link ends in one `]]`
        return context(col + rest + (2 if after[rest : rest + 2] == "]]" else 1), True)
    if after[rest : rest + 1] in ("|", "#"):
        close = after.find("]", rest)
        if close != -1 and after[close : close + 2] != "]]" and "[" not in after[rest:close]:
            # `[[x|shown]`: the shown text (or heading) is kept and the link closed
            return context(col + close + 1, True, after[rest:close])
        return context(col + rest, False)
    # no closing brackets ahead: replace only what was typed and close the link
    return context(col, True)


def note_detail(note: Note) -> str:
    parts = [note.field_text(k) for k in ("type", "domain", "confidence")]
    return " · ".join(p for p in parts if p)


def folder_of(note: Note) -> str:
    return note.folder or ROOT_FOLDER


def complete(
    vault: Vault, note_path: str, line: str, col: int, limit: int = LIMIT, line_no: int | None = None
) -> tuple[LinkContext, list[Item]] | None:
    """Titles (or headings) for the link being typed at col; with line_no, also for a plain
    item of one of the note's relation fields."""
    ctx = link_context(line, col)
    if ctx is not None and line_no is not None:
        _read_as_yaml(ctx, vault.notes.get(note_path), line_no, line)
    elif ctx is None and line_no is not None:
        note = vault.notes.get(note_path)
        item = item_at(vault, note, line_no, line, col) if note is not None else None
        ctx = (
            LinkContext("item", *item[:3], False, quote=item.quote, flow=item.flow, close_quote=item.close_quote)
            if item is not None
            else None
        )
    if ctx is None:
        return None
    if ctx.kind == "heading":
        return ctx, _headings(vault, note_path, ctx)
    close = ctx.tail + ("]]" if ctx.replace_close else "")
    folder, name = typed_folder(ctx.typed)
    paths = folder_notes(vault, note_path, folder) if folder is not None else None
    if paths:
        ranked = vault.ranker.rank_among(name, paths, limit)
        prefix = folder  # a path link: what is inserted keeps the folder typed
    else:
        ranked = vault.ranker.rank(ctx.typed, limit, exclude=None)
        prefix = paths = None
    items = []
    for entry_text, alias, note in _grouped(vault, note_path, ranked, prefix, paths, limit):
        shared = not alias and len(vault.titled(lowered(note.title))) > 1
        folder_shown = folder_of(note) if shared or prefix is not None else ""
        text = link_text(vault, note_path, note, entry_text, prefix)
        detail = [folder_shown, f"alias of {note.title}" if alias else "", note_detail(note)]
        items.append(
            Item(
                label=entry_text,
                new_text=as_item(text, ctx.quote, ctx.flow, ctx.close_quote)
                if ctx.kind == "item"
                else in_yaml_quotes(text, ctx.quote) + close,
                kind="alias" if alias else "note",
                detail=" · ".join(d for d in detail if d),
                documentation=note.field_text("description"),
                sort_text=f"{len(items):04d}",
                filter_text=f"{ctx.typed} {entry_text}" if ctx.typed else entry_text,
                path=note.path,
                folder=folder_shown,
            )
        )
    return ctx, items


def _read_as_yaml(ctx: LinkContext, note: Note | None, line_no: int, line: str) -> None:
    """A link typed inside a quoted frontmatter value (`depends_on: ['[[Bob''s`) is read as
    YAML reads it, and what completion inserts is escaped for that quote, as the parser reads
    links there (linktext.read_quoted): an apostrophe written bare inside '...' would end the
    YAML string."""
    fm = note.frontmatter if note is not None else None
    if fm is None or fm.span is None or not 0 < line_no < fm.span.end_line:
        return
    opening = line.rfind("[[", 0, ctx.start + 1)
    ctx.quote = yaml_quote_at(line, opening) if opening != -1 else None
    if ctx.quote is not None:
        ctx.typed = read_quoted(ctx.typed, ctx.quote)[0]
        ctx.target = read_quoted(ctx.target, ctx.quote)[0]


def typed_folder(typed: str) -> tuple[str | None, str]:
    """'domains/ai/_m' -> ('domains/ai', '_m'); (None, typed) when no folder is typed."""
    typed = typed.replace("\\", "/")
    if "/" not in typed:
        return None, typed
    folder, _, name = typed.rpartition("/")
    return folder, name


def folder_notes(vault: Vault, from_path: str, folder: str) -> list[str]:
    """Paths of the notes in the folders a typed folder names (rule 2: the folder's path or
    a suffix of its parts, any case; `./` and `../` from the linking note's folder)."""
    parts = [p for p in folder.split("/") if p not in ("", ".")]
    folders = vault.folders()
    if folder.startswith("./") or folder.startswith("../") or folder in (".", ".."):
        here = from_path.split("/")[:-1]
        for part in folder.split("/"):
            if part == "..":
                if not here:
                    return []  # would leave the vault
                here.pop()
            elif part not in ("", "."):
                here.append(part)
        want = "/".join(here).lower()
        return [p for f, paths in folders.items() if f.lower() == want for p in paths]
    if not parts or ".." in parts:
        return []
    want = "/".join(parts).lower()
    tail = "/" + want
    return [p for f, paths in folders.items() if (low := f.lower()) == want or low.endswith(tail) for p in paths]


def _grouped(
    vault: Vault, from_path: str, ranked: list[Ranked], prefix: str | None, among: list[str] | None, limit: int
) -> list[tuple[str, bool, Note]]:
    """(text, alias, note) of each ranked entry, best first, the notes sharing a title
    together where the best of them ranks, the one the link would resolve to first."""
    out: list[tuple[str, bool, Note]] = []
    done: set[tuple[str, bool, str]] = set()
    allowed = set(among) if among is not None else None
    for r in ranked:
        e = r.entry
        if (e.text, e.alias, e.path) in done:
            continue
        note = vault.notes.get(e.path)
        if note is None:
            continue
        same = [] if e.alias else vault.titled(lowered(e.text))
        if len(same) < 2:
            done.add((e.text, e.alias, e.path))
            out.append((e.text, e.alias, note))
            continue
        group = [vault.notes[p] for p in same if allowed is None or p in allowed]
        group = [n for n in group if n.title == e.text]
        for n in resolution_order(vault, from_path, group, e.text if prefix is None else f"{prefix}/{e.text}"):
            done.add((e.text, False, n.path))
            out.append((e.text, False, n))
    return out[:limit]


def resolution_order(vault: Vault, from_path: str, notes: list[Note], target: str) -> list[Note]:
    """Notes sharing a title, the one `[[target]]` resolves to first, then the others by
    resolution's preference: the linking note's folder, the longest shared folder prefix."""
    res = vault.resolve(target, from_path)
    chosen = res.note.path if res.note is not None else None
    folder = from_path.rpartition("/")[0]
    return sorted(
        notes,
        key=lambda n: (
            n.path != chosen,
            n.path.rpartition("/")[0] != folder,
            -shared_folder_depth(from_path, n.path),
            n.path,
        ),
    )


def link_text(vault: Vault, from_path: str, note: Note, text: str, prefix: str | None) -> str:
    """What a link to note says: the title (or alias) when it resolves to the note from
    from_path, else the shortest path that does. After a typed folder (prefix), a path at
    least that deep, in the note's own spelling (a relative folder is kept as typed)."""
    if prefix is not None and (prefix.startswith("./") or prefix.startswith("../") or prefix in (".", "..")):
        written = f"{prefix}/{text}"
        res = vault.resolve(written, from_path)
        if res.note is not None and res.note.path == note.path and res.status == "ok":
            return written
        prefix = None
    if prefix is None:
        res = vault.resolve(text, from_path)
        if res.note is not None and res.note.path == note.path and res.status == "ok":
            return text
    return shortest_path(vault, from_path, note, _depth(prefix) + 1 if prefix is not None else 1)


def _depth(folder: str) -> int:
    return len([p for p in folder.replace("\\", "/").split("/") if p not in ("", ".")])


def shortest_path(vault: Vault, from_path: str, note: Note, at_least: int = 1) -> str:
    """The shortest suffix of the note's path (of at least so many parts) that a link from
    from_path resolves to the note with (rule 2); the whole path, failing that (`/title` for
    a note at the vault's root: with a `/`, the link names a path)."""
    parts = (note.path[:-3] if note.path.lower().endswith(".md") else note.path).split("/")
    for depth in range(max(2, at_least), len(parts)):
        written = "/".join(parts[-depth:])
        res = vault.resolve(written, from_path)
        if res.note is not None and res.note.path == note.path and res.status == "ok":
            return written
    return "/".join(parts) if len(parts) > 1 else "/" + parts[0]


def _headings(vault: Vault, note_path: str, ctx: LinkContext) -> list[Item]:
    """The headings (after `^`, the block ids) of the note the link names; of every
    candidate, labelled by folder, when the title names several notes equally well."""
    close = ctx.tail + ("]]" if ctx.replace_close else "")
    target_text = split_target(ctx.target)[0] if ctx.target else ""
    if target_text:
        res = vault.resolve(target_text, note_path)
        targets = res.notes if res.status == AMBIGUOUS else [res.note] if res.note is not None else []
    else:
        own = vault.notes.get(note_path)  # [[#heading]] links into the same note
        targets = [own] if own is not None else []
    several = len(targets) > 1
    blocks = ctx.typed.lstrip().startswith("^")
    typed = ctx.typed.strip().removeprefix("^").casefold()
    items: list[Item] = []
    for target in targets:
        folder = folder_of(target) if several else ""
        edit = None
        if several:  # the title names several notes: the link is rewritten to reach this one
            edit = ctx.target_col, ctx.start - 1, in_yaml_quotes(shortest_path(vault, note_path, target), ctx.quote)
        where = f"in {target.title}" + (f" · {folder}" if folder else "")
        if blocks:
            lines = _block_lines(vault, target)
            for block in target.blocks:
                if typed and typed not in block.id.casefold():
                    continue
                label = "^" + block.id
                items.append(
                    Item(
                        label=label,
                        new_text=in_yaml_quotes(label, ctx.quote) + close,
                        kind="block",
                        detail=where,
                        documentation=_block_text(lines, block.line, block.col),
                        sort_text=f"{len(items):04d}",
                        filter_text=f"{ctx.typed} {label}" if ctx.typed else label,
                        path=target.path,
                        folder=folder,
                        target_edit=edit,
                    )
                )
            continue
        for h in target.headings:
            if typed and typed not in h.text.casefold():
                continue
            items.append(
                Item(
                    label=h.text,
                    new_text=in_yaml_quotes(h.text, ctx.quote) + close,
                    kind="heading",
                    detail=f"{'#' * h.level} {where}",
                    sort_text=f"{len(items):04d}",
                    filter_text=f"{ctx.typed} {h.text}" if ctx.typed else h.text,
                    path=target.path,
                    folder=folder,
                    target_edit=edit,
                )
            )
    return items


def _block_lines(vault: Vault, note: Note) -> list[str]:
    """The note's lines, read when its block ids are offered (their text is not kept)."""
    if not note.block_data:
        return []
    text = vault.text_of(note)
    return split_lines(text) if text else []


def _block_text(lines: list[str], line: int, col: int) -> str:
    """The text of a block's line, without its `^id`."""
    return lines[line][:col].strip() if 0 <= line < len(lines) else ""
