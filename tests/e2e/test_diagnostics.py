"""Diagnostics: pushed (Neovim 0.7 profile) and pulled (Neovim 0.11 profile), refreshed when
the notes they depend on appear or disappear."""

from __future__ import annotations

import asyncio
import json

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import CONFIG, change_doc, next_notification, open_doc, status, wait_diagnostics
from tests.helpers import COORD, EMOJI, SPEC, claim, write_vault


def codes(diagnostics) -> list[str]:
    return sorted(d.code for d in diagnostics)


async def test_pushed_on_open_with_codes_ranges_and_data(push_client: LanguageClient, vault):
    path = vault / "domains/ai" / f"{COORD}.md"
    text = path.read_text()
    uri = open_doc(push_client, path, text)
    diags = await wait_diagnostics(push_client, uri)
    assert codes(diags) == ["broken-link", "case-mismatch"]  # nothing from the code spans
    broken = next(d for d in diags if d.code == "broken-link")
    lines = text.split("\n")
    line = next(i for i, t in enumerate(lines) if "[[no such claim here]]" in t)
    assert broken.range.start == lsp.Position(line=line, character=lines[line].index("no such"))
    assert broken.range.end.character == lines[line].index("]]")
    assert broken.severity == lsp.DiagnosticSeverity.Error
    assert broken.source == "claim-lsp"
    assert broken.data["target"] == "no such claim here"
    case = next(d for d in diags if d.code == "case-mismatch")
    assert case.severity == lsp.DiagnosticSeverity.Warning
    assert case.data["suggestions"][0] == COORD


async def test_utf16_columns_after_emoji(push_client: LanguageClient, vault):
    path = vault / "domains/ai" / f"{EMOJI}.md"
    uri = open_doc(push_client, path)
    diags = await wait_diagnostics(push_client, uri)
    broken = [d for d in diags if d.code == "broken-link"]
    assert len(broken) == 1
    line = f"Émigré 🚀🚀 text then [[{SPEC}]] and [["
    # the 2 emoji before the link count twice in UTF-16
    assert broken[0].range.start.character == len(line) + 2
    assert broken[0].data["target"] == "missing 🚀 note"


async def test_updates_on_change_after_debounce(push_client: LanguageClient, vault):
    path = vault / "scratch.md"
    uri = open_doc(push_client, path, "# scratch\n\n[[nope]]\n")
    await wait_diagnostics(
        push_client, uri, lambda d: codes(d) == ["broken-link", "title-mismatch"] or codes(d) == ["broken-link"]
    )
    for version, typed in enumerate(["[[", "[[spec", f"[[{SPEC}]]"], start=2):
        change_doc(push_client, uri, f"# scratch\n\n{typed}\n", version)
    diags = await wait_diagnostics(push_client, uri, lambda d: "broken-link" not in codes(d))
    assert "empty-link" not in codes(diags)


async def test_refreshed_when_the_target_appears_and_disappears_on_disk(push_client: LanguageClient, vault):
    path = vault / "domains/ai" / f"{COORD}.md"
    uri = open_doc(push_client, path)
    await wait_diagnostics(push_client, uri, lambda d: "broken-link" in codes(d))
    new = vault / "domains/ai/no such claim here.md"
    new.write_text(claim("now it exists", "Body.", title="no such claim here"))
    push_client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=new.as_uri(), type=lsp.FileChangeType.Created)])
    )
    await wait_diagnostics(push_client, uri, lambda d: "broken-link" not in codes(d))
    new.unlink()
    push_client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=new.as_uri(), type=lsp.FileChangeType.Deleted)])
    )
    await wait_diagnostics(push_client, uri, lambda d: "broken-link" in codes(d))


async def test_refreshed_when_a_note_is_created_in_the_editor(push_client: LanguageClient, vault):
    path = vault / "domains/ai" / f"{COORD}.md"
    uri = open_doc(push_client, path)
    await wait_diagnostics(push_client, uri, lambda d: "broken-link" in codes(d))
    open_doc(push_client, vault / "no such claim here.md", "# no such claim here\n")
    await wait_diagnostics(push_client, uri, lambda d: "broken-link" not in codes(d))


async def test_closing_falls_back_to_disk(push_client: LanguageClient, vault):
    path = vault / "domains/ai" / f"{COORD}.md"
    linker = open_doc(push_client, path)
    await wait_diagnostics(push_client, linker, lambda d: "broken-link" in codes(d))
    ghost = vault / "no such claim here.md"  # exists only in the editor
    ghost_uri = open_doc(push_client, ghost, "# no such claim here\n")
    await wait_diagnostics(push_client, linker, lambda d: "broken-link" not in codes(d))
    push_client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=ghost_uri)))
    await wait_diagnostics(push_client, linker, lambda d: "broken-link" in codes(d))
    assert not push_client.diagnostics.get(ghost_uri)  # cleared on close


