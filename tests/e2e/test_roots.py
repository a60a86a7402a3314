"""The server warns when the workspace folder is not the vault's root: no marker in it while
a folder above has one, or most links of the opened note name notes above it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import CONFIG, open_doc, wait_diagnostics, wait_indexed
from tests.helpers import write_vault


@pytest_lsp.fixture(config=CONFIG)
async def bare_client(lsp_client: LanguageClient):
    yield lsp_client
    await lsp_client.shutdown_session()


async def start(client: LanguageClient, folder: Path) -> None:
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("neovim@0.7.0"),
            workspace_folders=[lsp.WorkspaceFolder(uri=folder.as_uri(), name=folder.name)],
            root_uri=folder.as_uri(),
        )
    )
    await wait_indexed(client)


def warnings(client: LanguageClient) -> list[str]:
    return [m.message for m in client.messages if m.type == lsp.MessageType.Warning]


async def until_warned(client: LanguageClient, seconds: float = 10) -> list[str]:
    for _ in range(int(seconds / 0.05)):
        if warnings(client):
            return warnings(client)
        await asyncio.sleep(0.05)
    return []


async def test_a_marker_above_the_workspace_folder_is_named(bare_client: LanguageClient, tmp_path):
    outer = write_vault(tmp_path / "outer", {"top.md": "# top\n", "inner/a.md": "# a\n\n[[top]]\n"})
    (outer / ".obsidian").mkdir()
    await start(bare_client, outer / "inner")
    found = await until_warned(bare_client)
    assert len(found) == 1
    assert f"{outer} holds .obsidian" in found[0] and f"Open {outer} as the workspace" in found[0]
    uri = open_doc(bare_client, outer / "inner/a.md")
    await wait_diagnostics(bare_client, uri)
    await asyncio.sleep(0.3)
    assert len(warnings(bare_client)) == 1  # once


async def test_no_warning_at_a_root_with_its_own_marker(bare_client: LanguageClient, tmp_path):
    outer = write_vault(tmp_path / "outer", {".claim-lsp.toml": "", "inner/.claim-lsp.toml": "", "inner/a.md": "# a\n"})
    await start(bare_client, outer / "inner")
    await asyncio.sleep(0.5)
    assert warnings(bare_client) == []


NOTE = "# x\n\n" + "".join(f"- [[claim {i}]]\n" for i in range(6)) + "- [[y]]\n"


async def test_a_note_whose_links_name_notes_above_the_folder(bare_client: LanguageClient, tmp_path):
    """A note's own folder made the workspace (no marker anywhere): six of its seven links
    name notes of a folder two levels up."""
    files = {f"foundations/claim {i}.md": f"# claim {i}\n" for i in range(6)}
    files["domains/ai/x.md"] = NOTE
    files["domains/ai/y.md"] = "# y\n"
    vault = write_vault(tmp_path / "vault", files)
    await start(bare_client, vault / "domains/ai")
    await asyncio.sleep(0.3)
    assert warnings(bare_client) == []  # (no marker anywhere: nothing to say before a note is opened)
    uri = open_doc(bare_client, vault / "domains/ai/x.md")
    found = await until_warned(bare_client)
    assert len(found) == 1
    assert "6 of the 7 links in x.md name no note" in found[0] and f"6 of them name notes in {vault}:" in found[0]
    uri = open_doc(bare_client, vault / "domains/ai/y.md", NOTE)
    await wait_diagnostics(bare_client, uri)
    await asyncio.sleep(0.3)
    assert len(warnings(bare_client)) == 1  # once


async def test_broken_links_whose_notes_are_nowhere_are_no_sign(bare_client: LanguageClient, tmp_path):
    files = {"domains/ai/x.md": NOTE, "domains/ai/y.md": "# y\n", "foundations/other.md": "# other\n"}
    vault = write_vault(tmp_path / "vault", files)
    await start(bare_client, vault / "domains/ai")
    uri = open_doc(bare_client, vault / "domains/ai/x.md")
    await wait_diagnostics(bare_client, uri, lambda d: len(d) == 6)
    await asyncio.sleep(0.5)
    assert warnings(bare_client) == []
