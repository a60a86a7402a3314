"""Hostile requests (issue 6): documents never opened, positions past the end, odd URIs,
edits to closed documents, versions going backwards, bursts of changes, shutdown while
indexing. After each, the server answers a normal request correctly, and it never reports
an "Error in server" (pygls' out-of-band report of an exception in a handler)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import CONFIG, change_doc, open_doc, position_of, status, wait_diagnostics
from tests.e2e.test_diagnostics import send_raw_request
from tests.helpers import COORD, SPEC, write_vault

TIMEOUT = 10


def ident(uri: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri)


async def ask_everything(client: LanguageClient, uri: str, position: lsp.Position) -> dict:
    """Hover, definition, completion and references at one place; each must be answered."""
    doc = ident(uri)
    hover, definition, completion, references = await asyncio.wait_for(
        asyncio.gather(
            client.text_document_hover_async(lsp.HoverParams(text_document=doc, position=position)),
            client.text_document_definition_async(lsp.DefinitionParams(text_document=doc, position=position)),
            client.text_document_completion_async(lsp.CompletionParams(text_document=doc, position=position)),
            client.text_document_references_async(
                lsp.ReferenceParams(
                    text_document=doc, position=position, context=lsp.ReferenceContext(include_declaration=False)
                )
            ),
        ),
        TIMEOUT,
    )
    return {"hover": hover, "definition": definition, "completion": completion, "references": references}


def nothing(answers: dict) -> bool:
    completion = answers["completion"]
    items = completion.items if isinstance(completion, lsp.CompletionList) else completion
    return answers["hover"] is None and not answers["definition"] and not items and not answers["references"]


async def still_answers(client: LanguageClient, vault: Path, check_errors: bool = True) -> None:
    """A normal request on a real note gets its normal answer, and no handler has failed."""
    text = (vault / "domains/ai" / f"{COORD}.md").read_text()
    uri = (vault / "domains/ai" / f"{COORD}.md").as_uri()
    result = await asyncio.wait_for(
        client.text_document_definition_async(
            lsp.DefinitionParams(text_document=ident(uri), position=position_of(text, f"[[{SPEC}]]", 3))
        ),
        TIMEOUT,
    )
    assert result and result[0].uri.endswith(".md") and SPEC.split()[0] in result[0].uri
    errors = [m.message for m in client.messages if m.type == lsp.MessageType.Error]
    assert not errors or not check_errors, errors


async def test_requests_for_documents_never_opened(push_client: LanguageClient, vault):
    for uri in [(vault / "no such note.md").as_uri(), (vault.parent / "outside.md").as_uri()]:
        assert nothing(await ask_everything(push_client, uri, lsp.Position(line=3, character=4)))
    # a note that exists on disk but is not open is answered from the index and the disk
    path = vault / "domains/ai" / f"{COORD}.md"
    text = path.read_text()
    answers = await ask_everything(push_client, path.as_uri(), position_of(text, f"[[{SPEC}]]", 3))
    assert answers["hover"] is not None and answers["definition"]
    await still_answers(push_client, vault)


async def test_positions_past_the_end(push_client: LanguageClient, vault):
    path = vault / "domains/ai" / f"{COORD}.md"
    uri = open_doc(push_client, path)
    lines = path.read_text().split("\n")
    for line, character in [(0, 10_000), (len(lines) - 1, 500), (len(lines) + 5, 0), (10**6, 10**6), (2**31 - 1, 0)]:
        answers = await ask_everything(push_client, uri, lsp.Position(line=line, character=character))
        assert answers["hover"] is None and not answers["definition"], (line, character)
    await still_answers(push_client, vault)


async def test_ranges_in_the_wrong_order(push_client: LanguageClient, vault):
    path = vault / "domains/ai" / f"{COORD}.md"
    uri = open_doc(push_client, path)
    backwards = lsp.Range(start=lsp.Position(line=12, character=5), end=lsp.Position(line=2, character=0))
    actions = await asyncio.wait_for(
        push_client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=ident(uri), range=backwards, context=lsp.CodeActionContext(diagnostics=[])
            )
        ),
        TIMEOUT,
    )
    assert actions is None or isinstance(actions, (list, tuple))
    await still_answers(push_client, vault)


async def test_non_file_uris(push_client: LanguageClient, vault):
    for uri in ["untitled:Untitled-1", "http://example.com/a%20b.md", "vscode-notebook-cell:/x.md#W1", "file:"]:
        push_client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="markdown", version=1, text="[[sp"))
        )
        change_doc(push_client, uri, f"[[{SPEC}]] [[sp", 2)
        assert nothing(await ask_everything(push_client, uri, lsp.Position(line=0, character=5)))
        push_client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=ident(uri)))
    await still_answers(push_client, vault)


async def test_file_uris_that_name_no_file(push_client: LanguageClient, vault):
    """A NUL byte in the path (no file can have one) and a relative path (`file:x.md`, here one
    that names a real note from the server's working directory): no document is kept, no vault
    started, nothing answered, no handler fails."""
    note = vault / "domains/ai" / f"{COORD}.md"
    relative = "file:" + quote(os.path.relpath(note).replace(os.sep, "/"))
    before = await status(push_client)
    for uri in [vault.as_uri() + "/a%00b.md", vault.as_uri() + "/domains%00/x.md", relative, "file:x.md"]:
        push_client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="markdown", version=1, text="[[sp"))
        )
        change_doc(push_client, uri, f"[[{SPEC}]] [[sp", 2)
        assert nothing(await ask_everything(push_client, uri, lsp.Position(line=0, character=3))), uri
        symbols, graph = await asyncio.wait_for(
            asyncio.gather(
                push_client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=ident(uri))),
                push_client.protocol.send_request_async("claim-lsp/graph", {"uri": uri}),
            ),
            TIMEOUT,
        )
        assert not symbols and graph is None, uri
        push_client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=ident(uri)))
    assert await status(push_client) == before  # (no vault started at the working directory)
    await still_answers(push_client, vault)


async def test_an_upper_case_file_scheme_names_the_file(push_client: LanguageClient, vault):
    """URI schemes are case-insensitive (RFC 3986): FILE: names the file file: does."""
    path = vault / "domains/ai" / f"{COORD}.md"
    text = path.read_text()
    uri = "FILE" + path.as_uri()[len("file") :]
    answers = await ask_everything(push_client, uri, position_of(text, f"[[{SPEC}]]", 3))
    assert answers["hover"] is not None and answers["definition"]
    await still_answers(push_client, vault)


async def test_percent_encoded_uris_with_spaces_hash_and_percent(push_client: LanguageClient, vault):
    name = "100% sure #1 [draft] é"
    note = vault / f"{name}.md"
    note.write_text("# odd\n\nSee [[" + SPEC + "]].\n")
    other = vault / "links to odd.md"
    other.write_text("[[100% sure ]]\n")
    uri = note.as_uri()
    assert "%25" in uri and "%23" in uri and "%20" in uri
    open_doc(push_client, note)
    text = note.read_text()
    answers = await ask_everything(push_client, uri, position_of(text, f"[[{SPEC}]]", 3))
    assert answers["hover"] is not None and answers["definition"]
    diags = await wait_diagnostics(push_client, uri)
    assert "broken-link" not in [d.code for d in diags]
    # the server's URIs for this note decode to the same file
    refs = await push_client.text_document_references_async(
        lsp.ReferenceParams(
            text_document=ident(uri), position=lsp.Position(line=0, character=2), context=lsp.ReferenceContext(False)
        )
    )
    assert refs == [] or all(r.uri.startswith("file:") for r in refs)
    # malformed percent-encoding is ignored, not a crash
    for bad in ["file:///tmp/%zz.md", "file:///tmp/%.md", "file://host/%E2%82.md"]:
        assert nothing(await ask_everything(push_client, bad, lsp.Position(line=0, character=0)))
    await still_answers(push_client, vault)


def changes_to_documents_not_open(client: LanguageClient, vault: Path) -> str:
    path = vault / "domains/ai" / f"{COORD}.md"
    uri = open_doc(client, path)
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=ident(uri)))
    change_doc(client, uri, "[[changed after close]]", 9)
    never = (vault / "never opened.md").as_uri()
    change_doc(client, never, "[[x]]", 2)
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=never, version=3),
            content_changes=[
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(start=lsp.Position(line=5, character=0), end=lsp.Position(line=9, character=0)),
                    text="x",
                )
            ],
        )
    )
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=ident(never)))
    return uri


async def test_did_change_for_a_closed_or_never_opened_document(push_client: LanguageClient, vault):
    uri = changes_to_documents_not_open(push_client, vault)
    await still_answers(push_client, vault, check_errors=False)
    # the closed note is back to its text on disk, untouched by the late change
    text = (vault / "domains/ai" / f"{COORD}.md").read_text()
    hover = await push_client.text_document_hover_async(
        lsp.HoverParams(text_document=ident(uri), position=position_of(text, f"[[{SPEC}]]", 3))
    )
    assert hover is not None


async def test_did_change_for_a_document_not_open_shows_no_error(push_client: LanguageClient, vault):
    changes_to_documents_not_open(push_client, vault)
    await still_answers(push_client, vault)


async def test_versions_going_backwards(push_client: LanguageClient, vault):
    path = vault / "scratch.md"
    uri = open_doc(push_client, path, "# scratch\n", version=10)
    change_doc(push_client, uri, "# scratch\n\n[[nope one]]\n", 5)
    change_doc(push_client, uri, "# scratch\n\n[[nope two]]\n", 1)
    change_doc(push_client, uri, "# scratch\n\n[[nope three]]\n", 1)
    diags = await wait_diagnostics(
        push_client, uri, lambda d: any(x.code == "broken-link" and "three" in x.message for x in d)
    )
    assert len([d for d in diags if d.code == "broken-link"]) == 1
    await still_answers(push_client, vault)


async def test_a_burst_of_1000_changes_then_completion(push_client: LanguageClient, vault):
    path = vault / "burst.md"
    uri = open_doc(push_client, path, "# burst\n\n")
    typed = ("the specification trap " * 50)[:999]
    line = 2
    # 999 incremental one-character inserts, then one whole-document change to the final text
    for n, char in enumerate(typed):
        push_client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=n + 2),
                content_changes=[
                    lsp.TextDocumentContentChangePartial(
                        range=lsp.Range(
                            start=lsp.Position(line=line, character=n), end=lsp.Position(line=line, character=n)
                        ),
                        text=char,
                    )
                ],
            )
        )
    final = "# burst\n\n" + typed + " [[specification tr"
    change_doc(push_client, uri, final, 1001)
    start = time.perf_counter()
    result = await asyncio.wait_for(
        push_client.text_document_completion_async(
            lsp.CompletionParams(text_document=ident(uri), position=lsp.Position(line=2, character=len(final) - 9))
        ),
        TIMEOUT,
    )
    elapsed = time.perf_counter() - start
    items = result.items if isinstance(result, lsp.CompletionList) else result
    assert items and items[0].label == SPEC
    edit = items[0].text_edit
    assert edit.range.start.character == len(typed) + 3 and edit.range.end.character == len(final) - 9
    assert elapsed < TIMEOUT
    # the diagnostics published last are for the final text
    diags = await wait_diagnostics(push_client, uri, lambda d: True)
    assert all(d.range.start.line <= 2 for d in diags)
    await still_answers(push_client, vault)


async def test_bad_requests_in_a_row_keep_the_server_answering(push_client: LanguageClient, vault):
    uri = open_doc(push_client, vault / "domains/ai" / f"{COORD}.md")
    bad_params = [
        ("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": -1, "character": 0}}),
        ("textDocument/completion", {"textDocument": {"uri": uri}}),
        ("textDocument/definition", {"textDocument": {}, "position": {"line": 0, "character": 0}}),
        ("textDocument/references", None),
        ("textDocument/hover", {"textDocument": {"uri": 42}, "position": {"line": 0, "character": "x"}}),
    ]
    for n, (method, params) in enumerate(bad_params):
        future = await send_raw_request(push_client, f"bad-{n}", method, params)
        try:
            await asyncio.wait_for(future, TIMEOUT)
        except TimeoutError:
            raise AssertionError(f"{method} {params}: never answered") from None
        except Exception:
            pass  # an error reply is the right answer
    await still_answers(push_client, vault)


# ---- shutdown while indexing ---------------------------------------------------------------------


@pytest_lsp.fixture(config=CONFIG)
async def bare_client(lsp_client: LanguageClient):
    yield


def big_vault(root: Path, count: int = 3000) -> Path:
    files = {}
    for i in range(count):
        files[f"f{i % 30}/note number {i}.md"] = (
            f"---\ntype: claim\ndomain: ai-alignment\ndescription: note {i}\nconfidence: likely\n"
            f"source: gen\ncreated: 2026-01-01\n---\n\n# note number {i}\n\n"
            f"Links to [[note number {(i * 7) % count}]] and [[note number {(i + 1) % count}]].\n"
        )
    return write_vault(root, files)


async def shutdown_during_indexing(client: LanguageClient, tmp_path: Path) -> tuple[float, float, bool]:
    """Initialize on 3,000 notes, then shutdown and exit at once; (seconds to the shutdown
    answer, seconds to the process exit, whether indexing was still running)."""
    vault = big_vault(tmp_path / "big")
    params = lsp.InitializeParams(
        capabilities=client_capabilities("neovim@0.7.0"),
        workspace_folders=[lsp.WorkspaceFolder(uri=vault.as_uri(), name="big")],
        root_uri=vault.as_uri(),
    )
    await asyncio.wait_for(client.initialize_session(params), TIMEOUT)  # sends initialized too
    status = await asyncio.wait_for(client.protocol.send_request_async("claim-lsp/status", None), TIMEOUT)
    indexing = bool(status["indexing"] if isinstance(status, dict) else status.indexing)
    start = time.perf_counter()
    await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
    answered = time.perf_counter() - start
    client.exit(None)
    server = client._server
    assert server is not None
    code = await asyncio.wait_for(server.wait(), TIMEOUT)
    assert code == 0, f"exit code {code}"
    client.capabilities = None  # already shut down: the fixture must not do it again
    await asyncio.sleep(0.2)  # let the stderr forwarder drain
    return answered, time.perf_counter() - start, indexing


async def test_shutdown_while_indexing(bare_client: LanguageClient, tmp_path):
    answered, exited, indexing = await shutdown_during_indexing(bare_client, tmp_path)
    print(f"shutdown answered in {answered:.2f}s, exited in {exited:.2f}s (indexing={indexing})", file=sys.stderr)
    assert answered < TIMEOUT and exited < TIMEOUT


async def test_shutdown_while_indexing_is_quiet(bare_client: LanguageClient, tmp_path, capfd):
    await shutdown_during_indexing(bare_client, tmp_path)
    err = capfd.readouterr().err
    assert "Traceback" not in err, f"{err.count('Traceback')} tracebacks on stderr"


async def test_vault_folder_deleted_while_the_server_runs(push_client: LanguageClient, vault):
    import shutil

    path = vault / "domains/ai" / f"{COORD}.md"
    uri = open_doc(push_client, path)
    await wait_diagnostics(push_client, uri)
    gone = [p for p in vault.rglob("*.md")]
    shutil.rmtree(vault)
    push_client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            changes=[lsp.FileEvent(uri=p.as_uri(), type=lsp.FileChangeType.Deleted) for p in gone]
        )
    )
    # the open buffer is still the editor's: it keeps working, and its links to the deleted
    # notes are now broken
    diags = await wait_diagnostics(
        push_client, uri, lambda d: any(x.code == "broken-link" and x.data["target"] == SPEC for x in d)
    )
    assert diags
    answers = await ask_everything(push_client, uri, lsp.Position(line=0, character=0))
    assert answers is not None
    push_client.text_document_did_close(lsp.DidCloseTextDocumentParams(ident(uri)))
    status = await push_client.protocol.send_request_async("claim-lsp/status", None)
    notes = status["notes"] if isinstance(status, dict) else status.notes
    assert notes == 0


async def test_very_long_file_and_folder_names(push_client: LanguageClient, tmp_path, vault):
    deep = vault
    for i in range(12):
        deep = deep / (f"{i:02d}-" + "folder" * 40)[:250]
    deep.mkdir(parents=True)
    title = ("a very long claim title " * 11)[:250].strip()
    note = deep / f"{title}.md"
    note.write_text(f"# {title}\n\n[[{SPEC}]]\n")
    push_client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=note.as_uri(), type=lsp.FileChangeType.Created)])
    )
    uri = open_doc(push_client, vault / "linker.md", f"# linker\n\n[[{title}]]\n")
    diags = await wait_diagnostics(push_client, uri)
    assert not [d for d in diags if d.code == "broken-link"]
    result = await push_client.text_document_definition_async(
        lsp.DefinitionParams(text_document=ident(uri), position=lsp.Position(line=2, character=4))
    )
    assert result[0].uri == note.as_uri()
