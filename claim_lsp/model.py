"""Plain values shared by every layer. Columns are code points (see text.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .linktext import key_of_target, link_key, read_quoted, split_target, target_bounds


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


_SHARED: dict = {}


def shared(value):
    """One object for equal immutable values met again and again (the same frontmatter
    keys on the same lines in thousands of notes), at most 50,000 of them."""
    found = _SHARED.get(value)
    if found is not None:
        return found
    if len(_SHARED) < 50_000:
        _SHARED[value] = value
    return value


@dataclass(slots=True)
class Link:
    raw: str  # everything between the brackets (a plain item: the item), as written in the file
    target: str  # the note part of .text: no |shown, no #heading, trimmed, no .md
    heading: str | None  # the part after #, trimmed (None when there is no #)
    shown: str | None  # the part after |
    embed: bool  # ![[...]]
    span: Span  # the whole link, brackets (and !) included; a plain item's characters, inside its quotes
    fm_key: str | None = None  # top-level frontmatter key when inside frontmatter
    quote: str | None = None  # in frontmatter: the YAML quote (' or ") the link sits inside
    # a plain item of a relation field (`depends_on: ["a title"]`: a reference without brackets):
    # "flow" inside [...], "block" elsewhere (what its YAML quoting depends on); None for a [[link]]
    bare: str | None = None

    @property
    def text(self) -> str:
        """Everything between the brackets (a plain item: the item) as the note means it: as
        YAML reads it inside a quoted frontmatter value (read_quoted), raw itself anywhere else."""
        return read_quoted(self.raw, self.quote)[0]

    def text_span(self, start: int, end: int) -> Span:
        """The characters in the file that read as text[start:end]."""
        at = read_quoted(self.raw, self.quote)[1]
        if at is not None:
            start, end = at[start], at[end]
        inner = self.span.col + (0 if self.bare else 3 if self.embed else 2)
        return Span(self.span.line, inner + start, self.span.line, inner + end)

    @property
    def target_span(self) -> Span:
        """Just the target inside the brackets: up to the first | or #, without surrounding
        spaces. Derived rather than stored: a vault holds millions of links."""
        return self.text_span(*target_bounds(self.text))

    @property
    def key(self) -> str:
        """Lower-cased last path part: what the index files this link under."""
        return key_of_target(self.target)


# A note keeps its links, headings and frontmatter key positions packed in flat tuples of
# plain values and builds the objects above only when asked: a vault holds millions of
# links, and an object with a Span for each cost ~400 bytes a link and most of the time
# spent indexing and loading the cache.
LINK_FIELDS = 4  # text, line, col, extra; the link ends at col + len(raw) + 4 (+1 for an embed's !)
# extra: None for a body link, True for a body embed, (fm_key, quote, embed) in frontmatter, and
# (fm_key, quote, embed, raw) for a link in YAML quotes whose text (what the index files it under)
# reads other than the characters in the file (raw): `'[[Bob''s claim]]'` is a link to Bob's claim.
# A plain item of a relation field: (fm_key, quote, False, raw or None, bare), see Link.bare; it
# ends at col + len(raw), having no brackets.


def _link_end(text: str, col: int, extra) -> int:
    if extra is None:
        return col + len(text) + 4
    if extra is True:
        return col + len(text) + 5
    written = extra[3] if len(extra) > 3 and extra[3] is not None else text
    if len(extra) > 4:
        return col + len(written)
    return col + len(written) + (5 if extra[2] else 4)


def unpack_links(data: tuple) -> list[Link]:
    out = []
    for i in range(0, len(data), LINK_FIELDS):
        text, line, col, extra = data[i : i + LINK_FIELDS]
        target, heading, shown = split_target(text)
        raw = text
        bare = None
        if type(extra) is tuple:
            fm_key, quote, embed = extra[0], extra[1], extra[2]
            if len(extra) > 3 and extra[3] is not None:
                raw = extra[3]
            if len(extra) > 4:
                bare = extra[4]
        else:
            fm_key, quote, embed = None, None, extra is True
        span = Span(line, col, line, _link_end(text, col, extra))
        out.append(Link(raw, target, heading, shown, embed, span, fm_key, quote, bare))
    return out


@dataclass(slots=True)
class Heading:
    level: int
    text: str
    span: Span  # the text of the heading (without the #s)


HEADING_FIELDS = 4  # level, text, line, col (the text ends the span)


def unpack_headings(data: tuple) -> list[Heading]:
    return [
        Heading(data[i], data[i + 1], Span(data[i + 2], data[i + 3], data[i + 2], data[i + 3] + len(data[i + 1])))
        for i in range(0, len(data), HEADING_FIELDS)
    ]


@dataclass(slots=True)
class Block:
    """A block id: `^id` at the end of a paragraph's or list item's line (as Obsidian writes
    them), linked as `[[note#^id]]`."""

    id: str  # without the ^
    line: int
    col: int  # of the ^

    @property
    def span(self) -> Span:
        return Span(self.line, self.col, self.line, self.col + 1 + len(self.id))


BLOCK_FIELDS = 3  # id, line, col of the ^


def unpack_blocks(data: tuple) -> list[Block]:
    return [Block(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data), BLOCK_FIELDS)]


KEY_FIELDS = 3  # key, line, width of the key as written (quotes included); it starts at column 0


_ABSENT = object()


class Fields(Mapping[str, Any]):
    """A note's frontmatter mapping, read-only: the keys as one tuple shared by every note
    that has the same keys in the same order, the values as another (a dict a note cost
    ~280 bytes; this ~140). Frontmatters have a handful of keys: lookups scan them."""

    __slots__ = ("_keys", "_values")

    def __init__(self, keys: tuple[str, ...], values: tuple[Any, ...]) -> None:
        self._keys = keys
        self._values = values

    @classmethod
    def of(cls, data: dict[str, Any]) -> Fields:
        return cls(shared(tuple(data)), tuple(data.values()))

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, _ABSENT)
        if value is _ABSENT:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        keys = self._keys
        return self._values[keys.index(key)] if key in keys else default  # (two scans in C)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"Fields({dict(zip(self._keys, self._values))!r})"

    def __reduce__(self):
        return (Fields, (self._keys, self._values))


@dataclass(slots=True)
class Frontmatter:
    data: Fields | None  # None when absent or unparseable
    span: Span | None  # from the opening --- line to the closing --- line, inclusive
    key_data: tuple = ()  # top-level keys, packed: KEY_FIELDS per key, in file order
    problems: list[Problem] | tuple[Problem, ...] = field(default_factory=list)  # yaml-error and the like
    body_line: int = 0  # first line after the frontmatter

    @property
    def keys(self) -> dict[str, Span]:
        """Top-level key -> the span of its name (the last one when a key repeats)."""
        d = self.key_data
        return {d[i]: Span(d[i + 1], 0, d[i + 1], d[i + 2]) for i in range(0, len(d), KEY_FIELDS)}

    def key_of_line(self, line: int) -> str | None:
        """The top-level key whose value contains the given line."""
        best: str | None = None
        d = self.key_data
        for i in range(0, len(d), KEY_FIELDS):  # in file order
            if d[i + 1] > line:
                break
            best = d[i]
        return best

    def key_span(self, key: str) -> Span | None:
        d = self.key_data
        for i in range(len(d) - KEY_FIELDS, -1, -KEY_FIELDS):
            if d[i] == key:
                return Span(d[i + 1], 0, d[i + 1], d[i + 2])
        return None

    def __reduce__(self):
        return (Frontmatter, (self.data, self.span, self.key_data, self.problems, self.body_line))


def pack_astral(astral: dict[int, tuple[int, ...]]) -> tuple[int, ...]:
    """{line: columns} -> (line, count, columns..., line, count, ...): a dict and a tuple
    a line cost ~350 bytes a note in vaults fond of emoji."""
    out: list[int] = []
    for line in sorted(astral):
        cols = astral[line]
        out += (line, len(cols), *cols)
    return tuple(out)


TAGS_FIELD = "tags"


def tags_of(value: Any) -> tuple[str, ...]:
    """Tags as a frontmatter value writes them: a list, or one string of tags separated by
    commas or spaces (as Obsidian reads it); without a leading `#`, each once, in order."""
    if value is None:
        return ()
    if isinstance(value, str):
        items: list = value.replace(",", " ").split()
    elif isinstance(value, list):
        items = value
    else:
        items = [value]
    out: dict[str, None] = {}
    for item in items:
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            tag = str(item).strip().lstrip("#").strip()
            if tag:
                out[tag] = None
    return tuple(out)


NO_PROBLEMS: tuple[Problem, ...] = ()
_NO_FIELDS = Fields((), ())  # shared by every note read without a problem


@dataclass(slots=True)
class Note:
    path: str  # vault-relative, '/'-separated, with .md
    title: str  # filename stem
    text_lines: int  # number of lines
    frontmatter: Frontmatter
    link_data: tuple = ()  # packed links (LINK_FIELDS each), in file order
    heading_data: tuple = ()  # packed headings (HEADING_FIELDS each), in file order
    aliases: tuple[str, ...] = ()
    astral_data: tuple[int, ...] = ()  # columns of characters taking two UTF-16 units (pack_astral)
    problems: list[Problem] | tuple[Problem, ...] = field(default_factory=list)  # found while reading
    block_data: tuple = ()  # packed block ids (BLOCK_FIELDS each), in file order

    def __reduce__(self):  # pickled as plain values: the cache loads without per-field setattr
        return (
            Note,
            (
                self.path,
                self.title,
                self.text_lines,
                self.frontmatter,
                self.link_data,
                self.heading_data,
                self.aliases,
                self.astral_data,
                self.problems,
                self.block_data,
            ),
        )

    def astral_cols(self, line: int) -> tuple[int, ...] | None:
        """The columns of the line's characters that take two UTF-16 units (text.py)."""
        d = self.astral_data
        i = 0
        while i < len(d):
            if d[i] == line:
                return d[i + 2 : i + 2 + d[i + 1]]
            if d[i] > line:
                return None
            i += 2 + d[i + 1]
        return None

    @property
    def links(self) -> list[Link]:
        """The note's links as objects, built on each call (a caller keeps the list); the
        plain items of its relation fields among them (Link.bare)."""
        return unpack_links(self.link_data)

    def link_keys(self) -> set[str]:
        """The index keys of every link (link_key), without building Link objects."""
        return {link_key(raw) for raw in self.raw_links()}

    def link_targets(self) -> list[str]:
        return [split_target(raw)[0] for raw in self.raw_links()]

    def raw_links(self) -> tuple[str, ...]:
        """What each link holds between its brackets (a plain item of a relation field: the
        item), in file order (as YAML reads it, for a link inside a quoted frontmatter value:
        see Link.text): enough for most questions about links, without building Link objects
        (see link)."""
        return self.link_data[::LINK_FIELDS]

    def link(self, n: int) -> Link:
        """The n-th link, counted as raw_links counts them."""
        i = n * LINK_FIELDS
        return unpack_links(self.link_data[i : i + LINK_FIELDS])[0]

    @property
    def headings(self) -> list[Heading]:
        return unpack_headings(self.heading_data)

    def heading_texts(self) -> tuple[str, ...]:
        """The text of each heading, in file order, without building Heading objects."""
        return self.heading_data[1::HEADING_FIELDS]

    @property
    def blocks(self) -> list[Block]:
        return unpack_blocks(self.block_data)

    def block_ids(self) -> tuple[str, ...]:
        """The id of each block (without its ^), in file order, without building Blocks."""
        return self.block_data[::BLOCK_FIELDS]

    def block(self, block_id: str) -> Block | None:
        """The block with that id (with or without its ^): as written, else ignoring case."""
        wanted = block_id.strip().removeprefix("^")
        d = self.block_data
        ids = d[::BLOCK_FIELDS]
        if wanted not in ids:
            lowered = wanted.casefold()
            wanted = next((i for i in ids if i.casefold() == lowered), None)
            if wanted is None:
                return None
        i = ids.index(wanted) * BLOCK_FIELDS
        return Block(d[i], d[i + 1], d[i + 2])

    @property
    def h1(self) -> Heading | None:
        d = self.heading_data
        for i in range(0, len(d), HEADING_FIELDS):
            if d[i] == 1:
                return unpack_headings(d[i : i + HEADING_FIELDS])[0]
        return None

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ""

    @property
    def meta(self) -> Mapping[str, Any]:
        return self.frontmatter.data or _NO_FIELDS

    def tags(self) -> tuple[str, ...]:
        """The note's tags, from its frontmatter's `tags` (tags_of)."""
        return tags_of(self.meta.get(TAGS_FIELD))

    def field_text(self, name: str) -> str:
        value = self.meta.get(name)
        if value is None:
            return ""
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    def link_at(self, line: int, col: int) -> Link | None:
        d = self.link_data
        for i in range(0, len(d), LINK_FIELDS):
            if d[i + 1] == line and d[i + 2] <= col <= _link_end(d[i], d[i + 2], d[i + 3]):
                return unpack_links(d[i : i + LINK_FIELDS])[0]
        return None
