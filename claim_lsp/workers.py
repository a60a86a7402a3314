"""Reading, parsing and checking notes in worker processes.

Parsing is pure Python and holds the interpreter, so one process parses one note at a time.
With two or more cores, forked workers read and parse while the main process files the
notes they send back (a note is a few flat tuples, cheap to pickle); bench/bench.py's cold
index and check figures show the effect.

Workers are forked, so they start at once with everything imported; a fork is only safe
before the process starts threads, so the server forks its pool at startup, before its
event loop (see `ParsePool.start`), and closes it after the first indexing. Only on Linux
(forking is unsafe on macOS and absent on Windows); elsewhere notes are parsed in-process.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .checks import check_note
from .config import Config, Limits
from .index import Vault
from .model import Note, Problem
from .parse import note_from_text
from .review import whole_vault
from .scan import Stamp, file_stamp, note_file, read_text, walk_notes
from .sharing import share_strings

log = logging.getLogger(__name__)

MIN_NOTES = 1000  # fewer notes to parse than this: workers cost more than they save
CHUNK = 100  # notes a worker parses per task
BACKGROUND_NICENESS = 19  # the server's workers: the lowest priority (ParsePool.start)
WAIT = 0.1  # seconds between looks at whether the pool was terminated, while waiting for it


def worker_count() -> int:
    """How many workers pay: one per core, at most 4 (filing notes is serial)."""
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 0 if cores < 2 else min(cores, 4)


def detach(niceness: int = 0) -> None:
    """In a forked process: standard input and output may be the LSP stream, and open
    copies of them would also keep the client from seeing the server's end. A niceness
    lowers the process's priority (see ParsePool.start)."""
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    if niceness:
        try:
            os.nice(niceness)
        except OSError as exc:  # (not on this system)
            log.debug("worker priority unchanged: %s", exc)


def _parse_chunk(task: tuple[Path, list[str], int, Limits]) -> list[tuple[Stamp | None, Note]]:
    """(stamp, note) of each note: stamped just before it is read (see cache.file_stamp)."""
    root, rels, max_file_bytes, limits = task
    return [_parse_one(rel, note_file(root, rel), max_file_bytes, limits) for rel in rels]


def _parse_one(rel: str, path: str, max_file_bytes: int, limits: Limits) -> tuple[Stamp | None, Note]:
    stamp = file_stamp(path)
    loaded = read_text(path, max_file_bytes)
    return stamp, note_from_text(rel, loaded.text, limits, loaded.problem)


def _shared_strings(
    parsed: Iterator[tuple[Stamp | None, Note]],
) -> Iterator[tuple[Stamp | None, Note]]:
    """Each chunk a worker sends is unpickled on its own, so a title linked from notes in
    100 chunks would arrive as 100 strings: each note's strings are shared again, as the
    parser shares them (sharing.share_strings; ~70 MB less at 100,000 notes)."""
    for stamp, note in parsed:
        share_strings(note)
        yield stamp, note


STAMP_INTS = 3  # numbers in stamp_array for each file


def stamp_array(root: Path, rels: list[str]) -> array:
    """The files' stamps (scan.file_stamp) as one flat array: mtime in ns, size and ctime in
    ns for each file (STAMP_INTS), size -1 for a file gone. (As tuples, 100,000 stamps cost
    ~15 MB in the server, and arrived while it read its cache, at its peak.)"""
    out = array("q")
    for rel in rels:
        stamp = file_stamp(note_file(root, rel))
        out.extend(stamp if stamp is not None else (0, -1, 0))
    return out


def list_and_stamp(root: Path, config: Config) -> tuple[int, int, set[str], array]:
    """In a worker: the folder listed (scan.walk_notes) and each note's file stamped
    (stamp_array), summed up as (how many notes, the hash of their paths in order, the other
    files, the stamps). The process that forked the worker compares the count and the hash
    with those of the paths it holds already (its disk cache's) and, when they agree, takes
    those as the listing: the same strings, in the same order (a forked process hashes
    strings as its parent does), and no copy of 100,000 paths beside them."""
    attachments: set[str] = set()
    rels = list(walk_notes(root, config, attachments))
    return len(rels), hash(tuple(rels)), attachments, stamp_array(root, rels)


def listed_as(paths: Iterable[str], found: tuple[int, int, set[str], array]) -> bool:
    """Are these paths, in this order, the listing that list_and_stamp summed up?"""
    held = tuple(paths)
    return len(held) == found[0] and hash(held) == found[1]


