"""edits.py (VaultChange and the link-text helpers) and lsp/edits.py (VaultChange ->
WorkspaceEdit): what every rename, quick fix and new note is built from. No server runs:
a stand-in holds what the conversion reads of it, the client's capabilities and the
documents open in the editor."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.uris import to_fs_path
from pytest_lsp import client_capabilities

from claim_lsp.edits import (
    Replace,
    VaultChange,
    as_written_in,
    heading_reads,
    heading_span,
    link_reads,
    stale_replacement,
    written_target,
)
from claim_lsp.index import Vault
from claim_lsp.lsp.capabilities import ClientSupport
from claim_lsp.lsp.convert import path_to_uri
from claim_lsp.lsp.edits import RequestFailed, supports_file_ops, to_workspace_edit
from claim_lsp.model import Link, Span
from claim_lsp.parse import parse_note
from claim_lsp.text import split_lines
from tests.helpers import write_vault


def spanned(text: str, span: Span) -> str:
    assert span.line == span.end_line
    return split_lines(text)[span.line][span.col : span.end_col]


def replaced(text: str, span: Span, new: str) -> str:
    lines = split_lines(text)
    line = lines[span.line]
    lines[span.line] = line[: span.col] + new + line[span.end_col :]
    return "\n".join(lines)


# ---- VaultChange.replace: edits must not overlap ----------------------------------------------


def test_replacements_are_kept_per_path_in_the_order_added():
    change = VaultChange()
    assert change.replace("a.md", Span(2, 0, 2, 3), "x")
    assert change.replace("a.md", Span(0, 0, 0, 3), "y")
    assert change.replace("b.md", Span(2, 0, 2, 3), "z")  # the same span in another note
    assert change.edits == {
        "a.md": [Replace(Span(2, 0, 2, 3), "x"), Replace(Span(0, 0, 0, 3), "y")],
        "b.md": [Replace(Span(2, 0, 2, 3), "z")],
    }
    assert change.count() == 3


@pytest.mark.parametrize(
    ("first", "second", "accepted"),
    [
        (Span(0, 0, 0, 5), Span(0, 0, 0, 5), False),  # the same span twice
        (Span(0, 0, 0, 5), Span(0, 3, 0, 8), False),
        (Span(0, 3, 0, 8), Span(0, 0, 0, 5), False),
        (Span(0, 0, 0, 9), Span(0, 3, 0, 5), False),  # inside
        (Span(0, 5, 2, 0), Span(1, 0, 1, 3), False),  # inside, across lines
        (Span(0, 5, 1, 2), Span(1, 0, 1, 4), False),
        (Span(0, 0, 0, 5), Span(0, 5, 0, 8), True),  # touching is not overlapping
        (Span(0, 5, 0, 8), Span(0, 0, 0, 5), True),
        (Span(0, 0, 0, 5), Span(1, 0, 1, 5), True),
        (Span(0, 0, 0, 5), Span(0, 5, 0, 5), True),  # an insertion at either end of a range
        (Span(0, 0, 0, 5), Span(0, 0, 0, 0), True),
        (Span(0, 0, 0, 5), Span(0, 2, 0, 2), False),  # an insertion inside a range
        (Span(0, 2, 0, 2), Span(0, 0, 0, 5), False),
        (Span(0, 2, 0, 2), Span(0, 2, 0, 2), False),  # two insertions at one point: in which order?
        (Span(0, 2, 0, 2), Span(0, 3, 0, 3), True),
    ],
)
def test_overlapping_replacements_are_refused(first, second, accepted):
    change = VaultChange()
    assert change.replace("a.md", first, "1")
    assert change.replace("a.md", second, "2") is accepted
    assert [e.new_text for e in change.edits["a.md"]] == (["1", "2"] if accepted else ["1"])


def test_merge_keeps_the_first_of_overlapping_edits_and_each_file_operation_once():
    change = VaultChange(creates=[("new.md", "# new\n")], renames=[("a.md", "b.md")])
    change.replace("a.md", Span(0, 0, 0, 5), "first")
    other = VaultChange(creates=[("new.md", "# new\n"), ("other.md", "")], renames=[("a.md", "b.md"), ("c.md", "d.md")])
    other.replace("a.md", Span(0, 2, 0, 6), "overlaps")
    other.replace("a.md", Span(1, 0, 1, 1), "second")
    other.replace("z.md", Span(0, 0, 0, 0), "elsewhere")
    change.merge(other)
    assert [e.new_text for e in change.edits["a.md"]] == ["first", "second"]
    assert [e.new_text for e in change.edits["z.md"]] == ["elsewhere"]
    assert change.creates == [("new.md", "# new\n"), ("other.md", "")]
    assert change.renames == [("a.md", "b.md"), ("c.md", "d.md")]
    assert change.count() == 3


def test_a_change_is_true_when_it_changes_anything():
    assert not VaultChange()
    assert not VaultChange(edits={"a.md": []})  # a path with nothing to replace
    assert VaultChange(creates=[("n.md", "")])
    assert VaultChange(renames=[("a.md", "b.md")])
    change = VaultChange()
    change.replace("a.md", Span(0, 0, 0, 0), "x")
    assert change and change.count() == 1


# ---- where a link's parts are written ----------------------------------------------------------

LINKS = (
    "---\n"
    "up: '[[ It''s up #Top ]]'\n"
    'down: ["[[down.md|shown]]"]\n'
    "---\n"
    "[[plain]] [[ Spaced Note.md | shown ]] ![[embed#Head|x]] [[#local]]\n"
    "| [[table\\|cell]] | [[table#row\\|cell]] |\n"
    "🚀é [[🚀 astral#🚀 part]] [[n#a#b]] [[n#]] [[n#  Ev  |s]] ![[folder/deep#  H ]]\n"
)


def links_of(text: str) -> list[Link]:
    return parse_note("n.md", text).links


def test_written_target_is_what_target_span_covers():
    got = [(written_target(link), spanned(LINKS, link.target_span)) for link in links_of(LINKS)]
    assert [w for w, _ in got] == [
        "It's up",  # as YAML reads it inside the quotes
        "down.md",
        "plain",
        "Spaced Note.md",  # trimmed, .md kept
        "embed",
        "",
        "table\\",  # the table's \ before | is part of what is written
        "table",
        "🚀 astral",
        "n",
        "n",
        "n",
        "folder/deep",
    ]
    assert got[0][1] == "It''s up"  # what the file holds there: the target as written, escapes and all
    assert all(written == covered for written, covered in got[1:])


def test_heading_span_covers_the_heading_as_parsed():
    links = links_of(LINKS)
    got = [(link.heading, heading_span(link)) for link in links]
    for heading, span in got:
        if heading is None:
            assert span is None
        else:
            assert span is not None and spanned(LINKS, span) == heading
    assert [h for h, _ in got] == [
        "Top",
        None,
        None,
        None,
        "Head",
        "local",
        None,
        "row",
        "🚀 part",
        "a#b",
        "",
        "Ev",
        "H",
    ]


def test_heading_span_of_an_empty_heading_is_just_after_the_hash():
    [link] = links_of("x [[n#]]")
    assert heading_span(link) == Span(0, 6, 0, 6)


def test_what_a_link_reads_is_the_whole_link_as_the_file_holds_it():
    for link in links_of(LINKS):
        reads = link_reads(link)
        assert reads.span == link.span and spanned(LINKS, reads.span) == reads.text
        assert reads.span.col <= link.target_span.col and link.target_span.end_col <= reads.span.end_col
    bare = "---\ndepends_on: [plain title, \"it's \\\"quoted\\\"\"]\nchallenged_by:\n  - 'Bob''s claim'\n---\n"
    found = [link for link in parse_note("n.md", bare).links if link.bare]
    assert [link_reads(link).text for link in found] == ["plain title", 'it\'s \\"quoted\\"', "Bob''s claim"]
    assert all(spanned(bare, link_reads(link).span) == link_reads(link).text for link in found)


def test_what_a_heading_reads_is_its_text_where_the_file_holds_it():
    text = "# Title  \n\n##   Spaced part ##\n### 🚀 astral\n"
    for heading in parse_note("n.md", text).headings:
        assert spanned(text, heading_reads(heading).span) == heading_reads(heading).text == heading.text


def test_a_replacement_fits_only_the_text_that_still_reads_as_planned():
    text = "# a\n\nLinks to [[b]] and [[c]].\n"
    note = parse_note("a.md", text)
    b, c = note.links
    change = VaultChange()
    change.replace("a.md", b.target_span, "B", link_reads(b))
    change.replace("a.md", c.target_span, "C", link_reads(c))
    change.replace("a.md", note.h1.span, "A", heading_reads(note.h1))
    replaces = change.edits["a.md"]
    assert stale_replacement(split_lines(text), replaces) is None
    # a line added above: every position now holds something else
    assert stale_replacement(split_lines("new line\n" + text), replaces) == replaces[0]
    # [[c]] became [[d]]: the text at its place is not the link planned
    assert stale_replacement(split_lines(text.replace("[[c]]", "[[d]]")), replaces) == replaces[1]
    # the same target in prose at the same place is not the link either
    assert stale_replacement(split_lines(text.replace("[[c]]", "  c  ")), replaces) == replaces[1]
    # the H1 changed
    assert stale_replacement(split_lines(text.replace("# a", "# x")), replaces) == replaces[2]
    # a shorter file: the range is past its end
    assert stale_replacement(["# a"], replaces) == replaces[0]
    # an insertion says nothing it must read, only where it goes
    insert = VaultChange()
    insert.replace("a.md", Span(1, 0, 1, 0), "k: v\n")
    assert stale_replacement(["x", ""], insert.edits["a.md"]) is None
    assert stale_replacement(["x"], insert.edits["a.md"]) == insert.edits["a.md"][0]


@pytest.mark.parametrize(
    ("line", "new", "value"),
    [
        ("k: '[[old]]'", "it's", "[[it's]]"),
        ("k: ['[[old]]', x]", "it's ''twice''", "[[it's ''twice'']]"),
        ('k: "[[old]]"', 'say "hi" \\ here', '[[say "hi" \\ here]]'),
        ('k: ["[[old]]"]', "back\\slash", "[[back\\slash]]"),
        ("k: [[old]]", 'it\'s "raw"', None),  # not in quotes: nothing to escape (nor a YAML string)
    ],
)
def test_text_written_into_a_quoted_link_reads_back_the_same(line, new, value):
    text = f"---\n{line}\n---\n"
    [link] = links_of(text)
    written = as_written_in(link, new)
    after = replaced(text, link.target_span, written)
    if value is None:
        assert written == new
        return
    meta = parse_note("n.md", after).meta["k"]
    assert (meta[0] if isinstance(meta, list) else meta) == value


def test_text_written_into_a_body_link_is_left_as_it_is():
    [link] = links_of("see [[old]]")
    assert as_written_in(link, 'it\'s "x" \\') == 'it\'s "x" \\'


# ---- VaultChange -> WorkspaceEdit ----------------------------------------------------------------


class EditorStandIn:
    """What the conversion reads of the language server: the client's capabilities, the
    documents open in the editor (their URIs as the client spelled them, versions and texts:
    the file's unless given), and the workspace it asks to read a file again."""

    def __init__(
        self,
        profile: str = "visual-studio-code",
        open_docs: dict[str, int | None] | None = None,
        buffers: dict[str, str] | None = None,
    ):
        self.client_capabilities = client_capabilities(profile)
        docs = {uri: OpenDocument(uri, version, (buffers or {}).get(uri)) for uri, version in (open_docs or {}).items()}
        self.workspace = SimpleNamespace(text_documents=docs, get_text_document=docs.__getitem__)
        self.reloaded: list[Path] = []
        self.state = SimpleNamespace(reload=self.reloaded.append)
        self.publisher = SimpleNamespace(after_change=lambda change: None)

    @property
    def client_support(self) -> ClientSupport:  # (read once at initialize by the real server)
        return ClientSupport.of(self.client_capabilities)


class OpenDocument:
    def __init__(self, uri: str, version: int | None, text: str | None) -> None:
        self.uri, self.version, self._text = uri, version, text

    @property
    def source(self) -> str:
        if self._text is None:  # as the editor opened it
            return Path(to_fs_path(self.uri)).read_text(encoding="utf-8")
        return self._text


A = "# a\n\nLinks to [[b]] and [[c]].\n"
B = "# b\n\n🚀🚀 then [[a]] here\n"
E_ACUTE = "é.md"


FILES = {"a.md": A, "sub/b.md": B, E_ACUTE: "# é\n"}


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    vault = Vault(write_vault(tmp_path / "v", FILES))
    for rel, text in FILES.items():
        vault.put(parse_note(rel, text))
    return vault


def uri(vault: Vault, rel: str) -> str:
    assert vault.root is not None
    return path_to_uri(vault.root / rel)


def text_edits(edit: lsp.WorkspaceEdit) -> dict[str, lsp.TextDocumentEdit]:
    return {c.text_document.uri: c for c in edit.document_changes if isinstance(c, lsp.TextDocumentEdit)}


def test_only_document_changes_never_the_unversioned_changes_map(vault):
    change = VaultChange()
    change.replace("a.md", Span(2, 11, 2, 12), "B")
    edit = to_workspace_edit(EditorStandIn(), vault, change)
    assert edit.changes is None and edit.change_annotations is None
    assert len(edit.document_changes) == 1


def test_an_open_note_is_edited_at_the_version_the_server_saw(vault):
    change = VaultChange()
    change.replace("a.md", Span(2, 11, 2, 12), "B")
    change.replace("sub/b.md", Span(2, 10, 2, 11), "A")
    edit = to_workspace_edit(EditorStandIn(open_docs={uri(vault, "a.md"): 7}), vault, change)
    edits = text_edits(edit)
    assert edits[uri(vault, "a.md")].text_document.version == 7
    assert edits[uri(vault, "sub/b.md")].text_document.version is None  # not open: edited on disk


def test_an_open_documents_uri_is_named_as_the_client_spelled_it(vault):
    spelled = uri(vault, "").rstrip("/") + "/%c3%a9.md"  # lower-case hex, unlike path_to_uri
    assert spelled != uri(vault, E_ACUTE)
    change = VaultChange(renames=[(E_ACUTE, "e.md")])
    change.replace(E_ACUTE, Span(0, 2, 0, 3), "e")
    edit = to_workspace_edit(EditorStandIn(open_docs={spelled: 3}), vault, change)
    text_edit, rename = edit.document_changes
    assert text_edit.text_document == lsp.OptionalVersionedTextDocumentIdentifier(uri=spelled, version=3)
    assert rename.old_uri == spelled and rename.new_uri == uri(vault, "e.md")


def test_ranges_are_in_utf16_units(vault):
    change = VaultChange()
    change.replace("sub/b.md", Span(2, 10, 2, 11), "Alpha 🚀")  # the a of [[a]], after two emoji
    [doc_edit] = to_workspace_edit(EditorStandIn(), vault, change).document_changes
    assert doc_edit.edits == [
        lsp.TextEdit(
            range=lsp.Range(start=lsp.Position(line=2, character=12), end=lsp.Position(line=2, character=13)),
            new_text="Alpha 🚀",
        )
    ]


def test_a_new_note_is_created_without_overwriting_then_filled(vault):
    change = VaultChange(creates=[("new/n 🚀.md", "---\ntype: claim\n---\n\n# n 🚀\n")])
    create, fill = to_workspace_edit(EditorStandIn(), vault, change).document_changes
    assert create == lsp.CreateFile(
        uri=uri(vault, "new/n 🚀.md"), options=lsp.CreateFileOptions(overwrite=False, ignore_if_exists=False)
    )
    start = lsp.Position(line=0, character=0)
    assert fill == lsp.TextDocumentEdit(
        text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri(vault, "new/n 🚀.md"), version=None),
        edits=[lsp.TextEdit(range=lsp.Range(start=start, end=start), new_text="---\ntype: claim\n---\n\n# n 🚀\n")],
    )


