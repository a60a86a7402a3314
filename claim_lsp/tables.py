"""The index's tables: a key (a lower-cased title, an alias, a link key, a tag) -> the paths
of the notes filed under it, kept small (see add_path); the tag table, made from the notes.
The vault (index.py) owns the tables; these are the operations on one."""

from __future__ import annotations

from collections.abc import Sequence

from .model import TAGS_FIELD, Note, tags_of

Paths = str | tuple[str, ...] | set[str]

# The tables map a key to the one path filed under it (a string: most keys have one), to a
# tuple of a few, or to a set of many: a set for each key cost a third of the index's
# memory, and a set of two still costs three tuples of two.
SMALL = 16


def add_path(table: dict[str, Paths], key: str, path: str) -> None:
    found = table.get(key)
    if found is None:
        table[key] = path
    elif isinstance(found, str):
        if found != path:
            table[key] = (found, path)
    elif isinstance(found, tuple):
        if path not in found:
            table[key] = found + (path,) if len(found) < SMALL else {*found, path}
    else:
        found.add(path)


def remove_path(table: dict[str, Paths], key: str, path: str) -> None:
    found = table.get(key)
    if found is None:
        return
    if isinstance(found, str):
        if found == path:
            del table[key]
        return
    if isinstance(found, tuple):
        if path in found:
            _settle(table, key, tuple(p for p in found if p != path))
        return
    found.discard(path)
    if len(found) <= SMALL:
        _settle(table, key, tuple(found))


def _settle(table: dict[str, Paths], key: str, paths: tuple[str, ...]) -> None:
    if not paths:
        del table[key]
    else:
        table[key] = paths[0] if len(paths) == 1 else paths


def paths_in(table: dict[str, Paths], key: str) -> Sequence[str]:
    """The paths filed under key, sorted."""
    found = table.get(key)
    if found is None:
        return ()
    return (found,) if isinstance(found, str) else sorted(found)


def count_paths(found: Paths) -> int:
    return 1 if type(found) is str else len(found)


# ---- tags ------------------------------------------------------------------------------
def tag_table(notes: dict[str, Note]) -> dict[str, Paths]:
    """The tag table, made from the notes. Not saved with the disk cache: made again in
    ~2 ms at 10,000 notes (7% with tags), the cache's shape stays as it was."""
    table: dict[str, Paths] = {}
    for note in notes.values():
        data = note.frontmatter.data
        if data is not None and TAGS_FIELD in data:  # (most notes: no tags, told in C)
            for tag in tags_of(data.get(TAGS_FIELD)):
                add_path(table, tag, note.path)
    return table


def tag_counts(by_tag: dict[str, Paths]) -> dict[str, tuple[str, int]]:
    """Every tag, lower-cased (a tag is one whatever its case, as Obsidian reads them) ->
    (the spelling most notes use, how many notes hold it)."""
    spellings: dict[str, list[str]] = {}
    for tag in by_tag:
        spellings.setdefault(tag.lower(), []).append(tag)
    out = {}
    for key, tags in spellings.items():
        if len(tags) == 1:
            out[key] = (tags[0], count_paths(by_tag[tags[0]]))
        else:
            best = min(tags, key=lambda t: (-count_paths(by_tag[t]), t))
            out[key] = (best, len(set().union(*(paths_in(by_tag, t) for t in tags))))
    return out


def tagged(by_tag: dict[str, Paths], tag: str) -> list[str]:
    """Paths of the notes holding the tag (any case, with or without `#`), sorted."""
    want = tag.strip().lstrip("#").lower()
    found: set[str] = set()
    for written in by_tag:
        if written.lower() == want:
            found.update(paths_in(by_tag, written))
    return sorted(found)
