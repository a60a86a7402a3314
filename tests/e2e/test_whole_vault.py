"""The whole vault's problems: workspace/diagnostic with result ids (pulled), and
`diagnostics.scope = "vault"` for a client that only takes pushes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest_lsp
from lsprotocol import types as lsp
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from tests.e2e.conftest import CONFIG, SERVER, change_doc, open_doc, wait_diagnostics, wait_indexed
from tests.helpers import write_vault

FILES = {
    "a.md": "# a\n\n[[b]] is not written yet.\n",  # broken until b.md appears
    "c.md": "# c\n\nLinks to [[a]].\n",  # clean
    "d.md": "# d\n\n[[A]] differs in case.\n",  # case-mismatch
    "e.md": "# e\n\n[[d#Nowhere]]\n",  # missing-heading until d gets one
    "f.md": "---\ntype: claim\n---\n# f\n",  # missing fields
}


def codes(diagnostics) -> list[str]:
    return sorted(d.code for d in diagnostics)


def by_name(report: lsp.WorkspaceDiagnosticReport) -> dict[str, object]:
    return {Path(item.uri).name: item for item in report.items}


def held(report: lsp.WorkspaceDiagnosticReport) -> list[lsp.PreviousResultId]:
    return [lsp.PreviousResultId(uri=i.uri, value=i.result_id) for i in report.items if i.result_id is not None]


async def pull(client: LanguageClient, known: list[lsp.PreviousResultId], timeout: float = 15):
    return await asyncio.wait_for(
        client.workspace_diagnostic_async(lsp.WorkspaceDiagnosticParams(previous_result_ids=known)), timeout
    )


def write_and_tell(client: LanguageClient, path: Path, text: str | None) -> None:
    """Write (or, text None, delete) a note on disk and tell the server, as a file watcher does."""
    if text is None:
        path.unlink()
        kind = lsp.FileChangeType.Deleted
    else:
        kind = lsp.FileChangeType.Changed if path.exists() else lsp.FileChangeType.Created
        path.write_text(text, encoding="utf-8")
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=path.as_uri(), type=kind)])
    )


async def start(client: LanguageClient, vault: Path, profile: str, options=None) -> None:
    result = await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities(profile),
            workspace_folders=[lsp.WorkspaceFolder(uri=vault.as_uri(), name="vault")],
            root_uri=vault.as_uri(),
            initialization_options=options,
        )
    )
    client.server_capabilities = result.capabilities
    await wait_indexed(client)


@pytest_lsp.fixture(config=CONFIG)
async def bare_client(lsp_client: LanguageClient):
    yield lsp_client
    await lsp_client.shutdown_session()


async def test_workspace_pull_reports_only_what_changed(bare_client: LanguageClient, tmp_path):
    vault = write_vault(tmp_path / "vault", FILES)
    await start(bare_client, vault, "neovim@0.11.0")
    options = bare_client.server_capabilities.diagnostic_provider
    assert options.workspace_diagnostics and options.inter_file_dependencies

    first = await pull(bare_client, [])
    reports = by_name(first)
    assert sorted(reports) == ["a.md", "d.md", "e.md", "f.md"]  # c.md has no problems: no report
    assert all(r.kind == "full" and r.result_id for r in reports.values())
    assert codes(reports["a.md"].items) == ["broken-link"]
    assert codes(reports["e.md"].items) == ["missing-heading"]
    assert reports["a.md"].version is None  # (a closed note)

    # b.md appears: a's link resolves; nothing else changes
    write_and_tell(bare_client, vault / "b.md", "# b\n")
    second = by_name(await pull(bare_client, held(first)))
    assert second["a.md"].kind == "full" and second["a.md"].items == () and second["a.md"].result_id is None
    for name in ("d.md", "e.md", "f.md"):
        assert second[name].kind == "unchanged" and second[name].result_id == reports[name].result_id
    assert "b.md" not in second and "c.md" not in second

    # a heading in d: only e, which links to it, changes; the client no longer holds a
    known = [p for p in held(first) if not p.uri.endswith("/a.md")]
    write_and_tell(bare_client, vault / "d.md", "# d\n\n[[A]] differs in case.\n\n## Nowhere\n")
    third = by_name(await pull(bare_client, known))
    assert third["e.md"].kind == "full" and third["e.md"].items == ()
    assert third["d.md"].kind == "unchanged" and third["f.md"].kind == "unchanged"
    assert sorted(third) == ["d.md", "e.md", "f.md"]

    # ids the server never gave (a client that missed an answer): the reports in full again
    stale = [lsp.PreviousResultId(uri=p.uri, value="0000") for p in held(first) if not p.uri.endswith("/a.md")]
    fourth = by_name(await pull(bare_client, stale))
    assert {fourth[n].kind for n in ("d.md", "f.md")} == {"full"} and fourth["e.md"].items == ()
    assert fourth["d.md"].result_id == third["d.md"].result_id


async def test_a_pull_with_nothing_new_waits_for_a_change(bare_client: LanguageClient, tmp_path):
    vault = write_vault(tmp_path / "vault", FILES)
    await start(bare_client, vault, "neovim@0.11.0")
    first = await pull(bare_client, [])
    waiting = asyncio.ensure_future(pull(bare_client, held(first), timeout=30))
    await asyncio.sleep(0.6)
    assert not waiting.done()  # everything the client holds is current: nothing to answer yet
    # a change that changes no problem does not answer it either
    write_and_tell(bare_client, vault / "c.md", "# c\n\nLinks to [[a]], twice: [[a]].\n")
    await asyncio.sleep(0.6)
    assert not waiting.done()
    write_and_tell(bare_client, vault / "c.md", "# c\n\nLinks to [[z]].\n")
    answer = by_name(await waiting)
    assert codes(answer["c.md"].items) == ["broken-link"]
    assert {answer[n].kind for n in ("a.md", "d.md", "e.md", "f.md")} == {"unchanged"}


async def test_a_waiting_pull_can_be_cancelled(bare_client: LanguageClient, tmp_path):
    vault = write_vault(tmp_path / "vault", FILES)
    await start(bare_client, vault, "neovim@0.11.0")
    first = await pull(bare_client, [])
    future = bare_client.protocol.send_request(
        lsp.WORKSPACE_DIAGNOSTIC, lsp.WorkspaceDiagnosticParams(previous_result_ids=held(first)), msg_id="held-1"
    )
    await asyncio.sleep(0.3)
    bare_client.protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id="held-1"))
    try:
        await asyncio.wait_for(asyncio.wrap_future(future), 10)
    except Exception as exc:
        assert "cancel" in str(exc).lower()
    else:
        raise AssertionError("a cancelled pull was answered")
    assert by_name(await pull(bare_client, [])).keys() == by_name(first).keys()  # and the server goes on


async def test_open_notes_are_reported_with_their_version(bare_client: LanguageClient, tmp_path):
    vault = write_vault(tmp_path / "vault", FILES)
    await start(bare_client, vault, "neovim@0.11.0")
    uri = open_doc(bare_client, vault / "c.md", "# c\n\n[[nope]]\n", version=7)
    reports = by_name(await pull(bare_client, []))
    assert codes(reports["c.md"].items) == ["broken-link"] and reports["c.md"].version == 7
    change_doc(bare_client, uri, "# c\n\n[[nope]] [[nor this]]\n", 8)
    reports = by_name(await pull(bare_client, []))
    assert len(reports["c.md"].items) == 2 and reports["c.md"].version == 8


async def test_an_open_note_pulled_alone_keeps_a_held_pull_held(bare_client: LanguageClient, tmp_path):
    """VS Code sends back, for an open note, the result id of its own document pull: the
    same digest as the workspace pull's, so a pull holding it is not answered anew."""
    vault = write_vault(tmp_path / "vault", FILES)
    await start(bare_client, vault, "neovim@0.11.0")
    uri = open_doc(bare_client, vault / "a.md")
    params = lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    own = await bare_client.text_document_diagnostic_async(params)
    assert codes(own.items) == ["broken-link"] and own.result_id
    again = await bare_client.text_document_diagnostic_async(
        lsp.DocumentDiagnosticParams(text_document=params.text_document, previous_result_id=own.result_id)
    )
    assert again.kind == "unchanged" and again.result_id == own.result_id
    first = by_name(await pull(bare_client, []))
    assert first["a.md"].result_id == own.result_id
    known = [p for p in held(lsp.WorkspaceDiagnosticReport(items=list(first.values())))]
    waiting = asyncio.ensure_future(pull(bare_client, known, timeout=30))
    await asyncio.sleep(0.6)
    assert not waiting.done()
    change_doc(bare_client, uri, "# a\n\n[[b]] is not written yet, nor [[z]].\n", 2)
    answer = by_name(await waiting)
    assert answer["a.md"].kind == "full" and len(answer["a.md"].items) == 2 and answer["a.md"].version == 2


