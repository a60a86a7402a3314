"""Requests sent while the vault is being indexed (issue 14 item 1): an answer that depends on
the whole vault waits for the index (lsp/waiting.py), can be cancelled while it waits, and
fails with "still indexing N of M notes" after the bound; it is never an incomplete answer.
When indexing ends, the client is asked once to pull diagnostics, code lenses and inlay hints
again.

The server runs with the test knob CLAIM_LSP_TEST_SLOW_READ (load.py), so each of the six
batches of notes read from a vault of ~1,100 takes 0.4 s (in the reading thread: requests are
answered meanwhile): the requests below are sent and answered while it lasts, on any machine.
The notes the requests are about are listed after 1,000 others, so they are read last."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcRequestCancelled
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from claim_lsp.checks import check_note
from claim_lsp.load import build_vault
from tests.e2e.apply_edit import apply_workspace_edit, path_of, read_file
from tests.e2e.conftest import SERVER, open_doc, status, wait_indexed
from tests.e2e.test_diagnostics import send_raw_request
from tests.e2e.test_rename import ALIAS, LINK_PROBLEMS, NEW, OTHER, T, h1_position, pos_of, vault_files
from tests.helpers import claim, write_vault

SLOW = 0.4  # seconds each batch of 200 notes read is held before it is filed
FILLERS = 1000
TIMEOUT = 60
FAR, FAR_ALIAS = "a far note", "distant alias"
TYPO = "prediction markets beat polls at forcasting elections"
REFRESHES = (lsp.WORKSPACE_CODE_LENS_REFRESH, lsp.WORKSPACE_INLAY_HINT_REFRESH, lsp.WORKSPACE_DIAGNOSTIC_REFRESH)


def indexing_vault(root: Path) -> Path:
    files = {f"a fillers/filler {i}.md": f"# filler {i}\n\nSee [[hub]].\n" for i in range(FILLERS)}
    files.update(vault_files())
    files["notes/typo.md"] = f"# typo\n\nA typo: [[{TYPO}]].\n"
    # a note never opened, read last, and one asking about it
    files[f"claims/{FAR}.md"] = claim("far", "Body.\n\n## Part\n\nText.", title=FAR, extra=f"aliases: [{FAR_ALIAS}]\n")
    files["notes/incomplete.md"] = claim("no confidence", f"Links to [[{FAR}]].", title="incomplete").replace(
        "confidence: likely\n", ""
    )
    files["notes/asker.md"] = claim(
        "asker",
        f"By alias [[{FAR_ALIAS}]], to a heading [[{FAR}#Part]].",
        title="asker",
        extra=f'depends_on: ["[[{FAR}]]"]\n',
    )
    return write_vault(root, files)


@pytest.fixture
def big(tmp_path: Path) -> Path:
    return indexing_vault(tmp_path / "vault")


def recording_client() -> LanguageClient:
    """pytest-lsp's client, answering the refresh requests and noting each one, with whether
    the indexing's progress had ended when it came."""
    client = LanguageClient(converter_factory=default_converter)
    register_lsp_features(
        client, {m: f for m, f in DEFAULT_CLIENT_FEATURES.items() if m != lsp.WORKSPACE_DIAGNOSTIC_REFRESH}
    )
    client.refreshes = []  # type: ignore[attr-defined]

    def recorder(method: str):
        def refreshed(params: None) -> None:
            ended = any(
                isinstance(value, lsp.WorkDoneProgressEnd)
                for values in client.progress_reports.values()
                for value in values
            )
            client.refreshes.append((method, ended))  # type: ignore[attr-defined]

        return refreshed

    for method in REFRESHES:
        client.feature(method)(recorder(method))
    return client


def every_refresh() -> lsp.ClientCapabilities:
    """VS Code's capabilities with pull diagnostics, and refreshes of all three (as VS Code has)."""
    caps = client_capabilities("visual-studio-code")
    assert caps.workspace is not None and caps.text_document is not None
    caps.workspace.inlay_hint = lsp.InlayHintWorkspaceClientCapabilities(refresh_support=True)
    caps.workspace.diagnostics = lsp.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    caps.text_document.diagnostic = lsp.DiagnosticClientCapabilities()
    return caps


