"""Tags: read from frontmatter, kept by the index as notes change, completed, hovered, found."""

from __future__ import annotations

import datetime as dt

import pytest

from claim_lsp.frontmatter_edit import complete_frontmatter
from claim_lsp.hover import hover_tag
from claim_lsp.index import Vault
from claim_lsp.model import Span, tags_of
from claim_lsp.parse import parse_note
from claim_lsp.references import tag_references
from claim_lsp.symbols import tag_symbols
from claim_lsp.tags import tag_at, tags_on_line

TODAY = dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    "value, tags",
    [
        (None, ()),
        (["a", "b"], ("a", "b")),
        (["#a", " b ", "", None, True, {"x": 1}, 2024], ("a", "b", "2024")),
        ("a, b c", ("a", "b", "c")),
        ("#solo", ("solo",)),
        (["a", "a", "A"], ("a", "A")),
        (7, ("7",)),
        ({"not": "tags"}, ()),
    ],
)
def test_tags_of_a_frontmatter_value(value, tags):
    assert tags_of(value) == tags


FILES = {
    "a.md": "---\ntags: [futarchy, metadao]\n---\n",
    "b.md": "---\ntags:\n  - futarchy\n  - solana # a comment\n---\n",
    "c.md": "---\ntags: futarchy, RLCF\n---\n",
    "d.md": "---\ntags: [rlcf]\n---\n",
    "e.md": "no frontmatter\n",
}


def make_vault(files: dict[str, str]) -> Vault:
    vault = Vault()
    for path, text in files.items():
        vault.put(parse_note(path, text))
    return vault


def test_the_index_counts_tags_whatever_their_case():
    vault = make_vault(FILES)
    assert vault.tag_counts() == {
        "futarchy": ("futarchy", 3),
        "metadao": ("metadao", 1),
        "solana": ("solana", 1),
        "rlcf": ("RLCF", 2),  # (a tie: the first spelling in order)
    }
    assert vault.tagged("RLCF") == vault.tagged("#rlcf") == ["c.md", "d.md"]
    assert vault.tagged("nothing") == []


def test_the_tag_table_follows_edits_renames_and_removals():
    vault = make_vault(FILES)
    vault.put(parse_note("a.md", "---\ntags: [metadao, new]\n---\n"))  # an edit: futarchy dropped
    assert vault.tagged("futarchy") == ["b.md", "c.md"] and vault.tagged("new") == ["a.md"]
    vault.remove("c.md")
    assert vault.tagged("futarchy") == ["b.md"] and vault.tag_counts()["rlcf"] == ("rlcf", 1)
    vault.remove("b.md")
    vault.remove("a.md")
    assert "futarchy" not in vault.tag_counts() and "new" not in vault.tag_counts()


def test_a_note_holding_two_spellings_counts_once():
    vault = make_vault({"x.md": "---\ntags: [AI, ai]\n---\n", "y.md": "---\ntags: [ai]\n---\n"})
    assert vault.tag_counts() == {"ai": ("ai", 2)}


@pytest.mark.parametrize(
    "line, key_line, tags",
    [
        ("tags: [a, b/c, 'd', \"#e\"]", True, ["a", "b/c", "d", "e"]),
        ("tags: a, b", True, ["a", "b"]),
        ("tags: [a] # c", True, ["a"]),
        ("tags: #comment", True, []),
        ("title: [a]", True, []),
        ("  - solana", False, ["solana"]),
        ("  - #comment", False, []),
        ("  c, d]", False, ["c", "d"]),
    ],
)
def test_tags_on_a_line(line, key_line, tags):
    assert [t.name for t in tags_on_line(line, key_line)] == tags
    for t in tags_on_line(line, key_line):
        assert line[t.start : t.end] == t.name


def test_the_tag_under_the_cursor_is_only_in_the_tags_value():
    text = "---\ntitle: [a]\ntags: [alpha, beta]\nlist:\n  - alpha\n---\n\ntags: [alpha]\n"
    note = parse_note("x.md", text)
    lines = text.split("\n")
    assert tag_at(note, 2, lines[2], 9).name == "alpha"
    assert tag_at(note, 2, lines[2], 15).name == "beta"
    assert tag_at(note, 2, lines[2], 2) is None  # on the key
    assert tag_at(note, 1, lines[1], 8) is None  # another key
    assert tag_at(note, 4, lines[4], 6) is None  # another key's list
    assert tag_at(note, 7, lines[7], 9) is None  # the body