async def test_frontmatter_problems(push_client: LanguageClient, vault):
    text = (
        "---\ntype: claim\ndomain: ai-alignment\ndescription: x\nconfidence: certain\n"
        "created: 2026-02-00\n---\n\n# bad frontmatter\n"
    )
    uri = open_doc(push_client, vault / "bad frontmatter.md", text)
    diags = await wait_diagnostics(push_client, uri)
    assert codes(diags) == ["invalid-date", "invalid-value", "missing-field"]
    by_code = {d.code: d for d in diags}
    assert by_code["invalid-value"].range.start.line == 4
    assert by_code["invalid-date"].range.start.line == 5
    assert by_code["invalid-date"].severity == lsp.DiagnosticSeverity.Warning
    assert "source" in by_code["missing-field"].message


async def test_yaml_error_at_its_line(push_client: LanguageClient, vault):
    text = '---\ntype: claim\ndescription: "never closed\nconfidence: likely\n---\n\n# yaml\n'
    uri = open_doc(push_client, vault / "yaml.md", text)
    diags = await wait_diagnostics(push_client, uri)
    assert codes(diags) == ["yaml-error"]
    assert diags[0].range.start.line == 2


async def test_pulled_when_the_client_supports_pull(pull_client: LanguageClient, vault):
    path = vault / "domains/ai" / f"{COORD}.md"
    uri = open_doc(pull_client, path)
    report = await pull_client.text_document_diagnostic_async(
        lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    assert codes(report.items) == ["broken-link", "case-mismatch"]
    await asyncio.sleep(0.2)
    assert uri not in pull_client.diagnostics  # pull clients get no pushes as well


async def send_raw_request(client: LanguageClient, msg_id: str, method: str, params: dict):
    """Send a request the typed client API would refuse to build; return its future."""
    from concurrent.futures import Future

    future: Future = Future()
    client.protocol._request_futures[msg_id] = future
    body = json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
    client.protocol.writer.write(f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
    return asyncio.wrap_future(future)


async def test_bad_request_params_get_an_error_reply(push_client: LanguageClient, vault):
    path = vault / "domains/ai" / f"{COORD}.md"
    uri = open_doc(push_client, path)
    future = await send_raw_request(
        push_client,
        "bad-1",
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": 0, "character": -1}},
    )
    try:
        await asyncio.wait_for(future, timeout=5)
    except TimeoutError:
        raise AssertionError("the server never answered") from None
    except Exception as exc:  # the error reply
        assert "Invalid Params" in str(exc) and "character" in str(exc)
    else:
        raise AssertionError("expected an error reply")
    # and it keeps answering
    hover = await push_client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=0, character=0))
    )
    assert hover is None


async def test_request_without_params_member_is_answered(push_client: LanguageClient, vault):
    """JSON-RPC allows omitting params; vscode-languageclient's RequestType0 does."""
    from concurrent.futures import Future

    future: Future = Future()
    push_client.protocol._request_futures["no-params"] = future
    body = json.dumps({"jsonrpc": "2.0", "id": "no-params", "method": "claim-lsp/status"})
    push_client.protocol.writer.write(f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
    result = await asyncio.wait_for(asyncio.wrap_future(future), timeout=10)
    notes = result["notes"] if isinstance(result, dict) else result.notes
    assert notes == 5


@pytest_lsp.fixture(config=CONFIG)
async def early_client(lsp_client: LanguageClient):
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest.mark.parametrize("profile", ["neovim@0.7.0", "neovim@0.11.0"], ids=["pushed", "pulled, no refresh"])
async def test_links_are_checked_once_every_note_is_read(early_client: LanguageClient, tmp_path, profile):
    """A note opened while a large vault is still being read: a link to an alias of a note
    not read yet must not be reported broken meanwhile (its alias is not known yet), and
    the links are checked once indexing ends: pushed again then, or, for a client that
    pulls and cannot be asked to pull again, in the answer to its first pull."""
    files = {f"bulk/note {i}.md": f"# note {i}\n\n[[note {i + 1}]]\n" for i in range(3000)}
    files["zz/aliased.md"] = "---\naliases: [the nickname]\n---\n# aliased\n"  # listed last
    files["opener.md"] = "# opener\n\n[[the nickname]] and [[no such note]]\n"
    vault = write_vault(tmp_path / "vault", files)
    await early_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities(profile),
            workspace_folders=[lsp.WorkspaceFolder(uri=vault.as_uri(), name="vault")],
        )
    )
    uri = open_doc(early_client, vault / "opener.md")  # at once: indexing has just begun
    if profile == "neovim@0.11.0":
        report = await early_client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )
        assert [(d.code, d.data["target"]) for d in report.items] == [("broken-link", "no such note")]
        return
    published: list[list[str]] = []
    indexed = False
    arrived = next_notification(early_client, lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    while not (indexed and published and "broken-link" in published[-1]):
        await asyncio.wait_for(arrived, 30)
        arrived = next_notification(early_client, lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if uri in early_client.diagnostics:
            published.append([d.code for d in early_client.diagnostics[uri]])
            indexed = indexed or not (await status(early_client))["indexing"]
    broken = [d for d in early_client.diagnostics[uri] if d.code == "broken-link"]
    assert [d.data["target"] for d in broken] == ["no such note"]  # the alias resolves
    assert all(codes.count("broken-link") <= 1 for codes in published), published
