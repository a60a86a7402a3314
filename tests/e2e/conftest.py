"""The real server over stdio, through pytest-lsp, on vaults written by the tests.

`client` starts the server for the VS Code profile. A test whose exchange depends on what
the client can do (file operations in an edit, Markdown or plain documentation, the position
encodings it offers) is marked `@every_client` and runs once per profile (VS Code, Neovim
0.7 and 0.11, Emacs); the others would only start three more servers to see the same
answers. `push_client` (Neovim 0.7: push diagnostics only) and `pull_client` (Neovim 0.11:
pull diagnostics) pin one profile where the behaviour differs.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities, make_test_lsp_client

from tests.helpers import SMALL_VAULT, write_vault

SERVER = [sys.executable, "-m", "claim_lsp"]
CLIENTS = ["visual-studio-code", "neovim@0.7.0", "neovim@0.11.0", "emacs"]
DEFAULT_CLIENT = "visual-studio-code"

every_client = pytest.mark.parametrize("client", CLIENTS, indirect=True)


def _refreshed(client: LanguageClient, params: None) -> None:
    return None


def make_client() -> LanguageClient:
    """pytest-lsp's client, also answering the refresh requests the profiles say they take
    (VS Code: code lenses; Neovim 0.11: inlay hints), as those editors do. Unanswered, one
    the server sends after the views changed (a note opened that was not on disk, say) fails
    whatever test is running when it arrives, depending on how busy the machine is."""
    client = make_test_lsp_client()
    for method in (lsp.WORKSPACE_CODE_LENS_REFRESH, lsp.WORKSPACE_INLAY_HINT_REFRESH):
        client.feature(method)(_refreshed)
    return client


CONFIG = ClientServerConfig(server_command=SERVER, client_factory=make_client)


@pytest.fixture
def vault_files() -> dict[str, str]:
    return dict(SMALL_VAULT)


@pytest.fixture
def vault(tmp_path: Path, vault_files: dict[str, str]) -> Path:
    return write_vault(tmp_path / "vault", vault_files)


async def start(client: LanguageClient, profile: str, vault: Path, options=None) -> None:
    params = lsp.InitializeParams(
        capabilities=client_capabilities(profile),
        workspace_folders=[lsp.WorkspaceFolder(uri=vault.as_uri(), name="vault")],
        root_uri=vault.as_uri(),
        initialization_options=options,
    )
    result = await client.initialize_session(params)
    client.server_capabilities = result.capabilities  # (for tests of what the server announced)
    await wait_indexed(client)


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, request, vault):
    await start(lsp_client, getattr(request, "param", DEFAULT_CLIENT), vault)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def push_client(lsp_client: LanguageClient, vault):
    await start(lsp_client, "neovim@0.7.0", vault)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def pull_client(lsp_client: LanguageClient, vault):
    await start(lsp_client, "neovim@0.11.0", vault)
    yield
    await lsp_client.shutdown_session()


async def status(client: LanguageClient) -> dict:
    result = await client.protocol.send_request_async("claim-lsp/status", None)
    if isinstance(result, dict):
        return result
    return {k: getattr(result, k) for k in ("vaults", "notes", "indexing", "version")}


async def wait_indexed(client: LanguageClient) -> dict:
    """Poll claim-lsp/status until indexing is done (no sleeping on guesses)."""
    current: dict = {}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while loop.time() < deadline:
        current = await status(client)
        if not current["indexing"] and current["notes"] > 0:
            return current
        await asyncio.sleep(0.01)
    raise AssertionError(f"server never finished indexing: {current}")


def open_doc(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    uri = path.as_uri()
    if text is None:
        text = path.read_text(encoding="utf-8")
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="markdown", version=version, text=text))
    )
    return uri


def change_doc(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def next_notification(client: LanguageClient, method: str) -> asyncio.Future:
    """The next notification of method, waited for from now on. (`client.wait_for_notification`
    is a coroutine: it starts waiting only once it first runs, and a notification the event loop
    handles before that is missed — a publish arriving just after a check was waited for 15 s.)"""
    return asyncio.wrap_future(client.protocol.wait_for_notification(method))


async def wait_diagnostics(client: LanguageClient, uri: str, check=lambda d: True, tries: int = 200) -> list:
    """Wait for a publishDiagnostics for uri that satisfies check."""
    for _ in range(tries):
        published = next_notification(client, lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if uri in client.diagnostics and check(client.diagnostics[uri]):
            # (left to resolve unwatched: cancelled, pytest-lsp's set_result on it would raise)
            return list(client.diagnostics[uri])
        await asyncio.wait_for(published, timeout=15)
    raise AssertionError(f"no matching diagnostics for {uri}: {client.diagnostics.get(uri)}")


def position_of(text: str, needle: str, offset: int = 0) -> lsp.Position:
    """LSP position (UTF-16) of the first occurrence of needle, plus offset characters."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    start = text.rfind("\n", 0, index) + 1
    col = index - start
    prefix = text[start : start + col]
    return lsp.Position(line=line, character=len(prefix.encode("utf-16-le")) // 2)
