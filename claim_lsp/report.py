"""What `claim-lsp check` prints: problems as text, JSON, GitHub Actions workflow commands or
SARIF, counts per code, the summary line, and a progress line for a person at a terminal.
Part of the CLI: the server never imports it."""

from __future__ import annotations

import json
import logging
import os
import signal
import time
from collections import Counter
from pathlib import Path
from typing import IO, NamedTuple
from urllib.parse import quote

from . import __version__
from .checks import CODES
from .model import ERROR, HINT, INFORMATION, SEVERITIES, WARNING, Note, Problem
from .text import to_utf16

DESCRIPTIONS = {
    "broken-link": "no note matches the link",
    "case-mismatch": "the link matches a note only ignoring case",
    "ambiguous-link": "several notes match the link equally well",
    "empty-link": "the link names no note",
    "missing-heading": "the linked note has no such heading",
    "missing-block": "the linked note has no such block id (^id)",
    "yaml-error": "the frontmatter does not parse",
    "duplicate-key": "a frontmatter key appears twice",
    "missing-field": "a field the note's type requires is absent or empty",
    "invalid-value": "a value outside the type's allowed set",
    "invalid-date": "a date that is not a real YYYY-MM-DD date",
    "unknown-type": "the type names no known schema",
    "title-mismatch": "the H1 differs from the file name",
    "unreadable-file": "the file cannot be read as text",
    "too-many-links": "more links than limits.max_links; the rest are not checked",
    "broken-reference": "a plain item of a relation field nearly names a note",
    "duplicate-claim": "another note of the same type has the same title",
    "near-duplicate": "another note of the same type has nearly the same title",
    "description-repeats-title": "the description adds (almost) nothing to the title",
    "confidence-exceeds-support": "rated more confident than every claim it depends on",
    "unacknowledged-challenge": "a likely or proven claim does not name a note challenging it in challenged_by",
    "forbidden-link": "a link between types the configuration forbids (claims to musings)",
}

_PLURAL = {ERROR: "errors", WARNING: "warnings", INFORMATION: "information", HINT: "hints"}
_GITHUB = {ERROR: "error", WARNING: "warning", INFORMATION: "notice", HINT: "notice"}
_SARIF = {ERROR: "error", WARNING: "warning", INFORMATION: "note", HINT: "note"}
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


class Found(NamedTuple):
    """A problem to report, with its note and the note's path as printed (`shown_prefix`)."""

    shown: str
    note: Note
    problem: Problem


def shown_prefix(root: Path, cwd: Path) -> str:
    """What goes before a vault-relative path in the report: the vault's folder relative to
    the current one when it lies under it (run from a repository's root, the paths are the
    repository's, as GitHub wants them), else nothing (paths relative to the vault)."""
    for folder, here in ((Path(os.path.abspath(root)), cwd), (Path(os.path.realpath(root)), cwd.resolve())):
        # (as typed first: a vault reached through a link inside the current folder is under it)
        if folder.is_relative_to(here):
            rel = folder.relative_to(here).as_posix()
            return "" if rel == "." else rel + "/"
    return ""


def at_least(severity: str, lowest: str) -> bool:
    return SEVERITIES.index(severity) <= SEVERITIES.index(lowest)


def summary(found: list[Found], checked: int) -> str:
    """`12 notes checked: 6 errors, 5 warnings, 1 information, 4 hints` (severities in that
    order, those with none left out)."""
    counts = Counter(f.problem.severity for f in found)
    parts = [f"{counts[s]} {s if counts[s] == 1 else _PLURAL[s]}" for s in SEVERITIES if counts[s]]
    return f"{checked} {'note' if checked == 1 else 'notes'} checked: {', '.join(parts) or 'no problems'}"


def write_text(found: list[Found], out: IO[str]) -> None:
    """`path:line:col: severity code message`, 1-based, columns in characters (code points)."""
    out.writelines(
        f"{f.shown}:{f.problem.span.line + 1}:{f.problem.span.col + 1}: "
        f"{f.problem.severity} {f.problem.code} {f.problem.message}\n"
        for f in found
    )


