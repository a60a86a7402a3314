"""roots.py: is the folder indexed the vault's root? Markers above it, and a note's broken
links whose notes are found above it."""

from __future__ import annotations

from pathlib import Path

import pytest

from claim_lsp import roots
from claim_lsp.config import Config
from claim_lsp.index import Vault
from claim_lsp.parse import note_from_text
from claim_lsp.roots import found_above, marker_above, tally_links
from tests.helpers import write_vault


def test_marker_above(tmp_path, monkeypatch):
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    inner = tmp_path / "a/b/c"
    inner.mkdir(parents=True)
    assert marker_above(inner) is None
    (tmp_path / "a/.git").mkdir()
    assert marker_above(inner) == (tmp_path / "a", ".git")
    (tmp_path / "a/b/.claim-lsp.toml").write_text("")
    assert marker_above(inner) == (tmp_path / "a/b", ".claim-lsp.toml")  # the nearest
    (inner / ".obsidian").mkdir()
    assert marker_above(inner) is None  # the root has its own
    (inner / ".obsidian").rmdir()
    (tmp_path / "a/b/.claim-lsp.toml").unlink()
    (tmp_path / "a/.git").rmdir()
    (tmp_path / ".git").mkdir()  # the home folder (a dotfiles repo) is never the vault
    assert marker_above(inner) is None


def vault_with(note_text: str, names: list[str], attachments: set[str] = frozenset()) -> tuple[Vault, object]:
    vault = Vault(Path("/v"), Config())
    for name in names:
        vault.put(note_from_text(f"{name}.md", f"# {name}\n", vault.config.limits))
    vault.set_attachments(set(attachments))
    note = note_from_text("x.md", note_text, vault.config.limits)
    vault.put(note)
    return vault, note


def test_tally_counts_links_naming_notes():
    text = "[[a]] [[A]] [[gone]] [[far/Gone Too#h]] [[#local]] [[ ]] [[pic.png]] [[a#nowhere]]\n"
    vault, note = vault_with(text, ["a"], {"pic.png"})
    tally = tally_links(note, vault)
    # a, A (case), gone, far/Gone Too, a#nowhere: five; the heading of this note, the empty link
    # and the attachment name no note
    assert tally.links == 5 and tally.broken == ["gone", "gone too"]
    assert not tally.mostly_broken


@pytest.mark.parametrize(("links", "broken", "mostly"), [(5, 4, True), (5, 3, False), (4, 4, False), (10, 8, True)])
def test_mostly_broken(links, broken, mostly):
    assert roots.LinkTally(links, ["x"] * broken).mostly_broken is mostly


def test_found_above_names_the_nearest_folder_holding_most_of_them(tmp_path, monkeypatch):
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    vault = write_vault(
        tmp_path / "notes",
        {
            "domains/ai/x.md": "",
            "domains/bio/one.md": "",
            "foundations/two.md": "",
            "foundations/deep/three.md": "",
            "foundations/.hidden/four.md": "",  # hidden folders are not walked
        },
    )
    root = vault / "domains/ai"
    found = found_above(root, ["one", "two", "three", "four"])
    assert found == roots.FoundAbove(vault, 3, 4)  # domains/ holds only one of them
    assert found_above(root, ["one", "nowhere", "nor", "here"]) is None  # 1 of 4: no sign
    assert found_above(root, ["x"]) is None  # the root's own notes are not "above"
    assert found_above(tmp_path, ["two"]) is None  # nothing above the home folder is looked at
