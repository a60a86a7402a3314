"""Fidelity to the real vault (issue 19), on the shared corpus (run with `pytest -m corpus`)."""

from __future__ import annotations

import datetime as dt

import pytest

from claim_lsp.checks import check_note
from claim_lsp.code_actions import actions_for
from claim_lsp.index import Vault
from tests.helpers import corpus_vault

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def vault() -> Vault:
    return corpus_vault()


@pytest.fixture(scope="module")
def problems(vault: Vault) -> dict[str, list]:
    return {path: check_note(note, vault) for path, note in vault.notes.items()}


def test_musings_get_no_missing_field(vault, problems):
    musings = [p for p in vault.notes if "/musings/" in p]
    assert len(musings) >= 7
    assert not [(m, p.message) for m in musings for p in problems[m] if p.code == "missing-field"]


def test_the_untyped_legacy_source_is_offered_type_source_first(vault, problems):
    path = "inbox/archive/2026-03-05-aschenbrenner-situational-awareness-research.md"
    note = vault.notes[path]
    [missing] = [p for p in problems[path] if p.code == "missing-field"]
    actions = actions_for(vault, note, [missing], problems[path], today=dt.date(2026, 3, 12))
    assert actions[0].title == "Add type: source" and actions[0].preferred


def test_title_mismatch_is_kept_for_real_mismatches_only(vault, problems):
    found = {path: p for path, ps in problems.items() for p in ps if p.code == "title-mismatch"}
    # 119 before issue 19: 52 case or typography, 28 plain notes, 12 maps, 17 sources and musings
    assert len(found) <= 12, sorted(found)
    assert not [p for p in found if p.endswith("/_map.md") or "/musings/" in p or p.startswith("schemas/")]
    # a claim whose H1 says "human review" where its file name says "human verification"
    assert any(p.startswith("domains/ai-alignment/formal verification of AI-generated proofs") for p in found)
    # a claim whose H1 only adds an apostrophe and capitals is not one
    assert not any(p.startswith("foundations/critical-systems/coevolution means agents fitness") for p in found)


def test_ambiguous_links_are_possible_backlinks_of_both_copies(vault):
    title = (
        "universal alignment is mathematically impossible because Arrows impossibility theorem applies to "
        "aggregating diverse human preferences into a single coherent objective"
    )
    linkers = {"agents/theseus/identity.md", "agents/theseus/musings/research-2026-03-11.md"}
    for folder in ("domains/ai-alignment", "foundations/collective-intelligence"):
        note = vault.notes[f"{folder}/{title}.md"]
        maybe = {src.path for src, _ in vault.possible_backlinks(note)}
        assert linkers <= maybe, folder
        assert not maybe & {src.path for src, _ in vault.backlinks(note)}


def test_hover_on_a_map_link_shows_the_maps_h1(vault):
    from claim_lsp.hover import hover_link

    src = next(
        n for p, n in sorted(vault.notes.items()) if p.startswith("domains/ai-alignment/") and "_map" in n.raw_links()
    )
    link = src.link(src.raw_links().index("_map"))
    text = hover_link(vault, src, link)
    assert text.startswith("**AI, Alignment & Collective Superintelligence**"), text[:80]
    assert "`domains/ai-alignment/_map.md`" in text
