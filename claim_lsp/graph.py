"""The claim graph: the notes, and an edge for each link that names a note.

An edge goes from note A to note B for every link of A that resolves to B; its kind is the
frontmatter key the link sits in when that key is one of A's relation fields
(`schema.relations_of`: `depends_on`, `challenged_by`, `claims_extracted`, ...), else `link`
(a body link, or a link in any other frontmatter key such as `source`: the kinds stay the
known set a reader of the graph can filter on). A link that names no note is an edge to a
*missing* node. The call hierarchy, the code lens, hovers and `claim-lsp graph` all read the
graph through edges_of and incoming, so one rule decides what an edge is.

Also here: the export (`graph_data`, node-link data as networkx's `node_link_graph` and d3
read it) and its renderers (`to_json`, `to_dot`, `to_graphml`, and line by line for writers:
`json_lines`, `dot_lines`, `graphml_lines`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from .index import AMBIGUOUS, BROKEN, Vault
from .linktext import lowered
from .model import Link, Note, Span
from .schema import relations_of

LINK = "link"  # the kind of an edge that is not a relation
MISSING = "missing:"  # node ids of missing notes start so (note ids are paths, ending in .md)
# the relation fields the features below read by name (schema.RELATION_FIELDS has them all)
DEPENDS_ON = "depends_on"
CHALLENGES = "challenges"
CHALLENGED_BY = "challenged_by"
CLAIMS_EXTRACTED = "claims_extracted"
# the node attributes read from the frontmatter, in the order they are written
NODE_FIELDS = ("type", "domain", "confidence", "description")


class Edge(NamedTuple):
    source: Note
    target: Note | None  # None: the link names no note (an edge to a missing node)
    name: str  # the target as written: the missing node's title
    kind: str  # LINK or the relation field
    span: Span  # the link in the source note


def kind_of(relations: frozenset[str], link: Link) -> str:
    key = link.fm_key
    return key if key is not None and key in relations else LINK


def edges_of(vault: Vault, note: Note) -> list[Edge]:
    """The note's outgoing edges, in file order: one for each link that resolves to a note
    (kind: the relation field, or `link`), and one to a missing node for each link that
    names no note. Links that name no single note are left out: `[[#heading]]` (this very
    note), empty links, ambiguous ones, and links to the vault's other files (images). This
    is the one place that decides. A plain-title relation item (Link.bare) that names no note
    is prose, not a missing node, unless it nearly names one (the broken-reference rule:
    Vault.near_miss)."""
    out: list[Edge] = []
    relations = relations_of(vault.config, note.meta.get("type"))
    for link in note.links:
        if not link.target:
            continue
        res = vault.resolve(link.target, note.path)
        target = res.note
        if target is None and (res.status != BROKEN or vault.has_attachment(link.target)):
            continue
        if target is None and link.bare and not vault.near_miss(link.target, note.path):
            continue  # prose in a relation field: counter-evidence, a note, a URL
        out.append(Edge(note, target, link.target, kind_of(relations, link), link.span))
    return out


def incoming(vault: Vault, note: Note, links: list[tuple[Note, Link]] | None = None) -> dict[str, list[Edge]]:
    """The edges into the note, grouped by kind, each group in the order of its backlinks
    (by the linking note's path, then file order). links: vault.backlinks(note), if at hand."""
    out: dict[str, list[Edge]] = {}
    relations: dict[object, frozenset[str]] = {}  # by the linking note's type
    for src, link in vault.backlinks(note) if links is None else links:
        type_name = src.meta.get("type")
        key = type_name if isinstance(type_name, str) else None
        kinds = relations.get(key)
        if kinds is None:
            kinds = relations[key] = relations_of(vault.config, key)
        kind = kind_of(kinds, link)
        out.setdefault(kind, []).append(Edge(src, note, link.target, kind, link.span))
    return out


def sources(edges: Iterable[Edge]) -> list[Note]:
    """The distinct source notes of edges, in order."""
    return list({e.source.path: e.source for e in edges}.values())


def targets(edges: Iterable[Edge]) -> list[Note]:
    """The distinct notes edges lead to (missing ones left out), in order."""
    return list({e.target.path: e.target for e in edges if e.target is not None}.values())


def challengers(vault: Vault, note: Note, into: dict[str, list[Edge]] | None = None) -> list[Note]:
    """The notes that challenge this one: those whose `challenges` names it, and those it
    names in its own `challenged_by` (each once). `into`: incoming(vault, note), if at hand."""
    into = incoming(vault, note) if into is None else into
    found = {n.path: n for n in sources(into.get(CHALLENGES, ()))}
    for n in targets(e for e in edges_of(vault, note) if e.kind == CHALLENGED_BY):
        found.setdefault(n.path, n)
    found.pop(note.path, None)  # (a note that challenges itself is no challenger)
    return list(found.values())


# ---- the export ------------------------------------------------------------------------


def node_id(edge: Edge) -> str:
    return edge.target.path if edge.target is not None else MISSING + lowered(edge.name)


def select_notes(vault: Vault, what: str) -> list[str]:
    """Paths of the notes `what` names: a vault-relative note path (`.md` optional), a
    folder (every note under it; `.` the whole vault), else a title or alias, resolved as
    a link from the vault's root (every candidate of an ambiguous one). [] for none."""
    want = what.replace("\\", "/").strip().strip("/")
    while want.startswith("./"):
        want = want[2:]
    if want in ("", "."):
        return sorted(vault.notes)
    for path in (want, want + ".md"):
        if path in vault.notes:
            return [path]
    under = sorted(p for p in vault.notes if p.startswith(want + "/"))
    if under:
        return under
    res = vault.resolve(what, "")
    if res.note is not None:
        return [res.note.path]
    return sorted(n.path for n in res.notes) if res.status == AMBIGUOUS else []


def graph_data(vault: Vault, select: Iterable[str] | None = None, depth: int | None = None) -> dict[str, Any]:
    """The vault's graph as node-link data: `{"directed", "multigraph", "graph", "nodes",
    "edges"}`, nodes by path (missing ones after), each edge once for its (source, target,
    kind). select: paths of notes to export with their neighbourhood (`depth` edges away in
    either direction, default 1) instead of the whole vault; the edges are then those among
    the chosen nodes, and `backlinks` still counts the whole vault's."""
    graph = _Graph(vault)
    chosen: set[str] | None = None
    if select is not None:
        seeds = [p for p in dict.fromkeys(select) if p in vault.notes]
        chosen = graph.neighbourhood(seeds, 1 if depth is None else depth)
    paths = sorted(vault.notes if chosen is None else (p for p in chosen if p in vault.notes))
    edges = []
    inbound: Counter[str] = Counter()
    for path in paths:
        pairs = graph.out(path, keep=chosen is not None)  # (each pair once: so is each edge)
        edges += [{"source": path, "target": t, "kind": k} for t, k in pairs if chosen is None or t in chosen]
        if chosen is None:
            inbound.update({t for t, _ in pairs})
    missing = sorted(graph.missing if chosen is None else (i for i in chosen if i not in vault.notes))
    if chosen is not None:  # (into reads every note with an edge to a missing node: its title is then settled)
        inbound.update({node: len(graph.into(node)) for node in [*paths, *missing]})
    nodes = [_note_node(vault.notes[p]) for p in paths]
    nodes += [_missing_node(i, graph.missing[i][1]) for i in missing]
    for node in nodes:
        node["backlinks"] = inbound[node["id"]]
    return {
        "directed": True,
        "multigraph": True,  # a note may both link to another and depend on it: two edges
        "graph": {},
        "nodes": nodes,
        "edges": edges,
    }


class _Graph:
    """Edges of a vault's notes as node ids, each note's worked out once when first asked."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self._out: dict[str, list[tuple[str, str]]] = {}
        # missing node id -> (path, title): the spelling of the first link to it, by path
        self.missing: dict[str, tuple[str, str]] = {}

    def out(self, path: str, keep: bool = True) -> list[tuple[str, str]]:
        """(target id, kind) of each edge of the note, in file order, each pair once; kept
        for the next question unless told otherwise (the whole vault's would not fit)."""
        found = self._out.get(path)
        if found is None:
            note = self.vault.notes.get(path)
            found = []
            for edge in edges_of(self.vault, note) if note is not None else ():
                target = node_id(edge)
                if edge.target is None and (target not in self.missing or path < self.missing[target][0]):
                    self.missing[target] = (path, edge.name)
                found.append((target, edge.kind))
            found = list(dict.fromkeys(found))
            if keep:
                self._out[path] = found
        return found

    def into(self, node: str) -> set[str]:
        """Paths of the notes with an edge to the node (a note's path or a missing id)."""
        vault = self.vault
        note = vault.notes.get(node)
        if note is not None:
            names = vault.names_of(note)
        else:  # a missing node: the notes holding a link under its key, whose edges name it
            names = {node[len(MISSING) :].rsplit("/", 1)[-1]}  # (the id holds the lower-cased target)
        return {src for src in vault.linkers_of_names(names) if any(t == node for t, _ in self.out(src))}

    def neighbourhood(self, seeds: list[str], depth: int) -> set[str]:
        """Node ids at most depth edges from a seed, either way along each edge."""
        seen = set(seeds)
        frontier = list(seeds)
        for _ in range(max(0, depth)):
            nxt: list[str] = []
            for node in frontier:
                near = [t for t, _ in self.out(node)] if node in self.vault.notes else []
                for other in [*near, *sorted(self.into(node))]:
                    if other not in seen:
                        seen.add(other)
                        nxt.append(other)
            frontier = nxt
        return seen


def _field(note: Note, name: str) -> str | None:
    return note.field_text(name) or None


def _note_node(note: Note) -> dict[str, Any]:
    node: dict[str, Any] = {"id": note.path, "path": note.path, "title": note.title}
    for name in NODE_FIELDS:
        node[name] = _field(note, name)
    node["backlinks"] = 0  # (counted once every edge is known)
    node["missing"] = False
    return node


def _missing_node(node: str, title: str) -> dict[str, Any]:
    return {"id": node, "path": None, "title": title, **dict.fromkeys(NODE_FIELDS), "backlinks": 0, "missing": True}


# ---- renderers --------------------------------------------------------------------------


def to_json(data: dict[str, Any]) -> str:
    return "".join(json_lines(data))


def json_lines(data: dict[str, Any]) -> Iterator[str]:
    """The node-link data as JSON, a node or an edge a line (json's indenting encoder is the
    slow Python one), line by line: a writer need not hold the whole text."""
    yield "{\n"
    for key, value in data.items():
        if key not in ("nodes", "edges"):
            yield f"{json.dumps(key)}: {json.dumps(value)},\n"
    for key, end in (("nodes", "],\n"), ("edges", "]\n")):
        yield f'"{key}": [\n'
        items = data[key]
        last = len(items) - 1
        for i, item in enumerate(items):
            yield json.dumps(item, ensure_ascii=False) + (",\n" if i < last else "\n")
        yield end
    yield "}\n"


def dot_quote(text: str) -> str:
    r"""A DOT double-quoted string. DOT itself unescapes only \"; a backslash is doubled too,
    so that none ends the string early and labels show it (Graphviz reads \\ in a label as
    one backslash, and \n, \l, \N... as line breaks and names)."""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r\n", "\n").replace("\r", "\n")
    return '"' + text.replace("\n", "\\n") + '"'


def to_dot(data: dict[str, Any]) -> str:
    return "".join(dot_lines(data))


def dot_lines(data: dict[str, Any]) -> Iterator[str]:
    """Graphviz DOT, line by line: a box for each note labelled with its title (dashed for a
    missing one), the other node fields as attributes; each edge with its `kind` (shown as
    the label of relation edges)."""
    yield 'digraph "claims" {\n'
    yield "  node [shape=box];\n"
    for node in data["nodes"]:
        attrs = {"label": node["title"]}
        for name, value in node.items():
            if name not in ("id", "title", "missing") and value is not None:
                attrs[name] = str(value)
        if node.get("missing"):
            attrs.update(missing="true", style="dashed", color="gray50", fontcolor="gray50")
        yield f"  {dot_quote(node['id'])} [{_dot_attrs(attrs)}];\n"
    for edge in data["edges"]:
        attrs = {"kind": edge["kind"]}
        if edge["kind"] != LINK:
            attrs["label"] = edge["kind"]
        yield f"  {dot_quote(edge['source'])} -> {dot_quote(edge['target'])} [{_dot_attrs(attrs)}];\n"
    yield "}\n"


def _dot_attrs(attrs: dict[str, str]) -> str:
    return ", ".join(f"{name}={dot_quote(value)}" for name, value in attrs.items())


# characters XML 1.0 does not allow in a document, even escaped
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XML_SPECIAL = re.compile('[&<>"\t\n\r]|' + _NOT_XML.pattern)
_GRAPHML_TYPES = {bool: "boolean", int: "int", float: "double", str: "string"}


def xml_text(text: str) -> str:
    """text for an XML attribute or element: escaped, characters XML cannot hold replaced by
    U+FFFD, a carriage return kept as a reference (a parser reads a raw one as a newline)."""
    if _XML_SPECIAL.search(text) is None:
        return text  # most titles and values
    text = _NOT_XML.sub("\ufffd", text)
    return escape(text, {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"})


def to_graphml(data: dict[str, Any]) -> str:
    return "".join(graphml_lines(data))


def graphml_lines(data: dict[str, Any]) -> Iterator[str]:
    """GraphML (Gephi, yEd, networkx), line by line: a <key> declared for each node and edge
    attribute (typed from the values, string when they differ), each named by its attribute."""
    keys: list[str] = []
    for kind, items in (("node", data["nodes"]), ("edge", data["edges"])):
        declared: dict[str, str] = {}
        for item in items:
            for name, value in item.items():
                if name in ("id", "source", "target") or value is None:
                    continue
                graphml_type = _GRAPHML_TYPES.get(type(value), "string")
                if declared.setdefault(name, graphml_type) != graphml_type:
                    declared[name] = "string"
        for name, graphml_type in declared.items():
            keys.append(
                f'  <key id={_xml_attr(kind[0] + "_" + name)} for="{kind}" attr.name={_xml_attr(name)} '
                f'attr.type="{graphml_type}"/>\n'
            )
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield (
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    yield from keys
    yield '  <graph id="claims" edgedefault="directed">\n'
    for node in data["nodes"]:
        yield f"    <node id={_xml_attr(node['id'])}>{_graphml_data('n', node, ('id',))}</node>\n"
    for edge in data["edges"]:
        yield (
            f"    <edge source={_xml_attr(edge['source'])} target={_xml_attr(edge['target'])}>"
            f"{_graphml_data('e', edge, ('source', 'target'))}</edge>\n"
        )
    yield "  </graph>\n"
    yield "</graphml>\n"


def _xml_attr(text: str) -> str:
    return f'"{xml_text(text)}"'


def _graphml_data(prefix: str, item: dict[str, Any], skip: tuple[str, ...]) -> str:
    parts = []
    for name, value in item.items():
        if name in skip or value is None:
            continue
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        parts.append(f"<data key={_xml_attr(prefix + '_' + name)}>{xml_text(text)}</data>")
    return "".join(parts)
