"""references.py: what references list, and the one wording of backlink counts."""

from __future__ import annotations

from claim_lsp.hover import note_preview
from claim_lsp.references import backlinks_summary, references
from tests.unit.vaults import make_vault

FILES = {
    "a/N.md": "# N\n",
    "b/N.md": "# N\n",
    "c/src.md": "# src\n\n[[N]] and [[a/N]] twice: [[a/N]]\n",
    "a/src.md": "# src\n\n[[N]]\n",
}


def test_references_list_backlinks_then_possible_ones():
    vault = make_vault(FILES)
    note = vault.notes["a/N.md"]
    got = [(s.path, lk.raw) for s, lk in references(vault, note, 0, 2)]
    assert got == [("a/src.md", "N"), ("c/src.md", "a/N"), ("c/src.md", "a/N"), ("c/src.md", "N")]


def test_one_wording_for_hover_and_lens():
    vault = make_vault(FILES)
    assert backlinks_summary(*vault.inbound(vault.notes["a/N.md"])) == "3 backlinks from 2 notes (+1 possible)"
    assert backlinks_summary(*vault.inbound(vault.notes["b/N.md"])) == "0 backlinks (+1 possible)"
    assert backlinks_summary(*vault.inbound(vault.notes["c/src.md"])) == "0 backlinks"
    one = make_vault({"t.md": "# t\n", "s.md": "[[t]]"})
    assert backlinks_summary(*one.inbound(one.notes["t.md"])) == "1 backlink"
    assert "3 backlinks from 2 notes (+1 possible) · `a/N.md`" in note_preview(vault, vault.notes["a/N.md"])


def test_hover_shows_the_h1_when_it_differs_from_the_file_name():
    vault = make_vault({"core/_map.md": "# Grand Strategy — How We Win\n\nThe map.\n", "t.md": "# t\n"})
    preview = note_preview(vault, vault.notes["core/_map.md"])
    assert preview.startswith("**Grand Strategy — How We Win**") and "`core/_map.md`" in preview
    assert note_preview(vault, vault.notes["t.md"]).startswith("**t**")
    untitled = make_vault({"u.md": "no heading\n"})
    assert note_preview(untitled, untitled.notes["u.md"]).startswith("**u**")
