"""The one way a vault is read from disk, by the server and the CLI alike.

`Loader.steps` reads a folder into its Vault as a generator of steps: the folder listed (or,
with worker processes and a disk cache, listed and stamped by a worker while the cache is
read), the cache and its saved tables restored, every note filed by its title in bulk, the
rest read a batch at a time, and at the end the tie-break popularity and whether the cache
must be written again. Steps that block (reading the cache, listing, waiting for the
workers) are handed to the caller to run: `build_vault` runs them one after another; the
server (lsp/indexing.py) runs them in a thread and answers requests between steps.
"""

from __future__ import annotations

import bisect
import functools
import gc
import itertools
import logging
import operator
import os
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from . import cache
from .cache import Entry
from .config import Config, load_config
from .index import Vault, VaultSnapshot
from .load_steps import CACHE, COMPARED, FILED, LISTING, READ, STAMPS, TITLED, DiskChanges, OpenDocuments, Step
from .model import Note
from .scan import Stamp, file_stamp, file_text, note_file, note_from_file, stamp_key, walk_notes
from .workers import MIN_NOTES, STAMP_INTS, ParsePool, listed_as

log = logging.getLogger(__name__)

BATCH = 200  # notes read (or received from the workers) per step
FILE_BATCH = 5000  # notes filed between two looks at the requests


def _test_delay(name: str) -> float:
    try:
        return max(0.0, float(os.environ.get(name) or 0))
    except ValueError:
        return 0.0


# For tests only, off by default (the README's testing section): seconds each batch of notes
# read is held before it is filed. The hold is part of the READ step's work, which the server
# runs in a thread: requests are answered meanwhile, so an end-to-end test can ask while a
# small vault is indexed (tests/e2e/test_indexing_window.py), or change the disk between the
# reading of a note and its filing (tests/e2e/test_convergence.py). The server's reading of a
# large change reported on disk is held the same way, each chunk of it (lsp/disk_changes.py:
# tests/e2e/test_live_changes.py asks while it is filed).
SLOW_READ = _test_delay("CLAIM_LSP_TEST_SLOW_READ")


