"""A live vault is never damaged while a large change on disk is filed (issue 14): the server
keeps answering per-note requests (hover, completion) while it reads and files the change, and
a whole-vault request sent meanwhile (references, rename) waits until all of it is filed, then
answers on the whole of it. A folder added again while the vault is indexed leaves the
requests waiting for that indexing to be answered when it ends.

The server runs with the test knob CLAIM_LSP_TEST_SLOW_READ (load.py), which holds each batch
of notes read (by the indexing, and of a change reported on disk) before it is filed: the
change below, small as it is, takes that long to be filed, on any machine."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.apply_edit import apply_workspace_edit, path_of
from tests.e2e.conftest import make_client, open_doc, position_of, status, wait_indexed
from tests.helpers import write_vault

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "loop_block.py"
SLOW = 2.0  # seconds each batch of notes read is held before it is filed
TIMEOUT = 30
LINKERS = 40
NEW = "renamed target"
BOUND = 10  # seconds a whole-vault request waits for the index before it fails


def files() -> dict[str, str]:
    out = {
        "target.md": "# target\n\nThe note renamed.\n",
        "other.md": "# other\n\nA note hovered.\n",
        "open.md": "# open\n\nSee [[other]] and [[target]].\n",
    }
    out.update({f"linkers/l{i}.md": f"# l{i}\n\nLinks [[target]].\n" for i in range(LINKERS)})
    return out


async def start(vault: Path, env: dict[str, str] | None = None) -> LanguageClient:
    """A server on vault for VS Code (it reports changes on disk), the test knob on."""
    client = make_client()
    await client.start_io(
        sys.executable, "-m", "claim_lsp", env={**os.environ, "CLAIM_LSP_TEST_SLOW_READ": str(SLOW), **(env or {})}
    )
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            workspace_folders=[lsp.WorkspaceFolder(uri=vault.as_uri(), name="vault")],
            root_uri=vault.as_uri(),
        )
    )
    return client


def change_on_disk(vault: Path) -> list[lsp.FileEvent]:
    """A branch switch, in small: every linker rewritten (its link moved down), one deleted,
    a folder of new linkers added; reported as VS Code reports it (the folder as one event)."""
    events = []
    for i in range(1, LINKERS):
        path = vault / f"linkers/l{i}.md"
        path.write_text(f"# l{i}\n\nA paragraph pulled in above.\n\nLinks [[target]] now.\n", encoding="utf-8")
        events.append(lsp.FileEvent(uri=path.as_uri(), type=lsp.FileChangeType.Changed))
    (vault / "linkers/l0.md").unlink()
    events.append(lsp.FileEvent(uri=(vault / "linkers/l0.md").as_uri(), type=lsp.FileChangeType.Deleted))
    write_vault(vault, {f"new/n{i}.md": f"# n{i}\n\nNew, and linking [[target]].\n" for i in range(LINKERS)})
    events.append(lsp.FileEvent(uri=(vault / "new").as_uri(), type=lsp.FileChangeType.Created))
    return events


async def test_hover_and_completion_answer_while_a_large_change_is_filed_and_a_rename_waits_for_all_of_it(
    tmp_path: Path,
):
    vault = write_vault(tmp_path / "vault", files())
    client = await start(vault)
    try:
        await wait_indexed(client)
        text = (vault / "open.md").read_text(encoding="utf-8")
        uri = open_doc(client, vault / "open.md", text)
        doc = lsp.TextDocumentIdentifier(uri=uri)
        on_target = position_of(text, "[[target]]", 3)
        client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(changes=change_on_disk(vault)))
        loop = asyncio.get_running_loop()
        sent = loop.time()
        references = asyncio.ensure_future(
            client.text_document_references_async(
                lsp.ReferenceParams(
                    text_document=doc, position=on_target, context=lsp.ReferenceContext(include_declaration=False)
                )
            )
        )
        rename = asyncio.ensure_future(
            client.text_document_rename_async(lsp.RenameParams(text_document=doc, position=on_target, new_name=NEW))
        )
        hover = await asyncio.wait_for(
            client.text_document_hover_async(
                lsp.HoverParams(text_document=doc, position=position_of(text, "[[other", 3))
            ),
            TIMEOUT,
        )
        completion = await asyncio.wait_for(
            client.text_document_completion_async(
                lsp.CompletionParams(text_document=doc, position=position_of(text, "[[other", 4))
            ),
            TIMEOUT,
        )
        answered = loop.time() - sent
        # answered while the change is still being filed: the whole-vault requests still wait
        assert not references.done() and not rename.done(), "the change was filed before the test could ask"
        assert answered < SLOW
        assert hover is not None and "other" in str(hover.contents)
        items = completion.items if isinstance(completion, lsp.CompletionList) else completion
        assert any(item.label == "other" for item in items or [])

        found = await asyncio.wait_for(references, TIMEOUT)
        linking = {path_of(location.uri).relative_to(vault).as_posix() for location in found}
        expected = {f"linkers/l{i}.md" for i in range(1, LINKERS)} | {f"new/n{i}.md" for i in range(LINKERS)}
        assert linking == expected | {"open.md"}
        assert loop.time() - sent >= SLOW  # (it waited for the change)

        edit = await asyncio.wait_for(rename, TIMEOUT)
        buffers = {uri: text}
        apply_workspace_edit(edit, buffers)
        assert buffers[uri] == f"# open\n\nSee [[other]] and [[{NEW}]].\n"
        for rel in sorted(expected):
            written = (vault / rel).read_text(encoding="utf-8")
            assert f"[[{NEW}]]" in written and "[[target]]" not in written, rel
        assert (vault / f"{NEW}.md").exists() and not (vault / "linkers/l0.md").exists()
    finally:
        await client.shutdown_session()


async def test_a_folder_added_again_while_indexing_leaves_the_waiting_requests_answered(tmp_path: Path):
    """didChangeWorkspaceFolders adding a folder already open (or first opened as the vault of
    a file outside the workspace) while it is indexed: the requests waiting for that indexing
    are answered when it ends, not failed at the bound."""
    vault = write_vault(tmp_path / "vault", files())
    client = await start(vault, {"CLAIM_LSP_INDEX_WAIT_SECONDS": str(BOUND)})
    try:
        assert (await status(client))["indexing"], "indexing ended before the test could ask"
        text = (vault / "open.md").read_text(encoding="utf-8")
        uri = open_doc(client, vault / "open.md", text)
        references = asyncio.ensure_future(
            client.text_document_references_async(
                lsp.ReferenceParams(
                    text_document=lsp.TextDocumentIdentifier(uri=uri),
                    position=position_of(text, "[[target]]", 3),
                    context=lsp.ReferenceContext(include_declaration=False),
                )
            )
        )
        await asyncio.sleep(0.2)
        client.workspace_did_change_workspace_folders(
            lsp.DidChangeWorkspaceFoldersParams(
                event=lsp.WorkspaceFoldersChangeEvent(
                    added=[lsp.WorkspaceFolder(uri=vault.as_uri(), name="vault")], removed=[]
                )
            )
        )
        found = await asyncio.wait_for(references, BOUND + 5)  # (stranded, it failed at the bound)
        assert len(found) == LINKERS + 1
        current = await wait_indexed(client)
        assert current["notes"] == len(files()) and len(current["vaults"]) == 1
    finally:
        await client.shutdown_session()


def test_the_loop_block_script_switches_a_branch_and_sees_all_of_it():
    """scripts/loop_block.py on 1,000 notes (its default, 20,000, is the issue's figure, run by
    hand): the server ends holding the new branch, every link to the note the changed notes link
    to included, and a hover was answered during the switch."""
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--notes", "1000", "--watching", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    result = json.loads(out.stdout[out.stdout.index("{") :])
    assert result["complete"] and result["probes"] > 0 and result["changed"] > 900
