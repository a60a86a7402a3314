"""The whole vault's problems, not only the open notes': `[diagnostics] scope = "vault"`.

- workspace/diagnostic (pulled; VS Code's Problems panel): a report for every note with
  problems, each with a result id (a digest of its diagnostics). The client sends back the
  ids it holds; a note whose id still holds is answered "unchanged", without its
  diagnostics, and a note it holds that has none left is cleared. A pull that would tell
  the client nothing new is held open until something changes (the LSP lets a workspace
  pull run long), so a client that pulls again as soon as it is answered (VS Code, 2 s
  later) costs nothing while the vault is quiet.
- A client that only takes pushed diagnostics gets every closed note's problems published
  once the vault is read, and again when they change; open notes stay the Publisher's
  (diagnostics.py), which publishes them with their version at every keystroke.

Notes are checked in slices of the event loop's time, so that keystrokes are answered
meanwhile, and checked again only when their problems may have changed: the note itself,
the notes linking to a name that appeared or disappeared (or to a note whose headings
changed), and, when names changed, the notes whose problems suggest titles ("did you
mean"). Everything again when the vault's configuration changes or it is indexed again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..checks import check_note
from ..config import Config
from ..index import Vault
from ..workspace import Change
from .convert import path_to_uri, to_diagnostic, uri_to_path

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

log = logging.getLogger(__name__)

SLICE_SECONDS = 0.01  # checking between two looks at the event loop: what a keystroke may wait
SETTLE_SECONDS = 0.2  # after a change, before its consequences are checked (a burst of keystrokes)
PUBLISH_BATCH = 100  # pushed notifications between two looks at the event loop
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


class VaultProblems:
    """One vault's notes with problems, as last checked, and what to check again."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.config: Config | None = None  # what they were checked under (None: never)
        self.indexed = False
        self.unchecked: list[str] = []  # notes not checked since the configuration changed
        self.dirty: set[str] = set()  # notes whose problems may have changed
        self.ids: dict[str, str] = {}  # vault-relative path -> result id, notes with problems only
        self.suggesting: set[str] = set()  # notes with a SUGGESTING problem
        self.uris: dict[str, str] = {}  # their URIs (~15 µs each to make)

    def rebase(self) -> None:
        """Everything to check again: the configuration or the indexing changed."""
        self.config, self.indexed = self.vault.config, self.vault.indexed
        self.unchecked = list(self.vault.notes)
        self.dirty.clear()
        self.ids.clear()
        self.suggesting.clear()

    @property
    def stale(self) -> bool:
        return self.config is not self.vault.config or self.indexed != self.vault.indexed

    def uri(self, rel: str) -> str:
        uri = self.uris.get(rel)
        if uri is None:
            assert self.vault.root is not None
            uri = self.uris[rel] = path_to_uri(self.vault.root / rel)
        return uri

    def check(self, rel: str) -> list[lsp.Diagnostic]:
        """Check one note again; its diagnostics ([] for none, or a note gone)."""
        vault = self.vault
        note = vault.notes.get(rel)
        problems = check_note(note, vault) if note is not None else []
        if not problems:
            self.ids.pop(rel, None)
            self.suggesting.discard(rel)
            self.uris.pop(rel, None)
            return []
        diagnostics = [to_diagnostic(note, p) for p in problems]
        self.ids[rel] = result_id(diagnostics)
        if any(p.code in SUGGESTING for p in problems):
            self.suggesting.add(rel)
        else:
            self.suggesting.discard(rel)
        return diagnostics

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


