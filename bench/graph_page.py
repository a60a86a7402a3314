#!/usr/bin/env python3
"""Time from `claim-lsp graph --format html` to the page drawn in headless Chromium.

    python bench/graph_page.py VAULT [--select NOTE --depth N] [--runs 3]

Runs the command (the vault loaded from disk, no cache), writes its page, opens it with
tests/editors/graph_page_driver.js (Debian's Chromium through playwright-core, as
scripts/editors/install.sh installs them) and prints, per run: the command's seconds, the
page's size, the browser's milliseconds from opening the page to drawn (the layout and the
drawing apart), and the nodes and edges drawn; then the server's side alone (the vault in
memory, as in the editor: graph_html.page_data + render). Needs `claim-lsp` on PATH (or
CLAIM_LSP_CMD) and node.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DRIVER = HERE.parent / "tests/editors/graph_page_driver.js"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("vault", type=Path)
    ap.add_argument("--select")
    ap.add_argument("--depth", type=int)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    cmd = shlex.split(os.environ.get("CLAIM_LSP_CMD", "claim-lsp"))
    argv = [*cmd, "graph", str(args.vault), "--format", "html"]
    if args.select:
        argv += ["--select", args.select]
    if args.depth is not None:
        argv += ["--depth", str(args.depth)]
    print(f"$ {shlex.join(argv)}")
    with tempfile.TemporaryDirectory(prefix="graph-page-bench-") as tmp:
        work = Path(tmp)
        for run in range(1, args.runs + 1):
            started = time.monotonic()
            proc = subprocess.run(argv, capture_output=True, text=True)
            command_s = time.monotonic() - started
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return proc.returncode
            page = work / "graph.html"
            page.write_text(proc.stdout, encoding="utf-8")
            spec = {
                "page": str(page),
                "artifacts": str(work),
                "result": str(work / "result.json"),
                "timeout_ms": 300_000,
                "name": f"run{run}",
            }
            (work / "spec.json").write_text(json.dumps(spec))
            env = {**os.environ, "CLAIM_EDITOR_SPEC": str(work / "spec.json")}
            subprocess.run(["node", str(DRIVER)], capture_output=True, text=True, env=env, timeout=600)
            r = json.loads((work / "result.json").read_text())
            if r["errors"]:
                print(r["errors"], file=sys.stderr)
                return 1
            print(
                f"run {run}: command {command_s:.2f} s, page {len(proc.stdout.encode()) / 1e6:.2f} MB "
                f"({proc.stderr.strip().splitlines()[0]}); browser: drawn in {r['ready_ms']} ms "
                f"(layout {r['layout_ms']} ms, drawing {r['draw_ms']} ms), {r['nodes']} nodes, {r['edges']} edges; "
                f"command to drawn {command_s + r['ready_ms'] / 1000:.1f} s"
            )
    server_side(args)
    return 0


def server_side(args: argparse.Namespace) -> None:
    """The request's work once the vault is in memory, as the server does it."""
    sys.path.insert(0, str(HERE.parent))
    from claim_lsp.config import load_config
    from claim_lsp.graph import select_notes
    from claim_lsp.graph_html import page_data, page_title, render
    from claim_lsp.load import build_vault

    vault = build_vault(args.vault, load_config(args.vault), False, None)
    seeds = select_notes(vault, args.select) if args.select else None
    times = []
    for _ in range(3):
        started = time.perf_counter()
        data = page_data(vault, seeds, args.depth)
        render(data, page_title(vault, data))
        times.append(time.perf_counter() - started)
    print(f"in memory (the server's claim-lsp/graph, html): best of 3 {min(times) * 1000:.0f} ms")


if __name__ == "__main__":
    sys.exit(main())
