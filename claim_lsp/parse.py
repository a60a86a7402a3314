"""Text of one note -> Note: frontmatter, headings, H1, links with exact spans.

Nothing inside a fenced code block or an inline code span is a link or a heading.
"""

from __future__ import annotations

import logging
import re

from .config import DEFAULT_LIMITS, Limits
from .frontmatter import parse_frontmatter
from .linktext import read_quoted, split_target
from .model import (
    ERROR,
    LINK_FIELDS,  # (the parser packs the links: model.LINK_FIELDS values each)
    NO_PROBLEMS,
    WARNING,
    Note,
    Problem,
    Span,
    pack_astral,
)
from .relation_items import append_relation_items
from .sharing import share_heading, share_name
from .text import astral_map, has_astral, split_lines

# No leading `!?`: a pattern that opens with a literal `[[` is found by a fast literal scan,
# ~13 times faster over a note than one that must try `!` at every character; an embed is
# told by the character before the brackets.
LINK = re.compile(r"\[\[([^\[\]\r\n]*)\]\]")
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)(.*)$")
_BACKTICKS = re.compile(r"`+")
# a block id ends its line: `text ^id`, or `^id` alone on the line after a block
_BLOCK_ID = re.compile(r"(?:^|[ \t])\^([A-Za-z0-9-]+)[ \t]*$")
INTRO_CHARS = 700

log = logging.getLogger(__name__)


def title_of(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name[:-3] if name.lower().endswith(".md") else name


def _strip_closing_hashes(raw: str) -> str:
    """'Title ##' -> 'Title ' (an ATX closing sequence), but 'C#' stays. Done by hand: the
    regex `(?:^|[ \t]+)#+[ \t]*$` takes quadratic time on a long run of spaces."""
    trimmed = raw.rstrip(" \t")
    bare = trimmed.rstrip("#")
    if bare == trimmed:
        return raw
    if not bare or bare[-1] in " \t":
        return bare
    return raw


def code_spans(line: str) -> list[tuple[int, int]]:
    """Column ranges of inline code spans on one line (backtick runs of equal length),
    sorted and disjoint. Linear: each run looks up the next run of its width."""
    if "`" not in line:
        return []
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    next_same: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}
    for i in range(len(runs) - 1, -1, -1):
        width = runs[i][1] - runs[i][0]
        next_same[i] = last.get(width)
        last[width] = i
    spans = []
    i = 0
    while i < len(runs):
        j = next_same[i]
        if j is not None:
            spans.append((runs[i][0], runs[j][1]))
            i = j
        i += 1
    return spans


def yaml_quote_at(line: str, col: int) -> str | None:
    """The YAML quote (' or ") open at col on a frontmatter line, if any."""
    quote: str | None = None
    i = 0
    while i < col:
        c = line[i]
        if quote is None:
            if c in "'\"" and line[:i].rstrip()[-1:] in ("", ":", "[", ",", "{", "-"):
                quote = c  # a quote opens a scalar only where a value starts
            elif c == "#" and (i == 0 or line[i - 1] in " \t"):
                return None  # a comment
        elif quote == '"' and c == "\\":
            i += 1  # an escaped character
        elif c == quote:
            if quote == "'" and i + 1 < len(line) and line[i + 1] == "'" and i + 1 < col:
                i += 1  # '' is a quote inside single quotes
            else:
                quote = None
        i += 1
    return quote


