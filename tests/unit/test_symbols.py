from __future__ import annotations

from claim_lsp.parse import parse_note
from claim_lsp.symbols import FRONTMATTER, HEADING, document_symbols, folding_ranges, workspace_symbols
from claim_lsp.text import split_lines
from tests.unit.vaults import make_vault

TEXT = "---\ntype: claim\ntags:\n  - a\n---\n\n# Title 🚀\n\nIntro.\n\n## One\n\nx\n\n### One.a\n\ny\n\n## Two\n\nz\n\n"


def test_headings_nest_and_sections_end_at_their_last_line():
    note = parse_note("n.md", TEXT)
    lines = split_lines(TEXT)
    fm, title = document_symbols(note, lines)
    assert fm.kind == FRONTMATTER and [c.name for c in fm.children] == ["type", "tags"]
    assert fm.children[1].span.end_line == 3  # the list under `tags` belongs to it
    assert title.kind == HEADING and title.name == "Title 🚀"
    assert [(c.name, [g.name for g in c.children]) for c in title.children] == [("One", ["One.a"]), ("Two", [])]
    one = title.children[0]
    assert (one.span.line, one.span.end_line, one.span.end_col) == (10, 16, 1)
    assert title.span.end_line == lines.index("z")


def test_folding_ranges_skip_one_line_sections():
    text = "# a\n## b\n## c\n\nbody\n"
    note = parse_note("n.md", text)
    assert folding_ranges(note, split_lines(text)) == [(0, 4, HEADING), (2, 4, HEADING)]
    note = parse_note("n.md", TEXT)
    assert folding_ranges(note, split_lines(TEXT))[0] == (0, 4, FRONTMATTER)


def test_workspace_symbols_across_vaults_by_title_and_alias():
    one = make_vault({"a/markets beat polls.md": "# x\n", "b/other.md": "---\naliases: [market wisdom]\n---\n"})
    two = make_vault({"markets need liquidity.md": ""})
    found = workspace_symbols([one, two], "market")
    assert {f.name for f in found} == {"markets beat polls", "market wisdom", "markets need liquidity"}
    assert next(f for f in found if f.name == "market wisdom").alias
    assert len(workspace_symbols([one, two], "", limit=2)) == 2
