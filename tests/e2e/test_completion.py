from __future__ import annotations

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import CONFIG, every_client, open_doc, position_of, wait_indexed
from tests.helpers import COORD, EMOJI, SPEC


def completion_params(uri: str, position: lsp.Position) -> lsp.CompletionParams:
    return lsp.CompletionParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position)


async def complete_at(client: LanguageClient, vault, rel: str, text: str, needle: str, offset: int):
    uri = open_doc(client, vault / rel, text)
    result = await client.text_document_completion_async(completion_params(uri, position_of(text, needle, offset)))
    return uri, result


@every_client  # Markdown documentation, or a bare string for Emacs
async def test_titles_ranked_with_edit_that_closes_the_link(client: LanguageClient, vault):
    text = "# scratch\n\nNew [[spec trap"
    _, result = await complete_at(client, vault, "scratch.md", text, "[[spec trap", len("[[spec trap"))
    assert result.is_incomplete is True
    first = result.items[0]
    assert first.label == SPEC
    assert first.detail == "claim · ai-alignment · likely"
    doc = first.documentation
    assert "Fixed values drift" in (doc.value if hasattr(doc, "value") else doc)
    assert first.text_edit.new_text == SPEC + "]]"
    assert first.text_edit.range.start == lsp.Position(line=2, character=len("New [["))
    assert first.text_edit.range.end == lsp.Position(line=2, character=len("New [[spec trap"))
    assert first.filter_text.startswith("spec trap")
    assert len(result.items) <= 50


async def test_existing_closing_brackets_are_replaced(client: LanguageClient, vault):
    text = "# scratch\n\nSee [[coordination]] later"
    _, result = await complete_at(client, vault, "scratch.md", text, "[[coordination", len("[[coord"))
    first = result.items[0]
    assert first.label == COORD
    assert first.text_edit.new_text == COORD + "]]"
    assert first.text_edit.range.end.character == len("See [[coordination]]")


async def test_before_a_heading_part_keeps_it(client: LanguageClient, vault):
    text = "# scratch\n\nSee [[coord#Evidence]]"
    _, result = await complete_at(client, vault, "scratch.md", text, "[[coord", len("[[coord"))
    first = result.items[0]
    assert first.text_edit.new_text == COORD
    assert first.text_edit.range.end.character == len("See [[coord")


async def test_headings_after_hash(client: LanguageClient, vault):
    text = f"# scratch\n\nSee [[{SPEC}#ev"
    _, result = await complete_at(client, vault, "scratch.md", text, "#ev", 3)
    labels = [i.label for i in result.items]
    assert labels == ["Evidence"]
    assert result.items[0].text_edit.new_text == "Evidence]]"


async def test_titles_inside_frontmatter_link_values(client: LanguageClient, vault):
    text = '---\ntype: claim\ndepends_on: ["[[values encoded"]\n---\n\n# scratch\n'
    _, result = await complete_at(client, vault, "scratch.md", text, "[[values encoded", len("[[values encoded"))
    assert result.items[0].label == SPEC
    assert result.items[0].text_edit.new_text == SPEC + "]]"
    assert result.items[0].text_edit.range.end == position_of(text, '"]')  # YAML's quote and ] are kept


@every_client  # Emacs and Neovim 0.11 offer UTF-8 and UTF-32 too
async def test_utf16_range_after_emoji(client: LanguageClient, vault):
    text = "# scratch\n\nÉmigré 🚀🚀 [[emoji"
    _, result = await complete_at(client, vault, "scratch.md", text, "[[emoji", len("[[emoji"))
    first = result.items[0]
    assert first.label == EMOJI
    # "Émigré 🚀🚀 [[" is 12 code points but 14 UTF-16 units
    assert first.text_edit.range.start.character == 14
    assert first.text_edit.range.end.character == 19
    # and the server says so, whatever encodings the client offered first
    assert client.server_capabilities.position_encoding in (None, lsp.PositionEncodingKind.Utf16)


async def test_no_completion_outside_links(client: LanguageClient, vault):
    text = "# scratch\n\nplain text [single bracket"
    _, result = await complete_at(client, vault, "scratch.md", text, "[single", 1)
    assert list(result.items) == []


