"""code_lens.py: the title of the lens above the H1."""

from __future__ import annotations

from claim_lsp.code_lens import lens_title
from claim_lsp.parse import parse_note
from tests.helpers import claim
from tests.unit.test_graph import FILES
from tests.unit.vaults import make_vault


def _title(vault, path):
    note = vault.notes[path]
    return lens_title(vault, note, vault.backlinks(note))


def test_lens_counts_links_dependents_and_challengers():
    vault = make_vault(FILES)
    # links: top's depends_on item and two body links, critic's challenges, src's claims_extracted
    assert _title(vault, "claims/mid.md") == "5 backlinks from 3 notes · 1 depends on this · 1 challenges it"
    assert _title(vault, "claims/base.md") == "3 backlinks from 2 notes · 2 depend on this"
    assert _title(vault, "sources/src.md") == "1 backlink"
    assert _title(vault, "a/dup.md") == "0 backlinks"
    vault.put(parse_note("notes/second.md", claim("s", "x", title="second", extra='challenges: ["[[mid]]"]\n')))
    assert _title(vault, "claims/mid.md") == "6 backlinks from 4 notes · 1 depends on this · 2 challenge it"
    # named in its own challenged_by only: a challenger with no link to it
    vault.put(parse_note("notes/lone.md", claim("l", "x", title="lone", extra='challenged_by: ["[[second]]"]\n')))
    assert _title(vault, "notes/lone.md") == "0 backlinks · 1 challenges it"
