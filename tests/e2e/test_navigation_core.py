"""Go-to-definition and hover on links."""

from __future__ import annotations

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.conftest import open_doc, position_of
from tests.helpers import COORD, SPEC


def tdpp(uri: str, position: lsp.Position) -> lsp.DefinitionParams:
    return lsp.DefinitionParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position)


async def test_definition_of_body_link(client: LanguageClient, vault):
    path = vault / "domains/ai" / f"{COORD}.md"
    text = path.read_text()
    uri = open_doc(client, path, text)
    result = await client.text_document_definition_async(tdpp(uri, position_of(text, f"[[{SPEC}]] and", 5)))
    assert [loc.uri for loc in result] == [(vault / "domains/ai" / f"{SPEC}.md").as_uri()]
    target_text = (vault / "domains/ai" / f"{SPEC}.md").read_text()
    assert result[0].range.start.line == target_text.split("\n").index(f"# {SPEC}")


async def test_definition_of_heading_link(client: LanguageClient, vault):
    path = vault / "domains/ai" / f"{COORD}.md"
    text = path.read_text()
    uri = open_doc(client, path, text)
    result = await client.text_document_definition_async(tdpp(uri, position_of(text, "#Evidence|", 2)))
    target_lines = (vault / "domains/ai" / f"{SPEC}.md").read_text().split("\n")
    assert result[0].range.start.line == target_lines.index("## Evidence")


async def test_definition_from_frontmatter_link(client: LanguageClient, vault):
    path = vault / "domains/ai" / f"{COORD}.md"
    text = path.read_text()
    uri = open_doc(client, path, text)
    result = await client.text_document_definition_async(tdpp(uri, position_of(text, 'depends_on: ["[[', 16)))
    assert result[0].uri == (vault / "domains/ai" / f"{SPEC}.md").as_uri()


async def test_definition_of_ambiguous_link_returns_every_candidate(client: LanguageClient, vault):
    text = "# top level note\n\n[[_map]]\n"
    uri = open_doc(client, vault / "top.md", text)
    result = await client.text_document_definition_async(tdpp(uri, position_of(text, "[[_map", 3)))
    assert sorted(loc.uri for loc in result) == sorted(
        [(vault / "domains/ai/_map.md").as_uri(), (vault / "maps/_map.md").as_uri()]
    )


async def test_hover_previews_the_claim(client: LanguageClient, vault):
    path = vault / "domains/ai" / f"{COORD}.md"
    text = path.read_text()
    uri = open_doc(client, path, text)
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position_of(text, f"[[{SPEC}]]", 4))
    )
    value = hover.contents.value
    assert SPEC in value.replace("\\", "")
    assert "type: claim" in value and "domain: ai-alignment" in value and "confidence: likely" in value
    assert "created: 2026-03-01" in value
    assert "Fixed values drift as the world changes around them" in value
    assert "Values written down once cannot follow a changing world." in value
    # COORD, EMOJI and domains/ai/_map link to it, one of them three times
    assert value.count("5 backlinks from 3 notes") == 1


async def test_hover_on_broken_link_names_closest_titles(client: LanguageClient, vault):
    text = "# scratch\n\n[[the specification trap means values encoded at training time become unstabel]]\n"
    uri = open_doc(client, vault / "scratch.md", text)
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position_of(text, "[[the", 4))
    )
    value = hover.contents.value
    assert "No note has the title" in value
    assert SPEC in value


async def test_nothing_under_cursor(client: LanguageClient, vault):
    text = "# scratch\n\nno links here\n"
    uri = open_doc(client, vault / "scratch.md", text)
    position = lsp.Position(line=2, character=3)
    assert await client.text_document_definition_async(tdpp(uri, position)) is None
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position)
    )
    assert hover is None