def apply(text: str, edits: list[lsp.TextEdit]) -> str:
    """Single-line edits applied to text, the last first."""
    lines = text.split("\n")
    for e in sorted(edits, key=lambda e: e.range.start.character, reverse=True):
        line = lines[e.range.start.line]
        lines[e.range.start.line] = line[: e.range.start.character] + e.new_text + line[e.range.end.character :]
    return "\n".join(lines)


def applied(text: str, item: lsp.CompletionItem) -> str:
    return apply(text, [item.text_edit, *(item.additional_text_edits or [])])


async def test_notes_sharing_a_title_show_their_folder_in_the_detail(client: LanguageClient, vault):
    text = "# scratch\n\nSee [[_map"
    _, result = await complete_at(client, vault, "domains/ai/scratch.md", text, "[[_map", len("[[_map"))
    maps = [i for i in result.items if i.label == "_map"]
    assert [(i.detail, i.text_edit.new_text) for i in maps] == [("domains/ai", "_map]]"), ("maps", "maps/_map]]")]
    assert all(i.label_details is None for i in maps)  # not announced by these clients
    assert all(i.filter_text.startswith("_map") for i in maps)


@pytest_lsp.fixture(config=CONFIG)  # the client that answers refresh requests, as VS Code does
async def details_client(lsp_client: LanguageClient, vault):
    capabilities = client_capabilities("visual-studio-code")
    capabilities.text_document.completion.completion_item.label_details_support = True
    params = lsp.InitializeParams(
        capabilities=capabilities,
        workspace_folders=[lsp.WorkspaceFolder(uri=vault.as_uri(), name="vault")],
        root_uri=vault.as_uri(),
    )
    await lsp_client.initialize_session(params)
    await wait_indexed(lsp_client)
    yield
    await lsp_client.shutdown_session()


async def test_label_details_name_the_folder_when_the_client_shows_them(details_client: LanguageClient, vault):
    text = "# scratch\n\nSee [[_map"
    _, result = await complete_at(details_client, vault, "maps/scratch.md", text, "[[_map", len("[[_map"))
    maps = [i for i in result.items if i.label == "_map"]
    assert [i.label_details.description for i in maps] == ["maps", "domains/ai"]
    assert [applied(text, i).splitlines()[-1] for i in maps] == ["See [[_map]]", "See [[ai/_map]]"]
    _, result = await complete_at(details_client, vault, "maps/scratch.md", f"[[{SPEC[:8]}", "[[", 10)
    assert result.items[0].label == SPEC and result.items[0].label_details is None  # one note has it


async def test_a_typed_folder_narrows_the_titles(client: LanguageClient, vault):
    text = "# scratch\n\nSee [[domains/ai/_m"
    _, result = await complete_at(client, vault, "maps/scratch.md", text, "[[domains", len("[[domains/ai/_m"))
    first = result.items[0]
    assert first.label == "_map" and first.text_edit.new_text == "domains/ai/_map]]"
    assert first.text_edit.range.start.character == len("See [[")
    assert first.filter_text.startswith("domains/ai/_m")


async def test_a_lone_closing_bracket_is_not_doubled(client: LanguageClient, vault):
    text = "# scratch\n\nSee [[spec trap] and [[coord|the problem]"
    _, result = await complete_at(client, vault, "scratch.md", text, "[[spec trap", len("[[spec trap"))
    assert applied(text, result.items[0]).splitlines()[-1] == f"See [[{SPEC}]] and [[coord|the problem]"
    _, result = await complete_at(client, vault, "scratch.md", text, "[[coord", len("[[coord"))
    assert applied(text, result.items[0]).splitlines()[-1] == f"See [[spec trap] and [[{COORD}|the problem]]"


async def test_headings_of_an_ambiguous_title_rewrite_it_to_the_chosen_note(client: LanguageClient, vault):
    (vault / "domains/ai/_map.md").write_text("# AI map\n\n## Open questions\n", encoding="utf-8")
    text = "# scratch\n\nSee [[_map#Open"
    uri = open_doc(client, vault / "domains/ai/_map.md")  # (the server reads it as written now)
    assert uri
    _, result = await complete_at(client, vault, "other/scratch.md", text, "#Open", len("#Open"))
    [item] = result.items
    assert item.label == "Open questions" and item.detail == "## in _map · domains/ai"
    assert applied(text, item).splitlines()[-1] == "See [[ai/_map#Open questions]]"
