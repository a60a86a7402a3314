#!/usr/bin/env python3
"""Benchmarks of claim-lsp on generated vaults; prints a Markdown table.

    python bench/bench.py --notes 10000 [--notes 100000] [--runs 5] [--out bench/results-{n}.md]

For each size it generates the vault with gen_vault.py (or reuses the one in the cache folder,
default /tmp/claim-bench/bench-v<N>), then, `--runs` times over, every claim-lsp process with a
fresh, empty cache folder (XDG_CACHE_HOME and CLAIM_LSP_CACHE_DIR point into a temporary folder):

- `claim-lsp check VAULT --format json > /dev/null`: wall time, CPU time and peak RSS, once with
  the empty cache folder (cold index + checks, whole process) and once more with the cache the
  first run left (warm);
- `claim-lsp graph VAULT > /dev/null` (the JSON export): wall time and peak RSS, no cache, as
  check's first run (issue 16 wants it within the time of check: the table says the ratio);
- the server, cold: process start -> `claim-lsp/status` reports `indexing: false`; then, its
  cache written and 1 s later, one completion (a note opened with `[[` + the first words of
  its title), the first request the server gets;
- the server, warm: the same again, with the cache the cold run wrote (waited for, untimed);
- a third server, cache empty: didOpen + `[[query` completion sent right after `initialized`,
  without waiting for indexing (the query: another note's title's first two words, a word
  more while over 50 titles start with them): time from sending `initialize` to the first
  completion answer with items (and to the first one holding that title) and to the
  note's first publishDiagnostics. Once indexed (and its cache written), the same process
  measures completion latency, keystroke -> diagnostics, references, prepareRename, rename
  and call hierarchy (prepare + incomingCalls) at the hub note, workspace/symbol, and finally
  its peak RSS (VmHWM);
- the whole vault's problems (`[diagnostics] scope = "vault"`): a server for a client that
  pulls, as VS Code does: the first workspace/diagnostic once indexed (time, and the memory
  it costs: VmHWM reset before it, VmRSS before and after), then a pull holding every result
  id, held open while keystrokes go on (keystroke -> textDocument/diagnostic answer), and
  answered once the typed note gains a broken link; then a server for a client that only
  takes pushes, with scope "vault": indexed -> every note's problems published, and
  keystroke -> diagnostics as above.

Per-run figures (index times, first answers, RSS) are summarised over the runs; per-request
latencies are pooled over all runs. Each figure that fails prints n/a with the reason. All in one
process run, so the ratios between figures hold. Nothing here runs under pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path, to_fs_path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BYTECODE = ""  # what the table's header says of Python's bytecode cache (see bytecode_note)
SERVER = [sys.executable, "-m", "claim_lsp"]
STATUS = "claim-lsp/status"
DEFAULT_CACHE = Path("/tmp/claim-bench")

# issue 5, "Targets (10k / 100k notes)": figure key -> (10k, 100k), in the figure's unit
TARGETS = {
    "first_completion_hit": (0.3, 1.0),
    "first_diagnostics": (0.3, 1.0),
    "cold_index": (1.5, 10.0),
    "warm_index": (0.6, 2.5),
    "completion": (10.0, 20.0),
    "keystroke": (60.0, 60.0),
    "server_rss": (100.0, 350.0),
    "warm_index_rss": (100.0, 350.0),  # (the same target: a restart with the cache is the common start)
    "check": (2.0, 12.0),
}


# ---------------------------------------------------------------------------------------------
# Figures


@dataclass
class Figure:
    key: str
    label: str
    unit: str  # "s", "ms", "MB"
    samples: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.samples.append(value)

    def fail(self, reason: str) -> None:
        reason = " ".join(str(reason).split())[:160]
        if reason not in self.failures:
            self.failures.append(reason)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    return f"{value:.0f} {unit}"


class Figures:
    def __init__(self) -> None:
        self.items: dict[str, Figure] = {}

    def __call__(self, key: str, label: str, unit: str) -> Figure:
        if key not in self.items:
            self.items[key] = Figure(key, label, unit)
        return self.items[key]

    def get(self, key: str) -> Figure:
        return self.items[key]


# ---------------------------------------------------------------------------------------------
# The LSP client


def uri_of(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


def path_key(uri: str) -> str:
    return to_fs_path(uri) or uri


class BenchClient(LanguageClient):
    """A LanguageClient that timestamps every publishDiagnostics and lets callers wait for one."""

    def __init__(self) -> None:
        super().__init__("claim-bench", "1")
        self.diagnostics: dict[str, list[tuple[float, int | None, int]]] = {}
        self._waiters: list[tuple[str, object, asyncio.Future]] = []
        self.stderr_tail = b""
        self.messages: list[str] = []

        @self.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
            record = (time.perf_counter(), params.version, len(params.diagnostics))
            key = path_key(params.uri)
            self.diagnostics.setdefault(key, []).append(record)
            for waiter in list(self._waiters):
                wkey, pred, fut = waiter
                if wkey == key and not fut.done() and pred(record):  # type: ignore[operator]
                    fut.set_result(record)
                    self._waiters.remove(waiter)

        @self.feature(lsp.WINDOW_LOG_MESSAGE)
        def on_log(params: lsp.LogMessageParams) -> None:
            self.messages.append(params.message)

        @self.feature(lsp.WINDOW_SHOW_MESSAGE)
        def on_show(params: lsp.ShowMessageParams) -> None:
            self.messages.append(params.message)

        self.partial_results: dict[str, list] = {}  # token -> the items of a pull's partial results

        @self.feature(lsp.PROGRESS)
        def on_progress(params: lsp.ProgressParams) -> None:
            value = params.value
            if isinstance(value, dict) and "items" in value:
                self.partial_results.setdefault(str(params.token), []).extend(value["items"])

    async def wait_diagnostics(self, uri: str, pred=lambda r: True, timeout: float = 30.0):
        key = path_key(uri)
        for record in self.diagnostics.get(key, []):
            if pred(record):
                return record
        fut = asyncio.get_running_loop().create_future()
        waiter = (key, pred, fut)
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(fut, timeout)
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    @property
    def pid(self) -> int | None:
        return self._server.pid if self._server is not None else None

    async def drain_stderr(self) -> None:
        """The server's stderr is a pipe; keep it from filling up (and keep its tail for errors)."""
        server = self._server
        if server is None or server.stderr is None:
            return
        while True:
            chunk = await server.stderr.read(65536)
            if not chunk:
                return
            self.stderr_tail = (self.stderr_tail + chunk)[-4000:]


