"""Inlay hints: the linked claim's confidence after each resolved link; switched off by
`inlay_hints = false` in initializationOptions or .claim-lsp.toml."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.conftest import CONFIG, open_doc, position_of, start
from tests.helpers import claim

STRONG = "a strongly 🚀 supported claim"
WEAK = "a speculative claim"
NOTE = claim(
    "uses both",
    f"Strong 🚀 [[{STRONG}]], weak [[{WEAK}|shown]], broken [[nothing]], plain [[plain note]].",
    title="reader",
    extra=f'depends_on: ["[[{WEAK}]]"]\n',
)


@pytest.fixture(name="vault_files")
def hint_vault_files() -> dict[str, str]:
    return {
        f"{STRONG}.md": claim("s", "Body.", title=STRONG, confidence="proven"),
        f"{WEAK}.md": claim("w", "Body.", title=WEAK, confidence="speculative"),
        "plain note.md": "# plain note\n",
        "reader.md": NOTE,
    }


async def hints(client: LanguageClient, uri: str) -> list[lsp.InlayHint]:
    end = lsp.Position(line=len(NOTE.split("\n")), character=0)
    return await client.text_document_inlay_hint_async(
        lsp.InlayHintParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=lsp.Range(start=lsp.Position(line=0, character=0), end=end),
        )
    )


async def test_confidence_after_each_resolved_link(client: LanguageClient, vault):
    uri = open_doc(client, vault / "reader.md", NOTE)
    result = await hints(client, uri)
    got = [(h.position, h.label) for h in result]
    assert got == [
        (position_of(NOTE, f'[[{WEAK}]]"', len(WEAK) + 4), "· speculative"),
        (position_of(NOTE, f"[[{STRONG}]]", len(STRONG) + 4), "· proven"),
        (position_of(NOTE, f"[[{WEAK}|shown]]", len(WEAK) + 10), "· speculative"),
    ]
    assert all(h.padding_left for h in result)
    only_body = await client.text_document_inlay_hint_async(
        lsp.InlayHintParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=lsp.Range(start=position_of(NOTE, "Strong"), end=position_of(NOTE, "Strong", 5)),
        )
    )
    assert [h.label for h in only_body] == ["· proven", "· speculative"]


@pytest_lsp.fixture(config=CONFIG)
async def hints_off_client(lsp_client: LanguageClient, vault):
    await start(lsp_client, "visual-studio-code", vault, {"inlay_hints": False})
    yield
    await lsp_client.shutdown_session()


async def test_switched_off_by_initialization_options(hints_off_client: LanguageClient, vault):
    uri = open_doc(hints_off_client, vault / "reader.md", NOTE)
    assert not await hints(hints_off_client, uri)


@pytest_lsp.fixture(config=CONFIG)
async def toml_off_client(lsp_client: LanguageClient, vault):
    (vault / ".claim-lsp.toml").write_text("inlay_hints = false\n", encoding="utf-8")
    await start(lsp_client, "neovim@0.11.0", vault)
    yield
    await lsp_client.shutdown_session()


async def test_switched_off_by_config_file(toml_off_client: LanguageClient, vault):
    uri = open_doc(toml_off_client, vault / "reader.md", NOTE)
    assert not await hints(toml_off_client, uri)
