from __future__ import annotations

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.conftest import every_client, open_doc, position_of
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
