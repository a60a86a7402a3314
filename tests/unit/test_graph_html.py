"""graph_html.py: the graph page (no browser: tests/editors/test_graph_page.py draws it)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from claim_lsp.graph import graph_data
from claim_lsp.graph_html import LIMIT, SCRIPTS, TooLarge, asset, compact, page_data, page_title, render
from tests.helpers import claim
from tests.unit.vaults import make_vault

REPO = Path(__file__).resolve().parents[2]
HOSTILE = "</script><script>alert(1)</script> <!-- {{SCRIPTS}} & é"
HOSTILE_TITLE = "<script>alert(1)<!-- {{SCRIPTS}} & é"  # (a title is a file name: no slash)

FILES = {
    "claims/base.md": claim("base", "Body.", title="base", confidence="speculative"),
    "claims/mid.md": claim("mid", "See [[base]] and [[nowhere]].", title="mid", extra='depends_on: ["[[base]]"]\n'),
    "claims/top.md": claim("top", "Uses [[mid]].", title="top", extra='depends_on: ["[[mid]]"]\n'),
    f"notes/{HOSTILE_TITLE}.md": claim(HOSTILE, "Links [[base]] and [[</script>]].", title=HOSTILE_TITLE),
    "notes/alone.md": "# alone\n",
}


class Page(HTMLParser):
    """The page's elements that matter here: scripts (attributes, text), style texts, the
    CSP meta tag, and every attribute that could load something."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self.csp = ""
        self.loading: list[tuple[str, str, str | None]] = []
        self._in: tuple[str, dict[str, str | None]] | None = None
        self._text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "data", "poster") or (
                name == "style" and "url(" in (value or "")
            ):
                self.loading.append((tag, name, value))
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = a.get("content") or ""
        if tag in ("script", "style"):
            self._in, self._text = (tag, a), []

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._in is not None and tag == self._in[0]:
            text = "".join(self._text)
            if tag == "script":
                self.scripts.append((self._in[1], text))
            else:
                self.styles.append(text)
            self._in = None


@pytest.fixture
def vault():
    return make_vault(FILES)


def embedded(page: Page) -> dict:
    (data,) = [text for attrs, text in page.scripts if attrs.get("type") == "application/json"]
    return json.loads(data)


def expand(data: dict) -> dict:
    """What graph.js's expand() does with compact data."""
    nodes = data["nodes"]
    edges = [
        {"source": nodes[s]["id"], "target": nodes[t]["id"], "kind": data["kinds"][k]} for s, t, k in data["edges"]
    ]
    for node in nodes:
        node.setdefault("path", None if node.get("missing") else node["id"])
    return {"nodes": nodes, "edges": edges}


def test_the_page_holds_the_data(vault):
    data = graph_data(vault)
    text = render(data, "Claim graph: v")
    assert text.startswith("<!doctype html>")
    got = expand(embedded(Page(text)))
    assert [n["id"] for n in got["nodes"]] == [n["id"] for n in data["nodes"]]
    assert got["edges"] == data["edges"]
    for mine, theirs in zip(got["nodes"], data["nodes"], strict=True):
        assert {k: v for k, v in theirs.items() if v not in (None, False)} == {
            k: v for k, v in mine.items() if v not in (None, False)
        }


def test_compact_is_smaller_and_says_the_same(vault):
    data = graph_data(vault)
    small = compact(data)
    assert small["kinds"] == ["depends_on", "link"]  # (in the order the edges have them)
    assert all(len(e) == 3 for e in small["edges"])
    assert "path" not in small["nodes"][0] and "missing" not in small["nodes"][0]
    assert len(json.dumps(small)) < len(json.dumps(data))


def test_user_text_cannot_leave_the_data_element(vault):
    text = render(graph_data(vault), HOSTILE)
    page = Page(text)
    # the data element ends where it should: the scripts the page has are the page's own
    data_element = {"type": "application/json", "id": "claim-graph-data"}
    assert [attrs for attrs, _ in page.scripts] == [data_element] + [{}] * len(SCRIPTS)
    assert text.lower().count("</script") == 1 + len(SCRIPTS)
    assert "<!--" not in page.scripts[0][1]
    nodes = embedded(page)["nodes"]
    assert {HOSTILE_TITLE, "</script>"} <= {n["title"] for n in nodes}  # a note's title, a missing node's
    assert HOSTILE in {n.get("description") for n in nodes}
    # the title element: escaped; a placeholder in it stays text
    assert "<title>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;!-- {{SCRIPTS}} &amp;" in text


def test_a_file_name_that_is_not_utf8_still_makes_a_page():
    vault = make_vault({"odd\udcff.md": "# odd\n\n[[other]]\n", "other.md": "# other\n"})
    text = render(graph_data(vault), "t")
    text.encode("utf-8")  # (a lone surrogate would raise)
    assert "odd\\udcff.md" in text


