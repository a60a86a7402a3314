#!/usr/bin/env python3
"""Soak test (issue 6): start `claim-lsp` over stdio on a generated vault, send N random
requests (completion, hover, definition, references, and didChange edits) at random
positions, some past the end of the line or file, and report the server's memory before
and after, the latency, and every error reply, timeout or crash.

    python scripts/soak.py [--requests 100000] [--minutes 5] [--notes 2000] [--seed 1]

Exit status 0 when the server answered everything without an error and is still running
at the end (then shut down cleanly), 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 10.0


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


def make_vault(out: Path, notes: int, seed: int) -> Path:
    """The benchmark generator's realistic vault when available, else a plain one."""
    try:
        sys.path.insert(0, str(ROOT))
        from bench.gen_vault import generate_vault

        generate_vault(out, notes, seed)
        return out
    except Exception as exc:  # the generator is optional here
        print(f"(bench generator unavailable: {exc}; using a plain vault)", file=sys.stderr)
    rng = random.Random(seed)
    words = "value drift alignment market signal claim evidence agent model trust risk".split()
    titles = [" ".join(rng.sample(words, 4)) + f" {i}" for i in range(notes)]
    for i, title in enumerate(titles):
        folder = out / f"d{i % 20}"
        folder.mkdir(parents=True, exist_ok=True)
        links = " ".join(f"[[{rng.choice(titles)}]]" for _ in range(rng.randint(0, 6)))
        (folder / f"{title}.md").write_text(
            f"---\ntype: claim\ndomain: ai-alignment\ndescription: note {i}\nconfidence: likely\n"
            f"source: soak\ncreated: 2026-01-01\n---\n\n# {title}\n\nBody {links}\n## Part\n\nMore [[missing {i}]].\n"
        )
    return out