def test_creates_then_edits_by_path_and_position_then_renames(vault):
    change = VaultChange(creates=[("z.md", "# z\n"), ("n.md", "# n\n")], renames=[("a.md", "renamed/a2.md")])
    change.replace("sub/b.md", Span(2, 10, 2, 11), "A2")
    change.replace("a.md", Span(2, 21, 2, 22), "C")  # added before the edit above it
    change.replace("a.md", Span(2, 11, 2, 12), "B")
    change.replace("a.md", Span(0, 2, 0, 3), "a2")
    edit = to_workspace_edit(EditorStandIn(open_docs={uri(vault, "a.md"): 4}), vault, change)
    kinds = [
        (type(c).__name__, getattr(c, "uri", None) or getattr(c, "old_uri", None) or c.text_document.uri)
        for c in edit.document_changes
    ]
    assert kinds == [
        ("CreateFile", uri(vault, "z.md")),
        ("TextDocumentEdit", uri(vault, "z.md")),
        ("CreateFile", uri(vault, "n.md")),
        ("TextDocumentEdit", uri(vault, "n.md")),
        ("TextDocumentEdit", uri(vault, "a.md")),  # the old name: renames come after every edit
        ("TextDocumentEdit", uri(vault, "sub/b.md")),
        ("RenameFile", uri(vault, "a.md")),
    ]
    a_edit = edit.document_changes[4]
    assert [(e.range.start.line, e.range.start.character, e.new_text) for e in a_edit.edits] == [
        (0, 2, "a2"),
        (2, 11, "B"),
        (2, 21, "C"),
    ]
    rename = edit.document_changes[-1]
    assert rename.new_uri == uri(vault, "renamed/a2.md")
    assert rename.options == lsp.RenameFileOptions(overwrite=False, ignore_if_exists=False)


