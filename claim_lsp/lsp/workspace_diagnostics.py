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
The reports a client lacks are sent as their notes are checked (partial results, pushes),
not held until the whole vault is: its diagnostics are not all in memory at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..index import Vault
from ..workspace import Change
from .convert import path_to_uri, uri_to_path
from .vault_problems import SLICE_SECONDS, YIELD_SECONDS, Emit, Report, VaultProblems, result_id

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

log = logging.getLogger(__name__)

SETTLE_SECONDS = 0.2  # after a change, before its consequences are checked (a burst of keystrokes)
PUBLISH_BATCH = 100  # pushed notifications between two looks at the event loop
# reports in one partial result ($/progress), when the client asks for them: an answer made
# at once blocked the loop while it was written (~1 s for 24,000 notes' reports)
PARTIAL_BATCH = 250


class WholeVault:
    """The whole-vault diagnostics of one client's session: pulled or pushed."""

    def __init__(self, ls: ClaimLanguageServer) -> None:
        self.ls = ls
        self._vaults: dict[Vault, VaultProblems] = {}
        self._lock = asyncio.Lock()  # one bringing up to date at a time
        self._changed = asyncio.Event()  # set (and replaced) at each change
        self._pushed: dict[str, str] = {}  # URI -> result id of what was pushed (closed notes)
        self._handovers = 0  # open notes closed while pushing: what the client holds changed

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
        self._handovers += 1
        return True  # (checked again as the file's text: the close is a change, note_changed)

    # ---- bringing the reports up to date ---------------------------------------------
    async def settle(self, every_vault: bool = False) -> tuple | None:
        """Check the notes that changed; a token that stays the same while no result id
        changes (nothing to tell a client that holds them all). None: a vault is to be
        checked whole (that is left to reports(), which sends as it checks)."""
        async with self._lock:
            current = []
            for problems in await self._in_scope(every_vault):
                if not problems.settled:
                    return None
                await problems.bring_up_to_date()
                current.append(problems)
            return self._token(current)

    async def reports(
        self,
        known: dict[str, str],
        emit: Emit,
        closed_only: bool = False,
        every_vault: bool = False,
        ours: bool = False,
    ) -> tuple[list[Report], tuple]:
        """For a client holding `known` (URI -> result id): the reports it lacks go to
        emit as they are made (a full one for each note whose problems it does not hold,
        an empty one for each note it holds that has none left); the unchanged ones (a
        note whose id it holds) are returned, with settle()'s token. closed_only: open
        notes left out (neither reported nor cleared). every_vault: whatever their scope.
        ours: the URIs are spelled as this server spells them."""
        async with self._lock:
            current = await self._in_scope(every_vault)
            remaining = dict(known) if ours else self._spelled_ours(known)
            unchanged: dict[str, Report] = {}  # by URI (a note checked twice: its last report)
            for problems in current:
                await self._compare(problems, remaining, closed_only, emit, unchanged)
            open_docs = self.ls.state.open_docs
            # held by the client, without problems now (or gone)
            cleared = [
                Report(uri, None, []) for uri in remaining if not (closed_only and uri_to_path(uri) in open_docs)
            ]
            for start in range(0, len(cleared), PARTIAL_BATCH):
                await emit(cleared[start : start + PARTIAL_BATCH])
            return list(unchanged.values()), self._token(current)

    async def _in_scope(self, every_vault: bool) -> list[VaultProblems]:
        current = []
        for vault in list(self.ls.state.vaults):
            if self.scope(vault) != "vault" and not every_vault:
                continue
            await self.ls.until_indexed(vault)
            problems = self._vaults.get(vault)
            if problems is None:
                problems = self._vaults[vault] = VaultProblems(vault)
            current.append(problems)
        for vault in [v for v in self._vaults if v not in self.ls.state.vaults]:
            del self._vaults[vault]
        return current

    def _token(self, current: list[VaultProblems]) -> tuple:
        return (self._handovers, *((p, p.revision) for p in current))

    async def _compare(
        self,
        problems: VaultProblems,
        remaining: dict[str, str],
        closed_only: bool,
        emit: Emit,
        unchanged: dict[str, Report],
    ) -> None:
        """Bring the vault up to date, and report it: what the client lacks to emit, as
        its notes are checked; the URIs reported are taken out of `remaining`."""
        opened = self.ls.state.open_in(problems.vault)
        reported: set[str] = set()
        holding: dict[str, str] = {}  # rel -> URI: the client holds a report of this call

        def report(rel: str, diagnostics: list[lsp.Diagnostic] | None, out: list[Report]) -> None:
            reported.add(rel)
            uri = problems.uri(rel)
            if rel in opened and closed_only:
                remaining.pop(uri, None)
                return
            rid = problems.ids[rel]
            held = remaining.pop(uri, None)
            version = self._version(problems, rel) if rel in opened else None
            if held == rid:
                unchanged[uri] = Report(uri, rid, None, version)
                holding[rel] = uri
                return
            unchanged.pop(uri, None)
            if diagnostics is not None:
                out.append(Report(uri, rid, diagnostics, version))
                holding[rel] = uri
            else:
                again.append((rel, held))

        async def checked(found: list[tuple[str, list[lsp.Diagnostic]]]) -> None:
            out: list[Report] = []
            for rel, diagnostics in found:
                report(rel, diagnostics, out)
            if out:
                await emit(out)

        again: list[tuple[str, str | None]] = []  # to send in full, their diagnostics not at hand
        await problems.bring_up_to_date(checked)
        out: list[Report] = []
        clock = time.perf_counter
        deadline = clock() + SLICE_SECONDS
        for n, rel in enumerate([rel for rel in problems.ids if rel not in reported]):
            if n % 256 == 255 and clock() > deadline:
                await asyncio.sleep(YIELD_SECONDS)
                deadline = clock() + SLICE_SECONDS
            report(rel, problems.fresh.pop(rel, None), out)
        for rel, held in again:  # (checked before the client's last answer, which it missed)
            if clock() > deadline or len(out) >= PARTIAL_BATCH:
                await emit(out)
                out = []
                await asyncio.sleep(YIELD_SECONDS)
                deadline = clock() + SLICE_SECONDS
            diagnostics, _ = problems.check(rel)
            uri = problems.uri(rel) if diagnostics else problems.uris.get(rel) or path_to_uri(problems.vault.root / rel)
            version = self._version(problems, rel) if rel in opened else None
            if diagnostics:
                out.append(Report(uri, problems.ids[rel], diagnostics, version))
                holding[rel] = uri
            elif held is not None:
                out.append(Report(uri, None, [], version))
        for rel, uri in holding.items():  # reported, then found without problems meanwhile
            if rel not in problems.ids:
                unchanged.pop(uri, None)
                out.append(Report(uri, None, [], self._version(problems, rel) if rel in opened else None))
        problems.fresh.clear()
        for start in range(0, len(out), PARTIAL_BATCH):
            await emit(out[start : start + PARTIAL_BATCH])

    def _version(self, problems: VaultProblems, rel: str) -> int | None:
        """The editor's version of an open note (reports of closed notes have none)."""
        assert problems.vault.root is not None
        return self.ls.publisher.version_of(problems.vault.root / rel)

    def _spelled_ours(self, known: dict[str, str]) -> dict[str, str]:
        """The client's URIs as this server spells them (a client may encode differently)."""
        tables = [problems.rels for problems in self._vaults.values()]
        out: dict[str, str] = {}
        for uri, rid in known.items():
            if not any(uri in rels for rels in tables):
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
        told = None  # settle()'s token when the client was last brought up to date
        while not self.ls.shutting_down:
            changed = self.next_change()
            try:
                if told is None or await self.settle() != told:
                    _, told = await self.reports(self._pushed, self._publish, closed_only=True, ours=True)
            except Exception:
                log.exception("checking the vault failed")
            await changed.wait()
            await asyncio.sleep(SETTLE_SECONDS)

    async def _publish(self, reports: list[Report]) -> None:
        for n, report in enumerate(reports):
            assert report.diagnostics is not None
            if report.result_id is None:
                self._pushed.pop(report.uri, None)
            else:
                self._pushed[report.uri] = report.result_id
            self.ls.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=report.uri, diagnostics=report.diagnostics)
            )
            if n % PUBLISH_BATCH == PUBLISH_BATCH - 1:
                await asyncio.sleep(YIELD_SECONDS)


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
    """Every note's problems the client does not hold yet; sent as partial results as
    they are found when the client gives a token. When it holds them all, the answer
    waits until that is no longer so (or the client cancels)."""
    whole = ls.whole_vault
    known = {item.uri: item.value for item in params.previous_result_ids}
    # a client that does not pull diagnostics sends this only when the user asks (Neovim's
    # and Emacs' "check the whole vault" commands): the whole vault, whatever the scope
    # (which says what it is sent unasked); one that pulls may do so on its own (VS Code)
    asked = not ls.client_support.pull_diagnostics
    token = params.partial_result_token
    answer: list[lsp.WorkspaceDocumentDiagnosticReport] = []

    async def send(reports: list[Report]) -> None:
        if not reports:
            return
        items = [to_lsp(r) for r in reports]
        if token is None:
            answer.extend(items)
        else:  # (then the answer itself is empty)
            ls.progress(lsp.ProgressParams(token=token, value=lsp.WorkspaceDiagnosticReportPartialResult(items=items)))
            await asyncio.sleep(YIELD_SECONDS)

    sent = 0

    async def emit(reports: list[Report]) -> None:
        nonlocal sent
        sent += len(reports)
        await send(reports)

    told = None  # settle()'s token when the client's ids were found all current
    while True:
        changed = whole.next_change()
        if told is None or await whole.settle(asked) != told:
            unchanged, told = await whole.reports(known, emit, every_vault=asked)
            if sent or not known:
                break
        await changed.wait()
        await asyncio.sleep(SETTLE_SECONDS)
    for start in range(0, len(unchanged), PARTIAL_BATCH):
        await send(unchanged[start : start + PARTIAL_BATCH])
    return lsp.WorkspaceDiagnosticReport(items=answer)


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(lsp.WORKSPACE_DIAGNOSTIC)(workspace_diagnostic)
