from __future__ import annotations

import datetime as dt

from claim_lsp.checks import check_note
from claim_lsp.code_actions import FIX_ALL, actions_for, add_missing_fields, new_note_path, note_template
from claim_lsp.config import Config, apply_settings
from tests.unit.vaults import apply_change, make_vault

TODAY = dt.date(2026, 3, 4)
NOTE = (
    "---\ntype: claim\nconfidence: likely\ntags: [x]\ncreated: 2026-01-01\n---\n# n\n\n"
    "[[Target Note]] [[target note]] [[targte note]] [[brand new]] [[_map]]\n"
)
FILES = {"a/n.md": NOTE, "b/target note.md": "# target note\n", "x/_map.md": "", "y/_map.md": ""}


def fixes(code: str, files=FILES, path="a/n.md"):
    vault = make_vault(files)
    note = vault.notes[path]
    problems = check_note(note, vault)
    here = [p for p in problems if p.code == code]
    return vault, note, actions_for(vault, note, here, problems, today=TODAY)


def test_broken_link_fixes():
    vault, note, actions = fixes("broken-link")
    titles = [a.title for a in actions]
    assert "Replace with [[target note]]" in titles
    assert "Create note 'brand new' (a/brand new.md)" in titles
    create = next(a for a in actions if a.title.startswith("Create note 'brand new"))
    assert create.change.creates[0][1].startswith("---\ntype: claim\ndomain:\ndescription:")
    assert "created: 2026-03-04\n---\n\n# brand new\n" in create.change.creates[0][1]


def test_case_mismatch_and_fix_all():
    _, _, actions = fixes("case-mismatch")
    assert actions[0].title == "Change to [[target note]]" and actions[0].preferred
    fix_all = [a for a in actions if a.kind == FIX_ALL]
    out = apply_change(FILES, fix_all[0].change)
    assert "[[target note]] [[target note]]" in out["a/n.md"]


def test_ambiguous_link_by_path():
    _, _, actions = fixes("ambiguous-link")
    assert [a.title for a in actions if a.kind != FIX_ALL] == ["Link to x/_map.md", "Link to y/_map.md"]
    assert "[[y/_map]]" in apply_change(FILES, actions[1].change)["a/n.md"]


def test_missing_fields_go_in_schema_order():
    vault, note, _ = fixes("missing-field")
    problem = next(p for p in check_note(note, vault) if p.code == "missing-field")
    action = add_missing_fields(vault.config, note, problem, TODAY)
    out = apply_change(FILES, action.change)["a/n.md"]
    assert out.startswith(
        "---\ntype: claim\ndomain:\ndescription:\nconfidence: likely\ntags: [x]\nsource:\ncreated: 2026-01-01\n---\n"
    )


def test_missing_type_is_added_first():
    files = {"n.md": "---\ndomain: health\n---\n# n\n"}
    vault, note, actions = fixes("missing-field", files, "n.md")
    out = apply_change(files, actions[0].change)["n.md"]
    assert out.startswith("---\ntype: claim\ndomain: health\n")


def test_new_note_paths_stay_in_the_vault_and_never_overwrite():
    vault = make_vault(FILES)
    note = vault.notes["a/n.md"]
    assert new_note_path(vault, note, "sub/x") == "sub/x.md"
    assert new_note_path(vault, note, "./x") == "a/x.md"
    assert new_note_path(vault, note, "../../x") is None
    assert new_note_path(vault, note, "b/Target Note") is None  # exists (any case)
    assert new_note_path(vault, note, "q?") is None
    assert new_note_path(vault, note, ".hidden") is None
    assert new_note_path(vault, note, "on disk", exists=lambda p: p == "a/on disk.md") is None
    config = Config()
    apply_settings(config, {"types": {"claim": {"folder": "claims/new"}}}, "test")
    vault.config = config
    assert new_note_path(vault, note, "x") == "claims/new/x.md"


def test_template_without_a_schema():
    config = Config(default_type="memo")
    assert note_template(config, "t", TODAY) == "---\ntype: memo\n---\n\n# t\n\n"


SOURCE_LIKE = (
    "---\ntitle: Situational Awareness\nauthor: Leopold Aschenbrenner\nurl: https://example.com\n"
    "date_published: 2024-06-01\ndomain: ai-alignment\nstatus: processed\n---\n# Situational Awareness\n"
)


def test_a_note_without_type_gets_the_type_its_fields_and_folder_suggest():
    path = "inbox/archive/Situational Awareness.md"
    files = {path: SOURCE_LIKE}
    vault, note, actions = fixes("missing-field", files, path)
    assert [a.title for a in actions][0] == "Add type: source" and actions[0].preferred
    assert not any(a.preferred for a in actions[1:])
    out = apply_change(files, actions[0].change)
    assert out[path].startswith("---\ntype: source\ntitle: Situational Awareness\n")
    fixed = make_vault(out)
    assert check_note(fixed.notes[path], fixed) == []  # no new errors, unlike type: claim


def test_a_note_in_a_musings_folder_is_a_musing_first():
    path = "agents/vida/musings/research.md"
    files = {path: "---\nstatus: seed\ncreated: 2026-03-10\n---\n# research\n"}
    _, _, actions = fixes("missing-field", files, path)
    assert actions[0].title == "Add type: musing"