class WholeVault:
    """The whole-vault diagnostics of one client's session: pulled or pushed."""

    def __init__(self, ls: ClaimLanguageServer) -> None:
        self.ls = ls
        self._vaults: dict[Vault, VaultProblems] = {}
        self._lock = asyncio.Lock()  # one bringing up to date at a time
        self._changed = asyncio.Event()  # set (and replaced) at each change
        self._pushed: dict[str, str] = {}  # URI -> result id of what was pushed (closed notes)

    # ---- told by the Publisher -------------------------------------------------------
    def scope(self, vault: Vault) -> str:
        return vault.config.diagnostics_scope or self.ls.client_support.diagnostics_scope

    def note_changed(self, change: Change | None) -> None:
        if change is not None:
            problems = self._vaults.get(change.vault)
            if problems is not None:
                problems.changed(change)
        self.wake()

    def next_change(self) -> asyncio.Event:
        """An event set at the next change: taken before looking, so that none is missed."""
        return self._changed

    def wake(self) -> None:
        """Something changed (a note, a configuration, a vault's indexing ended)."""
        self._changed.set()
        self._changed = asyncio.Event()

    def note_closed(self, uri: str, shown: list[lsp.Diagnostic] | None) -> bool:
        """A pushed-to note is closed with `shown` its diagnostics the client holds (None:
        nothing published while it was open). True when its problems stay shown: the note
        is the vault's now, as any closed note."""
        path = uri_to_path(uri)
        found = self.ls.state.locate(path) if path is not None else None
        if found is None or self.ls.client_support.pull_diagnostics or self.scope(found[0]) != "vault":
            return False
        if shown is not None:
            if shown:
                self._pushed[uri] = result_id(shown)
            else:
                self._pushed.pop(uri, None)
        return True  # (checked again as the file's text: the close is a change, note_changed)

    # ---- bringing the reports up to date ---------------------------------------------
    async def reports(self, known: dict[str, str], closed_only: bool = False) -> list[Report]:
        """The reports for a client holding `known` (URI -> result id): a full one for each
        note whose problems it does not hold, an unchanged one for each it does, an empty
        one for each note it holds that has none left. closed_only: open notes left out
        (neither reported nor cleared)."""
        async with self._lock:
            current: list[tuple[VaultProblems, dict[str, list[lsp.Diagnostic]]]] = []
            for vault in list(self.ls.state.vaults):
                if self.scope(vault) != "vault":
                    continue
                await self.ls.until_indexed(vault)
                problems = self._vaults.get(vault)
                if problems is None:
                    problems = self._vaults[vault] = VaultProblems(vault)
                current.append((problems, await self._bring_up_to_date(problems)))
            for vault in [v for v in self._vaults if v not in self.ls.state.vaults]:
                del self._vaults[vault]
            remaining = self._spelled_ours(known)
            out: list[Report] = []
            for problems, fresh in current:
                out += await self._compare(problems, fresh, remaining, closed_only)
            open_docs = self.ls.state.open_docs
            for uri in remaining:  # held by the client, without problems now (or gone)
                if not (closed_only and uri_to_path(uri) in open_docs):
                    out.append(Report(uri, None, []))
            return out

    async def _bring_up_to_date(self, problems: VaultProblems) -> dict[str, list[lsp.Diagnostic]]:
        """Check what is unchecked or dirty, a slice of time at a time; the diagnostics of
        the notes checked that have problems."""
        if problems.stale:
            problems.rebase()
        fresh: dict[str, list[lsp.Diagnostic]] = {}
        clock = time.perf_counter
        while problems.unchecked or problems.dirty:
            deadline = clock() + SLICE_SECONDS
            while clock() < deadline and (problems.dirty or problems.unchecked):
                rel = problems.dirty.pop() if problems.dirty else problems.unchecked.pop()
                diagnostics = problems.check(rel)
                if diagnostics:
                    fresh[rel] = diagnostics
                else:
                    fresh.pop(rel, None)
            await asyncio.sleep(0)  # keystrokes and requests are answered meanwhile
            if problems.stale:  # (the configuration changed meanwhile)
                problems.rebase()
                fresh.clear()
        return fresh

    async def _compare(
        self,
        problems: VaultProblems,
        fresh: dict[str, list[lsp.Diagnostic]],
        remaining: dict[str, str],
        closed_only: bool,
    ) -> list[Report]:
        """The vault's reports; the URIs reported are taken out of `remaining`."""
        out: list[Report] = []
        opened = self.ls.state.open_in(problems.vault)
        again: list[str] = []  # to send in full, their diagnostics not at hand
        for rel, rid in problems.ids.items():
            uri = problems.uri(rel)
            if rel in opened and closed_only:
                remaining.pop(uri, None)
                continue
            held = remaining.pop(uri, None)
            if held == rid:
                out.append(Report(uri, rid, None, self._version(problems, rel, opened)))
            elif rel in fresh:
                out.append(Report(uri, rid, fresh[rel], self._version(problems, rel, opened)))
            else:
                again.append(rel)
        clock = time.perf_counter
        deadline = clock() + SLICE_SECONDS
        for rel in again:  # (the client missed an answer: a pull cancelled, say)
            if clock() > deadline:
                await asyncio.sleep(0)
                deadline = clock() + SLICE_SECONDS
            uri = problems.uri(rel)
            diagnostics = problems.check(rel)
            if diagnostics:
                out.append(Report(uri, problems.ids[rel], diagnostics, self._version(problems, rel, opened)))
            else:
                out.append(Report(uri, None, []))
        return out

    def _version(self, problems: VaultProblems, rel: str, opened: set[str]) -> int | None:
        """The editor's version of an open note (reports of closed notes have none)."""
        if rel not in opened:
            return None
        assert problems.vault.root is not None
        return self.ls.publisher.version_of(problems.vault.root / rel)

    def _spelled_ours(self, known: dict[str, str]) -> dict[str, str]:
        """The client's URIs as this server spells them (a client may encode differently)."""
        ours: set[str] = set()
        for problems in self._vaults.values():
            ours.update(problems.uris.values())
        out: dict[str, str] = {}
        for uri, rid in known.items():
            if uri not in ours:
                path = uri_to_path(uri)
                uri = path_to_uri(path) if path is not None else uri
            out[uri] = rid
        return out

    # ---- pushed: clients that do not pull ------------------------------------------------
    def start(self) -> None:
        """After initialize: a client that does not pull gets the vault's problems pushed
        (for vaults whose scope is "vault")."""
        if not self.ls.client_support.pull_diagnostics:
            self.ls.spawn(self._push())

    async def _push(self) -> None:
        while not self.ls.shutting_down:
            changed = self.next_change()
            try:
                reports = await self.reports(dict(self._pushed), closed_only=True)
            except Exception:
                log.exception("checking the vault failed")
                reports = []
            for n, report in enumerate(reports):
                if report.diagnostics is None:
                    continue
                if report.result_id is None:
                    self._pushed.pop(report.uri, None)
                else:
                    self._pushed[report.uri] = report.result_id
                self.ls.text_document_publish_diagnostics(
                    lsp.PublishDiagnosticsParams(uri=report.uri, diagnostics=report.diagnostics)
                )
                if n % PUBLISH_BATCH == PUBLISH_BATCH - 1:
                    await asyncio.sleep(0)
            await changed.wait()
            await asyncio.sleep(SETTLE_SECONDS)


