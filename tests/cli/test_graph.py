"""`claim-lsp graph` through a subprocess: formats, selection, errors."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from claim_lsp.schema import RELATION_FIELDS
from tests.helpers import claim, write_vault

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "teleo-codex-sample"

FILES = {
    ".claim-lsp.toml": "",
    "claims/base.md": claim("base", "Body.", title="base", confidence="speculative"),
    "claims/mid.md": claim("mid", "See [[base]] and [[nowhere]].", title="mid", extra='depends_on: ["[[base]]"]\n'),
    "claims/top.md": claim("top", "Uses [[mid]].", title="top", extra='depends_on: ["[[mid]]"]\n'),
    "notes/critic.md": claim("critic", "Disagrees.", title="critic", extra='challenges: ["[[top]]"]\n'),
    "notes/alone.md": "# alone\n",
}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claim_lsp", "graph", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "v", FILES)


def ids(result: subprocess.CompletedProcess) -> list[str]:
    assert result.returncode == 0, result.stderr
    return [n["id"] for n in json.loads(result.stdout)["nodes"]]


def test_json_of_the_whole_vault(vault):
    result = run(str(vault))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [n["id"] for n in data["nodes"]] == [
        "claims/base.md", "claims/mid.md", "claims/top.md", "notes/alone.md", "notes/critic.md", "missing:nowhere",
    ]  # fmt: skip
    assert {(e["source"], e["target"], e["kind"]) for e in data["edges"]} == {
        ("claims/mid.md", "claims/base.md", "depends_on"),
        ("claims/mid.md", "claims/base.md", "link"),
        ("claims/mid.md", "missing:nowhere", "link"),
        ("claims/top.md", "claims/mid.md", "depends_on"),
        ("claims/top.md", "claims/mid.md", "link"),
        ("notes/critic.md", "claims/top.md", "challenges"),
    }
    assert result.stderr.strip().splitlines()[-1] == "5 notes, 1 missing, 6 edges"
    g = nx.node_link_graph(data, edges="edges")
    assert g.number_of_nodes() == 6 and g.number_of_edges() == 6
    assert run(cwd=vault).stdout == result.stdout  # the default PATH is .


def test_dot_and_graphml(vault):
    dot = run(str(vault), "--format", "dot")
    assert dot.returncode == 0 and dot.stdout.startswith('digraph "claims" {\n')
    assert '"notes/critic.md" -> "claims/top.md" [kind="challenges", label="challenges"];' in dot.stdout
    graphml = run(str(vault), "--format", "graphml")
    root = ET.fromstring(graphml.stdout)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall("g:graph/g:node", ns)) == 6 and len(root.findall("g:graph/g:edge", ns)) == 6


def test_select_and_depth(vault):
    assert ids(run(str(vault), "--select", "mid", "--depth", "0")) == ["claims/mid.md"]
    assert ids(run(str(vault), "--select", "mid")) == [
        "claims/base.md", "claims/mid.md", "claims/top.md", "missing:nowhere",
    ]  # fmt: skip
    assert "notes/critic.md" in ids(run(str(vault), "--select", "claims/mid.md", "--depth", "2"))
    assert ids(run(str(vault), "--select", "notes", "--depth", "0")) == ["notes/alone.md", "notes/critic.md"]
    # a note given as PATH selects it; a path from the working folder works for --select
    assert ids(run(str(vault / "claims/top.md"), "--depth", "0")) == ["claims/top.md"]
    assert ids(run(".", "--select", "claims/top.md", "--depth", "0", cwd=vault)) == ["claims/top.md"]
    assert ids(run("v", "--select", "v/notes", "--depth", "0", cwd=vault.parent)) == [
        "notes/alone.md",
        "notes/critic.md",
    ]
    both = run(str(vault), "--select", "base", "--select", "alone", "--depth", "0")
    assert ids(both) == ["claims/base.md", "notes/alone.md"]


def test_html_page(vault):
    page = run(str(vault), "--format", "html")
    assert page.returncode == 0, page.stderr
    assert page.stdout.startswith("<!doctype html>") and page.stdout.rstrip().endswith("</html>")
    assert "<title>Claim graph: v</title>" in page.stdout and '"title":"critic"' in page.stdout
    near = run(str(vault), "--select", "mid", "--format", "html")
    assert "<title>Claim graph: mid (depth 1)</title>" in near.stdout and "critic" not in near.stdout
    # above --max-nodes: the whole vault is refused, a neighbourhood drawn at a smaller depth
    refused = run(str(vault), "--format", "html", "--max-nodes", "5")
    assert refused.returncode == 2 and refused.stdout == ""
    assert "6 nodes (notes and missing ones), more than a graph page draws (5)" in refused.stderr
    assert "--select" in refused.stderr
    smaller = run(str(vault), "--select", "base", "--depth", "3", "--format", "html", "--max-nodes", "3")
    assert smaller.returncode == 0
    assert "claim-lsp graph: Depth 2 reaches 4 nodes; depth 1 is shown (a page draws 3 nodes)" in smaller.stderr


def test_bad_usage_exits_2(vault, tmp_path):
    assert run(str(vault), "--depth", "1").returncode == 2  # a depth needs a selection
    assert run(str(vault), "--select", "mid", "--depth", "-1").returncode == 2
    missing = run(str(vault), "--select", "no such note")
    assert missing.returncode == 2 and "no note or folder" in missing.stderr
    assert run(str(tmp_path / "nowhere")).returncode == 2
    other = write_vault(tmp_path / "w", {".claim-lsp.toml": "", "x.md": "# x\n"})
    assert run(str(vault / "claims/mid.md"), str(other / "x.md")).returncode == 2
    assert run(str(vault), "--format", "csv").returncode == 2
    assert run(str(vault), "--max-nodes", "10").returncode == 2  # (for html only)
    assert run(str(vault), "--format", "html", "--max-nodes", "0").returncode == 2
    (vault / "notes.txt").write_text("not a note")
    assert run(str(vault / "notes.txt")).returncode == 2


@pytest.mark.corpus
def test_corpus_graph_is_consistent():
    assert CORPUS.is_dir(), f"the shared corpus is missing at {CORPUS}"
    result = run(str(CORPUS))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    nodes = {n["id"] for n in data["nodes"]}
    assert len(nodes) == len(data["nodes"])
    for edge in data["edges"]:
        assert edge["source"] in nodes and edge["target"] in nodes
        assert edge["kind"] == "link" or edge["kind"] in RELATION_FIELDS
    kinds = {e["kind"] for e in data["edges"]}
    assert {"link", "depends_on"} <= kinds
    g = nx.node_link_graph(data, edges="edges")
    assert g.number_of_nodes() == len(nodes)
    root = ET.fromstring(run(str(CORPUS), "--format", "graphml").stdout)
    assert len(root.findall("{http://graphml.graphdrawing.org/xmlns}graph/*")) == len(nodes) + len(data["edges"])