def statistics(found: list[Found]) -> list[tuple[str, int]]:
    """(code, count), most frequent first, then by name."""
    counts = Counter(f.problem.code for f in found)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def write_statistics(found: list[Found], out: IO[str]) -> None:
    rows = statistics(found)
    if not rows:
        return
    count_width = max(len(str(n)) for _, n in rows)
    code_width = max(len(code) for code, _ in rows)
    out.writelines(f"{n:>{count_width}}  {code:<{code_width}}  {DESCRIPTIONS[code]}\n" for code, n in rows)


def write_statistics_json(found: list[Found], out: IO[str]) -> None:
    items = [{"code": code, "count": n, "description": DESCRIPTIONS[code]} for code, n in statistics(found)]
    out.write(json.dumps(items, indent=2, ensure_ascii=False) + "\n")


def write_json(found: list[Found], out: IO[str]) -> None:
    """The documented JSON: `file` is the vault-relative path whatever `shown` is, the range
    an LSP range (0-based, UTF-16)."""
    items = []
    for f in found:
        note, p = f.note, f.problem
        s = p.span
        items.append(
            {
                "file": note.path,
                "range": {
                    "start": {"line": s.line, "character": to_utf16(note.astral_cols(s.line), s.col)},
                    "end": {"line": s.end_line, "character": to_utf16(note.astral_cols(s.end_line), s.end_col)},
                },
                "severity": p.severity,
                "code": p.code,
                "message": p.message,
                "data": p.data,
            }
        )
    # one problem a line: json's C encoder does not indent, and the indenting Python one
    # took a tenth of a 10,000-note check
    out.write("[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n]\n")


