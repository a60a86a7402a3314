"""Block references through the real server: completion after `#^`, definition to the block's
line, and missing-block for an id the note does not have."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.conftest import open_doc, position_of, wait_diagnostics

BLOCKS = "# Blocks\n\nÉmigré 🚀 claim worth citing. ^cite-me\n\n- a point ^p2\n"
LINKER = "# linker\n\nSee [[Blocks#^cite-me]] and [[Blocks#^gone]].\n"


@pytest.fixture(name="vault_files")
def block_vault_files() -> dict[str, str]:
    return {"Blocks.md": BLOCKS, "linker.md": LINKER}


def doc(uri: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri)


async def test_completion_after_hash_caret_offers_block_ids(client: LanguageClient, vault):
    text = "# scratch\n\nSee [[Blocks#^"
    uri = open_doc(client, vault / "scratch.md", text)
    result = await client.text_document_completion_async(
        lsp.CompletionParams(text_document=doc(uri), position=position_of(text, "#^", 2))
    )
    assert [(i.label, i.text_edit.new_text) for i in result.items] == [("^cite-me", "^cite-me]]"), ("^p2", "^p2]]")]
    docs = result.items[0].documentation
    assert "claim worth citing." in (docs.value if hasattr(docs, "value") else docs)


async def test_definition_leads_to_the_blocks_line(client: LanguageClient, vault):
    uri = open_doc(client, vault / "linker.md", LINKER)
    found = await client.text_document_definition_async(
        lsp.DefinitionParams(text_document=doc(uri), position=position_of(LINKER, "Blocks#^cite", 3))
    )
    [loc] = found
    assert loc.uri.endswith("/Blocks.md")
    # the line up to the end of its ^id, in UTF-16 units (the rocket takes two)
    end = len("Émigré 🚀 claim worth citing. ^cite-me") + 1
    assert loc.range == lsp.Range(start=lsp.Position(2, 0), end=lsp.Position(2, end))


async def test_missing_block_is_reported(push_client: LanguageClient, vault):
    uri = open_doc(push_client, vault / "linker.md", LINKER)
    found = await wait_diagnostics(push_client, uri, lambda d: any(x.code == "missing-block" for x in d))
    [missing] = [d for d in found if d.code == "missing-block"]
    assert missing.message == '"Blocks" has no block ^gone'
    assert missing.severity == lsp.DiagnosticSeverity.Warning
    assert missing.data["suggestions"] == ["^cite-me", "^p2"]
    assert [d.code for d in found] == ["missing-block"]
