"""The claim graph as a page: one self-contained HTML file that draws graph.py's node-link data
(`claim-lsp graph --format html`, and the page the server's claim-lsp/graph request returns
for editors that open it in a browser).

The page is graphview/page.html with graphview/graph.js, drawn by Cytoscape.js and laid out
by d3-force. Both libraries are package data (scripts/update_graph_library.sh fetches them
from npm), and the page holds them inline: opening it fetches nothing, and its content
security policy allows nothing to be fetched (only its own scripts, by hash, run).

A page draws at most LIMIT nodes (a force layout of more takes too long in a browser and the
drawing is no longer readable). `page_data` makes the data fit: the whole vault above the
limit is refused (TooLarge: the user is told to pick a neighbourhood); a neighbourhood above
it is shown at a smaller depth, and at depth 1 cut to the neighbours with the most
backlinks, the page saying so.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import Any

from .graph import graph_data
from .index import Vault

LIMIT = 3000  # nodes a page draws (README: "See the graph")
# the files of graphview/ the page inlines, in load order (d3-force.min.js: the four d3
# modules d3-force needs, one after the other; graph.js: the page's own code)
SCRIPTS = ("cytoscape.min.js", "d3-force.min.js", "graph.js")
TEMPLATE = "page.html"
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
_STYLE = re.compile(r"<style[^>]*\{\{NONCE_ATTR\}\}>(.*?)</style>", re.S)
_SURROGATE = re.compile("[\ud800-\udfff]")


class TooLarge(ValueError):
    """The graph asked for has more nodes than a page draws."""


@cache
def asset(name: str) -> str:
    """A file of graphview/ (package data), read once."""
    return (files(__package__) / "graphview" / name).read_text(encoding="utf-8")


def page_data(
    vault: Vault, seeds: Iterable[str] | None = None, depth: int | None = None, limit: int = LIMIT
) -> dict[str, Any]:
    """graph_data for a page of at most `limit` nodes: the whole vault (seeds None), or the
    neighbourhood of the seed notes `depth` edges away (default 1). A neighbourhood too large
    is shown at the largest depth that fits, and one too large at depth 1 is cut to the seeds
    and the neighbours with the most backlinks; `graph.notice` then says what was left out.
    `graph.selected` lists the seeds, `graph.depth` the depth shown. Raises TooLarge for a
    whole vault above the limit."""
    if seeds is None:
        if len(vault.notes) > limit:  # (missing nodes would only add to it)
            raise TooLarge(_too_large(len(vault.notes), "notes", limit))
        data = graph_data(vault)
        if len(data["nodes"]) > limit:
            raise TooLarge(_too_large(len(data["nodes"]), "nodes (notes and missing ones)", limit))
        return data
    chosen = [p for p in dict.fromkeys(seeds) if p in vault.notes]
    wanted = 1 if depth is None else depth
    # Depth 2 (what editors ask for) first, then down or up a depth at a time: going up, each
    # step costs about the nodes it finds, so a deep request in a large vault stops soon after
    # the limit (coming down from it, the first steps could each read much of the vault).
    shown = min(wanted, 2)
    data = graph_data(vault, chosen, shown)
    notes = []
    if len(data["nodes"]) > limit and shown > 1:
        notes = [f"depth {shown} reaches {len(data['nodes']):,} nodes"]
        shown = 1
        data = graph_data(vault, chosen, shown)
    while shown < wanted and len(data["nodes"]) <= limit:
        deeper = graph_data(vault, chosen, shown + 1)
        if len(deeper["nodes"]) > limit:
            notes = [f"depth {shown + 1} reaches {len(deeper['nodes']):,} nodes"]
            break
        if len(deeper["nodes"]) == len(data["nodes"]):  # nothing further: every depth is this one
            shown = wanted
            break
        data, shown = deeper, shown + 1
    if len(data["nodes"]) > limit:
        notes += [
            f"depth {shown} reaches {len(data['nodes']):,} nodes",
            f"the selected notes and the neighbours with the most backlinks are shown, {limit:,} in all",
        ]
        data = _cut(data, set(chosen), limit)
    elif notes:
        notes.append(f"depth {shown} is shown")
    data["graph"] = {**data["graph"], "selected": chosen, "depth": shown}
    if notes:
        text = "; ".join(notes) + f" (a page draws {limit:,} nodes)"
        data["graph"]["notice"] = text[0].upper() + text[1:]
    return data


def _too_large(count: int, what: str, limit: int) -> str:
    return (
        f"the vault has {count:,} {what}, more than a graph page draws ({limit:,}): "
        "pick a part of it with --select NOTE|FOLDER and --depth N"
    )


def _cut(data: dict[str, Any], seeds: set[str], limit: int) -> dict[str, Any]:
    """The seeds and the other nodes with the most backlinks, `limit` in all, with the edges
    among them."""
    ranked = sorted(data["nodes"], key=lambda n: (n["id"] not in seeds, -n["backlinks"], n["id"]))
    keep = {n["id"] for n in ranked[:limit]}
    return {
        **data,
        "nodes": [n for n in data["nodes"] if n["id"] in keep],
        "edges": [e for e in data["edges"] if e["source"] in keep and e["target"] in keep],
    }


def page_title(vault: Vault, data: dict[str, Any]) -> str:
    """The page's title: the vault's folder, or the first seed's title and the depth."""
    selected = data.get("graph", {}).get("selected") or []
    name = vault.root.name if vault.root is not None else "vault"
    if not selected:
        return f"Claim graph: {name}"
    note = vault.notes[selected[0]]
    more = f" and {len(selected) - 1} more" if len(selected) > 1 else ""
    return f"Claim graph: {note.title}{more} (depth {data['graph'].get('depth', 1)})"


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """The node-link data as the page reads it, a third of the size: each edge a triple
    [source index, target index, kind index] into `nodes` and `kinds` (paths repeated in
    every edge made most of the text), a node without its empty fields, nor its path (its
    id, for a note). graph.js reads this and plain node-link data alike."""
    index = {node["id"]: i for i, node in enumerate(data["nodes"])}
    kinds: dict[str, int] = {}
    edges = [[index[e["source"]], index[e["target"]], kinds.setdefault(e["kind"], len(kinds))] for e in data["edges"]]
    nodes = [
        {k: v for k, v in node.items() if v is not None and v is not False and not (k == "path" and v == node["id"])}
        for node in data["nodes"]
    ]
    return {"graph": data.get("graph", {}), "nodes": nodes, "kinds": list(kinds), "edges": edges}