def test_edits_to_notes_the_vault_does_not_hold_are_left_out(vault):
    change = VaultChange(edits={"sub/b.md": []})
    change.replace("gone.md", Span(0, 0, 0, 1), "x")
    change.replace("a.md", Span(0, 0, 0, 1), "#")
    edit = to_workspace_edit(EditorStandIn(), vault, change)
    assert list(text_edits(edit)) == [uri(vault, "a.md")]


# ---- each edit checked against the text it changes ---------------------------------------------


def planned(vault: Vault, rel: str, target: str, new: str) -> VaultChange:
    """The rename of every [[target]] in rel, as planned from the note the vault holds."""
    change = VaultChange()
    for link in vault.notes[rel].links:
        if link.target == target:
            change.replace(rel, link.target_span, new, link_reads(link))
    return change


def test_a_closed_note_is_edited_where_its_file_still_holds_the_links(vault):
    edit = to_workspace_edit(EditorStandIn(), vault, planned(vault, "sub/b.md", "a", "A2"))
    [doc_edit] = edit.document_changes
    assert doc_edit.edits[0].new_text == "A2" and doc_edit.edits[0].range.start == lsp.Position(line=2, character=12)


def test_a_closed_note_changed_on_disk_is_not_edited_and_is_read_again(vault):
    editor = EditorStandIn()
    (vault.root / "sub/b.md").write_text("# b\n\nA new first line.\n🚀🚀 then [[a]] here\n", encoding="utf-8")
    with pytest.raises(RequestFailed) as refused:
        to_workspace_edit(editor, vault, planned(vault, "sub/b.md", "a", "A2"))
    message = str(refused.value.message)
    assert "sub/b.md:3" in message and "[[a]]" in message and "changed on disk" in message
    assert editor.reloaded == [vault.root / "sub/b.md"]  # the index takes what the file holds now


