"""Call hierarchy over the claim graph (graph.py): a note's incoming calls are the notes with
an edge to it (they depend on it, extract it, challenge it or link to it), its outgoing
calls the notes it has edges to (what it depends on, is challenged by, links to). Each call
carries the kinds of its edges and the links themselves, which lie in the calling note."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .graph import LINK, Edge, edges_of, incoming
from .index import Vault
from .model import Note, Span
from .schema import RELATION_FIELDS


@dataclass(slots=True)
class Call:
    note: Note  # the other end: the caller (incoming) or the callee (outgoing)
    kinds: list[str] = field(default_factory=list)  # of its edges, strongest first (kind_rank)
    spans: list[Span] = field(default_factory=list)  # the links, in the calling note, in file order


def prepare(vault: Vault, note: Note, line: int, col: int) -> Note | None:
    """The note the hierarchy is about: the one a link under the cursor names (None when it
    names none), else this note, wherever the cursor is."""
    link = note.link_at(line, col)
    if link is None or not link.target:  # (`[[#heading]]`: this very note)
        return note
    return vault.resolve(link.target, note.path).note


def incoming_calls(vault: Vault, note: Note) -> list[Call]:
    return _calls((e.source, e) for group in incoming(vault, note).values() for e in group)


def outgoing_calls(vault: Vault, note: Note) -> list[Call]:
    """The notes this one's links name (a link to no note has no item to show)."""
    return _calls((e.target, e) for e in edges_of(vault, note) if e.target is not None)


def kind_rank(kind: str) -> tuple[int, str]:
    """Relations before plain links, the schemas' own in their order (depends_on first)."""
    if kind == LINK:
        return (len(RELATION_FIELDS) + 1, kind)
    return (RELATION_FIELDS.index(kind), kind) if kind in RELATION_FIELDS else (len(RELATION_FIELDS), kind)


def detail(note: Note, kinds: Iterable[str] = ()) -> str:
    """What an item shows beside the title: the relations, then the note's confidence."""
    return " · ".join(filter(None, (", ".join(kinds), note.field_text("confidence"))))


def title_span(note: Note) -> Span:
    """Where the note names itself: its H1, else the start of its body."""
    if note.h1 is not None:
        return note.h1.span
    line = note.frontmatter.body_line
    return Span(line, 0, line, 0)


def _calls(pairs: Iterable[tuple[Note | None, Edge]]) -> list[Call]:
    calls: dict[str, Call] = {}
    for other, edge in pairs:
        if other is None:
            continue
        call = calls.get(other.path)
        if call is None:
            call = calls[other.path] = Call(other)
        if edge.kind not in call.kinds:
            call.kinds.append(edge.kind)
        call.spans.append(edge.span)
    for call in calls.values():
        call.kinds.sort(key=kind_rank)
        call.spans.sort()
    return sorted(calls.values(), key=lambda c: (kind_rank(c.kinds[0]), c.note.title.casefold(), c.note.path))
