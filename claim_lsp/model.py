"""Plain values shared by every layer. Columns are code points (see text.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Span(NamedTuple):
    """A range in a note: 0-based lines, code-point columns, end exclusive."""

    line: int
    col: int
    end_line: int
    end_col: int

    def contains(self, line: int, col: int) -> bool:
        if (line, col) < (self.line, self.col):
            return False
        return (line, col) <= (self.end_line, self.end_col)


ERROR, WARNING, INFORMATION, HINT = "error", "warning", "information", "hint"
SEVERITIES = (ERROR, WARNING, INFORMATION, HINT)


@dataclass(slots=True)
class Problem:
    """One diagnostic, before any LSP or CLI formatting."""

    code: str
    severity: str
    message: str
    span: Span
    data: dict[str, Any] | None = None


@dataclass(slots=True)
class Link:
    raw: str  # everything between the brackets, as written
    target: str  # the note part: no |shown, no #heading, trimmed, no .md
    heading: str | None  # the part after #, trimmed (None when there is no #)
    shown: str | None  # the part after |
    embed: bool  # ![[...]]
    span: Span  # the whole link, brackets (and !) included
    fm_key: str | None = None  # top-level frontmatter key when inside frontmatter
    quote: str | None = None  # in frontmatter: the YAML quote (' or ") the link sits inside

    @property
    def target_span(self) -> Span:
        """Just the target as written inside the brackets: up to the first | or #, without
        surrounding spaces. Derived rather than stored: a vault holds millions of links."""
        raw = self.raw
        cut = len(raw)
        for sep in ("|", "#"):
            pos = raw.find(sep)
            if pos != -1 and pos < cut:
                cut = pos
        written = raw[:cut]
        inner = self.span.col + (3 if self.embed else 2)
        start = inner + len(written) - len(written.lstrip())
        end = inner + len(written.rstrip())
        return Span(self.span.line, start, self.span.line, max(start, end))

    @property
    def key(self) -> str:
        """Lower-cased last path part: what the index files this link under."""
        return self.target.rsplit("/", 1)[-1].lower()


@dataclass(slots=True)
class Heading:
    level: int
    text: str
    span: Span  # the text of the heading (without the #s)


@dataclass(slots=True)
class Frontmatter:
    data: dict[str, Any] | None  # None when absent or unparseable
    span: Span | None  # from the opening --- line to the closing --- line, inclusive
    keys: dict[str, Span] = field(default_factory=dict)  # top-level key -> its name's span
    problems: list[Problem] = field(default_factory=list)  # yaml-error and the like
    body_line: int = 0  # first line after the frontmatter


@dataclass(slots=True)
class Note:
    path: str  # vault-relative, '/'-separated, with .md
    title: str  # filename stem
    text_lines: int  # number of lines
    frontmatter: Frontmatter
    h1: Heading | None
    headings: list[Heading]
    links: list[Link]
    aliases: tuple[str, ...] = ()
    astral: dict[int, tuple[int, ...]] = field(default_factory=dict)
    intro: str = ""  # opening of the body (first paragraph), links as plain text
    problems: list[Problem] = field(default_factory=list)  # problems found while reading

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ""

    @property
    def meta(self) -> dict[str, Any]:
        return self.frontmatter.data or {}

    def field_text(self, name: str) -> str:
        value = self.meta.get(name)
        if value is None:
            return ""
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    def link_at(self, line: int, col: int) -> Link | None:
        for link in self.links:
            if link.span.contains(line, col):
                return link
        return None