def test_the_libraries_are_inside_and_nothing_loads(vault):
    text = render(graph_data(vault), "t")
    page = Page(text)
    bodies = [body for attrs, body in page.scripts if not attrs]
    assert bodies == [asset(name) for name in SCRIPTS]
    assert "cytoscape" in bodies[0][:2000].lower() and "d3-force" in bodies[1] and "claimGraph" in bodies[2]
    # no element loads anything: no src, href, srcset...; no url() or @import in the style
    assert page.loading == []
    assert len(page.styles) == 1 and not re.search(r"url\(|@import", page.styles[0], re.I)
    assert not re.search(r"https?://", text.split("<script", 1)[0])  # the head: no address at all


def test_the_content_security_policy_allows_only_the_page_itself(vault):
    page = Page(render(graph_data(vault), "t"))
    rules = dict(rule.strip().split(" ", 1) for rule in page.csp.split(";"))
    assert rules["default-src"] == "'none'"

    def sha(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert rules["script-src"].split() == [sha(body) for attrs, body in page.scripts if not attrs]
    assert rules["style-src"].split() == [sha(page.styles[0])]
    assert "connect-src" not in rules and "unsafe" not in page.csp  # (default-src 'none' covers fetches)


def test_the_page_code_never_writes_html():
    code = re.sub(r"//.*", "", asset("graph.js"))  # (comments may name what it avoids)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in code, sink


def test_the_bundled_libraries_are_the_pinned_versions():
    script = (REPO / "scripts/update_graph_library.sh").read_text()
    cytoscape = re.search(r"^CYTOSCAPE=cytoscape@(\S+)", script, re.M).group(1)
    d3 = re.findall(r"(d3-[a-z]+)@(\d+\.\d+\.\d+)", re.search(r"^D3=\((.*)\)", script, re.M).group(1))
    assert f'"{cytoscape}"' in asset("cytoscape.min.js") and "MIT" in asset("cytoscape.min.js")[:2000]
    bundle = asset("d3-force.min.js")
    heads = re.findall(r"^// https://d3js\.org/(d3-[a-z]+)/ v(\S+)", bundle, re.M)
    assert heads == d3, "graphview/d3-force.min.js: the d3 modules pinned, in load order"
    licences = asset("LICENSE.d3")
    assert [f"{name}@{version}" for name, version in d3] == re.findall(r"^(d3-[a-z]+@\S+)$", licences, re.M)
    assert "Permission is hereby granted" in asset("LICENSE.cytoscape")


def test_page_data_of_a_neighbourhood(vault):
    data = page_data(vault, ["claims/mid.md"], 1)
    assert data["graph"] == {"selected": ["claims/mid.md"], "depth": 1}
    assert {n["id"] for n in data["nodes"]} == {"claims/base.md", "claims/mid.md", "claims/top.md", "missing:nowhere"}
    assert page_title(vault, data) == "Claim graph: mid (depth 1)"
    assert page_title(vault, page_data(vault)) == "Claim graph: vault"


def test_a_whole_vault_above_the_limit_is_refused(vault):
    assert len(page_data(vault, limit=len(graph_data(vault)["nodes"]))["nodes"]) == 7
    with pytest.raises(TooLarge, match="--select"):
        page_data(vault, limit=6)  # 5 notes, 2 missing
    with pytest.raises(TooLarge, match="5 notes"):
        page_data(vault, limit=4)
    assert LIMIT == 3000


def test_a_neighbourhood_above_the_limit_is_drawn_smaller(vault):
    # top -> mid -> base, mid -> nowhere; <script>... -> base, <script>... -> </script>
    full = page_data(vault, ["claims/top.md"], 4)
    assert len(full["nodes"]) == 6 and "notice" not in full["graph"]
    assert page_data(vault, ["claims/top.md"], 99)["graph"]["depth"] == 99  # (all of it from depth 4)
    smaller = page_data(vault, ["claims/top.md"], 4, limit=4)
    assert smaller["graph"]["depth"] == 2
    assert {n["id"] for n in smaller["nodes"]} == {
        "claims/top.md",
        "claims/mid.md",
        "claims/base.md",
        "missing:nowhere",
    }
    assert smaller["graph"]["notice"] == "Depth 3 reaches 5 nodes; depth 2 is shown (a page draws 4 nodes)"
    # from depth 2 (where it starts) down
    base = page_data(vault, ["claims/base.md"], 2, limit=3)
    assert base["graph"]["depth"] == 1 and len(base["nodes"]) == 3
    assert base["graph"]["notice"] == "Depth 2 reaches 6 nodes; depth 1 is shown (a page draws 3 nodes)"
    # at depth 1 it is cut: the note, then its neighbours with the most backlinks
    cut = page_data(vault, ["claims/base.md"], 1, limit=2)
    assert [n["id"] for n in cut["nodes"]] == ["claims/base.md", "claims/mid.md"]
    assert all(e["source"] in ("claims/base.md", "claims/mid.md") for e in cut["edges"])
    assert cut["graph"]["notice"].startswith("Depth 1 reaches 3 nodes; the selected notes and the neighbours")