def complete_at(vault: Vault, path: str, text: str, marker: str = "‸"):
    line_no = next(n for n, line in enumerate(text.split("\n")) if marker in line)
    line = text.split("\n")[line_no]
    col = line.index(marker)
    text = text.replace(marker, "")
    note = parse_note(path, text)
    vault.put(note)
    items = complete_frontmatter(vault, note, line_no, line.replace(marker, ""), col, TODAY)
    return line.replace(marker, ""), items


def test_tag_completion_offers_the_vaults_tags_most_used_first():
    vault = make_vault(FILES)
    line, items = complete_at(vault, "new.md", "---\ntype: claim\ntags: [‸]\n---\n")
    assert [(i.label, i.detail, i.kind) for i in items] == [
        ("futarchy", "used by 3 notes", "tag"),
        ("RLCF", "used by 2 notes", "tag"),
        ("metadao", "used by 1 note", "tag"),
        ("solana", "used by 1 note", "tag"),
    ]
    assert items[0].start == items[0].end == len("tags: [")


def test_tag_completion_replaces_the_tag_being_written_and_leaves_out_those_present():
    vault = make_vault(FILES)
    line, items = complete_at(vault, "new.md", "---\ntags: [solana, fu‸tur, x]\n---\n")
    assert [i.label for i in items] == ["futarchy"]
    assert line[items[0].start : items[0].end] == "futur"
    line, items = complete_at(vault, "new.md", "---\ntags: [solana, ‸]\n---\n")
    assert "solana" not in [i.label for i in items]
    line, items = complete_at(vault, "new.md", "---\ntags: [solana, rl‸]\n---\n")
    assert [i.label for i in items] == ["RLCF"]  # any case


def test_tag_completion_in_a_block_list_and_a_string():
    vault = make_vault(FILES)
    line, items = complete_at(vault, "new.md", "---\ntags:\n  - sol‸\n---\n")
    assert [i.label for i in items] == ["solana"] and line[items[0].start : items[0].end] == "sol"
    line, items = complete_at(vault, "new.md", "---\ntags: meta‸\n---\n")
    assert [i.label for i in items] == ["metadao"]
    line, items = complete_at(vault, "new.md", "---\ntags: [#fut‸]\n---\n")
    assert [i.label for i in items] == ["futarchy"] and line[items[0].start : items[0].end] == "fut"


def test_a_tag_only_the_note_itself_holds_is_not_offered():
    vault = make_vault(FILES)
    line, items = complete_at(vault, "new.md", "---\ntags: [zzz‸]\n---\n")
    assert items == []


def test_other_frontmatter_values_are_still_completed_as_before():
    vault = make_vault(FILES)
    line, items = complete_at(vault, "new.md", "---\ntype: claim\nconfidence: ‸\n---\n")
    assert items and all(i.kind == "value" for i in items)


def test_hover_a_tag():
    vault = make_vault(FILES)
    text = hover_tag(vault, "rlcf")
    assert text.startswith("**#rlcf** · used by 2 notes")
    assert "- c\n- d" in text
    assert hover_tag(vault, "metadao", markdown=False).startswith("#metadao · used by 1 note")
    many = make_vault({f"n{i:02d}.md": "---\ntags: [t]\n---\n" for i in range(12)})
    assert hover_tag(many, "t").endswith("- … and 2 more")


def test_references_of_a_tag_are_where_each_note_writes_it():
    files = dict(FILES)
    vault = make_vault(files)
    vault.open_text = files.get
    found = [(n.path, span) for n, span in tag_references(vault, "futarchy")]
    assert found == [
        ("a.md", Span(1, 7, 1, 15)),
        ("b.md", Span(2, 4, 2, 12)),
        ("c.md", Span(1, 6, 1, 14)),
    ]
    vault.open_text = lambda rel: None  # the text cannot be read: the key
    assert [span for _, span in tag_references(vault, "rlcf")] == [Span(1, 0, 1, 4), Span(1, 0, 1, 4)]


def test_workspace_symbols_find_tags():
    vault = make_vault(FILES)
    found = tag_symbols([vault], "#")
    assert [(t.name, t.count, t.note.path) for t in found][:2] == [("futarchy", 3, "a.md"), ("RLCF", 2, "c.md")]
    assert [t.name for t in tag_symbols([vault], "#a")] == ["futarchy", "metadao", "solana"]
    assert [t.name for t in tag_symbols([vault], "#S")] == ["solana"]
    assert found[0].span == Span(1, 0, 1, 4)
