"""Rename through the real server: the WorkspaceEdit is applied to the files and every file
is read back."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from claim_lsp.checks import check_note
from claim_lsp.load import build_vault
from tests.e2e.apply_edit import apply_workspace_edit, path_of, read_file
from tests.e2e.conftest import change_doc, every_client, open_doc, position_of
from tests.helpers import claim

T = "prediction markets beat polls 🚀 at forecasting elections"
NEW = "markets out-forecast polls ✓ 🚀 in close elections"
ALIAS = "market forecasts"
OTHER = "an existing claim about something else"


def target_note(t: str) -> str:
    return claim(
        "Markets aggregate what polls miss",
        f"Self link to [[{t}#Evidence]] and [[#Evidence]].\n\n## Evidence\n\nSome.\n\n## Challenges\n\nFew.",
        title=t,
        extra=f"aliases: [{ALIAS}]\n",
    )


def linker(i: int, t: str) -> str:
    """Note i links to title t in one of eight ways; alias links never change."""
    form = i % 8
    extra = ""
    if form == 0:
        body = f"Because [[{t}]] holds."
    elif form == 1:
        body = f"See [[{t}|the markets claim]] too."
    elif form == 2:
        body = f"Evidence in [[{t}#Evidence]] and ![[{t}#Evidence|excerpt]]."
    elif form == 3:
        body = f"Embedded:\n\n![[{t}]]"
    elif form == 4:
        extra = f'depends_on: ["[[{t}]]", "[[{OTHER}]]"]\n'
        body = f"Also [[{ALIAS}]]."
    elif form == 5:
        body = f"By path [[claims/{t}]] and with extension [[{t}.md]]."
    elif form == 6:
        body = f"🚀🚀 emoji first [[{t}]] then [[{ALIAS}|alias shown]] and [[{t}#Evidence|ev]]."
    else:
        extra = f'challenged_by:\n  - "[[{t}#Evidence]]"\n'
        body = f"Two on a line: [[{t}]], [[{t}]]. `[[{T}]]` in code stays."
    text = claim(f"linker {i}", body + "\n\nSee also [[hub]].", title=f"linker {i}", extra=extra)
    return text.replace("\n", "\r\n") if i % 7 == 0 else text


def vault_files(t: str = T) -> dict[str, str]:
    files = {f"claims/{t}.md": target_note(t)}
    for i in range(50):
        files[f"notes/group{i % 5}/linker {i}.md"] = linker(i, t)
    files["hub.md"] = "# hub\n\nNothing.\n"
    files[f"claims/{OTHER}.md"] = claim("other", "Body.", title=OTHER)
    return files


LINK_PROBLEMS = ("broken-link", "case-mismatch", "ambiguous-link", "missing-heading")


@pytest.fixture(name="vault_files")
def rename_vault_files() -> dict[str, str]:
    return vault_files()


def renames_files(client: LanguageClient) -> bool:
    ws = client.capabilities.workspace if client.capabilities else None
    ops = ws.workspace_edit.resource_operations if ws and ws.workspace_edit else None
    return bool(ops) and lsp.ResourceOperationKind.Rename in ops


def h1_position(text: str, title: str) -> lsp.Position:
    line = text.split("\n").index(f"# {title}" + ("\r" if "\r\n" in text else ""))
    return lsp.Position(line=line, character=4)


def pos_of(text: str, needle: str, extra: int = 2) -> lsp.Position:
    return position_of(text, needle, extra)


@every_client  # a note's rename renames its file: refused for Emacs
async def test_rename_note_linked_from_50_notes(client: LanguageClient, vault):
    # one linking note is open with unsaved changes: it must be edited through the edit
    open_rel = "notes/group1/linker 1.md"
    disk_text = read_file(vault / open_rel)
    unsaved = disk_text + f"Unsaved [[{T}]] line.\n"
    open_uri = open_doc(client, vault / open_rel, disk_text)
    change_doc(client, open_uri, unsaved, 2)
    target = vault / f"claims/{T}.md"
    text = read_file(target)
    prepared = await client.text_document_prepare_rename_async(
        lsp.PrepareRenameParams(
            text_document=lsp.TextDocumentIdentifier(uri=target.as_uri()), position=h1_position(text, T)
        )
    )
    assert prepared.placeholder == T
    params = lsp.RenameParams(
        text_document=lsp.TextDocumentIdentifier(uri=target.as_uri()), position=h1_position(text, T), new_name=NEW
    )
    if not renames_files(client):
        with pytest.raises(JsonRpcException, match="does not accept file renames"):
            await client.text_document_rename_async(params)
        return
    edit = await client.text_document_rename_async(params)
    assert edit is not None and edit.changes is None
    versions = {
        c.text_document.uri: c.text_document.version
        for c in edit.document_changes
        if isinstance(c, lsp.TextDocumentEdit)
    }
    assert versions[open_uri] == 2
    assert all(v is None for uri, v in versions.items() if uri != open_uri)
    assert isinstance(edit.document_changes[-1], lsp.RenameFile)

    buffers = {open_uri: unsaved}
    apply_workspace_edit(edit, buffers)
    # the open note's file was not touched behind the editor's back; its buffer was edited
    assert read_file(vault / open_rel) == disk_text
    assert buffers[open_uri] == linker(1, NEW) + f"Unsaved [[{NEW}]] line.\n"
    (vault / open_rel).write_text(buffers[open_uri], encoding="utf-8", newline="")  # the editor saves

    assert not target.exists()
    expected = vault_files(NEW)
    expected[open_rel] = buffers[open_uri]
    actual = {p.relative_to(vault).as_posix(): read_file(p) for p in vault.rglob("*.md")}
    assert sorted(actual) == sorted(expected)
    for rel, want in expected.items():
        assert actual[rel] == want, rel
    # and the vault checks clean: no broken link anywhere
    rebuilt = build_vault(vault)
    broken = [
        (n.path, p.message) for n in rebuilt.notes.values() for p in check_note(n, rebuilt) if p.code in LINK_PROBLEMS
    ]
    assert broken == []


@every_client  # as above
async def test_rename_from_a_link_and_prepare_rename(client: LanguageClient, vault):
    rel = "notes/group0/linker 0.md"
    text = read_file(vault / rel)
    uri = open_doc(client, vault / rel, text)
    doc = lsp.TextDocumentIdentifier(uri=uri)
    on_link = pos_of(text, f"[[{T}]]", 4)
    prepared = await client.text_document_prepare_rename_async(
        lsp.PrepareRenameParams(text_document=doc, position=on_link)
    )
    assert prepared.placeholder == T
    assert prepared.range.start == pos_of(text, f"[[{T}]]", 2)
    nothing = await client.text_document_prepare_rename_async(
        lsp.PrepareRenameParams(text_document=doc, position=lsp.Position(line=1, character=0))
    )
    assert nothing is None
    hub = await client.text_document_prepare_rename_async(
        lsp.PrepareRenameParams(text_document=doc, position=pos_of(text, "[[hub]]", 3))
    )
    assert hub.placeholder == "hub"
    if not renames_files(client):
        return
    edit = await client.text_document_rename_async(lsp.RenameParams(text_document=doc, position=on_link, new_name=NEW))
    renames = [c for c in edit.document_changes if isinstance(c, lsp.RenameFile)]
    assert [path_of(r.new_uri).name for r in renames] == [f"{NEW}.md"]


@every_client  # a heading's rename needs no file operation: Emacs too
async def test_rename_heading_updates_heading_links(client: LanguageClient, vault):
    target = vault / f"claims/{T}.md"
    text = read_file(target)
    pos = pos_of(text, "## Evidence", 4)
    prepared = await client.text_document_prepare_rename_async(
        lsp.PrepareRenameParams(text_document=lsp.TextDocumentIdentifier(uri=target.as_uri()), position=pos)
    )
    assert prepared.placeholder == "Evidence"
    edit = await client.text_document_rename_async(
        lsp.RenameParams(text_document=lsp.TextDocumentIdentifier(uri=target.as_uri()), position=pos, new_name="Proof")
    )
    assert not any(isinstance(c, lsp.RenameFile) for c in edit.document_changes)
    apply_workspace_edit(edit)
    new_target = read_file(target)
    assert "## Proof" in new_target and f"[[{T}#Proof]]" in new_target and "[[#Proof]]" in new_target
    for i in range(50):
        want = linker(i, T).replace("#Evidence", "#Proof")
        assert read_file(vault / f"notes/group{i % 5}/linker {i}.md") == want


REFUSALS = [
    (OTHER, "already exists"),
    (ALIAS + " x", None),  # fine: control case, no refusal
    ("", "empty"),
    ("   ", "empty"),
    ("../../outside", "leave the vault"),
    ("sub/title", "another folder"),
    ("back\\slash", "another folder"),
    ("colon: here", "cannot be in a file name"),
    ("star*", "cannot be in a file name"),
    ("what?", "cannot be in a file name"),
    ('quote"d', "cannot be in a file name"),
    ("less<", "cannot be in a file name"),
    ("more>", "cannot be in a file name"),
    ("pipe|d", "cannot be in a file name"),
    ("hash#tag", "to it short"),
    (".hidden", "hidden file"),
]


@every_client  # refused for another reason where files cannot be renamed
async def test_rename_refusals_leave_everything_untouched(client: LanguageClient, vault):
    before = {p: p.read_bytes() for p in vault.rglob("*.md")}
    target = vault / f"claims/{T}.md"
    text = read_file(target)
    doc = lsp.TextDocumentIdentifier(uri=target.as_uri())
    if not renames_files(client):
        # a client that cannot rename files gets every note rename refused, and nothing changes
        for new_name, _ in REFUSALS:
            params = lsp.RenameParams(text_document=doc, position=h1_position(text, T), new_name=new_name)
            with pytest.raises(JsonRpcException, match="does not accept file renames"):
                await client.text_document_rename_async(params)
        assert {p: p.read_bytes() for p in vault.rglob("*.md")} == before
        return
    for new_name, message in REFUSALS:
        params = lsp.RenameParams(text_document=doc, position=h1_position(text, T), new_name=new_name)
        if message is None:
            assert await client.text_document_rename_async(params) is not None
            continue
        with pytest.raises(JsonRpcException) as info:
            await client.text_document_rename_async(params)
        assert message in info.value.message, (new_name, info.value.message)
        assert info.value.code == -32803
    # a file on disk that the index does not hold (ignored or just created) also blocks
    (vault / "claims" / "on disk only.md").write_text("x", encoding="utf-8")
    with pytest.raises(JsonRpcException, match="already exists"):
        await client.text_document_rename_async(
            lsp.RenameParams(text_document=doc, position=h1_position(text, T), new_name="on disk only")
        )
    # a broken link cannot be renamed through
    broken = vault / "broken.md"
    uri = open_doc(client, broken, "# broken\n\n[[no such note]]\n")
    with pytest.raises(JsonRpcException, match="No note is titled"):
        await client.text_document_prepare_rename_async(
            lsp.PrepareRenameParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=2, character=4)
            )
        )
    after = {p: p.read_bytes() for p in before}
    assert after == before


async def test_will_rename_files_updates_links(client: LanguageClient, vault):
    old = vault / f"claims/{T}.md"
    new = vault / f"moved/{NEW}.md"
    edit = await client.workspace_will_rename_files_async(
        lsp.RenameFilesParams(files=[lsp.FileRename(old_uri=old.as_uri(), new_uri=new.as_uri())])
    )
    assert edit is not None
    assert not any(isinstance(c, (lsp.RenameFile, lsp.CreateFile)) for c in edit.document_changes)
    apply_workspace_edit(edit)
    new.parent.mkdir()
    old.rename(new)  # the editor moves the file after applying the edit
    for i in range(50):
        got = read_file(vault / f"notes/group{i % 5}/linker {i}.md")
        want = linker(i, NEW).replace(f"[[claims/{NEW}]]", f"[[moved/{NEW}]]")
        assert got == want, i
    rebuilt = build_vault(vault)
    broken = [
        (n.path, p.message) for n in rebuilt.notes.values() for p in check_note(n, rebuilt) if p.code in LINK_PROBLEMS
    ]
    assert broken == []


async def test_will_rename_folder_rewrites_path_links(client: LanguageClient, vault):
    old = vault / "claims"
    new = vault / "archive" / "claims"
    edit = await client.workspace_will_rename_files_async(
        lsp.RenameFilesParams(files=[lsp.FileRename(old_uri=old.as_uri(), new_uri=new.as_uri())])
    )
    if edit is not None:
        apply_workspace_edit(edit)
    new.parent.mkdir()
    old.rename(new)
    got = read_file(vault / "notes/group0/linker 5.md")
    assert f"[[claims/{T}]]" in got  # still a unique path suffix: unchanged
    rebuilt = build_vault(vault)
    broken = [
        (n.path, p.message) for n in rebuilt.notes.values() for p in check_note(n, rebuilt) if p.code in LINK_PROBLEMS
    ]
    assert broken == []


DISPLAY_H1 = {
    "projects/metacorp-platform.md": "# MetaCorp\n\nThe platform.\n",
    "projects/old name.md": "# Old Name\n\nBody.\n",
    "linker.md": "# linker\n\n[[metacorp-platform]] and [[old name]].\n",
}


@pytest.mark.parametrize("vault_files", [DISPLAY_H1])
async def test_rename_keeps_an_h1_that_is_not_the_title(client: LanguageClient, vault):
    """(~45% of the notes in real vaults carry a display H1 that differs from the file name.)"""
    if not renames_files(client):
        return
    linker = vault / "linker.md"
    text = read_file(linker)
    doc = lsp.TextDocumentIdentifier(uri=linker.as_uri())
    # the last link on the line first: the edits of the second rename stay where the server saw them
    for old, new in (("old name", "new name"), ("metacorp-platform", "metacorp")):
        edit = await client.text_document_rename_async(
            lsp.RenameParams(text_document=doc, position=pos_of(text, f"[[{old}]]", 3), new_name=new)
        )
        apply_workspace_edit(edit)
    assert read_file(vault / "projects/metacorp.md") == DISPLAY_H1["projects/metacorp-platform.md"]
    assert read_file(vault / "projects/new name.md") == "# new name\n\nBody.\n"  # it was the title: it follows
    assert read_file(linker) == "# linker\n\n[[metacorp]] and [[new name]].\n"


QUOTED = {
    "claims/Bob's claim.md": "# Bob's claim\n\nBody.\n",
    'claims/Say "hi".md': '# Say "hi"\n\nBody.\n',
    "linker.md": (
        "---\ndepends_on: ['[[Bob''s claim]]', '[[Bob''s claim|it''s]]']\nrelated: \"[[Say \\\"hi\\\"]]\"\n---\n"
        "# linker\n\nBody [[Bob's claim]]; in the body '' is two characters: [[Bob''s claim]].\n"
    ),
}


@pytest.mark.parametrize("vault_files", [QUOTED])
async def test_links_with_escaped_quotes_in_yaml_resolve_and_are_renamed(client: LanguageClient, vault):
    linker = vault / "linker.md"
    text = read_file(linker)
    uri = open_doc(client, linker, text)
    doc = lsp.TextDocumentIdentifier(uri=uri)
    # the frontmatter links are not broken (only the body's literal one is)
    report = await client.text_document_diagnostic_async(lsp.DocumentDiagnosticParams(text_document=doc))
    broken = [d for d in report.items if d.code == "broken-link"]
    assert [d.data["target"] for d in broken] == ["Bob''s claim"]
    assert broken[0].range.start == pos_of(text, "[[Bob''s claim]].", 2)
    # references count both quoted items, with ranges on the characters in the file
    bob = vault / "claims/Bob's claim.md"
    found = await client.text_document_references_async(
        lsp.ReferenceParams(
            text_document=lsp.TextDocumentIdentifier(uri=bob.as_uri()),
            position=lsp.Position(line=0, character=3),
            context=lsp.ReferenceContext(include_declaration=False),
        )
    )
    starts = sorted((r.range.start.line, r.range.start.character, r.range.end.character) for r in found)
    first, second = text.index("[[Bob''s claim]]'"), text.index("[[Bob''s claim|")
    line1 = text.index("\n") + 1
    body = pos_of(text, "[[Bob's claim]];", 0)
    assert starts == [
        (1, first - line1, first - line1 + len("[[Bob''s claim]]")),
        (1, second - line1, second - line1 + len("[[Bob''s claim|it''s]]")),
        (body.line, body.character, body.character + len("[[Bob's claim]]")),
    ]
    # completion inside a quoted item
    scratch = "---\ndepends_on: ['[[Bob\n---\n# scratch\n"
    scratch_uri = open_doc(client, vault / "scratch.md", scratch)
    result = await client.text_document_completion_async(
        lsp.CompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=scratch_uri), position=pos_of(scratch, "[[Bob", 5)
        )
    )
    assert result.items[0].label == "Bob's claim"
    if not renames_files(client):
        return
    # renamed from a link in the open note, whose buffer the edit changes (the editor tells the server)
    for version, (needle, new) in enumerate((('"[[Say', "Say hello"), ("[[Bob''s", "Bob and Ann's claim")), start=2):
        edit = await client.text_document_rename_async(
            lsp.RenameParams(text_document=doc, position=pos_of(text, needle, 3), new_name=new)
        )
        apply_workspace_edit(edit, buffers := {uri: text})
        text = buffers[uri]
        change_doc(client, uri, text, version)
    assert text == (
        "---\ndepends_on: ['[[Bob and Ann''s claim]]', '[[Bob and Ann''s claim|it''s]]']\nrelated: \"[[Say hello]]\"\n"
        "---\n# linker\n\nBody [[Bob and Ann's claim]]; in the body '' is two characters: [[Bob''s claim]].\n"
    )
