"""The outline of a note (headings as a tree, plus the frontmatter and its keys), folding
ranges, and notes by title or alias (tags, for a query starting with #) for workspace
symbol search."""

from __future__ import annotations

from dataclasses import dataclass, field

from .index import Vault
from .model import TAGS_FIELD, Note, Span

FRONTMATTER, KEY, HEADING = "frontmatter", "key", "heading"


@dataclass
class Symbol:
    name: str
    kind: str  # FRONTMATTER, KEY or HEADING
    span: Span  # the whole thing: a section runs to the next heading of its level or higher
    selection: Span  # its name
    detail: str = ""
    level: int = 0
    children: list[Symbol] = field(default_factory=list)


def _end_of(lines: list[str], line: int) -> Span:
    """A zero-width span at the end of `line` (clamped to the text)."""
    line = max(0, min(line, len(lines) - 1))
    col = len(lines[line]) if lines else 0
    return Span(line, col, line, col)


def _last_content_line(lines: list[str], start: int, stop: int) -> int:
    """The last non-blank line in [start, stop), or start."""
    for n in range(min(stop, len(lines)) - 1, start, -1):
        if lines[n].strip():
            return n
    return start


def document_symbols(note: Note, lines: list[str]) -> list[Symbol]:
    """`lines`: the note's text split into lines (no line breaks)."""
    out: list[Symbol] = []
    fm = note.frontmatter
    if fm.span is not None:
        keys = sorted(fm.keys.items(), key=lambda kv: kv[1].line)
        children = []
        for i, (key, span) in enumerate(keys):
            stop = keys[i + 1][1].line if i + 1 < len(keys) else fm.span.end_line
            end = _end_of(lines, _last_content_line(lines, span.line, stop))
            value = lines[span.line][span.end_col + 1 :].strip() if span.line < len(lines) else ""
            children.append(Symbol(key, KEY, Span(span.line, 0, end.line, end.col), span, value[:80]))
        out.append(Symbol("frontmatter", FRONTMATTER, fm.span, Span(0, 0, 0, 3), note.field_text("type"), 0, children))
    stack: list[Symbol] = []
    headings = note.headings
    for i, h in enumerate(headings):
        stop = next((g.span.line for g in headings[i + 1 :] if g.level <= h.level), len(lines))
        end = _end_of(lines, _last_content_line(lines, h.span.line, stop))
        sym = Symbol(h.text or "(empty heading)", HEADING, Span(h.span.line, 0, end.line, end.col), h.span, "", h.level)
        while stack and stack[-1].level >= h.level:
            stack.pop()
        (stack[-1].children if stack else out).append(sym)
        stack.append(sym)
    return out


def folding_ranges(note: Note, lines: list[str]) -> list[tuple[int, int, str]]:
    """(start line, end line, kind) for the frontmatter and each section."""
    out = []
    fm = note.frontmatter
    if fm.span is not None and fm.span.end_line > 0:
        out.append((0, fm.span.end_line, FRONTMATTER))
    headings = note.headings
    for i, h in enumerate(headings):
        stop = next((g.span.line for g in headings[i + 1 :] if g.level <= h.level), len(lines))
        end = _last_content_line(lines, h.span.line, stop)
        if end > h.span.line:
            out.append((h.span.line, end, HEADING))
    return out


@dataclass(slots=True)
class Found:
    vault: Vault
    note: Note
    name: str  # the title or the alias that matched
    alias: bool
    score: float


def workspace_symbols(vaults: list[Vault], query: str, limit: int = 100) -> list[Found]:
    """Notes whose title or alias matches query, ranked across every vault, best first."""
    found: list[Found] = []
    if not query.strip():
        # nothing typed yet: the most linked notes (a partial sort; a vault can be huge)
        for vault in vaults:
            for ranked in vault.ranker.rank("", limit):  # the ranker keeps this list between requests
                note = vault.notes.get(ranked.entry.path)
                if note is not None:
                    found.append(Found(vault, note, note.title, False, float(ranked.entry.pop)))
        found.sort(key=lambda f: (-f.score, f.name))
        return found[:limit]
    for vault in vaults:
        for ranked in vault.ranker.rank(query, limit):
            note = vault.notes.get(ranked.entry.path)
            if note is not None:
                found.append(Found(vault, note, ranked.entry.text, ranked.entry.alias, ranked.score))
    found.sort(key=lambda f: -f.score)
    return found[:limit]


@dataclass(slots=True)
class FoundTag:
    vault: Vault
    name: str  # the tag, in the spelling most of its notes use
    count: int  # notes holding it
    note: Note  # the first of them (by path), where the symbol leads
    span: Span  # its `tags` key


def tag_symbols(vaults: list[Vault], query: str, limit: int = 100) -> list[FoundTag]:
    """Tags containing the query (without its #, any case), those starting with it first,
    then the most used; nothing typed, the most used."""
    want = query.strip().lstrip("#").casefold()
    ranked = []
    for vault in vaults:
        for key, (name, count) in vault.tag_counts().items():
            if want in key:
                ranked.append((not key.startswith(want), -count, key, vault, name, count))
    ranked.sort(key=lambda r: r[:3])
    out = []
    for *_, vault, name, count in ranked[:limit]:
        note = vault.notes[vault.tagged(name)[0]]
        span = note.frontmatter.key_span(TAGS_FIELD) or Span(0, 0, 0, 0)
        out.append(FoundTag(vault, name, count, note, span))
    return out
