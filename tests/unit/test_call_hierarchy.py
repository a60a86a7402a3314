"""call_hierarchy.py: which note a request is about, its callers and callees."""

from __future__ import annotations

from claim_lsp.call_hierarchy import detail, incoming_calls, outgoing_calls, prepare, title_span
from claim_lsp.model import Span
from tests.unit.test_graph import FILES
from tests.unit.vaults import make_vault


def _at(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    return line, index - (text.rfind("\n", 0, index) + 1)


def test_prepare_on_a_link_names_its_note_else_this_one():
    vault = make_vault(FILES)
    top = vault.notes["claims/top.md"]
    text = FILES["claims/top.md"]
    assert prepare(vault, top, *_at(text, "[[middle]]", 3)).path == "claims/mid.md"
    assert prepare(vault, top, *_at(text, '"[[base]]"', 2)).path == "claims/base.md"  # in the frontmatter
    assert prepare(vault, top, *_at(text, "Uses")) is top
    assert prepare(vault, top, 0, 0) is top
    assert prepare(vault, top, *_at(text, "[[#Evidence]]", 3)) is top
    assert prepare(vault, top, *_at(text, "[[Nowhere", 3)) is None  # a link to no note: nothing to show
    assert prepare(vault, top, *_at(text, "[[dup]]", 3)) is None


def test_incoming_calls_one_per_caller_relations_first():
    vault = make_vault(FILES)
    calls = incoming_calls(vault, vault.notes["claims/mid.md"])
    assert [(c.note.path, c.kinds) for c in calls] == [
        ("claims/top.md", ["depends_on", "link"]),
        ("notes/critic.md", ["challenges"]),
        ("sources/src.md", ["claims_extracted"]),
    ]
    top_text = FILES["claims/top.md"].splitlines()
    spans = calls[0].spans
    assert spans == sorted(spans) and len(spans) == 3  # depends_on's item and the two body links
    assert [top_text[s.line][s.col : s.end_col] for s in spans] == ["[[mid]]", "[[mid]]", "[[middle]]"]
    assert incoming_calls(vault, vault.notes["a/dup.md"]) == []


def test_outgoing_calls_leave_out_links_to_no_note():
    vault = make_vault(FILES)
    calls = outgoing_calls(vault, vault.notes["claims/mid.md"])
    assert [(c.note.path, c.kinds) for c in calls] == [
        ("claims/base.md", ["depends_on", "link"]),
        ("notes/critic.md", ["challenged_by"]),
    ]
    mid_text = FILES["claims/mid.md"].splitlines()
    assert [mid_text[s.line][s.col : s.end_col] for s in calls[1].spans] == ["[[critic]]"]  # in the caller


def test_detail_and_title_span():
    vault = make_vault(FILES)
    mid = vault.notes["claims/mid.md"]
    assert detail(mid, ["depends_on", "link"]) == "depends_on, link · likely"
    assert detail(mid) == "likely"
    assert detail(vault.notes["a/dup.md"], ["link"]) == "link"
    assert detail(vault.notes["a/dup.md"]) == ""
    line, col = _at(FILES["claims/mid.md"], "# mid", 2)
    assert title_span(mid) == Span(line, col, line, col + 3)
    bare = make_vault({"n.md": "---\ntype: claim\n---\nno heading\n"}).notes["n.md"]
    assert title_span(bare) == Span(3, 0, 3, 0)