def test_ranges_are_counted_in_the_text_as_it_is_now(vault):
    """The link is where it was in code points, but an emoji now stands before it: its UTF-16
    column is the one of the file's text, not of the text the note was parsed from."""
    (vault.root / "sub/b.md").write_text("# b\n\n🚀 x then [[a]] here\n", encoding="utf-8")
    vault.put(parse_note("sub/b.md", "# b\n\na x then [[a]] here\n"))  # (as many code points before the link)
    [doc_edit] = to_workspace_edit(EditorStandIn(), vault, planned(vault, "sub/b.md", "a", "A2")).document_changes
    assert doc_edit.edits[0].range.start == lsp.Position(line=2, character=12)


@pytest.mark.parametrize(
    ("how", "why"),
    [
        ("deleted", "disappeared"),
        ("binary", "binary"),
        ("folder", "folder"),
    ],
)
def test_a_note_that_cannot_be_read_again_refuses_the_whole_edit_naming_it(vault, how, why):
    path = vault.root / "sub/b.md"
    path.unlink()
    if how == "binary":
        path.write_bytes(b"\x00\x01 [[a]]")
    elif how == "folder":
        path.mkdir()
    change = planned(vault, "sub/b.md", "a", "A2")
    change.merge(planned(vault, "a.md", "b", "B2"))
    editor = EditorStandIn()
    with pytest.raises(RequestFailed) as refused:
        to_workspace_edit(editor, vault, change)
    message = str(refused.value.message)
    assert "sub/b.md changed on disk and could not be re-read" in message and why in message
    # a file gone is dropped from the index; one that cannot be read keeps what was read of it
    assert editor.reloaded == ([path] if how != "binary" else [])