def to_lsp(report: Report) -> lsp.WorkspaceDocumentDiagnosticReport:
    if report.diagnostics is None:
        assert report.result_id is not None
        return lsp.WorkspaceUnchangedDocumentDiagnosticReport(
            uri=report.uri, result_id=report.result_id, version=report.version
        )
    return lsp.WorkspaceFullDocumentDiagnosticReport(
        uri=report.uri, items=report.diagnostics, version=report.version, result_id=report.result_id
    )


async def workspace_diagnostic(
    ls: ClaimLanguageServer, params: lsp.WorkspaceDiagnosticParams
) -> lsp.WorkspaceDiagnosticReport:
    """Every note's problems the client does not hold yet. When it holds them all, the
    answer waits until that is no longer so (or the client cancels)."""
    whole = ls.whole_vault
    known = {item.uri: item.value for item in params.previous_result_ids}
    while True:
        changed = whole.next_change()
        reports = await whole.reports(known)
        if not known or any(r.diagnostics is not None for r in reports):
            return lsp.WorkspaceDiagnosticReport(items=[to_lsp(r) for r in reports])
        await changed.wait()
        await asyncio.sleep(SETTLE_SECONDS)


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(lsp.WORKSPACE_DIAGNOSTIC)(workspace_diagnostic)