def capabilities(pull: bool = False) -> lsp.ClientCapabilities:
    """A plain editor: push diagnostics (no textDocument.diagnostic; with pull, pulled as
    VS Code does), no work-done progress, no dynamic registration, file renames allowed in
    workspace edits."""
    caps = lsp.ClientCapabilities(
        workspace=lsp.WorkspaceClientCapabilities(
            workspace_folders=True,
            apply_edit=True,
            workspace_edit=lsp.WorkspaceEditClientCapabilities(
                document_changes=True,
                resource_operations=[
                    lsp.ResourceOperationKind.Create,
                    lsp.ResourceOperationKind.Rename,
                    lsp.ResourceOperationKind.Delete,
                ],
            ),
            symbol=lsp.WorkspaceSymbolClientCapabilities(),
        ),
        text_document=lsp.TextDocumentClientCapabilities(
            synchronization=lsp.TextDocumentSyncClientCapabilities(did_save=True),
            completion=lsp.CompletionClientCapabilities(
                completion_item=lsp.ClientCompletionItemOptions(
                    snippet_support=False,
                    documentation_format=[lsp.MarkupKind.Markdown, lsp.MarkupKind.PlainText],
                )
            ),
            publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(version_support=True),
            references=lsp.ReferenceClientCapabilities(),
            rename=lsp.RenameClientCapabilities(prepare_support=True),
            document_symbol=lsp.DocumentSymbolClientCapabilities(hierarchical_document_symbol_support=True),
        ),
        window=lsp.WindowClientCapabilities(work_done_progress=False),
        general=lsp.GeneralClientCapabilities(position_encodings=[lsp.PositionEncodingKind.Utf16]),
    )
    if pull:
        assert caps.text_document is not None
        caps.text_document.diagnostic = lsp.DiagnosticClientCapabilities()
    return caps