def test_an_open_note_is_checked_against_the_editors_buffer(vault):
    buffer = "# a\n\nTyped first.\nLinks to [[b]] and [[c]].\n"
    editor = EditorStandIn(open_docs={uri(vault, "a.md"): 3}, buffers={uri(vault, "a.md"): buffer})
    with pytest.raises(RequestFailed) as refused:
        to_workspace_edit(editor, vault, planned(vault, "a.md", "b", "B2"))
    assert "a.md:3" in str(refused.value.message) and editor.reloaded == []  # the editor's text is not re-read
    vault.put(parse_note("a.md", buffer))  # (what the server does on didChange)
    edit = to_workspace_edit(editor, vault, planned(vault, "a.md", "b", "B2"))
    assert edit.document_changes[0].edits[0].range.start == lsp.Position(line=3, character=11)


# ---- what the client accepts, and refusals -------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "can"),
    [("visual-studio-code", True), ("neovim@0.7.0", True), ("neovim@0.11.0", True), ("emacs", False)],
)
def test_file_operations_follow_the_clients_resource_operations(profile, can):
    editor = EditorStandIn(profile)
    for kind in (lsp.ResourceOperationKind.Create, lsp.ResourceOperationKind.Rename, lsp.ResourceOperationKind.Delete):
        assert supports_file_ops(editor, kind) is can


