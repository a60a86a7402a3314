"""The problems of one vault as the whole-vault diagnostics hold them (workspace_diagnostics.py):
each note's diagnostics and result id, and which notes a change makes stale."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..checks import check_note
from ..config import Config
from ..index import Vault
from ..review import preparing
from ..workspace import Change
from .convert import path_to_uri, to_diagnostic

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

SLICE_SECONDS = 0.01  # checking between two looks at the event loop: what a keystroke may wait
# each look lasts this long: asyncio.sleep(0) runs one round of the loop, and a message takes
# a few (read, handled, its task run, answered): a keystroke waited ~5 slices for its answer
YIELD_SECONDS = 0.001
PREPARE_AT = 1000  # notes to check at once (a first report) worth a whole-vault preparation
# problems whose message or fixes name the titles nearest to what was written
SUGGESTING = frozenset({"broken-link", "broken-reference"})


def result_id(diagnostics: list[lsp.Diagnostic]) -> str:
    """The same diagnostics, the same id: in this session and the next."""
    return hashlib.blake2b(repr(diagnostics).encode(), digest_size=8).hexdigest()


@dataclass(slots=True)
class Report:
    """One note's report: diagnostics None when the client's result id still holds."""

    uri: str
    result_id: str | None  # None: no problems (the client forgets the note)
    diagnostics: list[lsp.Diagnostic] | None
    version: int | None = None


Emit = Callable[[list[Report]], Awaitable[None]]  # takes the reports a client lacks, as they come


class VaultProblems:
    """One vault's notes with problems, as last checked, and what to check again."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.config: Config | None = None  # what they were checked under (None: never)
        self.indexed = False
        self.unchecked: list[str] = []  # notes not checked since the configuration changed
        self.dirty: set[str] = set()  # notes whose problems may have changed
        self.ids: dict[str, str] = {}  # vault-relative path -> result id, notes with problems only
        # diagnostics of notes whose id changed, checked outside a report (a few: dirty ones)
        self.fresh: dict[str, list[lsp.Diagnostic]] = {}
        self.suggesting: set[str] = set()  # notes with a SUGGESTING problem
        self.uris: dict[str, str] = {}  # their URIs (~15 µs each to make), and back
        self.rels: dict[str, str] = {}
        self.revision = 0  # bumped whenever a result id changes

    def rebase(self) -> None:
        """Everything to check again: the configuration or the indexing changed."""
        self.config, self.indexed = self.vault.config, self.vault.indexed
        self.unchecked = list(self.vault.notes)
        for table in (self.dirty, self.ids, self.fresh, self.suggesting):
            table.clear()
        self.revision += 1

    @property
    def stale(self) -> bool:
        return self.config is not self.vault.config or self.indexed != self.vault.indexed

    @property
    def settled(self) -> bool:
        """Nothing but a few dirty notes to check (not the whole vault)."""
        return not self.stale and not self.unchecked

    def uri(self, rel: str) -> str:
        uri = self.uris.get(rel)
        if uri is None:
            assert self.vault.root is not None
            uri = self.uris[rel] = path_to_uri(self.vault.root / rel)
            self.rels[uri] = rel
        return uri

    def check(self, rel: str) -> tuple[list[lsp.Diagnostic], bool]:
        """Check one note again: its diagnostics ([] for none, or a note gone), and whether
        its result id changed."""
        vault = self.vault
        note = vault.notes.get(rel)
        problems = check_note(note, vault) if note is not None else []
        self.fresh.pop(rel, None)
        if not problems:
            self.suggesting.discard(rel)
            uri = self.uris.pop(rel, None)
            if uri is not None:
                del self.rels[uri]
            if self.ids.pop(rel, None) is None:
                return [], False
            self.revision += 1
            return [], True
        diagnostics = [to_diagnostic(note, p) for p in problems]
        rid = result_id(diagnostics)
        if any(p.code in SUGGESTING for p in problems):
            self.suggesting.add(rel)
        else:
            self.suggesting.discard(rel)
        if self.ids.get(rel) == rid:
            return diagnostics, False
        self.ids[rel] = rid
        self.revision += 1
        return diagnostics, True

    def changed(self, change: Change) -> None:
        vault = self.vault
        self.dirty.add(change.path)
        names = set(change.names)
        if change.headings_changed:  # (headings and block ids: [[note#heading]] elsewhere)
            note = vault.notes.get(change.path)
            if note is not None:
                names |= vault.names_of(note)
        if names:
            self.dirty |= vault.linkers_of_names(names)
        if change.names:
            self.dirty |= self.suggesting

    async def bring_up_to_date(
        self, checked: Callable[[list[tuple[str, list]]], Awaitable[None]] | None = None
    ) -> None:
        """Check what is unchecked or dirty, a slice of time at a time. checked: told of
        every note found with problems, a slice's at a time; without it, the diagnostics of
        those whose id changed are kept (fresh) for the next report."""
        if self.stale:
            self.rebase()
        clock = time.perf_counter
        if len(self.unchecked) >= PREPARE_AT and self.vault.indexed:
            # what a check of every note looks up, found for all at once, between requests as
            # the checking is (review.preparing): at 100,000 notes the first report took 31.9 s of
            # CPU with a near-duplicate query a note (~0.5 ms each), 14.8 s with the pass (bench)
            deadline = clock() + SLICE_SECONDS
            for _ in preparing(self.vault):
                if clock() >= deadline:
                    await asyncio.sleep(YIELD_SECONDS)
                    deadline = clock() + SLICE_SECONDS
        while self.unchecked or self.dirty:
            found: list[tuple[str, list[lsp.Diagnostic]]] = []
            deadline = clock() + SLICE_SECONDS
            while clock() < deadline and (self.dirty or self.unchecked):
                rel = self.dirty.pop() if self.dirty else self.unchecked.pop()
                diagnostics, changed = self.check(rel)
                if checked is not None:
                    if diagnostics:
                        found.append((rel, diagnostics))
                elif changed and diagnostics:
                    self.fresh[rel] = diagnostics
            if found:
                await checked(found)
            await asyncio.sleep(YIELD_SECONDS)  # keystrokes and requests are answered meanwhile
            if self.stale:  # (the configuration changed meanwhile)
                self.rebase()
