"""Block references (`^id` at the end of a line, linked as `[[note#^id]]`): parsed, kept by the
cache, completed, followed, hovered, and their backlinks found."""

from __future__ import annotations

import pickle

import pytest

from claim_lsp.completion import complete
from claim_lsp.definition import definition
from claim_lsp.hover import hover_link
from claim_lsp.index import Vault
from claim_lsp.model import Block, Span
from claim_lsp.parse import parse_note
from claim_lsp.references import references

BLOCKS = (
    "---\n"
    "note: not a block ^fm\n"
    "---\n"
    "# Blocks\n"
    "\n"
    "A claim worth citing. ^cite-me\n"
    "\n"
    "- a point ^p2\n"
    "\n"
    "| a table |\n"
    "\n"
    "^table-1\n"
    "```\n"
    "in a fence ^fenced\n"
    "```\n"
    "x^2 and a ^b mid-line, `code ^c`\n"
    "trailing space ^t9  \n"
)


def test_block_ids_end_their_line_outside_code_and_frontmatter():
    note = parse_note("Blocks.md", BLOCKS)
    assert note.blocks == [
        Block("cite-me", 5, 22),
        Block("p2", 7, 10),
        Block("table-1", 11, 0),
        Block("t9", 16, 15),
    ]
    lines = BLOCKS.split("\n")
    assert all(lines[b.line][b.span.col : b.span.end_col] == "^" + b.id for b in note.blocks)


@pytest.mark.parametrize("text", ["no caret at all", "x^2", "a ^b c", "^", "```\n^in-fence\n", "~~~\ntext ^x\n"])
def test_no_block_ids(text):
    assert parse_note("n.md", text).block_data == ()


def test_an_unclosed_fence_hides_the_rest_and_a_closed_one_does_not():
    text = "```\na ^one\n```\nb ^two\n````\nc ^three\n```\n"
    assert [b.id for b in parse_note("n.md", text).blocks] == ["two"]


def test_block_lookup_as_written_then_ignoring_case():
    note = parse_note("Blocks.md", BLOCKS)
    assert note.block("^cite-me").line == 5 and note.block("CITE-ME").line == 5
    assert note.block("^nope") is None


def test_block_ids_survive_pickling_as_the_cache_and_workers_do():
    note = parse_note("Blocks.md", BLOCKS)
    again = pickle.loads(pickle.dumps(note))
    assert again.block_data == note.block_data and again.blocks == note.blocks


def vault_of(files: dict[str, str]) -> Vault:
    vault = Vault()
    for path, text in files.items():
        vault.put(parse_note(path, text))
    vault.open_text = files.get  # (the index reads a note's text through this)
    return vault


FILES = {
    "Blocks.md": BLOCKS,
    "a/Dup.md": "# Dup\n\nfirst ^one\n",
    "b/Dup.md": "# Dup\n\nsecond ^two\n",
    "n/linker.md": "# linker\n\nSee [[Blocks#^cite-me]] and [[Blocks#^p2|that]] and [[Blocks#^cite-me]].\n",
}


def test_completion_after_hash_caret_offers_block_ids():
    vault = vault_of(FILES)
    ctx, items = complete(vault, "n/x.md", "[[Blocks#^", 10)
    assert [(i.label, i.kind, i.new_text) for i in items] == [
        ("^cite-me", "block", "^cite-me]]"),
        ("^p2", "block", "^p2]]"),
        ("^table-1", "block", "^table-1]]"),
        ("^t9", "block", "^t9]]"),
    ]
    assert items[0].documentation == "A claim worth citing." and items[0].detail == "in Blocks"
    _, items = complete(vault, "n/x.md", "[[Blocks#^CI", 12)
    assert [i.label for i in items] == ["^cite-me"] and items[0].filter_text.startswith("^CI")
    _, items = complete(vault, "n/x.md", "[[Blocks#", 9)
    assert all(i.kind == "heading" for i in items)  # headings without the ^


def test_completion_of_block_ids_of_the_note_itself_and_of_every_candidate():
    vault = vault_of(FILES)
    _, items = complete(vault, "Blocks.md", "[[#^p", 5)
    assert [i.label for i in items] == ["^p2"]
    _, items = complete(vault, "c/x.md", "[[Dup#^", 7)
    assert [(i.label, i.folder, i.target_edit[2]) for i in items] == [("^one", "a", "a/Dup"), ("^two", "b", "b/Dup")]


def test_definition_leads_to_the_blocks_line():
    vault = vault_of(FILES)
    linker = vault.notes["n/linker.md"]
    [(target, span)] = definition(vault, linker, linker.links[0])
    assert target.path == "Blocks.md" and span == Span(5, 0, 5, len("A claim worth citing. ^cite-me"))
    gone = parse_note("n/gone.md", "[[Blocks#^gone]]")
    assert definition(vault, gone, gone.links[0]) == [(vault.notes["Blocks.md"], Span(0, 0, 0, 0))]


def test_hover_shows_the_blocks_text():
    vault = vault_of(FILES)
    linker = vault.notes["n/linker.md"]
    assert "Block ^cite-me: A claim worth citing." in hover_link(vault, linker, linker.links[0], markdown=False)
    gone = parse_note("n/gone.md", "[[Blocks#^gone]]")
    assert "No block ^gone" in hover_link(vault, gone, gone.links[0], markdown=False)


def test_references_on_a_block_line_list_the_links_to_it():
    vault = vault_of(FILES)
    blocks = vault.notes["Blocks.md"]
    found = references(vault, blocks, 5, 3)
    assert [(src.path, link.raw) for src, link in found] == [
        ("n/linker.md", "Blocks#^cite-me"),
        ("n/linker.md", "Blocks#^cite-me"),
    ]
    linker = vault.notes["n/linker.md"]
    on_link = references(vault, linker, 2, linker.links[1].span.col + 3)
    assert [link.raw for _, link in on_link] == ["Blocks#^p2|that"]


def test_a_new_block_id_is_a_change_its_linkers_must_see(tmp_path):
    """[[note#^id]] elsewhere turns from missing-block to fine when the id is written: the
    change says so, as it does for headings (the notes linking to it are checked again)."""
    from claim_lsp.config import Config
    from claim_lsp.workspace import Workspace

    state = Workspace()
    state.add_vault(tmp_path, Config())
    path = tmp_path / "a.md"
    state.set_text(path, "# a\n\nA line.\n")
    assert not state.set_text(path, "# a\n\nA line, longer.\n").headings_changed
    assert state.set_text(path, "# a\n\nA line, longer. ^cite\n").headings_changed
    assert state.set_text(path, "# a\n\nA line, longer. ^cited\n").headings_changed
