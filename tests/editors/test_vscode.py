"""VS Code (code-server 4.100.3 in headless Chromium) with the packaged extension and claim-lsp."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import EDITORS_HOME, HERE, REPO, TIMEOUT_S, check_observations, require, run_driver
from .vault import Spec

pytestmark = pytest.mark.editors


def test_vscode(spec: Spec, tmp_path: Path) -> None:
    node = require("node")
    require(os.environ.get("CODE_SERVER", str(EDITORS_HOME / "code-server/node_modules/.bin/code-server")))
    require(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    vsix = Path(os.environ.get("VSIX", REPO / "editors/vscode/claim-lsp.vsix"))
    if not vsix.is_file():
        pytest.fail(f"{vsix} not built: run editors/vscode/build.sh (or scripts/editors/install.sh)", pytrace=False)
    result = run_driver(
        "vscode", [node, str(HERE / "vscode_driver.js")], spec, tmp_path, timeout_s=TIMEOUT_S * 12, cwd=HERE
    )
    check_observations(result, spec)
    # what only the extension adds: the index size from claim-lsp/status, and Show Backlinks
    assert "notes" in (result.get("status_bar") or ""), result.get("status_bar")
    # the one backlink: Learning map's line linking here, in a peek titled with its file
    assert Path(spec.file).stem in (result.get("backlinks_title") or ""), result.get("backlinks_title")
    assert any(f"[[{spec.hover_title}]]" in row for row in result.get("backlinks") or []), result.get("backlinks")
    # the extension started the server because the folder looks like a claim vault
    channel = "".join(p.read_text() for p in Path(spec.artifacts).glob("*Claim LSP.log"))
    assert "Claim vault detected" in channel, f"output channel: {channel[:2000]!r}"
    # "Claim LSP: Restart Server" started it a second time, and the status bar came back
    assert channel.count("Starting ") >= 2, f"output channel: {channel[:2000]!r}"
    assert "notes" in (result.get("status_after_restart") or ""), result.get("status_after_restart")
    # "Claim LSP: Show Claim Graph" beside the note F12 opened: its neighbourhood (depth 2), in
    # a webview tab; a click on a node opened that note, and the view followed it
    definition = Path(spec.definition_file).name
    assert result.get("graph_seeds") == [definition], result.get("graph_seeds")
    nodes = result.get("graph_nodes") or []
    assert {definition, spec.graph_click, Path(spec.file).name} <= set(nodes), nodes
    assert "Claim Graph" in (result.get("graph_tab") or ""), result.get("graph_tab")
    assert result.get("graph_theme_fg"), "the webview has no VS Code theme colours"
    assert Path(spec.graph_click).stem in (result.get("graph_opened_tab") or ""), result.get("graph_opened_tab")
    assert result.get("graph_seeds_after") == [spec.graph_click], result.get("graph_seeds_after")
    assert result.get("webview_console_errors") == [], result.get("webview_console_errors")
    missing = [
        s
        for s in ("1-problems.png", "2-hover.png", "3-completion.png", "6-graph.png", "7-graph-followed.png")
        if not (Path(spec.artifacts) / s).is_file()
    ]
    assert not missing, f"screenshots not saved: {missing}"
