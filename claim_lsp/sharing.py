"""Strings shared between notes: which ones, and sharing them."""

from __future__ import annotations

import sys
from collections.abc import Iterator

from .model import HEADING_FIELDS, LINK_FIELDS, Note, shared

# A vault writes the same strings again and again: a link names another note's title, and
# "Evidence" heads thousands of notes. Equal strings are kept as one object (as the index's
# tables hold titles and link keys too), and which strings those are is said here, once:
# the parser shares them as it reads (parse.py), a note parsed in another process arrives
# with copies of its own and is shared again (workers.py: ~70 MB less at 100,000 notes),
# and the disk cache writes each of them once for every note that holds it (cache.py).

# Titles and link targets: interned in one table, so that [[a title]] and the title it
# names (and the index's placeholder for it, Vault.put_placeholders) are one string.
share_name = sys.intern
SHARED_HEADING = 40  # headings this short are often the same in many notes


def share_heading(text: str, title: str) -> str:
    """The heading's text as one string with the other notes' equal ones: the (interned)
    title when it repeats it (claim notes' H1 do), the shared copy when it is short."""
    if text == title:
        return title
    return shared(text) if len(text) <= SHARED_HEADING else text


def share_strings(note: Note) -> None:
    """Replace the note's strings by the shared ones (see share_name, share_heading): for a
    note that was pickled, whose strings are copies made as it was unpickled."""
    title = note.title = share_name(note.title)
    if note.link_data:  # (the targets as written: the first of each link's LINK_FIELDS values)
        data = list(note.link_data)
        data[::LINK_FIELDS] = map(share_name, data[::LINK_FIELDS])
        note.link_data = tuple(data)
    if note.heading_data:
        data = list(note.heading_data)
        data[1::HEADING_FIELDS] = [share_heading(text, title) for text in data[1::HEADING_FIELDS]]
        note.heading_data = tuple(data)


def shared_strings_of(note: Note) -> Iterator[str]:
    """The note's strings that other notes, or the vault's tables, may hold as the same
    object: those share_strings shares, and the path and aliases (the vault's tables hold
    them too)."""
    yield note.path
    yield note.title
    yield from note.aliases
    yield from note.raw_links()
    for text in note.heading_texts():
        if len(text) <= SHARED_HEADING:
            yield text
