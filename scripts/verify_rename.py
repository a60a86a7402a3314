#!/usr/bin/env python3
"""A rename applied to a copy of a generated vault after files changed on disk unannounced,
verified by checking the vault again (issue 14).

    python scripts/verify_rename.py [--notes 20000] [--vault DIR] [--seed 1] [--json]

Copies the vault (the benchmark generator's, made for --notes, unless --vault names one),
starts `claim-lsp` over stdio on the copy as a client that does not watch files, waits for
the index, then changes files on disk without telling the server: linkers of the vault's
most linked note get a paragraph above their links, lose a link or are deleted, other notes
gain a link to it, new notes appear linking to it. It runs `claim-lsp check --format json`,
renames that note through the server, applies the edit as an editor would, and runs the
check again. It fails (status 1) on a new broken link, on any text changed outside a link
to the renamed note (or its H1), or when the server read again other files than the ones
changed. Prints the figures: the rename's time, how many files the server stamped and read
again before planning it (from its log), the edit's size.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claim_lsp.index import Vault  # noqa: E402
from claim_lsp.load import build_vault  # noqa: E402
from claim_lsp.scan import RACY_NS  # noqa: E402
from claim_lsp.text import line_starts  # noqa: E402
from tests.e2e.apply_edit import apply_workspace_edit  # noqa: E402

LINK_PROBLEMS = ("broken-link", "ambiguous-link", "missing-heading", "broken-reference")
READ_AGAIN = "read again before an edit"
TIMEOUT = 120.0


def make_vault(work: Path, notes: int, seed: int, source: Path | None) -> Path:
    vault = work / "vault"
    if source is not None:
        shutil.copytree(source, vault, ignore=shutil.ignore_patterns(".git"))
        return vault
    from bench.gen_vault import generate_vault

    generate_vault(vault, notes, seed)
    return vault


def hub_of(root: Path, vault: Vault):
    """The note to rename: the generator's hub (.bench.json), else the most linked note."""
    try:
        return vault.notes[json.loads((root / ".bench.json").read_text(encoding="utf-8"))["hub"]["path"]]
    except (OSError, ValueError, KeyError):
        return max(vault.notes.values(), key=lambda n: (len(vault.backlinks(n)), n.path))


def change_on_disk(
    root: Path, vault: Vault, hub, rng: random.Random, share: float, deletes: int
) -> dict[str, list[str]]:
    """Unannounced changes: what was done to which files (vault-relative paths)."""
    linkers = sorted({src.path for src, _ in vault.backlinks(hub)} - {hub.path})
    others = sorted(set(vault.notes) - set(linkers) - {hub.path})
    rng.shuffle(linkers)
    rng.shuffle(others)
    count = max(3, int(len(linkers) * share))
    moved, unlinked, deleted = linkers[:count], linkers[count : count + 3], linkers[count + 3 : count + 3 + deletes]
    linked = others[: max(3, count // 2)]
    done: dict[str, list[str]] = {"moved": moved, "unlinked": unlinked, "deleted": deleted, "linked": linked}
    for rel in moved:  # a paragraph (and, a third of the time, a heading) above every link
        path = root / rel
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        body = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), len(lines))
        above = ["", "A paragraph pulled in above, [[" + hub.title + "]] in prose: `" + hub.title + "`.", ""]
        if rng.random() < 0.33:
            above += ["## A heading pulled in", ""]
        path.write_text("\n".join(lines[:body] + above + lines[body:]), encoding="utf-8")
    for rel in unlinked:  # the links to it become prose
        path = root / rel
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("[[" + hub.title, "the old " + hub.title), encoding="utf-8")
    for rel in deleted:
        (root / rel).unlink()
    for rel in linked:  # a link to it added at the end
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8") + f"\nNow also [[{hub.title}]].\n", encoding="utf-8")
    new = []
    folder = hub.path.rpartition("/")[0]
    for i in range(3):  # notes pulled in, linking to it
        rel = f"{folder}/pulled in {i}.md" if folder else f"pulled in {i}.md"
        (root / rel).write_text(f"# pulled in {i}\n\nFrom a pull: [[{hub.title}]].\n", encoding="utf-8")
        new.append(rel)
    done["new"] = new
    return done


