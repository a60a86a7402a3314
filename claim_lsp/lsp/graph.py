"""claim-lsp/graph: the claim graph around a note, for editors that draw it (graph_html.py).

    request  {"uri": "file:///vault/note.md", "depth": 2, "format": "json" | "html"}
    result   json: node-link data (graph.py), with graph.selected, graph.depth and, when the
             neighbourhood was too large for a page, graph.notice (graph_html.page_data),
             and graph.root, the vault's URI (a node's path is relative to it);
             html: {"title": ..., "html": the self-contained page};
             null when the URI is no note of an open vault.

Neovim and Emacs write the page to a file and open it in the browser; VS Code draws the
node-link data in a webview with the same page code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcInvalidParams

from ..graph_html import page_data, page_title, render
from .convert import path_to_uri, uri_to_path

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

GRAPH = "claim-lsp/graph"
DEPTH = 2  # the default: the note, its neighbours, and theirs
MAX_DEPTH = 10  # (deeper asks for the vault: `claim-lsp graph` draws that)
FORMATS = ("json", "html")


def _params(params: Any) -> tuple[str, int, str]:
    """uri, depth and format from the request's params (a dict or pygls' namedtuple)."""

    def get(name: str, default: Any = None) -> Any:
        return params.get(name, default) if isinstance(params, dict) else getattr(params, name, default)

    uri, depth, fmt = get("uri"), get("depth", DEPTH), get("format", "json")
    if not isinstance(uri, str):
        raise JsonRpcInvalidParams(f"{GRAPH}: params.uri must be a document URI")
    if depth is None:
        depth = DEPTH
    if isinstance(depth, bool) or not isinstance(depth, int) or not 0 <= depth <= MAX_DEPTH:
        raise JsonRpcInvalidParams(f"{GRAPH}: params.depth must be a whole number from 0 to {MAX_DEPTH}")
    if fmt not in FORMATS:
        raise JsonRpcInvalidParams(f"{GRAPH}: params.format must be one of {', '.join(FORMATS)}")
    return uri, depth, fmt


async def graph(ls: ClaimLanguageServer, params: Any = None) -> dict[str, Any] | None:
    uri, depth, fmt = _params(params)
    path = uri_to_path(uri)
    located = ls.state.locate(path) if path is not None else None
    if located is None:
        return None
    vault, rel = located
    await ls.until_indexed(vault)  # (a neighbourhood read before every note is would miss links)
    if rel not in vault.notes:
        return None
    data = page_data(vault, [rel], depth)
    if fmt == "json":
        assert vault.root is not None
        data["graph"]["root"] = path_to_uri(vault.root)
        return data
    title = page_title(vault, data)
    return {"title": title, "html": render(data, title)}


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(GRAPH)(graph)
