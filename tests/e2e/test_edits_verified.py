"""Edits are verified against the text they change (issue 14): after indexing, files change
on disk and the client says nothing (a `git pull` in a terminal, a client that does not
watch files); a rename or a file move then writes only at the real links, updates the links
added meanwhile, and refuses, naming the file, when a file it must change cannot be read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from claim_lsp.checks import check_note
from claim_lsp.load import build_vault
from tests.e2e.apply_edit import apply_workspace_edit, read_file
from tests.e2e.conftest import open_doc, position_of

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_rename.py"
OLD, NEW = "old title", "new title"
TARGET = "claims/old title.md"

BEFORE = {
    TARGET: f"# {OLD}\n\nThe note renamed.\n",
    "notes/moved.md": f"# moved\n\nSee [[{OLD}]] here.\n",
    "notes/removed.md": f"# removed\n\nLinks [[{OLD}]] and more.\n",
    "notes/added.md": "# added\n\nNothing yet.\n",
    "notes/h1.md": f"Intro.\n\n[[{OLD}]]\n",
    "notes/blank.md": f"# blank\n\nA\n[[{OLD}]]\n",
    "notes/quoted.md": f"---\ndepends_on: ['[[{OLD}]]']\n---\n# quoted\n",
    "notes/untouched.md": f"# untouched\n\n[[{OLD}|shown]] stays where it was.\n",
}
# what each file holds after the unannounced changes on disk
ON_DISK = {
    "notes/moved.md": f"# moved\n\nA paragraph pulled in above.\n\nAnother one.\n\nSee [[{OLD}]] here.\n",
    "notes/removed.md": "# removed\n\nLinks nowhere now, and more text after it.\n",
    "notes/added.md": f"# added\n\nNow it links to [[{OLD}#Part]].\n",
    "notes/h1.md": f"Intro.\n\n# h1 heading pulled in\n\n[[{OLD}]]\n",
    "notes/blank.md": f"# blank\n\nA\n\n\n\n[[{OLD}]]\n",
    "notes/quoted.md": f"---\nfirst: 1\ndepends_on: ['[[{OLD}]]', \"[[{OLD}]]\"]\n---\n# quoted\n",
    "notes/new.md": f"# new\n\nFrom a pull: [[{OLD}]], ![[{OLD}]].\n",
}


@pytest.fixture(name="vault_files")
def verified_vault_files() -> dict[str, str]:
    return dict(BEFORE)


def change_on_disk(vault, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = vault / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")


def renamed(text: str) -> str:
    return text.replace(f"[[{OLD}", f"[[{NEW}")


def texts(vault) -> dict[str, str]:
    return {p.relative_to(vault).as_posix(): read_file(p) for p in vault.rglob("*.md")}


def link_problems(vault) -> list[tuple[str, str]]:
    rebuilt = build_vault(vault)
    return sorted(
        (note.path, p.code)
        for note in rebuilt.notes.values()
        for p in check_note(note, rebuilt)
        if p.code in ("broken-link", "ambiguous-link", "missing-heading")
    )


async def rename_note(client: LanguageClient, vault) -> lsp.WorkspaceEdit:
    uri = open_doc(client, vault / TARGET)
    return await client.text_document_rename_async(
        lsp.RenameParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=position_of(BEFORE[TARGET], f"# {OLD}", 4),
            new_name=NEW,
        )
    )


async def test_a_rename_after_unannounced_changes_writes_only_at_the_links(client: LanguageClient, vault):
    change_on_disk(vault, ON_DISK)
    edit = await rename_note(client, vault)
    apply_workspace_edit(edit)
    after = texts(vault)
    expected = {rel: renamed(text) for rel, text in {**BEFORE, **ON_DISK}.items()}
    expected[f"claims/{NEW}.md"] = f"# {NEW}\n\nThe note renamed.\n"
    del expected[TARGET]
    expected["notes/removed.md"] = ON_DISK["notes/removed.md"]  # no link left: not touched
    assert after == expected
    assert link_problems(vault) == [("notes/added.md", "missing-heading")]  # as before the rename: no #Part


async def test_a_file_move_after_unannounced_changes_writes_only_at_the_links(client: LanguageClient, vault):
    change_on_disk(vault, ON_DISK)
    old, new = vault / TARGET, vault / "claims" / f"{NEW}.md"
    edit = await client.workspace_will_rename_files_async(
        lsp.RenameFilesParams(files=[lsp.FileRename(old_uri=old.as_uri(), new_uri=new.as_uri())])
    )
    apply_workspace_edit(edit)
    old.rename(new)  # (the editor moves the file once the edit is applied)
    expected = {rel: renamed(text) for rel, text in {**BEFORE, **ON_DISK}.items()}
    expected[f"claims/{NEW}.md"] = f"# {NEW}\n\nThe note renamed.\n"
    del expected[TARGET]
    expected["notes/removed.md"] = ON_DISK["notes/removed.md"]
    assert texts(vault) == expected


@pytest.mark.parametrize(
    ("how", "why"),
    [("binary", "looks like a binary file"), ("too large", "over the limit")],
)
async def test_a_rename_touching_a_file_that_cannot_be_read_is_refused_naming_it(client, vault, how, why):
    path = vault / "notes/moved.md"
    if how == "binary":
        path.write_bytes(b"\x00\x01 [[" + OLD.encode() + b"]]")
    else:
        path.write_text("x" * (10 * 1024 * 1024 + 1), encoding="utf-8")  # past limits.max_file_bytes
    before = texts(vault)
    with pytest.raises(JsonRpcException) as refused:
        await rename_note(client, vault)
    message = str(refused.value)
    assert "notes/moved.md changed on disk and could not be re-read" in message and why in message
    assert texts(vault) == before  # nothing applied


async def test_a_file_gone_from_disk_is_left_out_of_the_rename(client: LanguageClient, vault):
    (vault / "notes/moved.md").unlink()
    edit = await rename_note(client, vault)
    edited = {c.text_document.uri for c in edit.document_changes if isinstance(c, lsp.TextDocumentEdit)}
    assert (vault / "notes/moved.md").as_uri() not in edited and len(edited) == 6  # each other note linking
    apply_workspace_edit(edit)
    assert not (vault / "notes/moved.md").exists()
    assert link_problems(vault) == []


@pytest.mark.parametrize("announced", [False, True], ids=["unannounced", "reported"])
async def test_a_file_gone_from_disk_but_open_is_edited_in_its_buffer(client: LanguageClient, vault, announced):
    """Deleted on disk while open in the editor: the buffer is the note (its text still links),
    so the rename edits the buffer, at the version the server saw, rather than dropping it."""
    path = vault / "notes/moved.md"
    buffer = BEFORE["notes/moved.md"] + "\nTyped, unsaved.\n"
    uri = open_doc(client, path, buffer)
    path.unlink()
    if announced:
        client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=uri, type=lsp.FileChangeType.Deleted)])
        )
    edit = await rename_note(client, vault)
    [moved] = [c for c in edit.document_changes if isinstance(c, lsp.TextDocumentEdit) and c.text_document.uri == uri]
    assert moved.text_document.version == 1
    buffers = {uri: buffer}
    apply_workspace_edit(edit, buffers)
    assert buffers[uri] == renamed(buffer) and not path.exists()


def test_a_rename_on_a_generated_vault_after_unannounced_changes_breaks_no_link():
    """scripts/verify_rename.py on 2,000 notes (its default, 20,000, is the issue's figure,
    run by hand): the server reads again exactly the files changed, the rename writes only at
    the links to the renamed note, and `claim-lsp check` finds no new broken link."""
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--notes", "2000", "--json"], capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    result = json.loads(out.stdout[out.stdout.index("{") :])
    changed = result["changed_on_disk"]
    assert result["failures"] == [] and result["by"] == "rename"
    assert result["read_again"] == changed["moved"] + changed["unlinked"] + changed["linked"] + changed["new"]
    assert result["new_link_problems"] == 0 and result["changes_outside_links"] == 0
    assert result["text_edits"] > changed["moved"] + changed["linked"] + changed["new"]