class Loader:
    """Reads a vault's folder into the vault (see steps). With use_cache, the disk cache is
    read, and `to_save` says at the end what to write back, if anything; with a pool, notes
    are listed, stamped and parsed by its workers. Progress: `done` of `total` notes read."""

    def __init__(
        self,
        vault: Vault,
        use_cache: bool = False,
        pool: ParsePool | None = None,
        editor: OpenDocuments | None = None,
    ) -> None:
        assert vault.root is not None
        self.vault = vault
        self.use_cache = use_cache
        self.pool = pool
        self.editor = editor
        self.total = 0  # the notes listed
        self.done = 0  # the notes read so far (counted by READ's work, as they arrive; all, when none changed)
        # once done, when the cache must be written again: its entries, and the vault's tables to save
        # with them (cache.save's arguments)
        self.to_save: tuple[dict[str, Entry], Callable[[], tuple] | None] | None = None
        # what the editor's watcher reported changed on disk since the loading began
        self.changed = DiskChanges()

    def run(self) -> Vault:
        """Every step, one after another (the CLI, tests)."""
        with closing(self.steps()) as steps:
            for step in steps:
                step.work()
        return self.vault

    def steps(self) -> Iterator[Step]:
        """The loading, a step at a time; between two steps the vault can be queried. Closed
        early (the folder removed, the server leaving), it leaves the vault as far as it got,
        its bulk filing and the pause of the garbage collector ended."""
        vault, pool = self.vault, self.pool
        root, config = vault.root, vault.config
        assert root is not None
        began = time.perf_counter()
        since = time.time_ns()  # (stamps of files changed after this are not trusted: scan.stamp_key)
        vault.indexed = False  # link checks wait for every note to be read
        attachments: set[str] = set()
        fresh: dict[str, Entry] = {}
        cached: dict[str, Entry] = {}
        tables = None
        changed = self.changed
        with bulk_load(), self._recording_changes():
            paths: list[str] | None = None
            stamps = None
            if self.use_cache:
                listing = None
                if pool is not None and cache.cache_file(root).exists():
                    # a worker lists the folder and stamps the files while this process reads
                    # the cache (a listing in a thread here would wait on the unpickling, which
                    # holds the interpreter); when the folder holds just the cached notes, the
                    # cache's own paths are the listing (at 100,000 notes ~0.15 s sooner, and
                    # no copy of the paths beside the notes while they are read)
                    listing = pool.listing(root, config)
                step = Step(CACHE, lambda: cache.load_with_tables(root, config.limits))
                yield step
                cached, tables = step.result
                if listing is not None:
                    step = Step(LISTING, listing)
                    yield step
                    found = step.result
                    if found is not None and cached and listed_as(cached, found):
                        paths, stamps = list(cached), found[3]
                        attachments = found[2]
                        log.info("%s: listed by a worker, as cached", root)
            if paths is None:  # (no cache, or notes added, removed or renamed since)
                step = Step(LISTING, lambda: list(walk_notes(root, config, attachments)))
                yield step
                paths = step.result
                if cached and pool is not None and len(paths) >= MIN_NOTES:
                    step = Step(STAMPS, pool.stamps(root, paths))
                    yield step
                    stamps = step.result
            vault.set_attachments(attachments)
            self.total = total = len(paths)
            log.info("%s: %d notes listed, %d cached, in %.2f s", root, total, len(cached), time.perf_counter() - began)
            step = Step(COMPARED, functools.partial(stat_notes, root, paths, cached, stamps))
            del paths  # (the notes from the cache hold their own path strings: see stat_notes)
            yield step
            items: list[Item] = step.result
            del step
            reader = notes_of(root, items, config, fresh, pool)  # the workers start now
            # what is known at once is filed first: the notes unchanged since the cache
            # (with the tables built from them, when saved), and the titles of the rest;
            # completion works before a single note is read (link checks wait: Vault.indexed)
            if tables is not None:
                restore_tables(vault, tables, items)
                if self.editor is not None:
                    self.editor.refile_open(vault)  # the editor's text over the saved notes
                    if changed:
                        self.editor.reread(vault, changed)  # (the saved tables hold them as they were)
            # titles in bulk: put() then leaves the ranker alone for every note whose title and
            # aliases it already holds
            with vault.filing_in_bulk():
                for start in range(0, len(items), FILE_BATCH):
                    batch = items[start : start + FILE_BATCH]
                    if changed:
                        batch = [item for item in batch if item[0] not in changed]
                    # (a changed note keeps its old version meanwhile)
                    vault.put_placeholders([rel for rel, _, note in batch if note is None])
                    if tables is None:
                        open_now = self._open_now()  # (documents may have opened meanwhile)
                        for rel, _, note in batch:
                            if note is not None and rel not in open_now:
                                vault.put(note)
                    yield Step(FILED)
            log.info(
                "%s: titles filed at %.2f s (%d notes from the cache)",
                root,
                time.perf_counter() - began,
                len(items) - sum(1 for item in items if item[2] is None),
            )
            yield Step(TITLED)
            misses = [i for i, item in enumerate(items) if item[2] is None]
            if tables is not None and not misses and len(items) == len(cached):
                fresh = cached  # nothing changed since the cache: nothing to read or save
                self.done = total
            while self.done < total:
                # a batch of BATCH notes to read (or receive from the workers) at a time,
                # with the cached notes before and between them
                k = bisect.bisect_left(misses, self.done) + BATCH - 1
                end = misses[k] + 1 if k < len(misses) else total
                step = Step(READ, functools.partial(self._read, reader, end - self.done))
                yield step
                notes: list[Note] = step.result
                del step
                if not notes:
                    break
                open_now = self._open_now()
                if changed:
                    notes = [note for note in notes if note.path not in changed]
                for note in notes:
                    if vault.notes.get(note.path) is not note and note.path not in open_now:
                        vault.put(note)  # (a cached note was filed above)
            if changed and self.editor is not None:
                # what was read of them may predate the change: read again, now that nothing
                # more is filed from the listing; the cache keeps none of them
                self.editor.reread(vault, changed)
                for rel in [rel for rel in fresh if rel in changed]:
                    del fresh[rel]
        vault.stamps.record_all((entry[3], stamp_key(entry, since)) for entry in fresh.values())
        vault.indexed = True
        is_stale = stale(cached, fresh, tables)
        if is_stale:
            vault.refresh_popularity()
        log.info(
            "%s: %d notes indexed in %.2f s (%d from the cache)",
            root,
            len(vault),
            time.perf_counter() - began,
            len(cached),
        )
        if is_stale and self.use_cache:
            self.to_save = (fresh, tables_of(vault, fresh))

    def _read(self, reader: Iterator[Note], count: int) -> list[Note]:
        notes = list(itertools.islice(reader, count))
        if SLOW_READ:
            time.sleep(SLOW_READ)  # (read already: what is filed may be older than the disk)
        self.done += len(notes)
        return notes

    @contextmanager
    def _recording_changes(self) -> Iterator[None]:
        if self.editor is None:
            yield
            return
        self.editor.record_changes(self.vault, self.changed)
        try:
            yield
        finally:
            self.editor.record_changes(self.vault, None)

    def _open_now(self) -> set[str] | frozenset[str]:
        return self.editor.open_in(self.vault) if self.editor is not None else frozenset()


