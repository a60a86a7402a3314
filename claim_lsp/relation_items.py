"""Plain items of relation fields: notes named without brackets.

`depends_on: ["a claim's title"]` names a note without brackets. The parser records each
string item of the note's relation fields (Limits.relations_for its type) that could be a
title, as a link with Link.bare set, spanning the item's characters; the index decides
whether it names a note (a reference) or is prose. Items are found on the lines of their
field by a small YAML scanner, and each is kept only when YAML read the same text: what the
scanner gets wrong (multi-line scalars, odd nesting) is left out, never misread."""

from __future__ import annotations

import re

from .linktext import read_quoted
from .model import LINK_FIELDS, Frontmatter, shared
from .sharing import share_name

# what no title holds: brackets, | and # would be link syntax, and a line break; nor a URL
_NOT_A_TITLE = re.compile(r"[\[\]#|\n\r]|://")
MAX_TITLE_BYTES = 255  # no file name is longer, so no title (with .md) either
_QUOTED = {'"': re.compile(r'"(?:[^"\\]|\\.)*"'), "'": re.compile(r"'(?:[^']|'')*'")}
_PLAIN_STOP = {True: re.compile(r"[,\[\]{}]| #|:(?=[ ,\[\]{}]|$)"), False: re.compile(r" #|: |:$")}


def _maybe_title(value: object) -> bool:
    if type(value) is not str or not value.strip() or len(value) > MAX_TITLE_BYTES or _NOT_A_TITLE.search(value):
        return False
    return value.isascii() or len(value.encode("utf-8", "surrogatepass")) <= MAX_TITLE_BYTES


def _relation_items(fm: Frontmatter, relations: frozenset[str]) -> dict[str, dict[str, str]]:
    """For each relation field of the frontmatter: its string items that could be titles,
    each mapped to itself (the string YAML read, which the note's link then holds)."""
    out: dict[str, dict[str, str]] = {}
    data = fm.data
    if data is None:
        return out
    for key in data:
        if key in relations:
            value = data[key]
            items = {v: v for v in (value if type(value) is list else (value,)) if _maybe_title(v)}
            if items:
                out[key] = items
    return out


def _scalars_on_line(line: str, i: int, depth: int) -> tuple[list[tuple[int, int, str | None, bool]], int] | None:
    """The scalars on a line of a frontmatter value from column i, as (start, end, quote,
    inside [...]), inside their quotes; and the depth of [...] at the end of the line. None
    for what this scanner does not read (mappings, anchors, tags, block scalars, a quoted
    scalar that goes on to the next line)."""
    out = []
    n = len(line)
    while i < n:
        c = line[i]
        if c == " " or c == "\t":
            i += 1
        elif c == "#":
            break  # a comment (a scalar cannot start with #; inside one it is part of it)
        elif c == "[":
            depth += 1
            i += 1
        elif c == "]":
            depth -= 1
            if depth < 0:
                return None
            i += 1
        elif c == "," and depth:
            i += 1
        elif c == "-" and not depth and (i + 1 == n or line[i + 1] in " \t"):
            i += 1  # a block list's item
        elif c == '"' or c == "'":
            m = _QUOTED[c].match(line, i)
            if m is None:
                return None  # it goes on to the next line
            end = m.end() - 1
            out.append((i + 1, end, c, depth > 0))
            i = end + 1
        elif c in ",{}&*!|>%@`?:":
            return None
        else:
            m = _PLAIN_STOP[depth > 0].search(line, i)
            end = n if m is None else m.start()
            if m is not None and depth == 0 and m.group() != " #":
                return None  # `key: value` inside the list: a mapping
            text = line[i:end].rstrip(" \t")
            out.append((i, i + len(text), None, depth > 0))
            i = end
    return out, depth


def append_relation_items(lines: list[str], fm: Frontmatter, relations: frozenset[str], out: list, limit: int) -> None:
    """Append the plain items of the note's relation fields, packed (see model.LINK_FIELDS),
    to out, stopping once out holds limit links."""
    wanted = _relation_items(fm, relations)
    if not wanted:
        return
    assert fm.span is not None
    d = fm.key_data
    ranges: dict[str, tuple[int, int, int]] = {}  # key -> its line, the line after its value, its width
    for k in range(0, len(d), 3):  # (model.KEY_FIELDS; a repeated key: YAML keeps the last)
        end = d[k + 4] if k + 3 < len(d) else fm.span.end_line
        ranges[d[k]] = (d[k + 1], end, d[k + 2])
    for key, items in wanted.items():
        if key not in ranges:
            continue
        first, end, width = ranges[key]
        depth = 0
        for n in range(first, end):
            line = lines[n]
            start = line.find(":", width) + 1 if n == first else 0
            found = _scalars_on_line(line, start, depth)
            if found is None:
                break
            scalars, depth = found
            for col, stop, quote, flow in scalars:
                written = line[col:stop]
                text = items.get(read_quoted(written, quote)[0] if quote is not None else written)
                if text is None or len(out) >= limit * LINK_FIELDS:
                    continue
                bare = "flow" if flow else "block"
                if text == written:
                    extra = shared((key, quote, False, None, bare))
                else:  # read other than written: `'Bob''s claim'` names Bob's claim
                    extra = (key, quote, False, written, bare)
                out += (share_name(text), n, col, extra)
