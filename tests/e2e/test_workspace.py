"""Several workspace folders, settings from initializationOptions and .claim-lsp.toml,
files outside every folder."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import CONFIG, open_doc, wait_diagnostics, wait_indexed
from tests.helpers import write_vault


def codes(diagnostics) -> list[str]:
    return sorted(d.code for d in diagnostics)


async def initialize(client: LanguageClient, folders: list[Path], options=None) -> None:
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("neovim@0.7.0"),
            workspace_folders=[lsp.WorkspaceFolder(uri=f.as_uri(), name=f.name) for f in folders],
            initialization_options=options,
        )
    )
    await wait_indexed(client)


@pytest_lsp.fixture(config=CONFIG)
async def bare_client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


async def test_each_workspace_folder_is_its_own_vault(bare_client: LanguageClient, tmp_path):
    a = write_vault(
        tmp_path / "a", {"alpha.md": "# alpha\n\n[[beta]] [[alpha two]]\n", "alpha two.md": "# alpha two\n"}
    )
    b = write_vault(tmp_path / "b", {"beta.md": "# beta\n\n[[alpha]]\n"})
    await initialize(bare_client, [a, b])
    status = await bare_client.protocol.send_request_async("claim-lsp/status", None)
    roots = sorted(
        v["root"] if isinstance(v, dict) else v.root
        for v in (status["vaults"] if isinstance(status, dict) else status.vaults)
    )
    assert roots == sorted([str(a), str(b)])
    uri_a = open_doc(bare_client, a / "alpha.md")
    uri_b = open_doc(bare_client, b / "beta.md")
    diags_a = await wait_diagnostics(bare_client, uri_a)
    diags_b = await wait_diagnostics(bare_client, uri_b)
    assert [d.data["target"] for d in diags_a if d.code == "broken-link"] == ["beta"]
    assert [d.data["target"] for d in diags_b if d.code == "broken-link"] == ["alpha"]


async def test_initialization_options_carry_settings(bare_client: LanguageClient, tmp_path):
    vault = write_vault(tmp_path / "v", {"a.md": "# a\n\n[[nope]] [[A]]\n"})
    await initialize(bare_client, [vault], {"severity": {"broken-link": "off", "case-mismatch": "error"}})
    uri = open_doc(bare_client, vault / "a.md")
    diags = await wait_diagnostics(bare_client, uri)
    assert [(d.code, d.severity) for d in diags] == [("case-mismatch", lsp.DiagnosticSeverity.Error)]


async def test_a_bad_config_is_reported_and_defaults_apply(bare_client: LanguageClient, tmp_path):
    vault = write_vault(tmp_path / "v", {"a.md": "# a\n\n[[nope]]\n", ".claim-lsp.toml": "[severity\n"})
    await initialize(bare_client, [vault])
    for _ in range(200):
        if bare_client.messages:
            break
        await asyncio.sleep(0.02)
    assert any("not valid TOML" in m.message for m in bare_client.messages)
    uri = open_doc(bare_client, vault / "a.md")
    diags = await wait_diagnostics(bare_client, uri)
    assert codes(diags) == ["broken-link"]


async def test_a_file_outside_every_folder_gets_a_vault_of_its_own(bare_client: LanguageClient, tmp_path):
    folder = write_vault(tmp_path / "v", {"a.md": "# a\n"})
    elsewhere = write_vault(tmp_path / "loose", {"x.md": "# x\n\n[[y]] [[nope]]\n", "y.md": "# y\n"})
    await initialize(bare_client, [folder])
    uri = open_doc(bare_client, elsewhere / "x.md")
    diags = await wait_diagnostics(
        bare_client, uri, lambda d: [x.data["target"] for x in d if x.code == "broken-link"] == ["nope"]
    )
    assert codes(diags) == ["broken-link"]


async def test_non_file_documents_are_left_alone(bare_client: LanguageClient, tmp_path):
    folder = write_vault(tmp_path / "v", {"a.md": "# a\n"})
    await initialize(bare_client, [folder])
    uri = "untitled:Untitled-1"
    bare_client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="markdown", version=1, text="[[a]]"))
    )
    hover = await bare_client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=0, character=3))
    )
    assert hover is None


async def test_embedded_attachments_are_not_broken_links(bare_client: LanguageClient, tmp_path):
    vault = write_vault(tmp_path / "v", {"a.md": "# a\n\n![[chart.png]] [[nope]]\n", "img/chart.png": "png"})
    await initialize(bare_client, [vault])
    uri = open_doc(bare_client, vault / "a.md")
    diags = await wait_diagnostics(bare_client, uri)
    assert [d.data["target"] for d in diags if d.code == "broken-link"] == ["nope"]


async def test_indexing_progress_is_reported_once_a_percent(bare_client: LanguageClient, tmp_path):
    """$/progress while indexing: begin, a report each time the percentage moves (not one a
    batch: more batches than percents here), end."""
    from claim_lsp.load import BATCH

    notes = 101 * BATCH + 7  # more batches of notes read than there are percents
    files = {f"n{i // 1000}/note {i}.md": f"# note {i}\n" for i in range(notes)}
    vault = write_vault(tmp_path / "vault", files)

    @bare_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params):  # (the file watchers this profile lets the server register)
        return None

    await bare_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),  # (workDoneProgress)
            workspace_folders=[lsp.WorkspaceFolder(uri=vault.as_uri(), name="vault")],
        )
    )
    status = await wait_indexed(bare_client)
    assert status["notes"] == notes
    [reports] = bare_client.progress_reports.values()
    assert isinstance(reports[0], lsp.WorkDoneProgressBegin) and isinstance(reports[-1], lsp.WorkDoneProgressEnd)
    percentages = [r.percentage for r in reports[1:-1]]
    assert percentages and percentages[-1] == 100
    assert all(a < b for a, b in zip(percentages, percentages[1:])), percentages
    assert 0 < percentages[0] and len(percentages) <= 100