@asynccontextmanager
async def indexing(
    vault: Path, capabilities: lsp.ClientCapabilities | None = None, wait: float | None = None
) -> AsyncIterator[LanguageClient]:
    """A server started on vault, still indexing it when this yields."""
    env = {**os.environ, "CLAIM_LSP_TEST_SLOW_READ": str(SLOW)}
    if wait is not None:
        env["CLAIM_LSP_INDEX_WAIT_SECONDS"] = str(wait)
    config = ClientServerConfig(server_command=SERVER, client_factory=recording_client, server_env=env)
    client = await config.start()
    try:
        params = lsp.InitializeParams(
            capabilities=capabilities or client_capabilities("visual-studio-code"),
            workspace_folders=[lsp.WorkspaceFolder(uri=vault.as_uri(), name="vault")],
            root_uri=vault.as_uri(),
        )
        await asyncio.wait_for(client.initialize_session(params), TIMEOUT)
        assert (await status(client))["indexing"], "indexing ended before the test could ask anything"
        yield client
    finally:
        try:
            await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
        finally:
            if client._server is not None and client._server.returncode is None:
                client._server.kill()  # (shutdown failed: stop() would wait for the process)
            await client.stop()


def doc(uri: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri)


class Opened:
    """The documents the whole-vault requests are asked from, opened in the editor."""

    def __init__(self, client: LanguageClient, vault: Path) -> None:
        self.vault = vault
        target = vault / f"claims/{T}.md"
        self.text = read_file(target)
        self.uri = open_doc(client, target, self.text)
        self.h1 = h1_position(self.text, T)
        asker = vault / "notes/asker.md"
        self.asker_text = read_file(asker)
        self.asker = open_doc(client, asker, self.asker_text)
        typo_text = read_file(vault / "notes/typo.md")
        self.typo_uri = open_doc(client, vault / "notes/typo.md", typo_text)
        self.on_typo = pos_of(typo_text, f"[[{TYPO}]]", 4)


async def ask_the_whole_vault(client: LanguageClient, d: Opened) -> dict:
    """Every request whose answer depends on the whole vault, sent at once."""
    uri, h1 = d.uri, d.h1
    lenses = await client.text_document_code_lens_async(lsp.CodeLensParams(text_document=doc(uri)))
    assert lenses is not None and len(lenses) == 1
    by_alias = pos_of(d.asker_text, f"[[{FAR_ALIAS}]]", 3)

    def item(uri: str) -> lsp.CallHierarchyItem:  # (as prepareCallHierarchy gives it: the server reads its uri)
        return lsp.CallHierarchyItem(
            name="", kind=lsp.SymbolKind.File, uri=uri, range=lsp.Range(h1, h1), selection_range=lsp.Range(h1, h1)
        )

    requests = {
        "references": client.text_document_references_async(
            lsp.ReferenceParams(
                text_document=doc(uri), position=h1, context=lsp.ReferenceContext(include_declaration=False)
            )
        ),
        "prepare rename": client.text_document_prepare_rename_async(
            lsp.PrepareRenameParams(text_document=doc(uri), position=h1)
        ),
        "rename": client.text_document_rename_async(
            lsp.RenameParams(text_document=doc(uri), position=h1, new_name=NEW)
        ),
        "will rename files": client.workspace_will_rename_files_async(
            lsp.RenameFilesParams(files=[lsp.FileRename(old_uri=uri, new_uri=(d.vault / f"claims/{NEW}.md").as_uri())])
        ),
        "code lens": client.code_lens_resolve_async(lenses[0]),
        "show references": client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="claim-lsp.showReferences", arguments=[uri, h1])
        ),
        "definition by alias": client.text_document_definition_async(
            lsp.DefinitionParams(text_document=doc(d.asker), position=by_alias)
        ),
        "definition of a heading": client.text_document_definition_async(
            lsp.DefinitionParams(text_document=doc(d.asker), position=pos_of(d.asker_text, f"[[{FAR}#Part]]", 3))
        ),
        "prepare rename of a link": client.text_document_prepare_rename_async(
            lsp.PrepareRenameParams(text_document=doc(d.asker), position=by_alias)
        ),
        "workspace symbols": client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query=FAR_ALIAS)),
        "code actions on a link": client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=doc(d.typo_uri),
                range=lsp.Range(start=d.on_typo, end=d.on_typo),
                context=lsp.CodeActionContext(diagnostics=[]),
            )
        ),
        "prepare call hierarchy": client.text_document_prepare_call_hierarchy_async(
            lsp.CallHierarchyPrepareParams(text_document=doc(uri), position=h1)
        ),
        "incoming calls": client.call_hierarchy_incoming_calls_async(
            lsp.CallHierarchyIncomingCallsParams(item=item(uri))
        ),
        "outgoing calls": client.call_hierarchy_outgoing_calls_async(
            lsp.CallHierarchyOutgoingCallsParams(item=item(d.asker))
        ),
    }
    answers = await asyncio.wait_for(asyncio.gather(*requests.values(), return_exceptions=True), TIMEOUT)
    return {name: f"error: {a}" if isinstance(a, Exception) else a for name, a in zip(requests, answers)}