async def test_scope_open_reports_nothing(bare_client: LanguageClient, tmp_path):
    vault = write_vault(tmp_path / "vault", {**FILES, ".claim-lsp.toml": '[diagnostics]\nscope = "open"\n'})
    await start(bare_client, vault, "neovim@0.11.0")
    assert (await pull(bare_client, [])).items == ()


async def test_pushed_for_the_whole_vault_when_asked(bare_client: LanguageClient, tmp_path):
    vault = write_vault(tmp_path / "vault", FILES)
    await start(bare_client, vault, "neovim@0.7.0", {"diagnostics": {"scope": "vault"}})
    uris = {name: (vault / name).as_uri() for name in FILES}
    for name in ("a.md", "d.md", "e.md", "f.md"):
        await wait_diagnostics(bare_client, uris[name], lambda d: bool(d))
    assert codes(bare_client.diagnostics[uris["a.md"]]) == ["broken-link"]
    assert uris["c.md"] not in bare_client.diagnostics  # nothing to say: nothing sent
    # the target appears on disk: a, which links to it, is cleared
    write_and_tell(bare_client, vault / "b.md", "# b\n")
    await wait_diagnostics(bare_client, uris["a.md"], lambda d: len(d) == 0)
    # an open note is the editor's: published with its version as it is typed; closed, its
    # problems stay (the file's), as every closed note's
    open_doc(bare_client, vault / "c.md", "# c\n\n[[gone]]\n")
    await wait_diagnostics(bare_client, uris["c.md"], lambda d: codes(d) == ["broken-link"])
    bare_client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=uris["c.md"])))
    await wait_diagnostics(bare_client, uris["c.md"], lambda d: len(d) == 0)  # the file's text links to [[a]]
    open_doc(bare_client, vault / "d.md")
    await asyncio.sleep(0.1)
    bare_client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=uris["d.md"])))
    await asyncio.sleep(0.6)
    assert codes(bare_client.diagnostics[uris["d.md"]]) == ["case-mismatch"]  # not cleared on close


