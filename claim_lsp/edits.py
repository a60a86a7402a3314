"""A change to the vault, before any LSP formatting: text replacements in notes (spans in
each note's current text), new files and renamed files. Rename, code actions and file
moves build one; the LSP layer turns it into a WorkspaceEdit with versioned documentChanges.

A replacement of a link or a heading says what the text holds there (Reads), as the parse
it was planned from saw it: the edit is made only where the text still reads so
(stale_replacement), so a file changed since it was read is never edited at positions that
now hold something else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from .frontmatter import reads_unquoted
from .linktext import target_bounds
from .model import Heading, Link, Span


class Reads(NamedTuple):
    """What the text holds around a replacement, as the parse that planned it saw it: the
    characters in span (the whole link, or the heading's text), on one line."""

    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Replace:
    span: Span
    new_text: str
    reads: Reads | None = None  # None: an insertion, which replaces nothing


@dataclass
class VaultChange:
    edits: dict[str, list[Replace]] = field(default_factory=dict)  # vault-relative path -> replacements
    creates: list[tuple[str, str]] = field(default_factory=list)  # (new path, its whole text)
    renames: list[tuple[str, str]] = field(default_factory=list)  # (old path, new path), applied last

    def replace(self, path: str, span: Span, new_text: str, reads: Reads | None = None) -> bool:
        """Add a replacement unless it overlaps one already there (edits must not overlap);
        reads: what the text holds around it (link_reads, heading_reads)."""
        edits = self.edits.setdefault(path, [])
        for other in edits:
            if other.span == span:
                return False
            if _overlap(other.span, span):
                return False
        edits.append(Replace(span, new_text, reads))
        return True

    def merge(self, other: VaultChange) -> None:
        for path, edits in other.edits.items():
            for e in edits:
                self.replace(path, e.span, e.new_text, e.reads)
        self.creates.extend(c for c in other.creates if c not in self.creates)
        self.renames.extend(r for r in other.renames if r not in self.renames)

    def __bool__(self) -> bool:
        return bool(self.creates or self.renames or any(self.edits.values()))

    def count(self) -> int:
        return sum(len(e) for e in self.edits.values())


def _overlap(a: Span, b: Span) -> bool:
    a0, a1 = (a.line, a.col), (a.end_line, a.end_col)
    b0, b1 = (b.line, b.col), (b.end_line, b.end_col)
    if a0 == a1 or b0 == b1:  # insertions overlap only when at the same point inside the other
        return a0 < b0 < a1 or b0 < a0 < b1
    return a0 < b1 and b0 < a1


def link_reads(link: Link) -> Reads:
    """The whole link as the file holds it: `[[...]]`, `![[...]]`, or a plain item of a
    relation field, escapes and all (what the span covers)."""
    if link.bare:
        return Reads(link.span, link.raw)
    return Reads(link.span, ("![[" if link.embed else "[[") + link.raw + "]]")


def heading_reads(heading: Heading) -> Reads:
    return Reads(heading.span, heading.text)


def stale_replacement(lines: list[str], replaces: Iterable[Replace]) -> Replace | None:
    """The first replacement that no longer fits the text (its lines, text.split_lines): the
    text around it is not what it Reads, or it lies past the text's end. None: all fit."""
    for r in replaces:
        spans = (r.span,) if r.reads is None else (r.span, r.reads.span)
        if not all(_inside(lines, span) for span in spans):
            return r
        if r.reads is not None:
            span, text = r.reads
            if span.line != span.end_line or lines[span.line][span.col : span.end_col] != text:
                return r
    return None


def _inside(lines: list[str], span: Span) -> bool:
    return (
        0 <= span.line <= span.end_line < len(lines)
        and 0 <= span.col <= len(lines[span.line])
        and span.end_col <= len(lines[span.end_line])
    )


def written_target(link: Link) -> str:
    """The target as the link writes it (what `target_span` covers, read as YAML reads it
    inside quoted frontmatter): up to the first `|` or `#`, trimmed; keeps an `.md` suffix
    and a table's `\\` before `|`."""
    text = link.text
    start, end = target_bounds(text)
    return text[start:end]


def heading_span(link: Link) -> Span | None:
    """Where the `#heading` part of a link is written (trimmed), if it has one."""
    if link.heading is None:
        return None
    text = link.text
    pipe = text.find("|")
    part = text if pipe == -1 else text[:pipe]
    if pipe != -1 and part.endswith("\\"):
        part = part[:-1]
    hash_at = part.find("#")
    if hash_at == -1:
        return None
    seg = part[hash_at + 1 :]
    start = hash_at + 1 + (len(seg) - len(seg.lstrip()))
    end = hash_at + 1 + len(seg.rstrip())
    return link.text_span(start, max(start, end))


# what cannot stand as itself inside "...": the quote, the backslash, and the characters YAML
# does not print (a line break inside the quotes would be folded into a space)
_DOUBLE_QUOTED = str.maketrans(
    {c: f"\\x{ord(c):02x}" for c in map(chr, [*range(0x20), *range(0x7F, 0xA0)])}
    | {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r", "\u2028": "\\L", "\u2029": "\\P"}
)


def in_yaml_quotes(text: str, quote: str | None) -> str:
    """text escaped for the YAML quotes it goes inside (' or "; None: as it is): what
    `read_quoted` reads back as text."""
    if quote == "'":
        return text.replace("'", "''")
    if quote == '"':
        return text.translate(_DOUBLE_QUOTED)
    return text


def as_yaml_item(text: str, flow: bool) -> str:
    """text as an unquoted YAML string item (of [...] when flow), in double quotes when
    YAML would read it otherwise (`a: b`, `yes`, `1.5`, `#x`, ...)."""
    return text if reads_unquoted(text, flow) else '"' + in_yaml_quotes(text, '"') + '"'


def as_written_in(link: Link, text: str) -> str:
    """Text to put inside a link, escaped for the YAML quotes the link sits in (a title with
    an apostrophe inside '...' must be written with ''): what `read_quoted` reads back as text.
    An unquoted plain item of a relation field that would not read back as text gets quotes."""
    if link.quote is None and link.bare:
        return as_yaml_item(text, link.bare == "flow")
    return in_yaml_quotes(text, link.quote)
