"""A disk cache of parsed notes, so a restart re-reads only the notes that changed.

- Where: the user cache folder (`$XDG_CACHE_HOME/claim-lsp`, else `~/.cache/claim-lsp`, or
  `$CLAIM_LSP_CACHE_DIR`), one file per vault, named by a hash of the vault's path.
- Entries: vault-relative path -> (mtime in ns, size, ctime in ns, parsed note): the file's
  stamp (scan.file_stamp) and its note. A note is reused only when all three match what
  `stat` says now.
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

import hashlib
import logging
import os
import pickle
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

from . import __version__
from .config import Limits
from .index import VaultSnapshot
from .model import Note
from .rank import TitleRanker
from .sharing import shared_strings_of
from .workers import BACKGROUND_NICENESS, detach

log = logging.getLogger(__name__)

FORMAT = 11  # 2: the vault's tables saved after the notes; 3: frontmatter as model.Fields; 4: popularity in the
# ranker's entries; 5: shared strings first, entries in segments, the tables' notes as their paths; 6: the
# tables first, with the shared strings; chunks as lists; 7: Entry moved to claim_lsp.rank.words; 8: a
# quoted frontmatter link's target is the text YAML reads (`''` -> `'`); 9: Note's block ids; 10: plain
# items of relation fields; 11: the inode change time in each entry's stamp
Entry = tuple[int, int, int, Note]  # mtime_ns, size, ctime_ns (scan.file_stamp), note

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
                if isinstance(entry, tuple) and len(entry) == 4 and isinstance(entry[3], Note):
                    rel = entry[3].path
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
        notes = {rel: entries[rel][3] for rel in order}  # (KeyError: a path not among them)
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
    (sharing.shared_strings_of), each once. (Other values shared across notes are few: a copy
    a segment costs little.)"""
    found: dict[int, str] = {}
    for entry in entries.values():
        for s in shared_strings_of(entry[3]):
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
