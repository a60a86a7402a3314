"""Tags through the real server: completion in the `tags` value, hover, references, and
workspace symbols for `#` queries."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.conftest import open_doc, position_of

TAGGED = "---\ntype: claim\ntags: [futarchy, metadao]\n---\n\n# tagged 🚀 note\n"


@pytest.fixture(name="vault_files")
def tag_vault_files() -> dict[str, str]:
    return {
        "a/tagged 🚀 note.md": TAGGED,
        "b/second.md": "---\ntags:\n  - futarchy\n  - solana\n---\n# second\n",
        "b/third.md": "---\ntags: futarchy\n---\n# third\n",
    }


def doc(uri: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri)


async def test_completion_offers_the_vaults_tags_in_the_tags_value(client: LanguageClient, vault):
    text = "---\ntype: claim\ntags: [solana, f]\n---\n\n# draft\n"
    uri = open_doc(client, vault / "draft.md", text)
    result = await client.text_document_completion_async(
        lsp.CompletionParams(text_document=doc(uri), position=position_of(text, "f]", 1))
    )
    assert result.is_incomplete is True  # asked again as the tag grows: the list is cut at TAG_LIMIT
    [item] = result.items
    assert (item.label, item.detail, item.kind) == ("futarchy", "used by 3 notes", lsp.CompletionItemKind.Keyword)
    assert item.text_edit.new_text == "futarchy"
    start = position_of(text, "f]")
    assert item.text_edit.range == lsp.Range(
        start=start, end=lsp.Position(line=start.line, character=start.character + 1)
    )


async def test_hover_on_a_tag_says_how_many_notes_use_it(client: LanguageClient, vault):
    uri = open_doc(client, vault / "a/tagged 🚀 note.md", TAGGED)
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=doc(uri), position=position_of(TAGGED, "futarchy", 3))
    )
    value = hover.contents.value if hasattr(hover.contents, "value") else hover.contents
    assert "#futarchy" in value and "used by 3 notes" in value
    assert hover.range.start == position_of(TAGGED, "futarchy")


async def test_references_on_a_tag_list_its_notes(client: LanguageClient, vault):
    uri = open_doc(client, vault / "a/tagged 🚀 note.md", TAGGED)
    found = await client.text_document_references_async(
        lsp.ReferenceParams(
            text_document=doc(uri),
            position=position_of(TAGGED, "futarchy", 2),
            context=lsp.ReferenceContext(include_declaration=True),
        )
    )
    by_file = {loc.uri.rsplit("/", 1)[-1]: loc.range for loc in found}
    assert sorted(by_file) == ["second.md", "tagged%20%F0%9F%9A%80%20note.md", "third.md"]
    assert by_file["second.md"] == lsp.Range(start=lsp.Position(2, 4), end=lsp.Position(2, 12))
    assert by_file["third.md"] == lsp.Range(start=lsp.Position(1, 6), end=lsp.Position(1, 14))


async def test_workspace_symbols_find_tags_after_a_hash(client: LanguageClient, vault):
    found = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="#fut"))
    [tag] = found
    assert (tag.name, tag.kind, tag.container_name) == ("#futarchy", lsp.SymbolKind.Key, "used by 3 notes")
    assert tag.location.uri.endswith("tagged%20%F0%9F%9A%80%20note.md")
    notes = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="second"))
    assert [s.name for s in notes] == ["second"]  # without a #, notes as before