@pytest.mark.parametrize(
    "workspace",
    [
        None,
        lsp.WorkspaceClientCapabilities(),
        lsp.WorkspaceClientCapabilities(workspace_edit=lsp.WorkspaceEditClientCapabilities()),
        lsp.WorkspaceClientCapabilities(workspace_edit=lsp.WorkspaceEditClientCapabilities(resource_operations=[])),
    ],
    ids=["no-workspace", "no-workspace-edit", "no-resource-operations", "empty-resource-operations"],
)
def test_no_file_operations_unless_the_client_lists_them(workspace):
    editor = EditorStandIn()
    editor.client_capabilities = lsp.ClientCapabilities(workspace=workspace)
    assert not supports_file_ops(editor, lsp.ResourceOperationKind.Create)


def test_only_the_listed_file_operations():
    editor = EditorStandIn()
    editor.client_capabilities = lsp.ClientCapabilities(
        workspace=lsp.WorkspaceClientCapabilities(
            workspace_edit=lsp.WorkspaceEditClientCapabilities(resource_operations=[lsp.ResourceOperationKind.Rename])
        )
    )
    assert supports_file_ops(editor, lsp.ResourceOperationKind.Rename)
    assert not supports_file_ops(editor, lsp.ResourceOperationKind.Create)


def test_request_failed_is_the_lsp_error_with_its_reason():
    exc = RequestFailed("Renaming would leave the vault")
    assert isinstance(exc, JsonRpcException)
    assert exc.to_response_error() == lsp.ResponseError(
        code=lsp.LSPErrorCodes.RequestFailed, message="Renaming would leave the vault"
    )
    assert RequestFailed.CODE == -32803
    assert RequestFailed().message == "Request failed"