async def test_a_client_taking_pushes_gets_the_whole_vault_when_it_asks(bare_client: LanguageClient, tmp_path):
    """Neovim's :ClaimLspCheckVault and Emacs' claim-lsp-check-vault: a client that does not
    pull sends workspace/diagnostic only when the user asks; the scope (what it is sent
    unasked, "open" by default) does not narrow the answer."""
    vault = write_vault(tmp_path / "vault", FILES)
    await start(bare_client, vault, "neovim@0.7.0")
    assert sorted(by_name(await pull(bare_client, []))) == ["a.md", "d.md", "e.md", "f.md"]
    await asyncio.sleep(0.3)
    assert bare_client.diagnostics == {}  # (and nothing was pushed)


async def test_pushed_only_for_open_notes_by_default(bare_client: LanguageClient, tmp_path):
    vault = write_vault(tmp_path / "vault", FILES)
    await start(bare_client, vault, "neovim@0.7.0")
    uri = open_doc(bare_client, vault / "a.md")
    await wait_diagnostics(bare_client, uri, lambda d: codes(d) == ["broken-link"])
    await asyncio.sleep(0.5)
    assert list(bare_client.diagnostics) == [uri]


def client_taking_partial_results() -> LanguageClient:
    """pytest-lsp's client, keeping the partial results ($/progress) of a workspace pull
    (its own $/progress handler takes work-done progress only)."""
    client = LanguageClient(converter_factory=default_converter)
    client.partial_results = []

    def progress(client: LanguageClient, params: lsp.ProgressParams) -> None:
        client.partial_results.append((params.token, params.value))

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, lsp.PROGRESS: progress})
    for method in (lsp.WORKSPACE_CODE_LENS_REFRESH, lsp.WORKSPACE_INLAY_HINT_REFRESH):
        client.feature(method)(lambda params: None)  # (as the conftest's client answers them)
    return client


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, client_factory=client_taking_partial_results))
async def partial_client(lsp_client: LanguageClient):
    yield lsp_client
    await lsp_client.shutdown_session()


async def test_reports_come_as_partial_results_when_asked(partial_client: LanguageClient, tmp_path):
    """VS Code gives a partialResultToken: the reports come in $/progress batches as the
    notes are checked (a large answer written at once held the server up, and kept every
    note's diagnostics until then), the answer itself empty."""
    files = {f"n{i}.md": f"# n{i}\n\n[[missing {i}]]\n" for i in range(600)}
    vault = write_vault(tmp_path / "vault", files)
    await start(partial_client, vault, "neovim@0.11.0")
    answer = await asyncio.wait_for(
        partial_client.workspace_diagnostic_async(
            lsp.WorkspaceDiagnosticParams(previous_result_ids=[], partial_result_token="wd-1")
        ),
        30,
    )
    assert answer.items == ()
    batches = [value["items"] for token, value in partial_client.partial_results if token == "wd-1"]
    assert len(batches) > 1 and all(0 < len(b) <= 250 for b in batches)
    reported = {Path(item["uri"]).name: item for batch in batches for item in batch}
    assert len(reported) == 600 and reported["n7.md"]["items"][0]["code"] == "broken-link"
