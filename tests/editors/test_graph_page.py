"""The page of `claim-lsp graph --format html` in headless Chromium (playwright-core, as the
VS Code test): it draws, a search finds a note, a click focuses a neighbourhood, a hover shows
a note, a filter hides edges; no request leaves the page, nothing is written to the console.
Screenshots are kept as artifacts (tests/editors/artifacts/<test>/)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import EDITORS_HOME, HERE, REPO, TIMEOUT_S, require
from .vault import NOTES, write_vault

pytestmark = pytest.mark.editors


def graph(server_cmd: list[str], *args: str) -> subprocess.CompletedProcess:
    # the installed claim-lsp, as a user runs it
    return subprocess.run([*server_cmd, "graph", *args], capture_output=True, text=True, timeout=TIMEOUT_S * 6)


def open_page(page: Path, artifacts: Path, tmp_path: Path, name: str, timeout_s: float, **steps) -> dict:
    """Run graph_page_driver.js on the page; its observations (see the driver)."""
    node = require("node")
    require(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    if not (EDITORS_HOME / "tools/node_modules/playwright-core").is_dir():
        pytest.fail(f"playwright-core not in {EDITORS_HOME}/tools: run scripts/editors/install.sh", pytrace=False)
    spec = {
        "page": str(page),
        "artifacts": str(artifacts),
        "result": str(tmp_path / f"{name}.result.json"),
        "timeout_ms": int(timeout_s * 1000),
        "name": name,
        **steps,
    }
    spec_path = tmp_path / f"{name}.spec.json"
    spec_path.write_text(json.dumps(spec))
    env = {**os.environ, "CLAIM_EDITOR_SPEC": str(spec_path)}
    started = time.monotonic()
    proc = subprocess.run(
        [node, str(HERE / "graph_page_driver.js")], capture_output=True, text=True, env=env, timeout=timeout_s * 3
    )
    (artifacts / f"{name}.driver.log").write_text(proc.stdout + proc.stderr)
    print(f"{name}: exit {proc.returncode} in {time.monotonic() - started:.1f} s\n{proc.stdout}\n{proc.stderr[-3000:]}")
    result = json.loads(Path(spec["result"]).read_text())
    (artifacts / f"{name}.result.json").write_text(json.dumps(result, indent=1))
    assert not result["errors"], result["errors"]
    return result


def check_quiet(result: dict) -> None:
    """Nothing but the page was asked for, and the page said nothing."""
    assert result["requests"] == [result["page_url"]], result["requests"]
    assert result["console"] == [], result["console"]
    assert result["page_errors"] == [], result["page_errors"]
    assert result["csp_violations"] == [], result["csp_violations"]
    for shot in result["screenshots"]:
        assert Path(shot).stat().st_size > 5000, f"{shot}: an empty picture?"


def neighbourhood(data: dict, node: str) -> list[str]:
    """The node and those one edge away, either way: what a click must focus."""
    near = {node}
    for e in data["edges"]:
        if e["source"] == node:
            near.add(e["target"])
        if e["target"] == node:
            near.add(e["source"])
    return sorted(near)


def test_graph_page_of_a_small_vault(tmp_path: Path, server_cmd: list[str], artifacts: Path) -> None:
    root = tmp_path / "vault"
    write_vault(root)
    data = json.loads(graph(server_cmd, str(root)).stdout)
    made = graph(server_cmd, str(root), "--format", "html")
    assert made.returncode == 0, made.stderr
    page = tmp_path / "graph.html"
    page.write_text(made.stdout, encoding="utf-8")
    spaced = "Spaced repetition beats cramming.md"
    result = open_page(
        page,
        artifacts,
        tmp_path,
        "small",
        TIMEOUT_S * 3,
        search={"query": "spcd rep"},  # letters in order: the fuzzy match
        click="Homework improves retention.md",
        hover=spaced,
        untick_kind="link",
    )
    check_quiet(result)
    assert (result["nodes"], result["edges"]) == (len(data["nodes"]), len(data["edges"])) == (len(NOTES) + 1, 4)
    assert result["counts"] == f"{len(NOTES)} notes · 1 missing · 4 edges"
    assert result["finite"] and result["spread"] > 50, "the layout put every node in one place"
    # the search: the note whose title has the letters in order, first; Enter focuses it
    assert result["search_results"][0] == spaced[:-3]
    assert result["search_focused"] == spaced
    assert "Reviews spread over days" in result["info_text"], result["info_text"]
    assert result["after_escape_focused"] is None
    # the click, through the canvas: the note and its neighbours stay lit, the rest fade
    assert result["click_focused"] == "Homework improves retention.md"
    assert result["click_selected"] == ["Homework improves retention.md"]
    homework = neighbourhood(data, "Homework improves retention.md")
    assert result["click_neighbourhood"] == homework == ["Homework improves retention.md", spaced]
    assert result["click_faded"] == len(data["nodes"]) - 2
    # the hover: title, type, domain, confidence, description, backlinks
    tip = result["tip_text"]
    for part in (spaced[:-3], "claim · collective-intelligence · proven", "Reviews spread over days", "2 backlinks"):
        assert part in tip, (part, tip)
    # the filter: the plain links hidden, nothing else
    assert result["edges_visible_after"] == result["edges_visible_before"] - result["edges_of_kind"] == 0


def test_graph_page_of_1500_notes_stays_responsive(tmp_path: Path, server_cmd: list[str], artifacts: Path) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from gen_vault import generate_vault
    finally:
        sys.path.remove(str(REPO / "bench"))
    root = tmp_path / "g1500"
    generate_vault(root, 1500, 1)
    data = json.loads(graph(server_cmd, str(root)).stdout)
    started = time.monotonic()
    made = graph(server_cmd, str(root), "--format", "html")
    command_s = time.monotonic() - started
    assert made.returncode == 0, made.stderr
    page = tmp_path / "graph.html"
    page.write_text(made.stdout, encoding="utf-8")
    # a note with a handful of neighbours, to click
    target = next(n["id"] for n in data["nodes"] if 4 <= len(neighbourhood(data, n["id"])) <= 12 and not n["missing"])
    result = open_page(
        page,
        artifacts,
        tmp_path,
        "g1500",
        TIMEOUT_S * 6,
        click=target,
        search={"query": "knowledge"},
        probe_during_layout=True,
    )
    check_quiet(result)
    assert (result["nodes"], result["edges"]) == (len(data["nodes"]), len(data["edges"]))  # every edge drawn
    assert result["click_neighbourhood"] == neighbourhood(data, target)
    delays = result["layout_probe_delays_ms"]
    print(
        f"1,500 notes: {len(data['nodes'])} nodes, {len(data['edges'])} edges, page {len(made.stdout) / 1e6:.2f} MB; "
        f"command {command_s:.1f} s, page ready {result['ready_ms']} ms (layout {result['layout_ms']} ms, "
        f"drawing {result['draw_ms']} ms); timer delay while laying out: median {statistics.median(delays):.0f} ms, "
        f"max {max(delays)} ms over {len(delays)} samples; a zoom redrawn in {result['zoom_frame_ms']} ms"
    )
    # the page answers while it lays out and draws (the work is cut in slices): a timer set
    # then fires soon, most of the time
    assert len(delays) >= 5, delays
    assert statistics.median(delays) < 100, delays