def build_vault(
    root: Path, config: Config | None = None, use_cache: bool = False, pool: ParsePool | None = None
) -> Vault:
    """Index a whole folder at once (CLI, tests, benchmarks); with use_cache, reuse and
    refresh the disk cache; with a pool, list, stamp and parse in its workers."""
    config = config or load_config(root)
    loader = Loader(Vault(root, config, read_file=file_text), use_cache, pool)
    loader.run()
    if loader.to_save is not None:
        cache.save(root, config.limits, *loader.to_save)
    return loader.vault


_NOTE_OF = operator.itemgetter(2)  # an item's note (None: to be read)

# vault-relative path, stamp (or the cached entry, whose first three values are the same stamp), cached note
Item = tuple[str, "Stamp | Entry | None", "Note | None"]


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
            at = STAMP_INTS * n
            size = stamps[at + 1]
            stamp = (stamps[at], size, stamps[at + 2]) if size >= 0 else None
        else:
            stamp = file_stamp(note_file(root, rel))
        hit = cached.get(rel)
        if hit is not None and stamp is not None and hit[0] == stamp[0] and hit[1] == stamp[1] and hit[2] == stamp[2]:
            # the cached entry stands for the stamp, and the cached note's path for the listing's
            # (an equal string: the listing's copies, ~17 MB at 100,000 notes, can go)
            items.append((hit[3].path, hit, hit[3]))
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
    parsed: Iterator[tuple[Stamp | None, Note]] | None,
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
            fresh[rel] = stamp if len(stamp) == 4 else (*stamp, note)  # (4: the cached entry)
        yield note


def stale(cached: dict[str, Entry], fresh: dict[str, Entry], tables: tuple | None) -> bool:
    """Must the tie-break popularity be computed and the cache written again? Not when the
    saved tables were restored and no file changed since."""
    return tables is None or changed(cached, fresh)


def changed(old: dict[str, Entry], new: dict[str, Entry]) -> bool:
    """Does the new cache differ from the loaded one (by file stamps)?"""
    if old.keys() != new.keys():
        return True
    return any(old[k][:3] != v[:3] for k, v in new.items())


def restore_tables(vault: Vault, tables: tuple, items: list[Item]) -> None:
    """Take the saved tables, then drop the notes whose files are gone. Notes whose files
    changed stay as they were until their new version is filed over them."""
    vault.restore(tables)
    if len(items) == len(vault.notes) and all(map(_NOTE_OF, items)):
        return  # each listed note, each a different one, came from the cache: none is gone
    present = {item[0] for item in items}
    for rel in [rel for rel in vault.notes if rel not in present]:
        vault.remove(rel)


def tables_of(vault: Vault, fresh: dict[str, Entry]) -> Callable[[], VaultSnapshot] | None:
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
        if held is entry[3]:
            continue
        if held is None or not _files_alike(held, entry[3]):
            return None
        swapped[rel] = entry[3]
    if not swapped:
        return vault.snapshot

    def snapshot() -> VaultSnapshot:
        tables = vault.snapshot()
        return tables._replace(notes={**tables.notes, **swapped})

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