async def test_whole_vault_answers_during_indexing_are_the_answers_after_it(big: Path):
    async with indexing(big) as client:
        opened = Opened(client, big)
        during = await ask_the_whole_vault(client, opened)
        await wait_indexed(client)
        after = await ask_the_whole_vault(client, opened)
    assert [request for request, answer in after.items() if isinstance(answer, str)] == []  # (no error)
    assert len(after["references"]) >= 50
    assert after["definition by alias"] and after["definition of a heading"][0].range.start.line > 0
    assert after["code actions on a link"] and after["workspace symbols"] and after["prepare rename of a link"]
    assert after["incoming calls"] and after["outgoing calls"]
    differ = [request for request, answer in after.items() if during[request] != answer]
    assert differ == [], ", ".join(differ)


async def test_answers_true_of_the_notes_read_so_far_do_not_wait(big: Path):
    async with indexing(big) as client:
        path = big / "notes/incomplete.md"
        text = read_file(path)
        uri = open_doc(client, path, text)
        on_link = pos_of(text, f"[[{FAR}]]", 3)
        frontmatter = lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(7, 0))
        nowhere = lsp.CodeActionContext(diagnostics=[])
        completion, hover, fixes, fix_all = await asyncio.wait_for(
            asyncio.gather(
                client.text_document_completion_async(lsp.CompletionParams(text_document=doc(uri), position=on_link)),
                client.text_document_hover_async(lsp.HoverParams(text_document=doc(uri), position=on_link)),
                # a fix to the note's own frontmatter
                client.text_document_code_action_async(
                    lsp.CodeActionParams(text_document=doc(uri), range=frontmatter, context=nowhere)
                ),
                # fix all (on save, say) over the whole note, links included: fixes nothing yet
                client.text_document_code_action_async(
                    lsp.CodeActionParams(
                        text_document=doc(uri),
                        range=lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(20, 0)),
                        context=lsp.CodeActionContext(diagnostics=[], only=[lsp.CodeActionKind.SourceFixAll]),
                    )
                ),
            ),
            TIMEOUT,
        )
        assert (await status(client))["indexing"]  # all answered before indexing ended
        assert completion is not None and hover is not None and fix_all is None
        assert fixes and all(action.kind == lsp.CodeActionKind.QuickFix for action in fixes)
        assert "confidence" in fixes[0].title


async def test_a_rename_during_indexing_updates_every_link(big: Path):
    async with indexing(big) as client:
        target = big / f"claims/{T}.md"
        text = read_file(target)
        uri = open_doc(client, target, text)
        edit = await asyncio.wait_for(
            client.text_document_rename_async(
                lsp.RenameParams(text_document=doc(uri), position=h1_position(text, T), new_name=NEW)
            ),
            TIMEOUT,
        )
        buffers = {uri: text}
        apply_workspace_edit(edit, buffers)
        [(new_uri, new_text)] = buffers.items()
        path_of(new_uri).write_text(new_text, encoding="utf-8", newline="")  # the editor saves
    expected = vault_files(NEW)
    for rel, want in expected.items():
        assert read_file(big / rel) == want, rel
    rebuilt = build_vault(big)
    broken = [
        (n.path, p.message) for n in rebuilt.notes.values() for p in check_note(n, rebuilt) if p.code in LINK_PROBLEMS
    ]
    assert [path for path, _ in broken] == ["notes/typo.md"]