class Doc:
    def __init__(self, uri: str, text: str) -> None:
        self.uri = uri
        self.lines = text.split("\n")
        self.version = 1
        self.budget = len(text) + 2000  # past this, edits delete: the documents do not grow without bound

    def random_position(self, rng: random.Random) -> lsp.Position:
        if rng.random() < 0.05:  # past the end of the file or the line
            return lsp.Position(line=len(self.lines) + rng.randint(0, 100), character=rng.randint(0, 10_000))
        line = rng.randrange(len(self.lines))
        width = len(self.lines[line].encode("utf-16-le")) // 2
        if rng.random() < 0.05:
            return lsp.Position(line=line, character=width + rng.randint(1, 500))
        text = self.lines[line]
        if "[[" in text and rng.random() < 0.7:  # mostly inside links, where the work is
            starts = [i for i in range(len(text) - 1) if text.startswith("[[", i)]
            start = rng.choice(starts)
            col = min(len(text), start + rng.randint(0, 30))
            return lsp.Position(line=line, character=len(text[:col].encode("utf-16-le")) // 2)
        return lsp.Position(line=line, character=rng.randint(0, width))

    def random_edit(self, rng: random.Random, titles: list[str]) -> lsp.TextDocumentContentChangePartial:
        """An incremental change; applied here too, so positions stay valid."""
        line = rng.randrange(len(self.lines))
        text = self.lines[line]
        col = rng.randint(0, len(text))
        roll = rng.random()
        if sum(len(x) + 1 for x in self.lines) > self.budget and len(self.lines) > 3:
            roll = 0.5  # delete
        if roll < 0.4:
            title = rng.choice(titles)
            new = "[[" + title[: rng.randint(0, len(title))] + rng.choice(["", "]]", "#", "|x]]"])
            end_col = col
        elif roll < 0.7 and len(self.lines) > 3:
            end_col = min(len(text), col + rng.randint(0, 40))
            new = ""
        elif roll < 0.85:
            new, end_col = rng.choice(["\n", "\n\n", " 🚀 ", "é", "`", "```\n"]), col
        else:
            new, end_col = rng.choice(words_typed), col
        self.lines[line] = text[:col] + new + text[end_col:]
        self.lines = "\n".join(self.lines).split("\n")
        self.version += 1

        def pos(c: int) -> lsp.Position:
            return lsp.Position(line=line, character=len(text[:c].encode("utf-16-le")) // 2)

        return lsp.TextDocumentContentChangePartial(range=lsp.Range(start=pos(col), end=pos(end_col)), text=new)


words_typed = ["the ", "claim ", "market ", "value ", "x", "]]", "[[", "#", "|"]


async def soak(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="claim-lsp-soak-"))
    vault = make_vault(work / "vault", args.notes, args.seed)
    notes = sorted(p for p in vault.rglob("*.md") if not any(part.startswith(".") for part in p.parts))
    titles = [p.stem for p in notes]
    client = LanguageClient("claim-lsp-soak", "1")
    server_cmd = shutil.which("claim-lsp") or sys.executable
    server_args = [] if server_cmd.endswith("claim-lsp") else ["-m", "claim_lsp"]
    diagnostics = {"published": 0}

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
        diagnostics["published"] += 1

    @client.feature(lsp.WINDOW_LOG_MESSAGE)
    def on_log(params: lsp.LogMessageParams) -> None:
        if params.type == lsp.MessageType.Error:
            server_errors.append(f"logMessage: {params.message}")

    @client.feature(lsp.WINDOW_SHOW_MESSAGE)
    def on_show(params: lsp.ShowMessageParams) -> None:
        if params.type == lsp.MessageType.Error:
            server_errors.append(f"showMessage: {params.message}")

    server_errors: list[str] = []
    await client.start_io(server_cmd, *server_args)
    server = client._server
    assert server is not None and server.stderr is not None
    stderr_lines: list[str] = []

    async def drain_stderr() -> None:  # an unread stderr pipe would block the server once full
        assert server.stderr is not None
        while line := await server.stderr.readline():
            stderr_lines.append(line.decode(errors="replace").rstrip())

    drain = asyncio.create_task(drain_stderr())
    pid = server.pid
    rss_start = rss_kib(pid)
    t0 = time.perf_counter()
    await client.initialize_async(
        lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(),
            workspace_folders=[lsp.WorkspaceFolder(uri=vault.as_uri(), name="vault")],
            root_uri=vault.as_uri(),
        )
    )
    client.initialized(lsp.InitializedParams())
    while True:
        status = await client.protocol.send_request_async("claim-lsp/status", None)
        indexing = status["indexing"] if isinstance(status, dict) else status.indexing
        count = status["notes"] if isinstance(status, dict) else status.notes
        if not indexing and count:
            break
        await asyncio.sleep(0.05)
    print(f"indexed {count} notes in {time.perf_counter() - t0:.1f}s; server pid {pid}")
    docs = []
    for path in rng.sample(notes, min(args.open, len(notes))):
        text = path.read_text(encoding="utf-8")
        doc = Doc(path.as_uri(), text)
        client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                lsp.TextDocumentItem(uri=doc.uri, language_id="markdown", version=1, text=text)
            )
        )
        docs.append(doc)
    await asyncio.sleep(0.5)
    rss_before = rss_kib(pid)
    print(f"RSS: {rss_start} KiB at start, {rss_before} KiB after indexing and opening {len(docs)} documents")

    counts: dict[str, int] = {}
    errors: list[str] = []
    latencies: dict[str, list[float]] = {}
    deadline = time.perf_counter() + args.minutes * 60
    sent = 0
    start = time.perf_counter()

    async def timed(kind: str, coro) -> None:
        t = time.perf_counter()
        try:
            await asyncio.wait_for(coro, TIMEOUT)
        except TimeoutError:
            errors.append(f"{kind}: no answer within {TIMEOUT}s")
        except Exception as exc:
            errors.append(f"{kind}: {type(exc).__name__}: {exc}"[:300])
        latencies.setdefault(kind, []).append(time.perf_counter() - t)

    next_report = 10_000
    while sent < args.requests and time.perf_counter() < deadline and server.returncode is None:
        batch = []
        for _ in range(min(args.batch, args.requests - sent)):
            doc = rng.choice(docs)
            kind = rng.choices(["completion", "hover", "definition", "references", "didChange"], [3, 2, 2, 1, 2])[0]
            counts[kind] = counts.get(kind, 0) + 1
            sent += 1
            ident = lsp.TextDocumentIdentifier(uri=doc.uri)
            if kind == "didChange":
                change = doc.random_edit(rng, titles)
                client.text_document_did_change(
                    lsp.DidChangeTextDocumentParams(
                        text_document=lsp.VersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
                        content_changes=[change],
                    )
                )
                continue
            pos = doc.random_position(rng)
            if kind == "completion":
                coro = client.text_document_completion_async(lsp.CompletionParams(text_document=ident, position=pos))
            elif kind == "hover":
                coro = client.text_document_hover_async(lsp.HoverParams(text_document=ident, position=pos))
            elif kind == "definition":
                coro = client.text_document_definition_async(lsp.DefinitionParams(text_document=ident, position=pos))
            else:
                coro = client.text_document_references_async(
                    lsp.ReferenceParams(
                        text_document=ident, position=pos, context=lsp.ReferenceContext(include_declaration=True)
                    )
                )
            batch.append(timed(kind, coro))
        await asyncio.gather(*batch)
        if sent >= next_report:
            print(f"  {sent} sent, {time.perf_counter() - start:.0f}s, RSS {rss_kib(pid)} KiB, {len(errors)} errors")
            next_report += 10_000
    elapsed = time.perf_counter() - start
    crashed = server.returncode is not None
    rss_after = rss_kib(pid) if not crashed else -1
    print(f"\n{sent} messages in {elapsed:.1f}s ({sent / max(elapsed, 1e-9):.0f}/s): {counts}")
    for kind, values in sorted(latencies.items()):
        values.sort()
        p95 = values[int(len(values) * 0.95) - 1] if len(values) > 1 else values[0]
        print(
            f"  {kind:<11} n={len(values):<6} median {statistics.median(values) * 1000:.1f} ms"
            f"  p95 {p95 * 1000:.1f} ms  max {values[-1] * 1000:.1f} ms"
        )
    print(f"RSS before {rss_before} KiB, after {rss_after} KiB ({rss_after - rss_before:+d} KiB)")
    print(f"diagnostics published: {diagnostics['published']}")
    print(f"error replies and timeouts: {len(errors)}" + "".join(f"\n  {e}" for e in dict.fromkeys(errors)))
    print(f"errors the server reported: {len(server_errors)}" + "".join(f"\n  {e}" for e in server_errors[:10]))
    print("server crashed" if crashed else "server still running")
    code = 1 if crashed or errors or server_errors else 0
    if not crashed:
        try:
            t = time.perf_counter()
            await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
            answered = time.perf_counter() - t
            client.exit(None)
            rc = await asyncio.wait_for(server.wait(), TIMEOUT)
            print(f"shutdown answered in {answered:.2f}s; exit code {rc} after {time.perf_counter() - t:.2f}s")
            code = code or (1 if rc else 0)
        except Exception as exc:
            print(f"shutdown failed: {exc!r}")
            code = 1
    await asyncio.sleep(0.1)
    drain.cancel()
    tracebacks = sum(1 for line in stderr_lines if line.startswith("Traceback"))
    print(f"server stderr: {len(stderr_lines)} lines, {tracebacks} tracebacks")
    for line in stderr_lines[-5:]:
        print(f"  {line[:200]}")
    code = code or (1 if tracebacks else 0)
    shutil.rmtree(work, ignore_errors=True)
    return code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--open", type=int, default=20, help="documents opened and edited")
    parser.add_argument("--batch", type=int, default=20, help="messages in flight at once")
    parser.add_argument("--seed", type=int, default=1)
    return asyncio.run(soak(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