def data_json(data: dict[str, Any]) -> str:
    """The data as JSON for a <script type="application/json"> element: every `<` escaped, so
    that no title can end the element (`</script>`) or open a comment in it, and lone
    surrogates (from undecodable file names) escaped, so that the page encodes as UTF-8."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    if not text.isascii():
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def render(data: dict[str, Any], title: str) -> str:
    """The page: the template with the data, the scripts inline, and a content security
    policy that lets only those scripts and the page's own style run, and nothing load."""
    template = asset(TEMPLATE)
    scripts = [asset(name) for name in SCRIPTS]
    for name, text in zip(SCRIPTS, scripts, strict=True):
        if "</script" in text.lower():
            raise ValueError(f"graphview/{name} holds </script: it cannot be inlined")
    style = _STYLE.search(template)
    assert style is not None, "page.html: no <style ...{{NONCE_ATTR}}> element"
    csp = "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(_hash(text) for text in scripts),
            "style-src " + _hash(style.group(1)),
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    values = {
        "CSP": csp,
        "TITLE": html.escape(_SURROGATE.sub("\ufffd", title)),
        "NONCE_ATTR": "",
        "DATA": data_json(compact(data)),
        "SCRIPTS": "\n".join(f"<script>{text}</script>" for text in scripts),
    }
    # one pass: a placeholder written in a title or a script is text, not a placeholder
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"
