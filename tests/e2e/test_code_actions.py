"""Code actions through the real server, applied to the files."""

from __future__ import annotations

import datetime as dt

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.apply_edit import apply_workspace_edit, read_file
from tests.e2e.conftest import every_client, open_doc, position_of
from tests.helpers import claim

SPEC = "values encoded at training time become unstable"
LINKER = (
    "---\n"
    "type: claim\n"
    "domain: ai-alignment\n"
    "confidence: likely\n"
    "created: 2026-03-01\n"
    "---\n\n"
    "# linker\n\n"
    "Typo [[values encoded at traning time become unstable]] here.\n"
    "New [[a brand new claim 🚀]] there.\n"
    f"Case [[{SPEC.upper()}]] and [[Values Encoded At Training Time Become Unstable|shown]].\n"
    "Two maps [[_map]].\n"
)


@pytest.fixture(name="vault_files")
def action_vault_files() -> dict[str, str]:
    return {
        f"claims/{SPEC}.md": claim("drift", "Body.", title=SPEC),
        "notes/linker.md": LINKER,
        "maps/_map.md": "# map\n",
        "notes/_map.md": "# notes map\n",
        "other/_map.md": "# other map\n",
        "existing/taken.md": "# taken\n",
    }


async def actions_at(client: LanguageClient, uri: str, position: lsp.Position, only=None) -> list[lsp.CodeAction]:
    result = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=lsp.Range(start=position, end=position),
            context=lsp.CodeActionContext(diagnostics=[], only=only),
        )
    )
    return list(result or [])


def can(client: LanguageClient, op: lsp.ResourceOperationKind) -> bool:
    ws = client.capabilities.workspace
    ops = ws.workspace_edit.resource_operations if ws and ws.workspace_edit else None
    return bool(ops) and op in ops


async def test_broken_link_replace_with_suggestion(client: LanguageClient, vault):
    path = vault / "notes/linker.md"
    uri = open_doc(client, path, LINKER)
    actions = await actions_at(client, uri, position_of(LINKER, "[[values encoded at traning", 4))
    titles = [a.title for a in actions]
    assert titles[0] == f"Replace with [[{SPEC}]]"
    assert all(a.kind == lsp.CodeActionKind.QuickFix for a in actions if a.title.startswith("Replace"))
    assert actions[0].diagnostics[0].code == "broken-link"
    apply_workspace_edit(actions[0].edit, buffers := {uri: LINKER})
    assert f"Typo [[{SPEC}]] here." in buffers[uri]


@every_client  # Emacs lists no resource operations: no CreateFile
async def test_broken_link_create_note(client: LanguageClient, vault):
    uri = open_doc(client, vault / "notes/linker.md", LINKER)
    actions = await actions_at(client, uri, position_of(LINKER, "[[a brand new", 4))
    create = [a for a in actions if a.title.startswith("Create note")]
    if not can(client, lsp.ResourceOperationKind.Create):
        assert create == []
        return
    assert [a.title for a in create] == ["Create note 'a brand new claim 🚀' (notes/a brand new claim 🚀.md)"]
    edit = create[0].edit
    assert isinstance(edit.document_changes[0], lsp.CreateFile)
    assert edit.document_changes[0].options.overwrite is False
    apply_workspace_edit(edit)
    text = read_file(vault / "notes/a brand new claim 🚀.md")
    today = dt.date.today().isoformat()
    assert text == (
        "---\ntype: claim\ndomain: ai-alignment\ndescription:\nconfidence:\nsource:\n"
        f"created: {today}\n---\n\n# a brand new claim 🚀\n\n"
    )
    # never overwrite: once the file exists, the action is no longer offered
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=LINKER + "[[taken]] [[../../escape]]\n")],
        )
    )
    text2 = LINKER + "[[taken]] [[../../escape]]\n"
    escape = await actions_at(client, uri, position_of(text2, "[[../../escape", 4))
    assert not any(a.title.startswith("Create note") for a in escape)


async def test_case_mismatch_fix_and_fix_all(client: LanguageClient, vault):
    uri = open_doc(client, vault / "notes/linker.md", LINKER)
    actions = await actions_at(client, uri, position_of(LINKER, f"[[{SPEC.upper()}", 4))
    change = [a for a in actions if a.title == f"Change to [[{SPEC}]]"]
    assert change and change[0].is_preferred
    fix_all = await actions_at(client, uri, lsp.Position(line=0, character=0), only=[lsp.CodeActionKind.SourceFixAll])
    assert [a.title for a in fix_all] == ["Fix 2 case mismatches in this file"]
    assert fix_all[0].kind == lsp.CodeActionKind.SourceFixAll
    apply_workspace_edit(fix_all[0].edit, buffers := {uri: LINKER})
    assert f"Case [[{SPEC}]] and [[{SPEC}|shown]]." in buffers[uri]
    only_fix = await actions_at(client, uri, lsp.Position(line=0, character=0), only=[lsp.CodeActionKind.QuickFix])
    assert not any(a.kind == lsp.CodeActionKind.SourceFixAll for a in only_fix)


async def test_ambiguous_link_to_each_candidate(client: LanguageClient, vault):
    text = "# top\n\n[[_map]]\n"
    uri = open_doc(client, vault / "top.md", text)
    actions = await actions_at(client, uri, position_of(text, "[[_map", 3))
    assert [a.title for a in actions] == ["Link to maps/_map.md", "Link to notes/_map.md", "Link to other/_map.md"]
    apply_workspace_edit(actions[1].edit, buffers := {uri: text})
    assert buffers[uri] == "# top\n\n[[notes/_map]]\n"


async def test_missing_fields_in_schema_order(client: LanguageClient, vault):
    path = vault / "notes/linker.md"
    text = LINKER.replace("\n", "\r\n")
    uri = open_doc(client, path, text)
    actions = await actions_at(client, uri, lsp.Position(line=0, character=1))
    add = [a for a in actions if a.title.startswith("Add missing fields")]
    assert [a.title for a in add] == ["Add missing fields: description, source"]
    apply_workspace_edit(add[0].edit, buffers := {uri: text})
    assert buffers[uri].startswith(
        "---\r\ntype: claim\r\ndomain: ai-alignment\r\ndescription:\r\nconfidence: likely\r\nsource:\r\ncreated: 2026-03-01\r\n---\r\n"
    )