class ParsePool:
    """Worker processes that read and parse notes; results come back in order."""

    def __init__(self, workers: int, lazy: bool = False, niceness: int = 0) -> None:
        self.workers = workers
        self.niceness = niceness
        self._pool = None if lazy else self._fork()

    @classmethod
    def start(cls, lazy: bool = False, background: bool = False) -> ParsePool | None:
        """A pool when this machine has cores to spare; None otherwise or on failure. A lazy
        pool forks its workers on first use: only for a process without threads (the CLI).
        A background pool's workers run at the lowest priority (the server's): the process
        that answers requests and files what they parse then gets a core whenever it needs
        one, and they take what is left (at 100,000 notes the titles are filed and the
        vault indexed sooner, and completions asked meanwhile answered sooner);
        `claim-lsp check` keeps its workers at the usual priority."""
        n = worker_count()
        if not n:
            return None
        try:
            return cls(n, lazy, BACKGROUND_NICENESS if background else 0)
        except (OSError, ValueError) as exc:
            log.warning("no worker processes (%s); notes are parsed in-process", exc)
            return None

    def parse(self, root: Path, rels: list[str], config: Config) -> Iterator[tuple[Stamp | None, Note]]:
        """(stamp, note) of each note (vault-relative paths), in order, read and parsed by the
        workers, who start on them now."""
        if self._pool is None:
            self._pool = self._fork()
        tasks = [(root, rels[i : i + CHUNK], config.max_file_bytes, config.limits) for i in range(0, len(rels), CHUNK)]
        results = self._pool.imap(_parse_chunk, tasks)
        return _shared_strings(itertools.chain.from_iterable(self._while_alive(results.next, len(tasks))))

    def _while_alive(self, next_result: Callable, count: int) -> Iterator:
        """The count results, as they come; ends early if the pool is terminated meanwhile
        (a thread waiting for a terminated pool's results would wait for ever, and keep the
        server from exiting when the client leaves during indexing)."""
        for _ in range(count):
            while True:
                try:
                    yield next_result(timeout=WAIT)
                    break
                except multiprocessing.TimeoutError:
                    if self._pool is None:
                        return

    def stamps(self, root: Path, rels: list[str]) -> Callable[[], array | None]:
        """Start stamping the notes' files (stamp_array) in the workers, in parallel with
        whatever this process does meanwhile; the returned function waits for the array
        (None if the pool is terminated meanwhile)."""
        if self._pool is None:
            self._pool = self._fork()
        size = max(1000, len(rels) // (self.workers * 4))
        pending = self._pool.starmap_async(stamp_array, [(root, rels[i : i + size]) for i in range(0, len(rels), size)])

        def wait() -> array | None:
            parts = self._result(pending)
            if parts is None:
                return None
            out = array("q")
            for part in parts:
                out.extend(part)
            return out

        return wait

    def listing(self, root: Path, config: Config) -> Callable[[], tuple[int, int, set[str], array] | None]:
        """Start listing and stamping the folder in a worker (list_and_stamp), in parallel
        with whatever this process does meanwhile; the returned function waits for the
        summary (None if the pool is terminated meanwhile)."""
        if self._pool is None:
            self._pool = self._fork()
        pending = self._pool.apply_async(list_and_stamp, (root, config))
        return lambda: self._result(pending)

    def _result(self, pending):
        """A pending task's result, waited for; None if the pool is terminated meanwhile."""
        for result in self._while_alive(pending.get, 1):
            return result
        return None

    def _fork(self):
        return multiprocessing.get_context("fork").Pool(self.workers, initializer=detach, initargs=(self.niceness,))

    def close(self) -> None:
        """Let the workers finish and exit (frees their memory)."""
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def terminate(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None


_VAULT: Vault | None = None  # the vault being checked, inherited by forked checkers


def _check_chunk(paths: list[str]) -> list[tuple[str, list[Problem]]]:
    vault = _VAULT
    assert vault is not None
    return [(rel, check_note(vault.notes[rel], vault)) for rel in paths]


def check_notes(vault: Vault, paths: list[str]) -> Iterator[tuple[str, list[Problem]]]:
    """(path, problems) of each note, in order; in forked workers (which share the built
    vault with this process) when there are enough notes and cores. Only for a process
    without threads (the CLI)."""
    workers = worker_count()
    if len(paths) < MIN_NOTES:
        for rel in paths:
            yield rel, check_note(vault.notes[rel], vault)
        return
    global _VAULT
    vault.ranker.prepare()
    with whole_vault(vault):  # (made before forking: the workers share it)
        if workers < 2:
            for rel in paths:
                yield rel, check_note(vault.notes[rel], vault)
            return
        _VAULT = vault
        try:
            size = max(CHUNK, len(paths) // (workers * 8))
            chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
            with multiprocessing.get_context("fork").Pool(workers, initializer=detach) as pool:
                for part in pool.imap(_check_chunk, chunks):
                    yield from part
        finally:
            _VAULT = None
