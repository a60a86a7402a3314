"""The one way a vault is read from disk: the folder listed and stamped, the disk cache
(cache.py) and its saved tables restored, the other notes read and parsed (by the workers,
when there are enough), everything filed in the vault.
"""

from __future__ import annotations

import gc
import operator
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from . import cache
from .cache import Entry
from .index import Vault
from .model import Note
from .scan import file_stamp, note_file, note_from_file, walk_notes
from .schema import Config, load_config
from .workers import MIN_NOTES, ParsePool

_NOTE_OF = operator.itemgetter(2)  # an item's note (None: to be read)

# vault-relative path, stamp (or the cached entry, whose first two values are the same stamp), cached note
Item = tuple[str, "tuple[int, int] | Entry | None", "Note | None"]


def stat_notes(
    root: Path,
    paths: Iterable[str],
    cached: dict[str, Entry],
    stamps: array | None = None,
) -> list[Item]:
    """Each listed file with its stamp and, when the file is unchanged since the cache was
    written, its cached note (stamps: the files' stamps, in order, when already taken, as
    workers.stamp_array gives them). Without a cache there is nothing to compare: the files
    are stamped as they are read (notes_of), and the readers can start at once."""
    if not cached:
        return [(rel, None, None) for rel in paths]
    items: list[Item] = []
    for n, rel in enumerate(paths):
        if stamps is not None:
            size = stamps[2 * n + 1]
            stamp = (stamps[2 * n], size) if size >= 0 else None
        else:
            stamp = file_stamp(note_file(root, rel))
        hit = cached.get(rel)
        if hit is not None and stamp is not None and hit[0] == stamp[0] and hit[1] == stamp[1]:
            # the cached entry stands for the stamp, and the cached note's path for the listing's
            # (an equal string: the listing's copies, ~17 MB at 100,000 notes, can go)
            items.append((hit[2].path, hit, hit[2]))
        else:
            items.append((rel, stamp, None))
    return items


def notes_of(
    root: Path, items: list[Item], config, fresh: dict[str, Entry], pool: ParsePool | None = None
) -> Iterator[Note]:
    """The note of each item, in order: the cached one, else read and parsed (by the pool's
    workers when there are enough to parse; they start at once, so the caller can file
    what it knows meanwhile). Every note is recorded in `fresh` (the next cache)."""
    misses = [rel for rel, _, note in items if note is None]
    parsed = pool.parse(root, misses, config) if pool is not None and len(misses) >= MIN_NOTES else None
    return _notes_of(root, items, config, fresh, parsed)


def _notes_of(
    root: Path,
    items: list[Item],
    config,
    fresh: dict[str, Entry],
    parsed: Iterator[tuple[tuple[int, int] | None, Note]] | None,
) -> Iterator[Note]:
    for rel, stamp, note in items:
        if note is None:  # read now: stamped just before
            if parsed is not None:
                found = next(parsed, None)
                if found is None:
                    return  # the workers were stopped (the server is leaving)
                stamp, note = found
                note.path = rel  # the listing's string, which the vault's tables hold: not a copy of it
            else:
                path = note_file(root, rel)
                stamp = file_stamp(path)
                note = note_from_file(rel, path, config)
        if stamp is not None and not any(p.code == "unreadable-file" for p in note.problems):
            fresh[rel] = stamp if len(stamp) == 3 else (stamp[0], stamp[1], note)  # (3: the cached entry)
        yield note


def stale(cached: dict[str, Entry], fresh: dict[str, Entry], tables: tuple | None) -> bool:
    """Must the tie-break popularity be computed and the cache written again? Not when the
    saved tables were restored and no file changed since."""
    return tables is None or changed(cached, fresh)


def changed(old: dict[str, Entry], new: dict[str, Entry]) -> bool:
    """Does the new cache differ from the loaded one (by file stamps)?"""
    if old.keys() != new.keys():
        return True
    return any(old[k][:2] != v[:2] for k, v in new.items())


def build_vault(
    root: Path, config: Config | None = None, use_cache: bool = False, pool: ParsePool | None = None
) -> Vault:
    """Index a whole folder the way the server does (CLI, tests, benchmarks); with
    use_cache, reuse and refresh the disk cache; with a pool, parse in its workers."""
    config = config or load_config(root)
    vault = Vault(root, config)
    fresh: dict[str, Entry] = {}
    with bulk_load():
        cached, tables = cache.load_with_tables(root, config.limits) if use_cache else ({}, None)
        attachments: set[str] = set()
        items = stat_notes(root, walk_notes(root, config, attachments), cached)
        if tables is not None:
            restore_tables(vault, tables, items)
        reader = notes_of(root, items, config, fresh, pool)  # (the workers start now)
        # titles first, in bulk, as the server files them: put() then leaves the ranker alone
        # for every note whose title and aliases it already holds
        vault.put_placeholders([rel for rel, _, note in items if note is None])
        for note in reader:
            if vault.notes.get(note.path) is not note:
                vault.put(note)
        vault.set_attachments(attachments)
    is_stale = stale(cached, fresh, tables)
    if is_stale:
        vault.refresh_popularity()
    if use_cache and is_stale:
        cache.save(root, config.limits, fresh, tables_of(vault, fresh))
    return vault


def restore_tables(vault: Vault, tables: tuple, items: list[Item]) -> None:
    """Take the saved tables, then drop the notes whose files are gone. Notes whose files
    changed stay as they were until their new version is filed over them."""
    vault.restore(tables)
    if len(items) == len(vault.notes) and all(map(_NOTE_OF, items)):
        return  # each listed note, each a different one, came from the cache: none is gone
    present = {item[0] for item in items}
    for rel in [rel for rel in vault.notes if rel not in present]:
        vault.remove(rel)


def tables_of(vault: Vault, fresh: dict[str, Entry]) -> Callable[[], tuple] | None:
    """What to save with the cache: the vault's tables, when they are the tables of the
    cached notes. A note open in the editor is filed from the editor's text, not the file's:
    the tables still fit when the two name and link alike (the common case: a note opened,
    not yet edited), and the file's note is saved in its place. Otherwise (a link typed
    before indexing ended, a file left out) no tables are saved and a restart builds them."""
    if len(vault.notes) != len(fresh):
        return None
    swapped: dict[str, Note] = {}
    for rel, entry in fresh.items():
        held = vault.notes.get(rel)
        if held is entry[2]:
            continue
        if held is None or not _files_alike(held, entry[2]):
            return None
        swapped[rel] = entry[2]
    if not swapped:
        return vault.snapshot

    def snapshot() -> tuple:
        notes, *rest = vault.snapshot()
        return ({**notes, **swapped}, *rest)

    return snapshot


def _files_alike(a: Note, b: Note) -> bool:
    """Would the vault's tables be the same with either note filed (Vault.put)?"""
    return a.title == b.title and a.aliases == b.aliases and a.link_keys() == b.link_keys()


@contextmanager
def bulk_load():
    """No cyclic garbage collection while a vault is read (notes hold no cycles, and the
    collector's passes over a growing heap cost ~15% of indexing); afterwards the indexed
    objects are frozen out of later collections, so typing never pays for scanning them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.freeze()
