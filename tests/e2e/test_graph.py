"""claim-lsp/graph through the real server: a note's neighbourhood as node-link data or as
the page, an unsaved edit seen, bad params answered with an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pygls.exceptions import JsonRpcInvalidParams
from pytest_lsp import LanguageClient

from tests.e2e.conftest import change_doc, open_doc, wait_indexed
from tests.helpers import COORD, EMOJI, SPEC

GRAPH = "claim-lsp/graph"


def as_dict(result) -> dict:
    """pygls' client reads an object result as namedtuples: back to plain JSON values."""
    if isinstance(result, dict):
        return result
    if hasattr(result, "_asdict"):
        return {k: as_dict(v) for k, v in result._asdict().items()}
    if isinstance(result, list):
        return [as_dict(v) for v in result]  # type: ignore[return-value]
    return result


async def request(client: LanguageClient, params: dict | None):
    return as_dict(await client.protocol.send_request_async(GRAPH, params))


def uri_of(vault: Path, rel: str) -> str:
    return (vault / rel).as_uri()


async def test_neighbourhood_as_data(client: LanguageClient, vault: Path):
    spec = f"domains/ai/{SPEC}.md"
    data = await request(client, {"uri": uri_of(vault, spec), "depth": 1})
    ids = {n["id"] for n in data["nodes"]}
    # the note and the three notes linking to it; the missing notes two steps away are not
    assert ids == {spec, f"domains/ai/{COORD}.md", f"domains/ai/{EMOJI}.md", "domains/ai/_map.md"}
    assert data["graph"] == {"selected": [spec], "depth": 1, "root": vault.as_uri()}
    assert {(e["source"], e["target"], e["kind"]) for e in data["edges"]} >= {
        (f"domains/ai/{COORD}.md", spec, "depends_on"),
        (f"domains/ai/{COORD}.md", spec, "link"),
    }
    # the default depth, 2: the missing notes the linking notes name come in
    deeper = await request(client, {"uri": uri_of(vault, spec)})
    assert deeper["graph"]["depth"] == 2 and "missing:no such claim here" in {n["id"] for n in deeper["nodes"]}


async def test_the_page(client: LanguageClient, vault: Path):
    result = await request(client, {"uri": uri_of(vault, f"domains/ai/{COORD}.md"), "depth": 1, "format": "html"})
    assert result["title"] == f"Claim graph: {COORD} (depth 1)"
    page = result["html"]
    assert page.startswith("<!doctype html>") and "default-src 'none'" in page
    data = json.loads(page.split('id="claim-graph-data">', 1)[1].split("</script>", 1)[0])
    assert data["graph"]["selected"] == [f"domains/ai/{COORD}.md"]


async def test_an_unsaved_edit_is_in_the_graph(client: LanguageClient, vault: Path):
    path = vault / "maps/_map.md"
    uri = open_doc(client, path)
    change_doc(client, uri, f"# Map\n\n- [[{EMOJI}]]\n", version=2)
    await wait_indexed(client)
    data = await request(client, {"uri": uri, "depth": 1})
    assert {n["id"] for n in data["nodes"]} == {"maps/_map.md", f"domains/ai/{EMOJI}.md"}


async def test_no_note_there_is_null(client: LanguageClient, vault: Path, tmp_path: Path):
    assert await request(client, {"uri": (tmp_path / "elsewhere.md").as_uri()}) is None
    assert await request(client, {"uri": uri_of(vault, "domains/ai/not written yet.md")}) is None
    assert await request(client, {"uri": "untitled:Untitled-1"}) is None


@pytest.mark.parametrize(
    "params",
    [None, {}, {"uri": 3}, {"uri": "file:///x.md", "depth": -1}, {"uri": "file:///x.md", "depth": 11},
     {"uri": "file:///x.md", "depth": "2"}, {"uri": "file:///x.md", "depth": True},
     {"uri": "file:///x.md", "format": "svg"}],
)  # fmt: skip
async def test_bad_params_are_an_error(client: LanguageClient, params):
    with pytest.raises(JsonRpcInvalidParams):
        await client.protocol.send_request_async(GRAPH, params)