def cache_env(cache_home: Path) -> dict[str, str]:
    """The environment of a claim-lsp process whose disk cache lives in cache_home. Python's
    bytecode cache is on, as for an installed package (pip compiles it; an editable install
    writes it at the first import): a machine that sets PYTHONDONTWRITEBYTECODE would have
    every process compile claim_lsp first, see bytecode_note()."""
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home), CLAIM_LSP_CACHE_DIR=str(cache_home / "claim-lsp"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def bytecode_note() -> str:
    """Compile claim_lsp's bytecode before anything is timed; say so when the caller's
    environment would not have (PYTHONDONTWRITEBYTECODE set)."""
    import compileall

    compileall.compile_dir(str(REPO / "claim_lsp"), quiet=1)
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return "; PYTHONDONTWRITEBYTECODE unset for claim-lsp (its bytecode compiled first, as pip installs it)"
    return ""


async def wait_cache_written(cache_home: Path, limit: float = 180.0) -> None:
    """Wait (untimed) until the server has written its cache: a file is there, no temporary
    file (`.tmp-*`, `tmp*`) is, and nothing changed for half a second. Returns after 5 s when
    no file shows up at all (no cache written)."""
    started = time.perf_counter()
    seen = None
    quiet = 0
    while time.perf_counter() - started < limit:
        files = [p for p in cache_home.rglob("*") if p.is_file()]
        if not files and time.perf_counter() - started > 5:
            return
        writing = any(p.name.startswith((".tmp", "tmp")) for p in files)
        now = sorted((str(p), p.stat().st_size) for p in files)
        if files and not writing and now == seen:
            quiet += 1
            if quiet >= 5:
                return
        else:
            quiet = 0
        seen = now
        await asyncio.sleep(0.1)


class Session:
    """One server process. `t0` is the moment before the process is started."""

    def __init__(self, vault: Path, cache_home: Path, pull: bool = False, options: dict | None = None) -> None:
        self.vault = vault
        self.cache_home = cache_home
        self.pull = pull  # diagnostics pulled (textDocument.diagnostic), as VS Code does
        self.options = options  # initializationOptions
        self.client = BenchClient()
        self.t0 = 0.0
        self.t_init_sent = 0.0
        self.t_init_done = 0.0
        self.t_last_busy = 0.0  # when a status request last found the server still indexing
        self._drain: asyncio.Task | None = None

    async def start(self, wait_initialized: bool = True) -> None:
        env = cache_env(self.cache_home)
        self.t0 = time.perf_counter()
        await self.client.start_io(*SERVER, env=env, cwd=str(REPO))
        self._drain = asyncio.create_task(self.client.drain_stderr())
        params = lsp.InitializeParams(
            process_id=os.getpid(),
            capabilities=capabilities(self.pull),
            root_uri=uri_of(self.vault),
            workspace_folders=[lsp.WorkspaceFolder(uri=uri_of(self.vault), name=self.vault.name)],
            initialization_options=self.options,
        )
        self.t_init_sent = time.perf_counter()
        await asyncio.wait_for(self.client.initialize_async(params), 120)
        self.t_init_done = time.perf_counter()
        self.client.initialized(lsp.InitializedParams())

    async def status(self) -> dict:
        result = await self.client.protocol.send_request_async(STATUS, None)
        if isinstance(result, dict):
            return result
        return {k: getattr(result, k) for k in ("vaults", "notes", "indexing", "version")}

    async def wait_indexed(self, timeout: float, poll: float = 0.02) -> tuple[float, dict]:
        """Seconds from process start until status says indexing is over (notes > 0)."""
        deadline = time.perf_counter() + timeout
        current: dict = {}
        while time.perf_counter() < deadline:
            asked = time.perf_counter()
            current = await asyncio.wait_for(self.status(), timeout)
            if not current["indexing"] and current["notes"] > 0:
                return time.perf_counter() - self.t0, current
            self.t_last_busy = asked
            await asyncio.sleep(poll)
        raise TimeoutError(f"not indexed after {timeout:.0f} s: {current}")

    def peak_rss_mb(self, field: str = "VmHWM") -> float:
        pid = self.client.pid
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError(f"no {field} in /proc/PID/status")

    def rss_mb(self) -> float:
        return self.peak_rss_mb("VmRSS")

    def reset_peak_rss(self) -> None:
        """VmHWM back to the current RSS (Linux: `5` to /proc/PID/clear_refs)."""
        with open(f"/proc/{self.client.pid}/clear_refs", "w") as f:
            f.write("5")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server so far (less sensitive to a busy machine),
        its worker processes included: those running and those already ended."""
        pid = self.client.pid
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                children = f.read().split()
        except OSError:
            children = []
        for child in children:
            try:
                with open(f"/proc/{child}/stat") as f:
                    cf = f.read().rsplit(")", 1)[1].split()
                ticks += int(cf[11]) + int(cf[12])
            except OSError:
                pass  # ended meanwhile (then counted in the server's cutime once reaped)
        return ticks / os.sysconf("SC_CLK_TCK")

    def open(self, path: Path, text: str, version: int = 1) -> str:
        uri = uri_of(path)
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                lsp.TextDocumentItem(uri=uri, language_id="markdown", version=version, text=text)
            )
        )
        return uri

    async def close(self) -> None:
        client = self.client
        try:
            if client.pid is not None and client._server.returncode is None:
                await asyncio.wait_for(client.shutdown_async(None), 10)
                client.exit(None)
                await asyncio.wait_for(client._server.wait(), 10)
        except Exception:
            pass
        server = client._server
        if server is not None and server.returncode is None:
            server.kill()
            await server.wait()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.stop(), 5)
        if self._drain is not None:
            self._drain.cancel()


# ---------------------------------------------------------------------------------------------
# Workloads


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def completion_items(result) -> list:
    if result is None:
        return []
    if isinstance(result, list):
        return result
    return list(result.items or [])


CHECK_LABEL = "`claim-lsp check VAULT --format json > /dev/null` (no disk cache: the default) (cold index + checks, whole process)"
KIND_LABELS = {
    "prefix": "typed prefixes",
    "middle": "words from the middle of a title",
    "typo": "prefixes with two letters swapped",
}


def make_queries(titles: list[str], count: int, seed: int) -> list[tuple[str, str, str]]:
    """(kind, query, intended title): typed prefixes, words from the middle, a typo; 3-15 letters."""
    rng = random.Random(seed)
    out = []
    kinds = ["prefix", "middle", "typo"]
    while len(out) < count:
        title = rng.choice(titles)
        kind = kinds[len(out) % 3]
        if kind == "prefix":
            query = title[: rng.randint(3, 15)].rstrip()
        elif kind == "middle":
            words = title.split()
            if len(words) < 4:
                continue
            i = rng.randint(1, len(words) - 2)
            query = " ".join(words[i : i + 2])[: rng.randint(3, 15)].rstrip()
        else:
            query = title[: rng.randint(6, 15)].rstrip()
            if len(query) < 6:
                continue
            j = rng.randint(1, len(query) - 3)
            query = query[:j] + query[j + 1] + query[j] + query[j + 2 :]
        if len(query.replace(" ", "")) < 3 or any(c in query for c in "[]|#"):
            continue
        out.append((kind, query, title))
    return out


def h1_line(text: str) -> int | None:
    for i, line in enumerate(text.split("\n")):
        if line.startswith("# "):
            return i
    return None


def prose_line(text: str) -> int:
    """The first body line that is a paragraph (after frontmatter and the H1)."""
    lines = text.split("\n")
    i = 0
    if lines and lines[0].strip() == "---":
        i = 1
        while i < len(lines) and lines[i].strip() != "---":
            i += 1
        i += 1
    for j in range(i, len(lines)):
        s = lines[j].strip()
        if s and not s.startswith(("#", "-", ">", "`", "|", "!")):
            return j
    return len(lines) - 1


# ---------------------------------------------------------------------------------------------
# Measurements


def run_check(vault: Path, figs: Figures, cache_home: Path, warm: bool) -> None:
    if warm:
        fig_t = figs(
            "check_warm", "`claim-lsp check --cache`, with the cache an untimed first `--cache` run wrote", "s"
        )
        fig_c = figs("check_warm_cpu", "`claim-lsp check --cache`, warm: CPU time (user + sys)", "s")
        fig_m = figs("check_warm_rss", "peak RSS of `claim-lsp check --cache`, warm", "MB")
    else:
        fig_t = figs("check", CHECK_LABEL, "s")
        fig_c = figs("check_cpu", "`claim-lsp check`: CPU time (user + sys, worker processes included)", "s")
        fig_m = figs("check_rss", "peak RSS of `claim-lsp check` (largest single process)", "MB")
    cmd = claim_lsp_command() + ["check", str(vault), "--format", "json"]
    if warm:  # check reads and writes the cache only when asked: write it once, untimed
        cmd.append("--cache")
        subprocess.run(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=str(REPO), env=cache_env(cache_home)
        )
    try:
        elapsed, rss, cpu = time_cli(cmd, cache_home)
        fig_t.add(elapsed)
        fig_m.add(rss)
        fig_c.add(cpu)
    except Exception as exc:
        for f in (fig_t, fig_c, fig_m):
            f.fail(exc)


def time_cli(cmd: list[str], cache_home: Path) -> tuple[float, float, float]:
    """Run a claim-lsp command, its output to /dev/null: wall seconds, its peak RSS in MB,
    CPU seconds (user + sys, its worker processes included)."""
    with open(os.devnull, "wb") as devnull:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=devnull, stderr=subprocess.PIPE, cwd=str(REPO), env=cache_env(cache_home))
        # wait4 gives this child's own rusage (peak RSS), not the sum over all children
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"exit {proc.returncode}: {err.decode(errors='replace')[-300:]}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def claim_lsp_command() -> list[str]:
    script = Path(sys.executable).with_name("claim-lsp")
    return [str(script)] if script.exists() else SERVER[:]


GRAPH_LABEL = "`claim-lsp graph VAULT > /dev/null` (the whole vault's graph as JSON, whole process)"
GRAPH_RSS_LABEL = "peak RSS of `claim-lsp graph` (largest single process)"


def run_graph(vault: Path, figs: Figures, cache_home: Path) -> None:
    fig_t = figs("graph", GRAPH_LABEL, "s")
    fig_m = figs("graph_rss", GRAPH_RSS_LABEL, "MB")
    try:
        elapsed, rss, _ = time_cli(claim_lsp_command() + ["graph", str(vault)], cache_home)
        fig_t.add(elapsed)
        fig_m.add(rss)
    except Exception as exc:
        for f in (fig_t, fig_m):
            f.fail(exc)


# the near-duplicate pass over every title (review.whole_vault, as `check` makes it) and one
# note's query (the server's, for the note being edited), in a process of their own that reads
# the vault from the disk cache a warm `check --cache` left
NEAR_SCRIPT = """
import json, sys, time
from pathlib import Path
from claim_lsp.load import build_vault
from claim_lsp.rank import prepare_similar, similar_titles
from claim_lsp.review import NEAR_DUPLICATE_SCORE
vault = build_vault(Path(sys.argv[1]), use_cache=True)
vault.ranker.prepare()
paths = sorted(vault.notes)[:: max(1, len(vault.notes) // 200)]
start = time.perf_counter()
for path in paths:
    similar_titles(vault.ranker, path, NEAR_DUPLICATE_SCORE)
each = (time.perf_counter() - start) / len(paths)
start = time.perf_counter()
prepare_similar(vault.ranker, NEAR_DUPLICATE_SCORE)
print(json.dumps({"whole": time.perf_counter() - start, "each": each}))
"""
NEAR_LABEL = "near-duplicate pass over every title (what `check` adds for `near-duplicate`; in-process)"
NEAR_NOTE_LABEL = "near-duplicate query for one note (the server's, for the note edited; kept until a title changes)"


def run_near_duplicates(vault: Path, figs: Figures, cache_home: Path) -> None:
    fig_all, fig_one = figs("near_duplicates", NEAR_LABEL, "s"), figs("near_duplicate_note", NEAR_NOTE_LABEL, "ms")
    try:
        proc = subprocess.run(
            [sys.executable, "-c", NEAR_SCRIPT, str(vault)],
            capture_output=True, text=True, cwd=str(REPO), env=cache_env(cache_home), check=True,
        )  # fmt: skip
        found = json.loads(proc.stdout)
        fig_all.add(found["whole"])
        fig_one.add(found["each"] * 1000)
    except Exception as exc:
        detail = exc.stderr[-200:] if isinstance(exc, subprocess.CalledProcessError) else exc
        fig_all.fail(detail)
        fig_one.fail(detail)


AFTER_INDEX_LABEL = (
    "completion asked 1 s after a cold indexing ended, none asked before (`[[` + the first words of a title)"
)


async def run_index(
    vault: Path, cache_home: Path, fig: Figure, timeout: float, figs: Figures, warm: bool, sample: dict | None = None
) -> None:
    session = Session(vault, cache_home)
    try:
        await session.start()
        if not warm:
            figs("initialize", "process start → `initialize` answered (imports + startup)", "s").add(
                session.t_init_done - session.t0
            )
        elapsed, status = await session.wait_indexed(timeout)
        fig.add(elapsed)
        if not warm:
            figs(
                "cold_index_cpu",
                "server cold full index: CPU time (user + sys) of the server and its workers until indexed",
                "s",
            ).add(session.cpu_seconds())
        if warm:
            figs("warm_index_rss", "peak RSS of the server right after a warm start (nothing opened)", "MB").add(
                session.peak_rss_mb()
            )
        else:
            figs("index_rss", "peak RSS of the server right after indexing (nothing opened)", "MB").add(
                session.peak_rss_mb()
            )
        fig.note(f"{status['notes']} notes indexed")
        if not warm:
            await wait_cache_written(cache_home)
            if sample is not None:
                await asyncio.sleep(1.0)
                after = figs("after_index_completion", AFTER_INDEX_LABEL, "ms")
                try:
                    after.add(await one_completion(session, vault, sample) * 1000)
                except Exception as exc:
                    after.fail(f"{type(exc).__name__}: {exc}")
    except Exception as exc:
        fig.fail(f"{type(exc).__name__}: {exc} {session.client.stderr_tail[-200:]!r}")
    finally:
        await session.close()


async def one_completion(session: Session, vault: Path, sample: dict) -> float:
    """Seconds from a completion request to its answer, in the sample note opened with
    `See [[` + the first words of its own title (first_query) appended."""
    path = vault / sample["path"]
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    line = f"See [[{first_query(sample['title'], vault_titles(vault))}"
    uri = session.open(path, text + line)
    params = lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri),
        position=lsp.Position(line=text.count("\n"), character=utf16_len(line)),
    )
    start = time.perf_counter()
    await asyncio.wait_for(session.client.text_document_completion_async(params), 60)
    elapsed = time.perf_counter() - start
    session.client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=uri)))
    return elapsed


async def run_interactive(vault: Path, meta: dict, cache_home: Path, figs: Figures, args, run: int) -> None:
    """First answers during indexing, then steady-state latencies, then peak RSS, in one server."""
    timeout = args.timeout
    samples = [s for s in meta["samples"] if s.get("type") == "claim"] or meta["samples"]
    hub = meta["hub"]

    f_comp = figs(
        "first_completion",
        "`initialize` sent → first completion answer with items (`[[` + query in an opened note, indexing not awaited, empty cache folder; "
        "any items: before the titles are filed, the opened note's own)",
        "s",
    )
    f_comp_hit = figs(
        "first_completion_hit",
        "`initialize` sent → first completion answer holding the intended title (the first useful one)",
        "s",
    )
    f_diag = figs(
        "first_diagnostics",
        "`initialize` sent → first publishDiagnostics of the opened note (frontmatter and title checks; "
        "its links are checked once indexing ends, the next figure)",
        "s",
    )
    f_diag_full = figs(
        "indexed_diagnostics", "`initialize` sent → publishDiagnostics of the opened note after indexing ended", "s"
    )
    f_idx = figs("index_busy", "process start → indexed, with a note open and completion polled (same process)", "s")

    session = Session(vault, cache_home)
    try:
        await session.start()
    except Exception as exc:
        for f in (f_comp, f_comp_hit, f_diag, f_diag_full, f_idx):
            f.fail(exc)
        await session.close()
        return
    client = session.client
    t_init = session.t_init_sent
    try:
        # ---- first answers, sent right after `initialized` -----------------------------------
        host = samples[run % len(samples)]  # the opened note
        target = samples[(run + 1) % len(samples)]  # the note whose title is being typed
        path = vault / host["path"]
        text = path.read_text(encoding="utf-8")
        query = first_query(target["title"], vault_titles(vault))
        if not text.endswith("\n"):
            text += "\n"
        line = f"See [[{query}"
        opened = text + line
        uri = session.open(path, opened)
        pos = lsp.Position(line=opened.count("\n"), character=utf16_len(line))
        diag_task = asyncio.create_task(client.wait_diagnostics(uri, timeout=timeout))

        got_items = got_hit = indexed = False
        deadline = time.perf_counter() + timeout
        reason = "no answer with items before the timeout"
        polls = 0
        while not (got_items and got_hit) and time.perf_counter() < deadline:
            polls += 1
            if not got_hit and polls % 50 == 0:  # (the answers after indexing are the final ones)
                if indexed:
                    reason = "the intended title is not in the answer once the vault is indexed"
                    break
                indexed = not (await session.status())["indexing"]
            try:
                result = await asyncio.wait_for(
                    client.text_document_completion_async(
                        lsp.CompletionParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=pos)
                    ),
                    timeout,
                )
            except Exception as exc:
                reason = f"{type(exc).__name__}: {exc}"
                break
            items = completion_items(result)
            now = time.perf_counter()
            if items and not got_items:
                got_items = True
                f_comp.add(now - t_init)
                if run == 0:
                    f_comp_hit.note(f"run 1: query “{query}”")
            if items and not got_hit and any(i.label == target["title"] for i in items):
                got_hit = True
                f_comp_hit.add(now - t_init)
            if not (got_items and got_hit):
                await asyncio.sleep(0.005)
        if not got_items:
            f_comp.fail(reason)
        if not got_hit:
            f_comp_hit.fail(reason if not got_items or indexed else "the intended title never came in the answer")
        try:
            first = await diag_task
            f_diag.add(first[0] - t_init)
        except Exception as exc:
            f_diag.fail(f"{type(exc).__name__}: {exc}")

        # ---- wait for indexing -----------------------------------------------------------------
        elapsed, _ = await session.wait_indexed(timeout)
        f_idx.add(elapsed)
        await wait_cache_written(cache_home)  # untimed: keeps the cache write out of the latencies below
        busy = session.t_last_busy  # the server re-publishes open notes once indexing ends
        try:
            rec = await client.wait_diagnostics(uri, lambda r: r[0] > busy, timeout=10)
            f_diag_full.add(rec[0] - t_init)
        except Exception as exc:
            f_diag_full.fail(f"{type(exc).__name__}: {exc}")
        client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=uri)))
    except Exception as exc:
        for f in (f_comp, f_comp_hit, f_diag, f_diag_full, f_idx):
            if len(f.samples) <= run:
                f.fail(f"{type(exc).__name__}: {exc}")
        await session.close()
        return

    # ---- steady state ------------------------------------------------------------------------
    await measure_completion(session, vault, samples, figs, args, run)
    await measure_keystrokes(session, vault, samples, figs, args, run)
    await measure_hub(session, vault, hub, figs, args)
    await measure_workspace_symbol(session, samples, figs, args, run)

    f_rss = figs("server_rss", "peak RSS of the server (VmHWM, after all of the above)", "MB")
    try:
        f_rss.add(session.peak_rss_mb())
    except Exception as exc:
        f_rss.fail(exc)
    await session.close()


async def measure_completion(session: Session, vault: Path, samples: list[dict], figs: Figures, args, run: int) -> None:
    fig = figs(
        "completion", "completion latency at the client, `[[` + 3-15 letters (prefix / middle words / typo)", "ms"
    )
    for kind in KIND_LABELS:
        figs(f"completion_{kind}", f"completion latency, {KIND_LABELS[kind]} only", "ms")
    f_found = figs("completion_found", "completion: intended title among the items (share of requests)", "%")
    f_top = figs("completion_top", "completion: intended title first (share of prefix queries of ≥10 letters)", "%")
    try:
        queries = make_queries([s["title"] for s in samples], args.requests, seed=run)
        host = samples[(run + 7) % len(samples)]
        path = vault / host["path"]
        text = path.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            text += "\n"
        base = text.count("\n")
        lines = [f"- [[{q}" for _, q, _ in queries]
        uri = session.open(path, text + "\n".join(lines) + "\n")
        with contextlib.suppress(Exception):
            await session.client.wait_diagnostics(uri, timeout=10)
        found = top = top_n = 0
        for i, (kind, query, title) in enumerate(queries):
            params = lsp.CompletionParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                position=lsp.Position(line=base + i, character=utf16_len(lines[i])),
            )
            start = time.perf_counter()
            result = await asyncio.wait_for(session.client.text_document_completion_async(params), 30)
            ms = (time.perf_counter() - start) * 1000
            fig.add(ms)
            figs(f"completion_{kind}", f"completion latency, {KIND_LABELS[kind]} only", "ms").add(ms)
            items = completion_items(result)
            labels = [it.label for it in sorted(items, key=lambda it: it.sort_text or it.label)]
            found += title in labels
            if kind == "prefix" and len(query) >= 10:
                top_n += 1
                top += bool(labels) and labels[0] == title
        f_found.add(100 * found / len(queries))
        if top_n:
            f_top.add(100 * top / top_n)
        fig.note(f"{len(queries)} requests a run, pooled")
        session.client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=uri)))
    except Exception as exc:
        fig.fail(f"{type(exc).__name__}: {exc}")


KEYSTROKE_LABEL = "keystroke → publishDiagnostics of that version (didChange appending a char; debounce included)"


async def measure_keystrokes(
    session: Session,
    vault: Path,
    samples: list[dict],
    figs: Figures,
    args,
    run: int,
    key: str = "keystroke",
    label: str = KEYSTROKE_LABEL,
) -> None:
    fig = figs(key, label, "ms")
    try:
        host = samples[(run + 13) % len(samples)]
        path = vault / host["path"]
        text = path.read_text(encoding="utf-8")
        uri = session.open(path, text, version=1)
        await session.client.wait_diagnostics(uri, lambda r: r[1] == 1, timeout=30)
        line_no = prose_line(text)
        col = utf16_len(text.split("\n")[line_no])
        typed = "and so the argument holds "
        for k in range(args.keystrokes):
            version = k + 2
            char = typed[k % len(typed)]
            change = lsp.TextDocumentContentChangePartial(
                range=lsp.Range(start=lsp.Position(line_no, col), end=lsp.Position(line_no, col)), text=char
            )
            start = time.perf_counter()
            session.client.text_document_did_change(
                lsp.DidChangeTextDocumentParams(
                    text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[change],
                )
            )
            rec = await session.client.wait_diagnostics(uri, lambda r, v=version: r[1] == v, timeout=30)
            fig.add((rec[0] - start) * 1000)
            col += 1
            await asyncio.sleep(0.01)  # a fast typist; lets nothing pile up between keystrokes
        fig.note(f"{args.keystrokes} keystrokes a run, pooled")
        session.client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=uri)))
    except Exception as exc:
        fig.fail(f"{type(exc).__name__}: {exc}")


class PulledTyping:
    """An open note typed into, each keystroke followed by textDocument/diagnostic (as
    VS Code asks after a change): milliseconds from didChange to the answer."""

    TYPED = "and so the argument holds "

    def __init__(self, session: Session, path: Path) -> None:
        self.session = session
        text = path.read_text(encoding="utf-8")
        self.uri = session.open(path, text, version=1)
        self.version = 1
        self.line = prose_line(text)
        self.col = utf16_len(text.split("\n")[self.line])

    async def type(self, text: str) -> float:
        client = self.session.client
        self.version += 1
        at = lsp.Position(self.line, self.col)
        start = time.perf_counter()
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[lsp.TextDocumentContentChangePartial(range=lsp.Range(start=at, end=at), text=text)],
            )
        )
        self.col += utf16_len(text)
        await asyncio.wait_for(
            client.text_document_diagnostic_async(
                lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=self.uri))
            ),
            30,
        )
        return (time.perf_counter() - start) * 1000

    async def keystroke(self, k: int) -> float:
        return await self.type(self.TYPED[k % len(self.TYPED)])


async def run_whole_vault(vault: Path, meta: dict, cache_home: Path, figs: Figures, args, run: int) -> None:
    """The whole vault's problems: pulled as VS Code pulls them, then pushed with scope
    "vault"; keystroke latency with either going on."""
    timeout = args.timeout
    samples = [s for s in meta["samples"] if s.get("type") == "claim"] or meta["samples"]
    f_full = figs(
        "workspace_pull",
        "workspace/diagnostic, the first pull once indexed: the whole vault's report (keystrokes typed meanwhile)",
        "s",
    )
    f_during = figs(
        "workspace_pull_keystroke",
        "keystroke → textDocument/diagnostic answer (pulled) while that first report is being made",
        "ms",
    )
    f_cpu = figs("workspace_pull_cpu", "CPU time of the server (user + sys) for that first report", "s")
    f_peak = figs(
        "workspace_pull_peak", "memory that first report costs at its peak: VmHWM during it − VmRSS before", "MB"
    )
    f_kept = figs("workspace_pull_kept", "memory the server keeps for it once answered: VmRSS after − before", "MB")
    f_key = figs(
        "workspace_keystroke",
        "keystroke → textDocument/diagnostic answer (pulled), a workspace/diagnostic holding every result id held open",
        "ms",
    )
    f_change = figs(
        "workspace_change",
        "that held workspace/diagnostic answered after the typed note gains a broken link (after ≤ 0.2 s settling)",
        "s",
    )
    f_push = figs(
        "vault_push", 'scope "vault", a client taking pushes: indexed → every closed note\'s problems published', "s"
    )
    figs("vault_push_keystroke", KEYSTROKE_LABEL + ', scope "vault"', "ms")

    session = Session(vault, cache_home, pull=True)
    with_problems = 0
    try:
        await session.start()
        await session.wait_indexed(timeout)
        await wait_cache_written(cache_home)
        client = session.client
        typing = PulledTyping(session, vault / samples[(run + 17) % len(samples)]["path"])
        await typing.keystroke(0)
        before = session.rss_mb()
        session.reset_peak_rss()
        cpu = session.cpu_seconds()
        start = time.perf_counter()
        first = asyncio.ensure_future(  # (with a partialResultToken, as VS Code sends)
            client.workspace_diagnostic_async(
                lsp.WorkspaceDiagnosticParams(previous_result_ids=[], partial_result_token="first")
            )
        )
        k = 1
        while not first.done() and time.perf_counter() - start < timeout:
            f_during.add(await typing.keystroke(k))
            k += 1
            await asyncio.sleep(0.05)
        report = await asyncio.wait_for(first, timeout)
        f_full.add(time.perf_counter() - start)
        f_cpu.add(session.cpu_seconds() - cpu)
        f_peak.add(session.peak_rss_mb() - before)
        items = list(report.items) + [
            client.protocol._converter.structure(item, lsp.WorkspaceFullDocumentDiagnosticReport)
            for item in client.partial_results.pop("first", [])
        ]
        with_problems = len(items)
        f_full.note(f"{with_problems} notes with problems, {sum(len(i.items) for i in items)} diagnostics")
        f_during.note(f"a keystroke every 50 ms; {k - 1} in run {run + 1}")
        await asyncio.sleep(0.5)
        f_kept.add(session.rss_mb() - before)

        known = [lsp.PreviousResultId(uri=i.uri, value=i.result_id) for i in items if i.result_id]
        held = asyncio.ensure_future(
            client.workspace_diagnostic_async(lsp.WorkspaceDiagnosticParams(previous_result_ids=known))
        )
        for _ in range(args.keystrokes):
            f_key.add(await typing.keystroke(k))
            k += 1
            await asyncio.sleep(0.01)
        f_key.note(f"{args.keystrokes} keystrokes a run, pooled")
        if held.done():
            f_change.fail("the held pull was answered while only prose was typed")
        else:
            start = time.perf_counter()
            await typing.type(" [[no note has this title at all]]")
            answer = await asyncio.wait_for(held, 60)
            f_change.add(time.perf_counter() - start)
            full = [i for i in answer.items if i.kind == "full"]
            f_change.note(f"answer: {len(full)} full report(s), {len(answer.items) - len(full)} unchanged")
    except Exception as exc:
        for f in (f_full, f_cpu, f_during, f_peak, f_kept, f_key, f_change):
            if len(f.samples) <= run:
                f.fail(f"{type(exc).__name__}: {exc}")
    finally:
        await session.close()

    session = Session(vault, cache_home, options={"diagnostics": {"scope": "vault"}})
    try:
        await session.start()
        await session.wait_indexed(timeout)
        indexed = time.perf_counter()
        client = session.client
        last, count = indexed, 0
        # until every note with problems is published (as many as the pull found), or 2 s
        # without a publish once they started
        while time.perf_counter() - indexed < timeout:
            await asyncio.sleep(0.05)
            now = len(client.diagnostics)
            if now != count:
                count, last = now, time.perf_counter()
            if (with_problems and count >= with_problems) or (count and time.perf_counter() - last > 2.0):
                break
        if count == 0:
            f_push.fail("nothing was published")
        else:
            f_push.add(max(record[0] for records in client.diagnostics.values() for record in records) - indexed)
            f_push.note(f"{count} notes published")
        await measure_keystrokes(
            session, vault, samples, figs, args, run, "vault_push_keystroke", KEYSTROKE_LABEL + ', scope "vault"'
        )
    except Exception as exc:
        f_push.fail(f"{type(exc).__name__}: {exc}")
    finally:
        await session.close()


async def timed(coro) -> tuple[float, object]:
    start = time.perf_counter()
    result = await asyncio.wait_for(coro, 60)
    return (time.perf_counter() - start) * 1000, result


async def measure_hub(session: Session, vault: Path, hub: dict, figs: Figures, args) -> None:
    n = hub.get("backlinks")
    f_refs = figs("references", f"textDocument/references at the hub note ({n} backlinks)", "ms")
    f_prep = figs("prepare_rename", "textDocument/prepareRename at the hub note's H1", "ms")
    f_ren = figs("rename", f"textDocument/rename of the hub note ({n} linking notes)", "ms")
    f_calls = figs(
        "incoming_calls",
        "prepareCallHierarchy + callHierarchy/incomingCalls at the hub note (one per linking note)",
        "ms",
    )
    client = session.client
    try:
        path = vault / hub["path"]
        text = path.read_text(encoding="utf-8")
        uri = session.open(path, text)
        line = h1_line(text)
        if line is None:
            raise RuntimeError("the hub note has no H1")
        pos = lsp.Position(line=line, character=4)
        doc = lsp.TextDocumentIdentifier(uri=uri)
    except Exception as exc:
        for f in (f_refs, f_prep, f_ren, f_calls):
            f.fail(exc)
        return
    try:
        for _ in range(args.hub_repeats):
            ms, result = await timed(
                client.text_document_references_async(
                    lsp.ReferenceParams(
                        text_document=doc, position=pos, context=lsp.ReferenceContext(include_declaration=False)
                    )
                )
            )
            f_refs.add(ms)
        f_refs.note(f"{len(result or [])} locations (manifest: {hub.get('references')} references)")
    except Exception as exc:
        f_refs.fail(f"{type(exc).__name__}: {exc}")
    try:
        for _ in range(args.hub_repeats):
            ms, result = await timed(
                client.text_document_prepare_rename_async(lsp.PrepareRenameParams(text_document=doc, position=pos))
            )
            f_prep.add(ms)
        if result is None:
            f_prep.note("answered null")
    except Exception as exc:
        f_prep.fail(f"{type(exc).__name__}: {exc}")
    try:
        for i in range(args.hub_repeats):
            ms, result = await timed(
                client.text_document_rename_async(
                    lsp.RenameParams(text_document=doc, position=pos, new_name=f"{hub['title']} revised {i}")
                )
            )
            f_ren.add(ms)
        changes = getattr(result, "document_changes", None) or []
        edits = sum(len(getattr(c, "edits", []) or []) for c in changes)
        f_ren.note(f"{len(changes)} document changes, {edits} text edits (not applied)")
    except Exception as exc:
        f_ren.fail(f"{type(exc).__name__}: {exc}")
    try:
        for _ in range(args.hub_repeats):
            start = time.perf_counter()
            items = await asyncio.wait_for(
                client.text_document_prepare_call_hierarchy_async(
                    lsp.CallHierarchyPrepareParams(text_document=doc, position=pos)
                ),
                60,
            )
            if not items:
                raise RuntimeError("prepareCallHierarchy answered no item")
            result = await asyncio.wait_for(
                client.call_hierarchy_incoming_calls_async(lsp.CallHierarchyIncomingCallsParams(item=items[0])), 60
            )
            f_calls.add((time.perf_counter() - start) * 1000)
        f_calls.note(f"{len(result or [])} calls")
    except Exception as exc:
        f_calls.fail(f"{type(exc).__name__}: {exc}")
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(doc))


async def measure_workspace_symbol(session: Session, samples: list[dict], figs: Figures, args, run: int) -> None:
    rng = random.Random(1000 + run)
    fig = figs("workspace_symbol", "workspace/symbol, 1-2 words from a title (first request included)", "ms")
    try:
        count = 0
        for i in range(args.symbol_requests):
            words = rng.choice(samples)["title"].split()
            j = rng.randrange(len(words))
            query = " ".join(words[j : j + 1 + i % 2])
            ms, result = await timed(session.client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query=query)))
            fig.add(ms)
            count += len(result or [])
        if run == 0:
            fig.note(
                f"{args.symbol_requests} queries a run; run 1: {count / args.symbol_requests:.0f} symbols an answer on average"
            )
    except Exception as exc:
        fig.fail(f"{type(exc).__name__}: {exc}")


# ---------------------------------------------------------------------------------------------
# Driver


def vault_label(notes: int) -> str:
    return f"{notes // 1000}k" if notes % 1000 == 0 else str(notes)


def ensure_vault(notes: int, cache: Path) -> tuple[Path, dict]:
    sys.path.insert(0, str(BENCH))
    try:
        from gen_vault import GENERATOR_VERSION, MANIFEST  # the generator's own constants
    finally:
        sys.path.pop(0)
    out = cache / f"bench-v{vault_label(notes)}"
    manifest = out / MANIFEST
    with contextlib.suppress(OSError, ValueError):
        meta = json.loads(manifest.read_text(encoding="utf-8"))
        if (meta.get("generator_version"), meta.get("notes"), meta.get("seed")) == (GENERATOR_VERSION, notes, 1):
            return out, meta
    print(f"generating {out} ({notes} notes) ...", file=sys.stderr, flush=True)
    subprocess.run(
        [sys.executable, str(BENCH / "gen_vault.py"), str(out), "--notes", str(notes), "--seed", "1"], check=True
    )
    return out, json.loads(manifest.read_text(encoding="utf-8"))


def git(*cmd: str) -> str:
    try:
        return subprocess.run(["git", *cmd], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    except Exception:
        return "?"


def machine() -> str:
    try:
        from importlib.metadata import version

        import pygls.protocol  # noqa: F401

        pygls_version = version("pygls")
    except Exception:
        pygls_version = "?"
    dirty = [line for line in git("status", "--porcelain", "--untracked-files=no").splitlines() if line]
    commit = git("rev-parse", "--short", "HEAD") + (f" + {len(dirty)} uncommitted changed files" if dirty else "")
    cpus = os.cpu_count()
    model = "?"
    with contextlib.suppress(OSError):
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with contextlib.suppress(OSError):
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) // 1024 // 1024} GB"
    return (
        f"commit {commit}; nproc {cpus} ({model}), {mem} RAM; Python {platform.python_version()}, "
        f"pygls {pygls_version}; {platform.system()} {platform.release()}"
    )


def loadavg() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


async def bench_size(notes: int, args) -> str:
    vault, meta = ensure_vault(notes, args.cache)
    figs = Figures()
    # rows in table order
    figs("check", CHECK_LABEL, "s")
    figs("check_cpu", "`claim-lsp check`: CPU time (user + sys, worker processes included)", "s")
    figs("check_warm", "`claim-lsp check`, second run (disk cache left by the first)", "s")
    figs("graph", GRAPH_LABEL, "s")
    figs("graph_rss", GRAPH_RSS_LABEL, "MB")
    figs("near_duplicates", NEAR_LABEL, "s")
    figs("near_duplicate_note", NEAR_NOTE_LABEL, "ms")
    figs("cold_index", "server cold full index: process start → status `indexing: false` (empty cache folder)", "s")
    figs(
        "cold_index_cpu",
        "server cold full index: CPU time (user + sys) of the server and its workers until indexed",
        "s",
    )
    figs("after_index_completion", AFTER_INDEX_LABEL, "ms")
    figs("warm_index", "server warm start: the same, second start with the cache the cold run wrote", "s")
    figs("warm_index_rss", "peak RSS of the server right after a warm start (nothing opened)", "MB")
    global BYTECODE
    BYTECODE = bytecode_note()
    load_before = loadavg()
    started = time.perf_counter()
    for run in range(args.runs):
        print(f"[{vault_label(notes)}] run {run + 1}/{args.runs}", file=sys.stderr, flush=True)
        cache_home = Path(tempfile.mkdtemp(prefix="claim-bench-xdg-"))
        try:
            run_check(vault, figs, cache_home, warm=False)
            run_check(vault, figs, cache_home, warm=True)
            run_graph(vault, figs, cache_home)  # (no cache: as check's cold run)
            run_near_duplicates(vault, figs, cache_home)  # (from the cache the warm check left)
        finally:
            shutil.rmtree(cache_home, ignore_errors=True)
        cache_home = Path(tempfile.mkdtemp(prefix="claim-bench-xdg-"))
        try:
            claims = [x for x in meta["samples"] if x.get("type") == "claim"] or meta["samples"]
            sample = claims[(run + 3) % len(claims)]
            await run_index(vault, cache_home, figs.get("cold_index"), args.timeout, figs, warm=False, sample=sample)
            await run_index(vault, cache_home, figs.get("warm_index"), args.timeout, figs, warm=True)
        finally:
            shutil.rmtree(cache_home, ignore_errors=True)
        cache_home = Path(tempfile.mkdtemp(prefix="claim-bench-xdg-"))
        try:
            await run_interactive(vault, meta, cache_home, figs, args, run)
        finally:
            shutil.rmtree(cache_home, ignore_errors=True)
        cache_home = Path(tempfile.mkdtemp(prefix="claim-bench-xdg-"))
        try:
            await run_whole_vault(vault, meta, cache_home, figs, args, run)
        finally:
            shutil.rmtree(cache_home, ignore_errors=True)
    wall = time.perf_counter() - started
    graph, check = figs.get("graph").samples, figs.get("check").samples
    if graph and check:  # issue 16: the export within the time of check
        figs.get("graph").note(f"{percentile(graph, 0.5) / percentile(check, 0.5):.2f}× the time of check")
    return render(notes, vault, meta, figs, args, load_before, wall)


_TITLES: dict[Path, list[str]] = {}


def vault_titles(vault: Path) -> list[str]:
    """The vault's titles, normalised as the ranker does, sorted (listed once, untimed)."""
    if vault not in _TITLES:
        from claim_lsp.rank import normalize

        _TITLES[vault] = sorted(normalize(p.stem) for p in vault.rglob("*.md"))
    return _TITLES[vault]


def first_query(title: str, titles: list[str]) -> str:
    """What is typed of a title for the first-answer figures: its first two words (at most
    15 letters), a word more while over 50 titles start with it (an answer holds 50 items:
    a user goes on typing until the note is among them), at most 30 letters."""
    from bisect import bisect_left

    from claim_lsp.rank import normalize

    words = title.split()
    query = " ".join(words[:2])[:15]
    for n in range(3, len(words) + 1):
        norm = normalize(query)
        lo = bisect_left(titles, norm)
        if bisect_left(titles, norm + "\uffff", lo) - lo <= 50:
            break
        query = " ".join(words[:n])[:30]
    return query


def target_for(key: str, notes: int) -> float | None:
    pair = TARGETS.get(key)
    if pair is None:
        return None
    if notes == 10_000:
        return pair[0]
    if notes == 100_000:
        return pair[1]
    return None


def render(notes: int, vault: Path, meta: dict, figs: Figures, args, load_before: str, wall: float) -> str:
    label = vault_label(notes)
    out = [
        f"### {label} notes ({meta['files']} files, {meta['bytes'] / 1e6:.0f} MB, hub with {meta['hub']['backlinks']} backlinks)",
        "",
        f"`python bench/bench.py --notes {notes} --runs {args.runs}` on {dt.date.today().isoformat()}; "
        f"{machine()}; load average {load_before} before, {loadavg()} after; {wall:.0f} s in all{BYTECODE}.",
        "",
        f"| figure | median | p95 | n | target ({label}) | |",
        "|---|---|---|---|---|---|",
    ]
    for fig in figs.items.values():
        target = target_for(fig.key, notes)
        target_text = fmt(target, fig.unit) if target is not None else ""
        extra = "; ".join(fig.notes)
        if not fig.samples:
            reason = "; ".join(fig.failures) or "not measured"
            out.append(f"| {fig.label} | n/a | n/a | 0 | {target_text} | {reason} |")
            continue
        med, p95 = percentile(fig.samples, 0.5), percentile(fig.samples, 0.95)
        verdict = ""
        if target is not None:
            # the targets are p95 for latencies, a single figure otherwise: judge the median there
            judged = p95 if fig.unit == "ms" else med
            ratio = judged / target
            verdict = "meets" if ratio < 1 else f"**{ratio:.2f}× over**" if ratio < 2 else f"**{ratio:.1f}× over**"
        if fig.failures:
            extra = "; ".join(filter(None, [extra, f"{len(fig.failures)} failure(s): " + "; ".join(fig.failures)]))
        note = "; ".join(filter(None, [verdict, extra]))
        if fig.unit == "%":
            out.append(f"| {fig.label} | {med:.0f}% | min {min(fig.samples):.0f}% | {len(fig.samples)} | | {note} |")
        else:
            out.append(
                f"| {fig.label} | {fmt(med, fig.unit)} | {fmt(p95, fig.unit)} | {len(fig.samples)} | {target_text} | {note} |"
            )
    out += [
        "",
        "Per-run figures (times to index / first answer, RSS) are the median and p95 over the runs; "
        "latencies are pooled over all requests of all runs. Latency targets are judged on p95, the "
        "others on the median. The vault files sit in the OS page cache after the first read, so "
        '"cold" means no claim-lsp cache, not a cold disk.',
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, action="append", help="vault size (repeatable); default 10000")
    parser.add_argument("--runs", type=int, default=5, help="runs of every measurement (default 5)")
    parser.add_argument("--out", help="also write the tables here; {n} is replaced by the size (10k, 100k)")
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help="where vaults are kept (default /tmp/claim-bench)"
    )
    parser.add_argument("--requests", type=int, default=200, help="completion requests a run (default 200)")
    parser.add_argument("--keystrokes", type=int, default=50, help="keystrokes a run (default 50)")
    parser.add_argument("--hub-repeats", type=int, default=5, help="references/rename requests a run (default 5)")
    parser.add_argument("--symbol-requests", type=int, default=20, help="workspace/symbol requests a run (default 20)")
    parser.add_argument("--timeout", type=float, help="seconds to wait for indexing (default 60 + 6 ms a note)")
    args = parser.parse_args(argv)
    sizes = args.notes or [10_000]
    tables = []
    user_timeout = args.timeout
    for notes in sizes:
        args.timeout = user_timeout or 60 + notes * 0.006
        table = asyncio.run(bench_size(notes, args))
        print(table, flush=True)
        tables.append((notes, table))
        if args.out:
            if "{n}" in args.out:
                Path(args.out.replace("{n}", vault_label(notes))).write_text(table, encoding="utf-8")
            else:
                Path(args.out).write_text("\n".join(t for _, t in tables), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
