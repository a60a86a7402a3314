"""Backlinks: references (notes and headings) and the "N backlinks" code lens."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.conftest import open_doc, position_of
from tests.helpers import claim

T = "markets 🚀 aggregate dispersed information"
TARGET = claim("m", "Intro.\n\n## Evidence\n\nSome.\n", title=T, extra="aliases: [market wisdom]\n")
A = claim("a", f"Body 🚀 [[{T}]] and [[{T}#Evidence|the evidence]].", title="a", extra=f'depends_on: ["[[{T}]]"]\n')
B = claim("b", f"Via alias [[market wisdom]] and ![[{T}#evidence]].", title="b")
C = claim("c", "No links here.", title="c")


@pytest.fixture(name="vault_files")
def nav_vault_files() -> dict[str, str]:
    return {
        f"claims/{T}.md": TARGET,
        "notes/a.md": A,
        "notes/b.md": B,
        "notes/c.md": C,
        "x/dup.md": DUP,
        "y/dup.md": DUP,
        "z/linker.md": LINKER,
    }


DUP = claim("d", "A title held twice.", title="dup")
LINKER = claim("l", "Which one? [[dup]]", title="linker")  # x/ and y/ are as near: ambiguous


def loc(vault, rel: str, text: str, needle: str, before: str = "") -> tuple:
    """Where `needle` is in text, at its first occurrence right after `before`."""
    start = position_of(text, before + needle, len(before))
    end = position_of(text, before + needle, len(before) + len(needle))
    return ((vault / rel).as_uri(), start.line, start.character, end.line, end.character)


def key(locations) -> list[tuple]:
    return sorted(
        (x.uri, x.range.start.line, x.range.start.character, x.range.end.line, x.range.end.character) for x in locations
    )


async def references(client: LanguageClient, uri: str, position: lsp.Position) -> list[lsp.Location]:
    return await client.text_document_references_async(
        lsp.ReferenceParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=position,
            context=lsp.ReferenceContext(include_declaration=False),
        )
    )


def all_links(vault) -> list[tuple]:
    return sorted(
        [
            loc(vault, "notes/a.md", A, f"[[{T}]]", 'depends_on: ["'),
            loc(vault, "notes/a.md", A, f"[[{T}]]", "Body 🚀 "),
            loc(vault, "notes/a.md", A, f"[[{T}#Evidence|the evidence]]"),
            loc(vault, "notes/b.md", B, "[[market wisdom]]"),
            loc(vault, "notes/b.md", B, f"![[{T}#evidence]]"),
        ]
    )


async def test_references_from_link_h1_and_anywhere(client: LanguageClient, vault):
    uri_a = open_doc(client, vault / "notes/a.md", A)
    from_link = await references(client, uri_a, position_of(A, f"Body 🚀 [[{T}]]", 12))
    assert key(from_link) == all_links(vault)
    uri_t = open_doc(client, vault / f"claims/{T}.md", TARGET)
    from_h1 = await references(client, uri_t, position_of(TARGET, f"# {T}", 3))
    assert key(from_h1) == all_links(vault)
    anywhere = await references(client, uri_t, position_of(TARGET, "Intro.", 2))
    assert key(anywhere) == all_links(vault)


async def test_references_of_a_heading(client: LanguageClient, vault):
    uri_t = open_doc(client, vault / f"claims/{T}.md", TARGET)
    on_heading = await references(client, uri_t, position_of(TARGET, "## Evidence", 4))
    want = sorted(
        [
            loc(vault, "notes/a.md", A, f"[[{T}#Evidence|the evidence]]"),
            loc(vault, "notes/b.md", B, f"![[{T}#evidence]]"),
        ]
    )
    assert key(on_heading) == want
    uri_a = open_doc(client, vault / "notes/a.md", A)
    from_heading_link = await references(client, uri_a, position_of(A, "#Evidence|", 3))
    assert key(from_heading_link) == want


async def test_backlinks_code_lens_resolves_lazily(client: LanguageClient, vault):
    uri_t = open_doc(client, vault / f"claims/{T}.md", TARGET)
    lenses = await client.text_document_code_lens_async(
        lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri_t))
    )
    assert len(lenses) == 1 and lenses[0].command is None
    assert lenses[0].range.start == position_of(TARGET, f"# {T}", 2)
    lens = await client.code_lens_resolve_async(lenses[0])
    assert lens.command.title == "5 backlinks from 2 notes · 1 depends on this"  # (a depends on it)
    assert lens.command.command == "claim-lsp.showReferences"
    uri, position, locations = lens.command.arguments
    assert uri == uri_t and position == {"line": lenses[0].range.start.line, "character": 2}
    assert len(locations) == 5
    # editors that send the command back to the server get the locations
    result = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="claim-lsp.showReferences", arguments=lens.command.arguments)
    )
    assert result == locations
    again = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="claim-lsp.showReferences", arguments=[uri_t])
    )
    assert sorted(str(x) for x in again) == sorted(str(x) for x in locations)
    uri_c = open_doc(client, vault / "notes/c.md", C)
    lonely = await client.text_document_code_lens_async(
        lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri_c))
    )
    assert (await client.code_lens_resolve_async(lonely[0])).command.title == "0 backlinks"


async def test_possible_backlinks_are_listed_and_counted(client: LanguageClient, vault):
    uri_x = open_doc(client, vault / "x/dup.md", DUP)
    h1 = position_of(DUP, "# dup", 2)
    found = await references(client, uri_x, h1)
    assert key(found) == [loc(vault, "z/linker.md", LINKER, "[[dup]]")]
    [lens] = await client.text_document_code_lens_async(
        lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri_x))
    )
    lens = await client.code_lens_resolve_async(lens)
    assert lens.command.title == "0 backlinks (+1 possible)"
    assert len(lens.command.arguments[2]) == 1