def github_data(text: str) -> str:
    """A workflow command's message, escaped as the Actions runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def write_github(found: list[Found], out: IO[str]) -> None:
    """One workflow command a problem (`::error file=...::message`): GitHub Actions shows each
    as an annotation on the file and line. Columns in characters, end column exclusive."""
    for f in found:
        p, s = f.problem, f.problem.span
        props = (
            f"file={github_property(f.shown)},line={s.line + 1},col={s.col + 1},"
            f"endLine={s.end_line + 1},endColumn={s.end_col + 1},title={github_property(p.code)}"
        )
        out.write(f"::{_GITHUB[p.severity]} {props}::{github_data(p.message)}\n")


def sarif(found: list[Found], version: str) -> dict:
    """One SARIF 2.1.0 run. Columns are UTF-16 code units (SARIF's default columnKind, also
    set on the run), 1-based, end column exclusive; URIs are relative, percent-encoded, with
    the base %SRCROOT% (the current folder: see `shown_prefix`)."""
    present = {f.problem.code for f in found}
    rules = [code for code in CODES if code in present]
    index = {code: i for i, code in enumerate(rules)}
    results = []
    for f in found:
        note, p, s = f.note, f.problem, f.problem.span
        region = {
            "startLine": s.line + 1,
            "startColumn": to_utf16(note.astral_cols(s.line), s.col) + 1,
            "endLine": s.end_line + 1,
            "endColumn": to_utf16(note.astral_cols(s.end_line), s.end_col) + 1,
        }
        location = {"artifactLocation": {"uri": quote(f.shown), "uriBaseId": "%SRCROOT%"}, "region": region}
        results.append(
            {
                "ruleId": p.code,
                "ruleIndex": index[p.code],
                "level": _SARIF[p.severity],
                "message": {"text": p.message},
                "locations": [{"physicalLocation": location}],
            }
        )
    driver = {
        "name": "claim-lsp",
        "version": version,
        "rules": [{"id": code, "shortDescription": {"text": DESCRIPTIONS[code]}} for code in rules],
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "columnKind": "utf16CodeUnits", "results": results}],
    }


def write_sarif(found: list[Found], out: IO[str]) -> None:
    out.write(json.dumps(sarif(found, __version__), indent=2, ensure_ascii=False) + "\n")


def write_report(found: list[Found], checked: int, form: str, counts_only: bool, out: IO[str]) -> None:
    """The report in one format (text, json, github, sarif); with counts_only, the count of
    each code instead of the problems (text and json). Text ends with the summary line."""
    if counts_only:
        (write_statistics_json if form == "json" else write_statistics)(found, out)
    else:
        {"text": write_text, "json": write_json, "github": write_github, "sarif": write_sarif}[form](found, out)
    if form == "text":
        out.write(summary(found, checked) + "\n")


PROGRESS_DELAY = 1.0  # seconds before a progress line shows: a quick check prints none
PROGRESS_INTERVAL = 0.1  # seconds between redraws


class Progress:
    """One line on stderr, redrawn in place, that says what a long check is doing; cleared at
    the end. Only when stderr is a terminal and the platform has interval timers.

    Redrawn from a SIGALRM handler, not a thread: `check` forks worker processes, and a fork
    is only safe in a process without threads (workers.py). The handler writes straight to
    the file descriptor, so it never re-enters the buffered stderr a log line may be in."""

    def __init__(self, stream: IO[str]) -> None:
        try:
            self.fd = stream.fileno()
            self.enabled = os.isatty(self.fd) and hasattr(signal, "setitimer")
        except (AttributeError, OSError, ValueError):  # (a stream without a descriptor)
            self.fd, self.enabled = -1, False
        self.pid = os.getpid()
        self.started = time.monotonic()
        self.doing = "reading notes"
        self.done = 0
        self.total: int | None = None
        self.shown = False
        self.installed = False
        self._previous = None
        self._filter = _ClearFirst(self)

    def __enter__(self) -> Progress:
        if self.enabled:
            self.installed = True
            self._previous = signal.signal(signal.SIGALRM, self._on_timer)
            signal.siginterrupt(signal.SIGALRM, False)  # system calls resume after a redraw
            signal.setitimer(signal.ITIMER_REAL, PROGRESS_DELAY, PROGRESS_INTERVAL)
            for handler in logging.getLogger().handlers:
                handler.addFilter(self._filter)
        return self

    def __exit__(self, *exc) -> None:
        if self.installed:
            self.installed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL if self._previous is None else self._previous)
            for handler in logging.getLogger().handlers:
                handler.removeFilter(self._filter)
            self.clear()

    def reading(self, folder: Path) -> None:
        self.doing, self.total = f"reading the notes of {folder}", None

    def checking(self, total: int) -> None:
        self.doing, self.done, self.total = "checking notes", 0, total

    def advance(self, notes: int = 1) -> None:
        self.done += notes

    def line(self) -> str:
        """`claim-lsp 2.4 s: checked 4,512 of 10,000 notes`: what moves comes first, so a line
        cut to a narrow terminal keeps it."""
        elapsed = f"{time.monotonic() - self.started:.1f} s"
        if self.total is None:
            return f"claim-lsp {elapsed}: {self.doing}"
        return f"claim-lsp {elapsed}: checked {self.done:,} of {self.total:,} notes"

    def _on_timer(self, signum, frame) -> None:
        if os.getpid() != self.pid or not self.enabled:
            return  # a forked worker that inherited the handler (never the timer): not ours to draw
        try:
            try:
                width = os.get_terminal_size(self.fd).columns or 80  # (0: a terminal that never said)
            except OSError:
                width = 80
            # cut to the terminal's width: a wrapped line cannot be redrawn with \r
            text = self.line()[: max(width - 1, 0)]
            self._write("\r" + text + "\x1b[K")
            self.shown = True
        except Exception:  # raised here, it would surface wherever the check happened to be (no log either:
            self.enabled = False  # logging from a signal handler could re-enter a log call it interrupted)

    def clear(self) -> None:
        if self.shown:
            self._write("\r\x1b[K")
            self.shown = False

    def _write(self, text: str) -> None:
        data = text.encode("utf-8", "replace")
        try:
            while data:
                data = data[os.write(self.fd, data) :]
        except OSError:
            pass  # the terminal went away: the check goes on without progress


class _ClearFirst(logging.Filter):
    """Clears the progress line before a log record is written to the terminal after it."""

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    def filter(self, record: logging.LogRecord) -> bool:
        self.progress.clear()
        return True
