"""graph.py: edges of the claim graph, the export's node-link data and its renderers."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from claim_lsp.config import Config, apply_settings
from claim_lsp.graph import (
    LINK,
    challengers,
    dot_quote,
    edges_of,
    graph_data,
    incoming,
    select_notes,
    to_dot,
    to_graphml,
    to_json,
)
from claim_lsp.index import Vault
from claim_lsp.parse import parse_note
from tests.helpers import claim
from tests.unit.vaults import make_vault

FILES = {
    "claims/base.md": claim("base", "Body.\n\n## Evidence\n\nSome.", title="base", confidence="speculative"),
    "claims/mid.md": claim(
        "mid",
        "See [[base]] and [[nowhere]].",
        title="mid",
        extra='depends_on: ["[[base]]"]\nchallenged_by: ["[[critic]]"]\naliases: [middle]\n',
    ),
    "claims/top.md": claim(
        "top",
        "Uses [[mid]] twice: [[middle]]; ![[pic.png]]; [[#Evidence]]; [[ ]]; [[dup]]; [[Nowhere|again]].",
        title="top",
        extra='depends_on: ["[[mid]]", "[[base]]"]\nsource: "[[src]]"\n',
    ),
    "notes/critic.md": claim("critic", "Disagrees.", title="critic", extra='challenges: ["[[mid]]"]\n'),
    "sources/src.md": '---\ntype: source\nclaims_extracted: ["[[mid]]", "[[top]]"]\n---\n\n# src\n',
    "a/dup.md": "# dup\n",
    "b/dup.md": "# dup\n",
}


@pytest.fixture
def vault() -> Vault:
    v = make_vault(FILES)
    v.set_attachments({"pic.png"})
    return v


def test_edges_of_kinds_targets_and_what_is_left_out(vault):
    top = vault.notes["claims/top.md"]
    edges = edges_of(vault, top)
    got = [(e.kind, e.target.path if e.target else None, e.name) for e in edges]
    assert got == [
        ("depends_on", "claims/mid.md", "mid"),
        ("depends_on", "claims/base.md", "base"),
        (LINK, "sources/src.md", "src"),  # `source` is no relation field: a plain link
        (LINK, "claims/mid.md", "mid"),
        (LINK, "claims/mid.md", "middle"),  # (by alias)
        (LINK, None, "Nowhere"),  # the embed of an attachment, [[#...]], [[ ]] and the ambiguous [[dup]]: none
    ]
    for edge in edges:
        assert edge.source is top
        line = FILES["claims/top.md"].splitlines()[edge.span.line]
        assert line[edge.span.col : edge.span.end_col].startswith("[[")


def test_relation_fields_follow_the_configuration():
    config = Config()
    apply_settings(config, {"types": {"claim": {"relations": ["challenged_by"]}}}, "test")
    vault = Vault(config=config)
    for path, text in FILES.items():
        vault.put(parse_note(path, text))
    kinds = {(e.kind, e.name) for e in edges_of(vault, vault.notes["claims/mid.md"])}
    assert kinds == {(LINK, "base"), ("challenged_by", "critic"), (LINK, "nowhere")}


def test_incoming_grouped_by_kind(vault):
    mid = vault.notes["claims/mid.md"]
    into = incoming(vault, mid)
    assert {k: [e.source.path for e in v] for k, v in into.items()} == {
        "claims_extracted": ["sources/src.md"],
        "depends_on": ["claims/top.md"],
        LINK: ["claims/top.md", "claims/top.md"],
        "challenges": ["notes/critic.md"],
    }
    assert all(e.target is mid for group in into.values() for e in group)


def test_challengers_count_both_directions_once(vault):
    mid = vault.notes["claims/mid.md"]
    assert [n.path for n in challengers(vault, mid)] == ["notes/critic.md"]  # challenges it, and named in challenged_by
    assert challengers(vault, vault.notes["claims/base.md"]) == []
    # challenged_by alone counts
    vault.put(parse_note("notes/critic.md", claim("critic", "Quiet now.", title="critic")))
    assert [n.path for n in challengers(vault, mid)] == ["notes/critic.md"]
    # a note that only names mid in its own challenged_by is challenged by mid, not a challenger of it
    vault.put(parse_note("notes/other.md", claim("o", "x", title="other", extra='challenged_by: ["[[mid]]"]\n')))
    assert [n.path for n in challengers(vault, mid)] == ["notes/critic.md"]


def test_graph_data_whole_vault(vault):
    data = graph_data(vault)
    assert data["directed"] and data["multigraph"] and data["graph"] == {}
    ids = [n["id"] for n in data["nodes"]]
    assert ids == sorted(vault.notes) + ["missing:nowhere"]
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["claims/mid.md"] == {
        "id": "claims/mid.md",
        "path": "claims/mid.md",
        "title": "mid",
        "type": "claim",
        "domain": "ai-alignment",
        "description": "mid",
        "confidence": "likely",
        "backlinks": 3,  # top, critic, src
        "missing": False,
    }
    assert nodes["missing:nowhere"] == {
        "id": "missing:nowhere",
        "path": None,
        "title": "nowhere",  # the first spelling met ([[Nowhere]] comes later, by path)
        "type": None,
        "domain": None,
        "confidence": None,
        "description": None,
        "backlinks": 2,
        "missing": True,
    }
    assert nodes["a/dup.md"]["backlinks"] == 0 and nodes["a/dup.md"]["type"] is None
    edges = [(e["source"], e["target"], e["kind"]) for e in data["edges"]]
    assert len(edges) == len(set(edges))  # each (source, target, kind) once, however often linked
    assert [e for e in edges if e[0] == "claims/top.md"] == [
        ("claims/top.md", "claims/mid.md", "depends_on"),
        ("claims/top.md", "claims/base.md", "depends_on"),
        ("claims/top.md", "sources/src.md", LINK),
        ("claims/top.md", "claims/mid.md", LINK),
        ("claims/top.md", "missing:nowhere", LINK),
    ]
    assert ("notes/critic.md", "claims/mid.md", "challenges") in edges
    assert ("claims/mid.md", "notes/critic.md", "challenged_by") in edges
    assert ("sources/src.md", "claims/top.md", "claims_extracted") in edges


def test_graph_data_neighbourhood(vault):
    def ids(data):
        return [n["id"] for n in data["nodes"]]

    only = graph_data(vault, ["claims/base.md"], depth=0)
    assert ids(only) == ["claims/base.md"] and only["edges"] == []
    assert only["nodes"][0]["backlinks"] == 2  # still the whole vault's count
    near = graph_data(vault, ["claims/base.md"])  # depth 1: what links to it, what it links to
    assert ids(near) == ["claims/base.md", "claims/mid.md", "claims/top.md"]
    assert {(e["source"], e["target"], e["kind"]) for e in near["edges"]} == {
        ("claims/mid.md", "claims/base.md", "depends_on"),
        ("claims/mid.md", "claims/base.md", LINK),
        ("claims/top.md", "claims/mid.md", "depends_on"),
        ("claims/top.md", "claims/base.md", "depends_on"),
        ("claims/top.md", "claims/mid.md", LINK),
    }
    far = graph_data(vault, ["claims/base.md"], depth=2)
    assert ids(far) == [
        "claims/base.md", "claims/mid.md", "claims/top.md", "notes/critic.md", "sources/src.md", "missing:nowhere",
    ]  # fmt: skip
    assert {n["id"]: n["backlinks"] for n in far["nodes"]} == {
        n["id"]: n["backlinks"] for n in graph_data(vault)["nodes"] if n["id"] in ids(far)
    }
    # from a missing node, both ways: the notes that name it
    assert ids(graph_data(vault, ["claims/mid.md"], depth=1))[-1] == "missing:nowhere"
    # reached from top first, it still has the title the whole export gives it (mid's spelling)
    from_top = graph_data(vault, ["claims/top.md"])["nodes"]
    assert [(n["title"], n["backlinks"]) for n in from_top if n["missing"]] == [("nowhere", 2)]
    assert graph_data(vault, [], depth=3)["nodes"] == []
    assert graph_data(vault, ["no/such.md"])["nodes"] == []


def test_select_notes(vault):
    assert select_notes(vault, "claims/mid.md") == ["claims/mid.md"]
    assert select_notes(vault, "./claims/mid") == ["claims/mid.md"]
    assert select_notes(vault, "claims") == ["claims/base.md", "claims/mid.md", "claims/top.md"]
    assert select_notes(vault, "claims/") == select_notes(vault, "claims")
    assert select_notes(vault, "critic") == ["notes/critic.md"]  # by title
    assert select_notes(vault, "Middle") == ["claims/mid.md"]  # alias, any case
    assert select_notes(vault, "dup") == ["a/dup.md", "b/dup.md"]  # ambiguous: every candidate
    assert select_notes(vault, ".") == sorted(vault.notes)
    assert select_notes(vault, "nowhere") == []
    assert select_notes(vault, "clai") == []  # a folder is matched whole


# ---- renderers ---------------------------------------------------------------------------

ODD = 'say "hi" \\ to <all> & 🚀'  # a title (a file name) with every character the formats quote
ODD_FILES = {
    f"odd/{ODD}.md": claim("x", "Back to [[plain]] and [[gone \\N]].", title=ODD, extra='depends_on: ["[[plain]]"]\n'),
    "odd/plain.md": claim('a\\nb \\"q\\" \\a\\x01 \\r\\n end', f"Links [[{ODD}]].", title="plain"),
    "odd/trailing\\.md": "# trailing\\\n\n[[plain]]\n",
}


def _odd_data():
    return graph_data(make_vault(ODD_FILES))


def test_odd_characters_reach_the_data():
    nodes = {n["id"]: n for n in _odd_data()["nodes"]}
    assert nodes["odd/plain.md"]["description"] == 'a\nb "q" \x07\x01 \r\n end'  # YAML's escapes, read
    assert nodes[f"odd/{ODD}.md"]["title"] == ODD
    assert "missing:gone \\n" in nodes


_DOT_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"', re.S)


def _dot_unquote(body: str) -> str:
    # DOT's own rule (\" is a quote) and Graphviz's for labels (\\ is a backslash, \n a newline)
    return re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), body, flags=re.S)


def test_dot_quote_round_trips():
    for text in ["plain", ODD, "ends with \\", '"', "two\nlines\r\n", "\\N \\G \\l"]:
        quoted = dot_quote(text)
        match = _DOT_STRING.fullmatch(quoted)
        assert match is not None, quoted
        assert "\n" not in quoted
        assert _dot_unquote(match.group(1)) == text.replace("\r\n", "\n")


def test_dot_statements_hold_every_node_and_edge():
    data = _odd_data()
    dot = to_dot(data)
    lines = dot.splitlines()
    assert lines[0] == 'digraph "claims" {' and lines[-1] == "}"
    body = lines[2:-1]
    assert len(body) == len(data["nodes"]) + len(data["edges"])  # one statement a line: no raw newline leaked
    node_ids, edges = [], []
    for line in body:
        strings = [_dot_unquote(s) for s in _DOT_STRING.findall(line)]
        outside = _DOT_STRING.sub("S", line).strip()
        if " -> " in outside:
            assert re.fullmatch(r"S -> S \[kind=S(, label=S)?\];", outside), outside
            edges.append((strings[0], strings[1], strings[2]))
        else:
            assert re.fullmatch(r"S \[label=S(, \w+=S)*\];", outside), outside
            node_ids.append(strings[0])
            attrs = dict(zip(re.findall(r"(\w+)=S", outside), strings[1:]))
            node = next(n for n in data["nodes"] if n["id"] == strings[0])
            assert attrs["label"] == node["title"]
            if node["description"]:
                assert attrs["description"] == node["description"].replace("\r\n", "\n")
            assert ("missing" in attrs) == node["missing"]
    assert node_ids == [n["id"] for n in data["nodes"]]
    assert edges == [(e["source"], e["target"], e["kind"]) for e in data["edges"]]


NS = {"g": "http://graphml.graphdrawing.org/xmlns"}


def test_graphml_is_well_formed_and_holds_the_data():
    data = _odd_data()
    root = ET.fromstring(to_graphml(data).encode("utf-8"))
    keys = {k.get("id"): (k.get("for"), k.get("attr.name"), k.get("attr.type")) for k in root.findall("g:key", NS)}
    assert keys["e_kind"] == ("edge", "kind", "string")
    assert keys["n_backlinks"] == ("node", "backlinks", "int")
    assert keys["n_missing"] == ("node", "missing", "boolean")
    assert keys["n_title"] == ("node", "title", "string")
    graph = root.find("g:graph", NS)
    assert graph.get("edgedefault") == "directed"
    read = {}
    for node in graph.findall("g:node", NS):
        read[node.get("id")] = {keys[d.get("key")][1]: d.text for d in node.findall("g:data", NS)}
    assert list(read) == [n["id"] for n in data["nodes"]]
    odd = read[f"odd/{ODD}.md"]
    assert odd["title"] == ODD and odd["missing"] == "false"
    # characters XML cannot hold are replaced; a carriage return survives as a reference
    assert read["odd/plain.md"]["description"] == 'a\nb "q" \ufffd\ufffd \r\n end'
    edges = [
        (e.get("source"), e.get("target"), {keys[d.get("key")][1]: d.text for d in e.findall("g:data", NS)})
        for e in graph.findall("g:edge", NS)
    ]
    assert [(s, t, d["kind"]) for s, t, d in edges] == [(e["source"], e["target"], e["kind"]) for e in data["edges"]]


def test_graphml_reads_into_networkx(tmp_path):
    data = graph_data(make_vault(FILES))
    path = tmp_path / "g.graphml"
    path.write_text(to_graphml(data), encoding="utf-8")
    g = nx.read_graphml(path)
    assert g.is_directed()
    assert set(g.nodes) == {n["id"] for n in data["nodes"]}
    assert g.nodes["missing:nowhere"]["missing"] is True and g.nodes["claims/mid.md"]["backlinks"] == 3
    kinds = sorted(d["kind"] for _, _, d in g.edges(data=True))
    assert kinds == sorted(e["kind"] for e in data["edges"])


def test_json_reads_into_networkx():
    data = _odd_data()
    text = to_json(data)
    assert json.loads(text) == data
    g = nx.node_link_graph(json.loads(to_json(graph_data(make_vault(FILES)))), edges="edges")
    assert isinstance(g, nx.MultiDiGraph)
    assert g.nodes["claims/mid.md"]["confidence"] == "likely"
    assert g.nodes["missing:nowhere"]["missing"] is True
    # top both depends on mid and links to it: two edges between the same nodes
    assert sorted(d["kind"] for d in g.get_edge_data("claims/top.md", "claims/mid.md").values()) == [
        "depends_on",
        LINK,
    ]
    assert json.loads(to_json({"directed": True, "multigraph": True, "graph": {}, "nodes": [], "edges": []}))


def test_renderers_of_an_empty_graph():
    empty = graph_data(Vault())
    assert json.loads(to_json(empty))["nodes"] == []
    assert to_dot(empty) == 'digraph "claims" {\n  node [shape=box];\n}\n'
    assert ET.fromstring(to_graphml(empty)).find("g:graph", NS) is not None


def test_plain_relation_items_are_edges_and_prose_is_not_a_missing_node():
    from claim_lsp.graph import edges_of

    vault = make_vault(
        {
            "cheap launch unlocks orbital industry.md": "---\ntype: claim\n---\n# cheap launch unlocks orbital industry\n",
            "b.md": (
                "---\ntype: claim\ndepends_on:\n  - cheap launch unlocks orbital industry\n"
                "  - cheap launch unlocks orbital industri\n"
                "challenged_by: The thesis assumes demand keeps growing; if it plateaus nothing follows\n---\n# b\n"
            ),
        }
    )
    edges = edges_of(vault, vault.notes["b.md"])
    assert [(e.kind, e.target.path if e.target else None) for e in edges] == [
        ("depends_on", "cheap launch unlocks orbital industry.md"),
        ("depends_on", None),  # a near miss: a missing node, as its broken-reference says
    ]
