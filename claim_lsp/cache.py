"""A disk cache of parsed notes, so a restart re-reads only the notes that changed.

- Where: the user cache folder (`$XDG_CACHE_HOME/claim-lsp`, else `~/.cache/claim-lsp`, or
  `$CLAIM_LSP_CACHE_DIR`), one file per vault, named by a hash of the vault's path.
- Entries: vault-relative path -> (mtime in ns, size, parsed note). A note is reused only
  when both match what `stat` says now.
- Versioned by this format, the package version and the parse limits; another version is
  ignored. Safe to delete at any time.
- Never trusted: the file is unpickled with an allow-list of the model's classes (nothing
  else can be constructed), and anything unreadable, corrupt or of the wrong shape is
  logged and ignored. Writes go to a temporary file renamed into place.
- Layout: the stamp; the strings that notes share with one another and with the tables
  (paths, titles, aliases, link targets, short headings), with the vault's tables; then the
  entries in chunks. Entries are written in segments whose pickles share a memo, and each
  segment is read by its own unpickler: what a segment leaves behind (every note's
  constructor arguments, which the memo holds until it is freed) is freed a segment at a
  time and its room reused, where one memo for the whole file held it to the end (at
  100,000 notes ~36 MB of memo and ~26 MB of holes left in the heap). A note refers to a
  shared string by its number in the list (pickle's persistent ids: every segment gets the
  same objects); the tables, pickled with the list, by the memo (a persistent id costs
  ~0.1 µs more to read, and the tables hold ~1 million references at 100,000 notes).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import operator
import os
import pickle
import sys
import tempfile
import warnings
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from . import __version__
from .config import Config, Limits, load_config
from .index import Vault, VaultSnapshot
from .model import Note, shared_strings_of
from .rank import TitleRanker
from .scan import file_stamp, file_text, note_file, note_from_file, walk_notes
from .workers import BACKGROUND_NICENESS, MIN_NOTES, ParsePool, detach

log = logging.getLogger(__name__)

FORMAT = 9  # 2: the vault's tables saved after the notes; 3: frontmatter as model.Fields; 4: popularity in the
# ranker's entries; 5: shared strings first, entries in segments, the tables' notes as their paths; 6: the
# tables first, with the shared strings; chunks as lists; 7: Entry moved to claim_lsp.rank.words; 8: a
# quoted frontmatter link's target is the text YAML reads (`''` -> `'`); 9: plain items of relation fields
Entry = tuple[int, int, Note]  # mtime_ns, size, note

_ALLOWED = (
    {("claim_lsp.model", name) for name in ("Note", "Link", "Heading", "Frontmatter", "Fields", "Problem", "Span")}
    | {("claim_lsp.rank.words", "Entry"), ("array", "_array_reconstructor"), ("array", "array")}
    | {("builtins", name) for name in ("set", "frozenset", "bytes", "bytearray", "complex")}
)


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        return super().find_class(module, name)


def cache_dir() -> Path:
    explicit = os.environ.get("CLAIM_LSP_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claim-lsp"


def cache_file(root: Path) -> Path:
    key = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return cache_dir() / f"vault-{key}.pickle"


def _layout() -> tuple:
    """The fields of every cached class: a cache written by code with another model is stale."""
    from dataclasses import fields

    from . import model, rank

    classes = (model.Note, model.Link, model.Heading, model.Frontmatter, model.Problem, rank.Entry)
    return tuple((c.__name__, tuple(f.name for f in fields(c))) for c in classes) + (model.Span._fields,)


def _stamp(limits: Limits) -> tuple:
    relations = tuple((name, tuple(sorted(fields))) for name, fields in limits.typed_relations)
    return (FORMAT, __version__, _layout(), limits.max_links, limits.max_yaml_bytes, limits.max_yaml_values, relations)


def load_with_tables(root: Path, limits: Limits) -> tuple[dict[str, Entry], VaultSnapshot | None]:
    """The cached entries, and the vault's tables saved with them (Vault.snapshot) when
    the file has them and they hold exactly those notes."""
    path = cache_file(root)
    try:
        stream = open(path, "rb")  # read as unpickled: the whole file at once would double the peak
        size = os.fstat(stream.fileno()).st_size
    except FileNotFoundError:
        return {}, None
    except OSError as exc:
        log.warning("cache %s not readable (%s); ignored", path, exc)
        return {}, None
    good: dict[str, Entry] = {}
    tables = None
    try:
        unpickler = _SafeUnpickler(stream)
        if unpickler.load() != _stamp(limits):
            log.info("cache %s is from another version; ignored", path)
            return {}, None
        head = unpickler.load()
        if type(head) is not tuple or len(head) != 2 or type(head[0]) is not list:
            raise pickle.UnpicklingError("no shared strings")
        strings, tables = head
        unpickler = _segment_reader(stream, strings)
        while stream.tell() < size:  # the entries come in chunks (see save_steps)
            chunk = unpickler.load()
            if type(chunk) is str and chunk == SEGMENT_END:
                unpickler = _segment_reader(stream, strings)
                continue
            if type(chunk) is not list:
                raise pickle.UnpicklingError("a chunk is not a list")
            for entry in chunk:
                if isinstance(entry, tuple) and len(entry) == 3 and isinstance(entry[2], Note):
                    rel = entry[2].path
                    if type(rel) is str:
                        good[rel] = entry
    except Exception as exc:  # corrupt, truncated, foreign: never trusted
        log.warning("cache %s is not usable (%s); ignored", path, exc)
        return {}, None
    finally:
        stream.close()
    if tables is not None:
        tables = _with_notes(tables, good)
        if tables is None:
            log.warning("cache %s: its tables do not match its notes; rebuilt instead", path)
    return good, tables


def _segment_reader(stream, strings: list) -> _SafeUnpickler:
    """An unpickler for the next segment: a memo of its own, the shared strings by number."""
    unpickler = _SafeUnpickler(stream)
    unpickler.persistent_load = strings.__getitem__  # (a bad number: IndexError, the file ignored)
    return unpickler


def _with_notes(tables, entries: dict[str, Entry]) -> VaultSnapshot | None:
    """The saved tables (a VaultSnapshot as a plain tuple) with their notes taken from the
    entries, as saved (their paths, in the vault's order); None when they do not hold exactly
    the saved notes or name paths that are not among them."""
    try:
        saved = VaultSnapshot._make(tables)  # (TypeError: not five values)
        order = saved.notes
        if type(order) is not tuple or len(order) != len(entries):
            return None
        notes = {rel: entries[rel][2] for rel in order}  # (KeyError: a path not among them)
    except (TypeError, ValueError, KeyError):
        return None
    snapshot = saved._replace(notes=notes)
    return snapshot if len(notes) == len(entries) and _tables_match(snapshot) else None


def _tables_match(tables: VaultSnapshot) -> bool:
    """Do the saved tables only name paths among the notes?"""
    try:
        TitleRanker.check_snapshot(tables.ranker)
        # (map and set operations run in C: ~0.05 s less than loops at 100,000 notes; the
        # keys' view, not a set of them: 4 MB less at the warm start's peak)
        known = tables.notes.keys()
        for table in (tables.by_stem, tables.by_alias, tables.inbound):
            values = table.values()
            if {v for v in values if type(v) is str} - known:
                return False
            if set().union(*[v for v in values if type(v) is not str]) - known:
                return False
        return True
    except (TypeError, ValueError, AttributeError):  # (AttributeError: a table that is not a dict)
        return False


CHUNK = 500  # entries pickled at a time: the server yields to requests between chunks
SEGMENT_CHUNKS = 20  # chunks pickled with one memo (a segment), then it is cleared
SEGMENT_END = "end of segment"  # written after each segment: the reader starts a new unpickler


def shared_strings(entries: dict[str, Entry]) -> list[str]:
    """The strings that notes in different segments, and the tables, hold as one object
    (model.shared_strings_of), each once. (Other values shared across notes are few: a copy
    a segment costs little.)"""
    found: dict[int, str] = {}
    for entry in entries.values():
        for s in shared_strings_of(entry[2]):
            found[id(s)] = s
    return list(found.values())


def save_steps(
    root: Path, limits: Limits, entries: dict[str, Entry], tables: Callable[[], VaultSnapshot] | None = None
) -> Iterator[None]:
    """Write the cache a chunk at a time, yielding between chunks (the server answers
    requests meanwhile; pickling holds the interpreter). The file appears, renamed into
    place, only once complete."""
    path = cache_file(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    except OSError as exc:
        log.warning("cache %s not written (%s)", path, exc)
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            pickler = pickle.Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dump(_stamp(limits))
            strings = shared_strings(entries)
            saved = None
            if tables is not None:  # the notes as their paths: the reader takes them from the entries
                snapshot = tables()
                saved = tuple(snapshot._replace(notes=tuple(snapshot.notes)))  # (a plain tuple: see _ALLOWED)
            pickler.dump((strings, saved))
            pickler.clear_memo()
            number = {id(s): n for n, s in enumerate(strings)}.get  # (the strings stay alive meanwhile)
            pickler.persistent_id = lambda obj: number(id(obj))
            values = list(entries.values())  # (an entry's path is its note's)
            chunks = range(0, len(values), CHUNK)
            for n, start in enumerate(chunks):
                pickler.dump(values[start : start + CHUNK])
                if (n + 1) % SEGMENT_CHUNKS == 0 or n + 1 == len(chunks):
                    pickler.dump(SEGMENT_END)
                    pickler.clear_memo()
                yield
        os.replace(tmp, path)
    except Exception as exc:
        log.warning("cache %s not written (%s)", path, exc)
    finally:
        Path(tmp).unlink(missing_ok=True)


def save_in_child(
    root: Path, limits: Limits, entries: dict[str, Entry], tables: Callable[[], VaultSnapshot] | None = None
) -> int | None:
    """Write the cache from a forked child and return its pid (the caller reaps it), or
    None where forking is not available. The child works on a copy-on-write snapshot:
    the server neither spends its time pickling nor holds the pickler's memo (one entry
    per object written, ~200 MB at 100,000 notes)."""
    if sys.platform != "linux":
        return None
    try:
        with warnings.catch_warnings():  # Python 3.12+ warns about forking with threads
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError as exc:
        log.warning("cache not written in a child process (%s)", exc)
        return None
    if pid:
        return pid
    code = 1
    try:  # the child: no protocol stream, nothing but the file, then out without clean-up
        detach(BACKGROUND_NICENESS)  # (behind the server, which answers requests meanwhile)
        save(root, limits, entries, tables)
        code = 0
    finally:
        os._exit(code)


def save(
    root: Path, limits: Limits, entries: dict[str, Entry], tables: Callable[[], VaultSnapshot] | None = None
) -> None:
    for _ in save_steps(root, limits, entries, tables):
        pass


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
    vault = Vault(root, config, read_file=file_text)
    fresh: dict[str, Entry] = {}
    with bulk_load():
        cached, tables = load_with_tables(root, config.limits) if use_cache else ({}, None)
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
        save(root, config.limits, fresh, tables_of(vault, fresh))
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
