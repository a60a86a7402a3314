#!/usr/bin/env python3
"""How long the server stops answering while a large change on disk is applied (issue 14).

    python scripts/loop_block.py [--notes 20000] [--changed 0.95] [--watching] [--while-indexing] [--json]

Generates a vault (the benchmark generator's), makes it a git repository whose branch `other`
rewrites, deletes and adds notes (--changed: the share of the notes changed, ~19,000 at 20,000),
starts `claim-lsp` over stdio on it, waits for the index, then switches to `other` while a
probe sends hover requests one after another on an open note. A client that cannot watch
files (the default) leaves the change to the server's own watcher; with --watching the script
reports every file changed in one workspace/didChangeWatchedFiles, as VS Code does. With
--while-indexing the switch happens while the vault is indexed (the test knob
CLAIM_LSP_TEST_SLOW_READ holds each batch read), so that the loader reads the changed notes
again once it ends.

Prints the longest a hover waited for its answer during the change (the event loop blocked
at least that long, less the probe's own round trip), the slowest answers, and when the
server held the new branch: the note count, and the references to the note the changed notes
link to as a fresh `build_vault` of the disk has them (a rename sent then must see them all).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claim_lsp.load import build_vault  # noqa: E402
from claim_lsp.references import references  # noqa: E402
from claim_lsp.scan import RACY_NS  # noqa: E402

TIMEOUT = 120.0
PAUSE = 0.002  # between two probes


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def make_vault(work: Path, notes: int, share: float) -> tuple[Path, list[Path], Path, tuple[int, int]]:
    """The vault on branch main, the paths the switch to `other` changes, the note each note
    changed links to there, and what the branch holds: its notes, and the notes linking to that one."""
    from bench.gen_vault import generate_vault

    root = work / "vault"
    generate_vault(root, notes, 1)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "main")
    git(root, "checkout", "-qb", "other")
    paths = sorted(p for p in root.rglob("*.md") if ".git" not in p.parts)
    count = min(int(len(paths) * share), len(paths) - 2)
    target = paths[-1]
    changed: list[Path] = []
    for n, path in enumerate(paths[:count]):
        if n % 40 == 0:
            path.unlink()  # deleted
            new = path.with_name(f"added {n}.md")
            new.write_text(f"# added {n}\n\n[[{target.stem}]]\n", encoding="utf-8")
            changed += [path, new]
        else:
            with path.open("a", encoding="utf-8") as f:
                f.write(f"\n\nChanged on the other branch ({n}): [[{target.stem}]]\n")
            changed.append(path)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "other")
    want = build_vault(root)  # (now: built after the switch, it would hold up the probe's answers)
    wanted = (
        len(want),
        len({src.path for src, _ in references(want, want.notes[target.relative_to(root).as_posix()], 0, 2)}),
    )
    git(root, "checkout", "-q", "main")
    return root, changed, target, wanted


def probe_at(root: Path, changed: set[Path]) -> tuple[Path, int, int]:
    """A note the switch leaves alone, and a link in it to an ordinary note (not a folder's
    _map, which many notes of that name make ambiguous: a hover on it costs ~0.5 s itself)."""
    for path in sorted(p for p in root.rglob("*.md") if ".git" not in p.parts and p not in changed):
        if path.stem == "_map" or path.parent.name == "maps":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").split("\n")):
            at = line.find("[[")
            if at >= 0 and not line[at:].startswith("[[_map") and "/_map" not in line and line.isascii():
                return path, n, at + 2
    raise SystemExit("no note to probe: --changed leaves too few notes alone")


def watched_files(changed: list[Path]) -> bytes:
    """workspace/didChangeWatchedFiles reporting each path, as VS Code reports a branch switch."""
    kinds = {True: lsp.FileChangeType.Changed.value, False: lsp.FileChangeType.Deleted.value}
    events = [{"uri": path.as_uri(), "type": kinds[path.exists()]} for path in changed]
    message = {"jsonrpc": "2.0", "method": lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, "params": {"changes": events}}
    return json.dumps(message).encode("utf-8")


async def request(client: LanguageClient, method: str, params) -> object:
    return await asyncio.wait_for(client.protocol.send_request_async(method, params), TIMEOUT)


async def status(client: LanguageClient) -> dict:
    found = await request(client, "claim-lsp/status", None)
    return found if isinstance(found, dict) else {"indexing": found.indexing, "notes": found.notes}


async def probe(client: LanguageClient, uri: str, where: lsp.Position, out: list, stop: asyncio.Event) -> None:
    """Hovers, one after another: (sent at, seconds to the answer)."""
    loop = asyncio.get_running_loop()
    params = lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=where)
    while not stop.is_set():
        sent = loop.time()
        await asyncio.wait_for(client.text_document_hover_async(params), TIMEOUT)
        out.append((sent, loop.time() - sent))
        await asyncio.sleep(PAUSE)


async def run(args: argparse.Namespace) -> dict:
    work = Path(tempfile.mkdtemp(prefix="claim-lsp-loop-block-"))
    try:
        return await _run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


async def _run(args: argparse.Namespace, work: Path) -> dict:
    root, changed, hub, (wanted_notes, wanted_refs) = make_vault(work, args.notes, args.changed)
    time.sleep(RACY_NS / 1e9 + 0.2)  # (files younger than this are read again before an edit)
    env = {**os.environ, "CLAIM_LSP_CACHE_DIR": str(work / "cache")}
    if args.while_indexing:
        env["CLAIM_LSP_TEST_SLOW_READ"] = str(args.slow)
    client = LanguageClient("loop-block", "1")
    log = work / "server.log"
    level = "INFO" if args.log is not None else "WARNING"  # (INFO logs every message pygls sends)
    await client.start_io(
        sys.executable, "-m", "claim_lsp", "--log-level", level, "--log-file", str(log), env=env, cwd=str(ROOT)
    )
    watching = lsp.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True) if args.watching else None
    capabilities = lsp.ClientCapabilities(workspace=lsp.WorkspaceClientCapabilities(did_change_watched_files=watching))
    client.feature(lsp.CLIENT_REGISTER_CAPABILITY)(lambda params: None)
    began = time.perf_counter()
    await client.initialize_async(
        lsp.InitializeParams(
            capabilities=capabilities,
            workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name="vault")],
            root_uri=root.as_uri(),
        )
    )
    client.initialized(lsp.InitializedParams())
    loop = asyncio.get_running_loop()
    while True:
        now = await status(client)
        if (now["indexing"] and now["notes"] and args.while_indexing) or (not now["indexing"] and now["notes"]):
            break
        await asyncio.sleep(0.05)
    indexed = time.perf_counter() - began
    first, line, column = probe_at(root, set(changed) | {hub})
    text = first.read_text(encoding="utf-8")
    uri = first.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text))
    )
    where = lsp.Position(line=line, character=column)
    probes: list[tuple[float, float]] = []
    stop = asyncio.Event()
    prober = asyncio.ensure_future(probe(client, uri, where, probes, stop))
    # until the answers are quick (the work after indexing is over); while indexing, at once
    quiet = loop.time() + (0.5 if args.while_indexing else 30)
    while loop.time() < quiet and (len(probes) < 50 or max(lat for _, lat in probes[-50:]) > 0.05):
        await asyncio.sleep(0.1)
    switched_at = loop.time()
    await loop.run_in_executor(None, git, root, "checkout", "-q", "other")  # (the probe goes on meanwhile)
    switched = loop.time() - switched_at
    if args.watching:
        # (serialized in a thread and written as it is: pygls would take this client's event
        # loop ~0.2 s to serialize 19,000 events, which the probe's answers would wait for)
        message = await loop.run_in_executor(None, watched_files, changed)
        client.protocol.writer.write(b"Content-Length: %d\r\n\r\n" % len(message) + message)
    still_indexing = (await status(client))["indexing"]
    held_at = None
    deadline = loop.time() + TIMEOUT
    refs = -1
    while loop.time() < deadline:
        now = await status(client)
        if now["indexing"] or now["notes"] != wanted_notes:
            await asyncio.sleep(0.1)
            continue
        # a whole-vault request with a small answer: it waits until what was reported is filed
        await request(client, lsp.WORKSPACE_SYMBOL, lsp.WorkspaceSymbolParams(query="no note is called this"))
        held_at = loop.time() - switched_at
        # the references (19,000 at 20,000 notes) are checked with the probe paused: parsing
        # them takes this client ~1 s, which the probe's answers would wait for
        stop.set()
        await prober
        found = await request(
            client,
            lsp.TEXT_DOCUMENT_REFERENCES,
            lsp.ReferenceParams(
                text_document=lsp.TextDocumentIdentifier(uri=hub.as_uri()),
                position=lsp.Position(line=0, character=2),
                context=lsp.ReferenceContext(include_declaration=False),
            ),
        )
        refs = len({loc.uri for loc in found or []})
        if refs == wanted_refs:
            break
        held_at = None  # (more of the switch is still to be reported: the watcher groups it)
        stop = asyncio.Event()
        prober = asyncio.ensure_future(probe(client, uri, where, probes, stop))
        await asyncio.sleep(0.1)
    if not stop.is_set():
        stop.set()
        await prober
    await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
    client.exit(None)
    await client.stop()
    if args.log is not None:
        shutil.copy(log, args.log)
    during = sorted((lat for sent, lat in probes if sent + lat >= switched_at), reverse=True)
    before = [lat for sent, lat in probes if sent + lat < switched_at][-200:]
    return {
        "notes": wanted_notes,
        "changed": len(changed),
        "client": "reports every file (didChangeWatchedFiles)" if args.watching else "cannot watch (server watches)",
        "switched": "while indexing" if args.while_indexing else "after indexing",
        "indexed_s": round(indexed, 2),
        "checkout_s": round(switched, 2),
        "indexing_after_checkout": still_indexing,
        "probes": len(during),
        "hover_before_max_ms (last 200)": round(max(before, default=0) * 1000, 1),
        "longest_wait_ms": round(during[0] * 1000, 1) if during else None,
        "slowest_ms": [round(x * 1000) for x in during[:5]],
        "held_new_branch_s (a whole-vault request answered)": round(held_at, 2) if held_at is not None else None,
        "references": f"{refs} (disk: {wanted_refs})",
        "complete": refs == wanted_refs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--changed", type=float, default=0.95, help="share of the notes the branch changes")
    parser.add_argument("--watching", action="store_true", help="the client reports each file changed")
    parser.add_argument("--while-indexing", action="store_true", help="switch while the vault is indexed")
    parser.add_argument("--slow", type=float, default=0.05, help="with --while-indexing: seconds each batch is held")
    parser.add_argument("--log", type=Path, help="keep the server's log there")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args))
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0 if result["complete"] else 1


if __name__ == "__main__":
    sys.exit(main())