def check(root: Path) -> list[dict]:
    out = subprocess.run(
        [sys.executable, "-m", "claim_lsp", "check", str(root), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
    )
    if out.returncode not in (0, 1):
        raise RuntimeError(f"claim-lsp check failed ({out.returncode}): {out.stderr[-2000:]}")
    return json.loads(out.stdout)


def texts(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes().decode("utf-8")
        for p in root.rglob("*.md")
        if not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


def allowed_regions(vault: Vault, hub, rel: str, text: str) -> list[tuple[int, int]]:
    """Where a rename of hub may change the text of rel: the links that reach it, its H1."""
    note = vault.notes.get(rel)
    if note is None:
        return []
    starts = line_starts(text)
    spans = [link.span for link in note.links if vault.resolve(link.target, rel).note is hub]
    if rel == hub.path and note.h1 is not None:
        spans.append(note.h1.span)
    return [(starts[s.line] + s.col, starts[s.end_line] + s.end_col) for s in spans]


def outside_changes(before: str, after: str, regions: list[tuple[int, int]]) -> list[str]:
    """Changes of after against before that fall outside the regions (offsets in before). A
    rename changes no line breaks: the texts are compared line by line, and the lines that
    differ character by character."""
    from difflib import SequenceMatcher

    old_lines, new_lines = before.split("\n"), after.split("\n")
    if len(old_lines) != len(new_lines):
        return [f"{len(old_lines)} lines became {len(new_lines)}"]
    out = []
    at = 0
    for old, new in zip(old_lines, new_lines):
        if old != new:
            for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
                if op != "equal" and not any(a <= at + i1 and at + i2 <= b for a, b in regions):
                    out.append(f"{op} {old[max(0, i1 - 20) : i2 + 20]!r} -> {new[max(0, j1 - 20) : j2 + 20]!r}")
        at += len(old) + 1
    return out


def link_problems(problems: list[dict], rename: tuple[str, str]) -> Counter:
    old, new = rename
    return Counter((new if p["file"] == old else p["file"], p["code"]) for p in problems if p["code"] in LINK_PROBLEMS)


async def run(args: argparse.Namespace) -> dict:
    work = Path(tempfile.mkdtemp(prefix="claim-lsp-verify-rename-"))
    try:
        return await _run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


async def _run(args: argparse.Namespace, work: Path) -> dict:
    rng = random.Random(args.seed)
    root = make_vault(work, args.notes, args.seed, args.vault)
    # stamps of files written less than RACY_NS before the server stamps them are not trusted
    # (every such file would be read again before the edit): let them age, as a vault does
    time.sleep(RACY_NS / 1e9 + 0.2)
    log = work / "server.log"
    env = {**os.environ, "CLAIM_LSP_CACHE_DIR": str(work / "cache")}
    client = LanguageClient("verify-rename", "1")
    await client.start_io(
        sys.executable, "-m", "claim_lsp", "--log-level", "INFO", "--log-file", str(log), env=env, cwd=str(ROOT)
    )
    capabilities = lsp.ClientCapabilities(  # (no didChangeWatchedFiles: nothing is announced)
        workspace=lsp.WorkspaceClientCapabilities(
            workspace_edit=lsp.WorkspaceEditClientCapabilities(
                document_changes=True,
                resource_operations=[lsp.ResourceOperationKind.Create, lsp.ResourceOperationKind.Rename],
            )
        )
    )
    began = time.perf_counter()
    await client.initialize_async(
        lsp.InitializeParams(
            capabilities=capabilities,
            workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name="vault")],
            root_uri=root.as_uri(),
        )
    )
    client.initialized(lsp.InitializedParams())
    while True:
        status = await client.protocol.send_request_async("claim-lsp/status", None)
        status = status if isinstance(status, dict) else {"indexing": status.indexing, "notes": status.notes}
        if not status["indexing"] and status["notes"]:
            break
        await asyncio.sleep(0.05)
    indexed = time.perf_counter() - began
    indexed_vault = build_vault(root)  # (what the server indexed, to choose what to change)
    done = change_on_disk(root, indexed_vault, hub_of(root, indexed_vault), rng, args.share, args.delete)
    before_texts = texts(root)
    changed = build_vault(root)  # the vault as the files hold it now: what the rename must follow
    hub = changed.notes[hub_of(root, indexed_vault).path]
    before_problems = check(root)
    new_title = f"{hub.title} renamed"
    new_path = (hub.path.rpartition("/")[0] + "/" if "/" in hub.path else "") + new_title + ".md"
    uri = (root / hub.path).as_uri()
    text = before_texts[hub.path]
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text))
    )
    h1 = hub.h1
    if h1 is not None and h1.text.strip().lower() == hub.title.lower():
        where = lsp.Position(line=h1.span.line, character=len(text.split("\n")[h1.span.line][: h1.span.col]) + 1)
    else:  # a display H1: rename through the note's own title in a link to it
        where = None
    began = time.perf_counter()
    if where is not None:
        edit = await asyncio.wait_for(
            client.text_document_rename_async(
                lsp.RenameParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=where, new_name=new_title)
            ),
            TIMEOUT,
        )
    else:
        old_uri, new_uri = uri, (root / new_path).as_uri()
        edit = await asyncio.wait_for(
            client.workspace_will_rename_files_async(
                lsp.RenameFilesParams(files=[lsp.FileRename(old_uri=old_uri, new_uri=new_uri)])
            ),
            TIMEOUT,
        )
    took = time.perf_counter() - began
    await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
    client.exit(None)
    await client.stop()
    buffers = {uri: text}
    failures: list[str] = []
    try:
        apply_workspace_edit(edit, buffers)
    except OSError as exc:  # (an editor refuses the whole edit)
        failures.append(f"the edit cannot be applied: {exc}")
    if where is None:
        (root / hub.path).rename(root / new_path)
    renamed_uri = (root / new_path).as_uri()
    (root / new_path).write_text(buffers.get(renamed_uri, buffers.get(uri, text)), encoding="utf-8", newline="")
    after_texts = texts(root)
    after_problems = check(root)

    if set(after_texts) != (set(before_texts) - {hub.path}) | {new_path}:
        failures.append(f"files differ: {sorted(set(after_texts) ^ set(before_texts))[:10]}")
    outside = 0
    for rel, before in before_texts.items():
        after = after_texts.get(new_path if rel == hub.path else rel)
        if after is None or after == before:
            continue
        bad = outside_changes(before, after, allowed_regions(changed, hub, rel, before))
        outside += len(bad)
        failures += [f"{rel}: changed outside a link: {b}" for b in bad[:3]]
    was, now = link_problems(before_problems, (hub.path, new_path)), link_problems(after_problems, ("", ""))
    new_broken = now - was
    if new_broken:
        failures.append(f"new link problems: {sorted(new_broken.items())[:10]}")
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if READ_AGAIN in line]
    stamped = read_again = -1
    if lines:
        words = lines[-1].split(": ", 2)[-1].split()
        stamped, read_again = int(words[0]), int(words[3])
    touched = {*done["moved"], *done["unlinked"], *done["linked"], *done["new"]}
    if read_again != len(touched):
        failures.append(f"the server read again {read_again} files before the edit, {len(touched)} changed")
    document_changes = edit.document_changes or []
    return {
        "notes": len(after_texts),
        "indexed_s": round(indexed, 2),
        "renamed": f"{hub.path} -> {new_path}",
        "by": "rename" if where is not None else "willRenameFiles",
        "changed_on_disk": {k: len(v) for k, v in done.items()},
        "rename_s": round(took, 3),
        "refresh": lines[-1].split(" INFO ", 1)[-1] if lines else None,
        "stamped": stamped,
        "read_again": read_again,
        "document_changes": len(document_changes),
        "text_edits": sum(len(c.edits) for c in document_changes if isinstance(c, lsp.TextDocumentEdit)),
        "link_problems_before": sum(was.values()),
        "link_problems_after": sum(now.values()),
        "new_link_problems": sum(new_broken.values()),
        "changes_outside_links": outside,
        "failures": failures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=20_000, help="notes of the generated vault")
    parser.add_argument("--vault", type=Path, help="a vault to copy instead of generating one")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--share", type=float, default=0.2, help="share of the linkers changed on disk")
    parser.add_argument("--delete", type=int, default=1, help="linkers deleted on disk")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args))
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        for key, value in result.items():
            if key != "failures":
                print(f"{key}: {value}")
        for failure in result["failures"]:
            print(f"FAIL {failure}")
        print("OK" if not result["failures"] else f"{len(result['failures'])} failures")
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