def _links_on_line(line: str, n: int, out: list, fm_key: str | None = None, limit: int | None = None) -> None:
    """Append the links on one line outside code spans, packed (see model.LINK_FIELDS), to
    out, stopping once out holds limit links."""
    codes = code_spans(line) if "`" in line else ()
    in_code = 0  # index of the first code span that does not end before the current link
    for m in LINK.finditer(line):
        if limit is not None and len(out) >= limit * LINK_FIELDS:
            break
        start = m.start()
        embed = start > 0 and line[start - 1] == "!"
        if embed:
            start -= 1
        if codes:
            while in_code < len(codes) and codes[in_code][1] <= start:
                in_code += 1
            if in_code < len(codes) and codes[in_code][0] <= start:
                continue
        raw = share_name(m.group(1))  # the same targets recur across a vault
        if fm_key is None:
            out += (raw, n, start, True if embed else None)
            continue
        quote = yaml_quote_at(line, start)
        text = read_quoted(raw, quote)[0] if quote is not None else raw
        if text == raw:
            out += (raw, n, start, (fm_key, quote, embed))
        else:  # `'[[Bob''s claim]]'` links to Bob's claim: the note's text is what YAML reads
            out += (share_name(text), n, start, (fm_key, quote, embed, raw))


def parse_note(path: str, text: str, limits: Limits = DEFAULT_LIMITS) -> Note:
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = split_lines(text)
    fm = parse_frontmatter(lines, limits.max_yaml_bytes, limits.max_yaml_values)
    title = share_name(title_of(path))
    max_links = limits.max_links
    cap = (max_links + 1) * LINK_FIELDS
    links: list = []
    headings: list = []
    # block ids are read after the loop, in the notes that hold a ^ at all (few: no test a line
    # for the rest), skipping the fenced lines the loop notes for them (fences: where each opens, closes)
    caret = "^" in text
    fences: list[int] = []
    if fm.span is not None:
        for n in range(1, fm.span.end_line):
            line = lines[n]
            if "[[" in line and len(links) < cap:
                _links_on_line(line, n, links, fm.key_of_line(n), max_links + 1)
        if fm.data is not None:
            wiki = len(links)
            append_relation_items(lines, fm, limits.relations_for(fm.data.get("type")), links, max_links + 1)
            if wiki and len(links) > wiki:  # in file order, with the [[links]]
                packed = sorted(zip(*(iter(links),) * LINK_FIELDS), key=lambda e: (e[1], e[2]))
                links = [value for entry in packed for value in entry]
    fence: tuple[str, int] | None = None
    for n in range(fm.body_line, len(lines)):
        line = lines[n]
        if fence is not None:
            stripped = line.strip()
            char, width = fence
            if (
                stripped
                and set(stripped) == {char}
                and len(stripped) >= width
                and len(line) - len(line.lstrip(" ")) <= 3
            ):
                fence = None
                if caret:
                    fences.append(n)
            continue
        first = line.lstrip(" ")[:1]
        if first == "`" or first == "~":
            m = _FENCE_OPEN.match(line)
            if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
                fence = (m.group(1)[0], len(m.group(1)))
                if caret:
                    fences.append(n)
                continue
        elif first == "#":
            m = _HEADING.match(line)
            if m:
                raw = m.group(2)
                body = _strip_closing_hashes(raw).rstrip() if raw.strip("# \t") else ""
                col = m.start(2)
                heading = body.strip()
                if heading and heading[0] != body[0]:  # other leading white space (e.g. U+3000)
                    col += len(body) - len(body.lstrip())
                headings += (len(m.group(1)), share_heading(heading, title), n, col)  # (model.HEADING_FIELDS)
        if "[[" in line and len(links) < cap:
            # past the limit no more links are collected: a note of a million links costs
            # no more than one of max_links + 1
            _links_on_line(line, n, links, limit=max_links + 1)
    problems: list[Problem] = []
    if len(links) > max_links * LINK_FIELDS:
        problems.append(
            Problem(
                "too-many-links",
                WARNING,
                f"This note has more than {max_links} links; only the first {max_links} are checked",
                Span(0, 0, 0, 0),
            )
        )
        del links[max_links * LINK_FIELDS :]
    if not fm.problems:
        fm.problems = NO_PROBLEMS
    return Note(
        path=path,
        title=title,
        text_lines=len(lines),
        frontmatter=fm,
        link_data=tuple(links),
        heading_data=tuple(headings),
        aliases=_aliases(fm.data),
        astral_data=pack_astral(astral_map(lines)) if has_astral(text) else (),
        problems=problems or NO_PROBLEMS,
        block_data=_block_ids(lines, fm.body_line, fences) if caret else (),
    )