@pytest.mark.parametrize("taken", [OTHER, ALIAS], ids=["a title", "an alias"])
async def test_a_rename_to_a_taken_name_is_refused_during_indexing(big: Path, taken: str):
    # the linker is in another folder than the note whose title it asks for: no file is in the way
    async with indexing(big) as client:
        path = big / "notes/group0/linker 0.md"
        text = read_file(path)
        uri = open_doc(client, path, text)
        with pytest.raises(JsonRpcException, match="already exists|is an alias of"):
            await asyncio.wait_for(
                client.text_document_rename_async(
                    lsp.RenameParams(text_document=doc(uri), position=h1_position(text, "linker 0"), new_name=taken)
                ),
                TIMEOUT,
            )


async def test_a_request_waiting_for_the_index_can_be_cancelled(big: Path):
    async with indexing(big) as client:
        target = big / f"claims/{T}.md"
        text = read_file(target)
        uri = open_doc(client, target, text)
        params = {
            "textDocument": {"uri": uri},
            "position": {"line": h1_position(text, T).line, "character": 4},
            "context": {"includeDeclaration": False},
        }
        waiting = await send_raw_request(client, "wait-1", lsp.TEXT_DOCUMENT_REFERENCES, params)
        client.protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id="wait-1"))
        with pytest.raises(JsonRpcRequestCancelled):
            await asyncio.wait_for(waiting, TIMEOUT)
        assert (await status(client))["indexing"]  # (cancelled while it waited)
        # the server goes on: the same request, not cancelled, gets the whole answer
        answer = await asyncio.wait_for(
            client.text_document_references_async(
                lsp.ReferenceParams(
                    text_document=doc(uri),
                    position=h1_position(text, T),
                    context=lsp.ReferenceContext(include_declaration=False),
                )
            ),
            TIMEOUT,
        )
        assert len(answer) >= 50
        assert not [m for m in client.messages if m.type == lsp.MessageType.Error]


async def test_a_request_waits_for_the_index_at_most_the_bound(big: Path):
    async with indexing(big, wait=0.5) as client:
        target = big / f"claims/{T}.md"
        text = read_file(target)
        uri = open_doc(client, target, text)
        # once the first batch is read (its progress reported), the rest takes over a second
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while not any(
            isinstance(value, lsp.WorkDoneProgressReport)
            for values in client.progress_reports.values()
            for value in values
        ):
            assert loop.time() < deadline, "no progress reported"
            await asyncio.sleep(0.01)
        params = lsp.ReferenceParams(
            text_document=doc(uri),
            position=h1_position(text, T),
            context=lsp.ReferenceContext(include_declaration=False),
        )
        with pytest.raises(JsonRpcException) as refused:
            await asyncio.wait_for(client.text_document_references_async(params), TIMEOUT)
        found = re.search(r"still indexing (\d+) of (\d+) notes", str(refused.value))
        assert found is not None, str(refused.value)
        done, total = int(found[1]), int(found[2])
        assert 0 < done < total == len(list(big.rglob("*.md")))
        await wait_indexed(client)
        assert len(await asyncio.wait_for(client.text_document_references_async(params), TIMEOUT)) >= 50


async def test_views_are_refreshed_once_when_indexing_ends(big: Path):
    async with indexing(big, every_refresh()) as client:
        await wait_indexed(client)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while {method for method, ended in client.refreshes if ended} != set(REFRESHES):
            assert loop.time() < deadline, f"refreshes asked: {client.refreshes}"
            await asyncio.sleep(0.01)
        await status(client)  # (anything sent before this answer has arrived)
        after = [method for method, ended in client.refreshes if ended]
        assert sorted(after) == sorted(REFRESHES), after


async def test_no_refresh_is_asked_of_a_client_that_cannot_take_it(big: Path):
    async with indexing(big, client_capabilities("neovim@0.7.0")) as client:
        await wait_indexed(client)
        await status(client)
        assert client.refreshes == []
