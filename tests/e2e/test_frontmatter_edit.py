"""Frontmatter completion (keys, enum values, domains, today's date) and key hover."""

from __future__ import annotations

import datetime as dt

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.conftest import open_doc, position_of
from tests.helpers import claim

NOTE = "---\ntype: claim\nconfidence: \ncreated: \n\n---\n\n# draft\n\nBody.\n"


@pytest.fixture(name="vault_files")
def fm_vault_files() -> dict[str, str]:
    return {
        "notes/draft.md": NOTE,
        "notes/other.md": claim("o", "Body.", title="other"),
        "memos/m.md": "---\ntype: memo\ndomain: kitchen\n---\n# m\n",
        "memos/n.md": "---\ntype: memo\ndomain: garden\n---\n# n\n",
    }


async def complete(client: LanguageClient, uri: str, position: lsp.Position) -> list[lsp.CompletionItem]:
    result = await client.text_document_completion_async(
        lsp.CompletionParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position)
    )
    items = result.items if isinstance(result, lsp.CompletionList) else result or []
    return sorted(items, key=lambda i: i.sort_text or i.label)


async def test_key_completion_offers_missing_keys_required_first(client: LanguageClient, vault):
    uri = open_doc(client, vault / "notes/draft.md", NOTE)
    items = await complete(client, uri, lsp.Position(line=4, character=0))
    labels = [i.label for i in items]
    assert labels[:3] == ["domain", "description", "source"]
    assert "type" not in labels and "confidence" not in labels and "created" not in labels
    assert "depends_on" in labels and labels.index("depends_on") > labels.index("source")
    assert items[0].text_edit.new_text == "domain: "
    assert items[0].detail == "required · claim"


async def test_value_completion_for_enums_and_dates(client: LanguageClient, vault):
    uri = open_doc(client, vault / "notes/draft.md", NOTE)
    confidence = await complete(client, uri, position_of(NOTE, "confidence: ", 12))
    assert [i.label for i in confidence] == ["proven", "likely", "experimental", "speculative"]
    assert confidence[0].text_edit.range.start.character == 12
    created = await complete(client, uri, position_of(NOTE, "created: ", 9))
    assert [i.label for i in created] == [dt.date.today().isoformat()]
    types = await complete(client, uri, position_of(NOTE, "type: claim", 8))
    assert "claim" in [i.label for i in types] and "entity" in [i.label for i in types]
    assert types[0].text_edit.range.start.character == 6 and types[0].text_edit.range.end.character == 11
    text = NOTE.replace("\n\n---", "\ndomain: a\n---")
    uri2 = open_doc(client, vault / "notes/draft2.md", text)
    domains = await complete(client, uri2, position_of(text, "domain: a", 9))
    assert "ai-alignment" in [i.label for i in domains]  # the claim schema's configured set


async def test_domain_values_from_the_vault_when_not_configured(client: LanguageClient, vault):
    text = "---\ntype: memo\ndomain: \n---\n# new memo\n"
    uri = open_doc(client, vault / "memos/new.md", text)
    items = await complete(client, uri, position_of(text, "domain: ", 8))
    assert [i.label for i in items] == ["ai-alignment", "garden", "kitchen"]


async def test_link_completion_still_works_in_frontmatter(client: LanguageClient, vault):
    text = NOTE.replace("\n\n---", '\ndepends_on: ["[[oth\n---')
    uri = open_doc(client, vault / "notes/draft.md", text)
    items = await complete(client, uri, position_of(text, "[[oth", 5))
    assert items[0].label == "other"


async def test_hover_on_a_frontmatter_key(client: LanguageClient, vault):
    uri = open_doc(client, vault / "notes/draft.md", NOTE)
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position_of(NOTE, "confidence", 3))
    )
    value = hover.contents.value if isinstance(hover.contents, lsp.MarkupContent) else hover.contents
    assert "confidence" in value and "required for" in value and "speculative" in value
    assert hover.range.start.line == 2 and hover.range.end.character == len("confidence")
    nothing = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position_of(NOTE, "Body.", 1))
    )
    assert nothing is None
