"""hover.py: the reasoning chain in a claim's preview and on its own H1."""

from __future__ import annotations

from claim_lsp.hover import LIST_CAP, hover_link, note_preview, title_hover
from tests.helpers import claim
from tests.unit.test_graph import FILES
from tests.unit.vaults import make_vault


def test_preview_shows_what_a_claim_depends_on_and_where_it_was_extracted_from():
    vault = make_vault(FILES)
    text = note_preview(vault, vault.notes["claims/top.md"], markdown=False)
    assert "Depends on:\n- mid (likely)\n- base (speculative)\n" in text
    assert "Extracted from:\n- src\n" in text
    assert text.endswith("1 backlink · claims/top.md")
    mid = note_preview(vault, vault.notes["claims/mid.md"], markdown=False)
    assert "Depends on:\n- base (speculative)\n" in mid and "5 backlinks from 3 notes" in mid
    bare = note_preview(vault, vault.notes["a/dup.md"], markdown=False)
    assert "Depends on" not in bare and "Extracted from" not in bare


def test_hover_over_a_link_carries_the_chain():
    vault = make_vault(FILES)
    mid = vault.notes["claims/mid.md"]
    link = next(link for link in vault.notes["claims/top.md"].links if link.target == "middle")
    assert hover_link(vault, vault.notes["claims/top.md"], link) == note_preview(vault, mid)


def test_long_lists_are_cut():
    deps = [f"dep {i}" for i in range(LIST_CAP + 3)]
    files = {f"{d}.md": claim(d, "x", title=d) for d in deps}
    items = "".join(f'  - "[[{d}]]"\n' for d in deps)
    files["hub.md"] = claim("hub", "x", title="hub", extra=f"depends_on:\n{items}")
    vault = make_vault(files)
    text = note_preview(vault, vault.notes["hub.md"], markdown=False)
    assert text.count("(likely)") == LIST_CAP
    assert "- and 3 more\n" in text


def test_title_hover_only_on_the_h1_line():
    vault = make_vault(FILES)
    top = vault.notes["claims/top.md"]
    h1 = top.h1
    found = title_hover(vault, top, h1.span.line, markdown=True)
    assert found is not None
    text, span = found
    assert span == h1.span
    assert text.startswith("confidence: likely\n\nDepends on:\n- mid (likely)\n- base (speculative)\n")
    assert "Extracted from:\n- src\n" in text and text.endswith("1 backlink")
    assert title_hover(vault, top, h1.span.line + 1) is None
    assert title_hover(vault, top, 0) is None
    odd = make_vault(
        {
            "a_b.md": claim("x", "x", title="a_b", confidence="lik*ly", extra='depends_on: ["[[c_d]]"]\n'),
            "c_d.md": claim("y", "y", title="c_d"),
        }
    )
    note = odd.notes["a_b.md"]
    text = title_hover(odd, note, note.h1.span.line, markdown=True)[0]
    assert "confidence: lik\\*ly" in text and "- c\\_d (likely)" in text  # Markdown escaped