def _block_ids(lines: list[str], start: int, fences: list[int]) -> tuple:
    """The block ids of the body's lines from start, packed (model.BLOCK_FIELDS), outside
    the fenced blocks (fences: the lines where each opens and closes, in order; the last may
    stay open to the end)."""
    out: list = []
    bounds = iter(fences)
    opens = next(bounds, len(lines))
    n = start
    while n < len(lines):
        if n == opens:
            n = next(bounds, len(lines)) + 1  # past the closing line
            opens = next(bounds, len(lines))
            continue
        line = lines[n]
        if "^" in line:
            m = _BLOCK_ID.search(line)
            if m:
                out += (m.group(1), n, m.start(1) - 1)
        n += 1
    return tuple(out)


def note_from_text(rel_path: str, text: str, limits: Limits, problem: str | None = None) -> Note:
    """A file's note, whatever its text: what made the text empty or partial (problem, from
    reading it) or left it unparsed becomes an `unreadable-file` problem."""
    try:
        note = parse_note(rel_path, text, limits)
    except RecursionError:  # pathological nesting the parser could not take
        note = parse_note(rel_path, "", limits)
        problem = "is nested too deeply to parse"
    if problem:
        note.problems = [
            Problem("unreadable-file", ERROR, f"This file {problem}", Span(0, 0, 0, 0)),
            *note.problems,
        ]
        log.warning("%s: %s", rel_path, problem)
    return note


def _aliases(data: dict | None) -> tuple[str, ...]:
    if not data:
        return ()
    value = data.get("aliases", data.get("alias"))
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    out = []
    for item in value:
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            text = str(item).strip()
            if text.startswith("[[") and text.endswith("]]"):
                text = text[2:-2]
            if text:
                out.append(text)
    return tuple(out)


def _shown(m: re.Match[str]) -> str:
    target, heading, shown = split_target(m.group(1))
    if shown:
        return shown.strip()
    return f"{target} > {heading}" if heading else target


def plain_text(line: str, limit: int | None = None) -> str:
    """Wiki links shown as their text: [[a|b]] -> b, [[a#h]] -> a > h. With a limit, stops
    soon after that many characters (a 5 MB line costs no more than a short one)."""
    if "![[" in line:
        line = line.replace("![[", "[[")  # an embed reads as its name too
    if limit is None:
        return LINK.sub(_shown, line)
    out: list[str] = []
    size = 0
    pos = 0
    for m in LINK.finditer(line):
        for piece in (line[pos : m.start()], _shown(m)):
            out.append(piece)
            size += len(piece)
        pos = m.end()
        if size > limit:
            return "".join(out)
    out.append(line[pos:])
    return "".join(out)


def intro_of(text: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """The opening of a note's body: its first paragraph after the H1, links shown as their
    text, at most INTRO_CHARS. Computed when a hover asks, not kept for every note."""
    note = parse_note("", text, limits)
    h1 = note.h1
    if text.startswith("\ufeff"):
        text = text[1:]
    return _intro(split_lines(text), note.frontmatter.body_line, h1.span.line if h1 is not None else None)


def _intro(lines: list[str], body_line: int, h1_line: int | None) -> str:
    start = h1_line + 1 if h1_line is not None else body_line
    parts: list[str] = []
    in_fence = False
    for n in range(start, len(lines)):
        line = lines[n].strip()
        if line.startswith("```") or line.startswith("~~~"):
            in_fence = not in_fence
            if parts:
                break
            continue
        if in_fence:
            continue
        if not line:
            if parts:
                break
            continue
        if line.startswith("#") or line == "---":
            if parts:
                break
            continue
        parts.append(plain_text(line, INTRO_CHARS))
        if sum(len(p) for p in parts) > INTRO_CHARS:
            break
    text = " ".join(parts)
    if len(text) > INTRO_CHARS:
        text = text[:INTRO_CHARS].rsplit(" ", 1)[0] + " …"
    return text
