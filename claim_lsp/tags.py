"""Tags as a note's frontmatter writes them (`tags: [a, b]`, a `- a` list, `tags: a, b`):
where each sits on its line, which one is under the cursor, and the vault's tags to
complete one with. The index keeps which notes hold each tag (Vault.tag_counts, tagged);
hover.py, references.py and symbols.py answer for tags with these.

Tags are told apart whatever their case (`RLCF` and `rlcf` are one tag, as Obsidian reads
them), and a leading `#` is not part of the tag. Inline `#tags` in note bodies are not read:
the vaults this server is for write none (the shared corpus has none)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .index import Vault
from .model import TAGS_FIELD, Note, Span

_TOKEN = re.compile(r"[^\s,\[\]{}\"']+")  # a tag as written on a value line (tags hold none of these)
_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:")
_ITEM = re.compile(r"^[ \t]*-(?:[ \t]+|$)")
_COMMENT = re.compile(r"(?<![^ \t])#")
TAG_LIMIT = 100  # tags offered at a time (the client asks again as more is typed)


@dataclass(slots=True)
class TagAt:
    name: str  # without a leading #
    start: int  # its columns on the line, # excluded
    end: int


@dataclass(slots=True)
class TagItem:
    name: str
    count: int  # notes holding it
    start: int  # the columns it replaces on the line
    end: int


def used_by(count: int) -> str:
    return f"used by {count} note{'s' if count != 1 else ''}"


def _value_start(line: str, key_line: bool) -> int | None:
    """Where the tags written on a line of the `tags` value start: past `tags:` on the key's
    line, past a `- ` list marker on the others."""
    if key_line:
        m = _KEY.match(line)
        return m.end() if m is not None and m.group(1) == TAGS_FIELD else None
    m = _ITEM.match(line)
    return m.end() if m is not None else 0


def _value_end(line: str, start: int) -> int:
    """The end of the value: a YAML comment starts with a # after white space (`[#tag` is
    a tag)."""
    m = _COMMENT.search(line, start)
    return m.start() if m is not None else len(line)


def _tags_line(note: Note, line_no: int) -> bool | None:
    """Is the line part of the frontmatter's `tags` value? True on the key's own line,
    False on the lines after it, None when it is not."""
    fm = note.frontmatter
    if fm.span is None or not 0 < line_no < fm.span.end_line:
        return None
    if fm.key_of_line(line_no) != TAGS_FIELD:
        return None
    span = fm.key_span(TAGS_FIELD)
    return span is not None and span.line == line_no


def tags_on_line(line: str, key_line: bool) -> list[TagAt]:
    """The tags written on one line of the `tags` value, with their columns."""
    start = _value_start(line, key_line)
    if start is None:
        return []
    out = []
    for m in _TOKEN.finditer(line, start, _value_end(line, start)):
        s = m.start() + (len(m.group()) - len(m.group().lstrip("#")))
        if s < m.end():
            out.append(TagAt(line[s : m.end()], s, m.end()))
    return out


def tag_at(note: Note, line_no: int, line: str, col: int) -> TagAt | None:
    """The tag under the cursor, in the note's frontmatter `tags` value."""
    key_line = _tags_line(note, line_no)
    if key_line is None:
        return None
    for tag in tags_on_line(line, key_line):
        if tag.start <= col <= tag.end:
            return tag
    return None


def tag_spans(note: Note, text: str, tag: str) -> list[Span]:
    """Where the note's frontmatter writes the tag (any case)."""
    fm = note.frontmatter
    key = fm.key_span(TAGS_FIELD)
    if fm.span is None or key is None:
        return []
    want = tag.lower()
    lines = text.splitlines()
    out = []
    for n in range(key.line, min(fm.span.end_line, len(lines))):
        if n > key.line and fm.key_of_line(n) != TAGS_FIELD:
            break
        for found in tags_on_line(lines[n], n == key.line):
            if found.name.lower() == want:
                out.append(Span(n, found.start, n, found.end))
    return out


def complete_tags(vault: Vault, note: Note, line_no: int, line: str, col: int) -> list[TagItem] | None:
    """The vault's tags for the one being written at col in the `tags` value, most used
    first (those starting with what was typed before the others); None when the cursor is
    not in the `tags` value."""
    key_line = _tags_line(note, line_no)
    if key_line is None:
        return None
    start = _value_start(line, key_line)
    if start is None or col < start or col > _value_end(line, start):
        return None
    begin = col
    while begin > start and _TOKEN.fullmatch(line[begin - 1]):
        begin -= 1
    while begin < col and line[begin] == "#":
        begin += 1
    end = col
    while end < len(line) and _TOKEN.fullmatch(line[end]):
        end += 1
    typed = line[begin:col].casefold()
    written = line[begin:end]
    present = {t.lower() for t in note.tags()} - {written.lower()}
    found = []
    for key, (name, count) in vault.tag_counts().items():
        if key in present or typed not in key:
            continue
        if key == written.lower() and vault.tagged(name) == [note.path]:
            continue  # what is being typed, held by this note alone: not a tag of the vault yet
        found.append((not key.startswith(typed), -count, key, name, count))
    found.sort()
    return [TagItem(name, count, begin, end) for *_, name, count in found[:TAG_LIMIT]]
