"""Which fixes are safe to apply without a person looking (`claim-lsp check --fix`): the one
suggestion that names its note beyond doubt, the exact case, the missing fields left empty."""

from __future__ import annotations

import datetime as dt

import pytest

from claim_lsp.checks import check_note
from claim_lsp.code_actions import actions_for, add_missing_fields, certain_suggestion
from claim_lsp.rank import surely_names
from tests.unit.vaults import apply_change, make_vault

GREW = "markets aggregate dispersed information better than any poll because traders pay for being wrong"

SURE = [
    ("Markets-aggregate-dispersed-information", "markets aggregate dispersed information"),  # a slug
    ("the real world impact", "the real-world impact"),
    ("markets aggregate dispersed information better", GREW),  # the title's first five words
    ("markets agregate dispersed information", "markets aggregate dispersed information"),  # a letter dropped
    ("markets aggergate dispersed information", "markets aggregate dispersed information"),  # two swapped
    ("markets aggregate dispersed informations", "markets aggregate dispersed information"),  # one added
]
NOT_SURE = [
    ("markets aggregate dispersed", GREW),  # three words of the title: another title could start so
    ("2026-01-01-futardio-launch-p2p", "2026-01-01-futardio-launch-p2p-protocol"),  # words of a slug: dates
    ("2024-11-21-futardio-proposal-13", "2024-11-21-futardio-proposal-14"),  # another number, another note
    ("belief", "beliefs"),  # one word
    ("alignment is a coordination problem", "AI alignment is a coordination problem"),  # a word more
    ("market dynamics", "attractor dynamics"),
    ("markets agregate dispersed informatoin", "markets aggregate dispersed information"),  # two typos
    ("the cat sat down here", "the cot sat down here"),  # a word of three letters
    ("dispersed markets aggregate information", "markets aggregate dispersed information"),  # words swapped
    ("markets aggregate dispersed information better than any poll because traders", "markets aggregate"),
]


@pytest.mark.parametrize("written,title", SURE)
def test_surely_names(written, title):
    assert surely_names(written, title)


@pytest.mark.parametrize("written,title", NOT_SURE)
def test_not_surely_names(written, title):
    assert not surely_names(written, title)


CLAIM = "---\ntype: claim\ndomain: health\ndescription: d\nconfidence: likely\nsource: s\ncreated: 2026-01-01\n---\n"


def _broken(files: dict[str, str], path: str = "n.md"):
    vault = make_vault(files)
    vault.indexed = True
    note = vault.notes[path]
    problems = [p for p in check_note(note, vault) if p.code in ("broken-link", "broken-reference")]
    return vault, note, problems


def test_a_shortened_title_is_certain_and_preferred_in_the_editor():
    files = {"n.md": "# n\n\n[[markets aggregate dispersed information better]]\n", f"c/{GREW}.md": f"# {GREW}\n"}
    vault, note, [p] = _broken(files)
    assert certain_suggestion(vault, note, p) == GREW
    [replace, *_] = actions_for(vault, note, [p], today=dt.date(2026, 3, 4))
    assert replace.title == f"Replace with [[{GREW}]]" and replace.safe and replace.preferred


@pytest.mark.parametrize(
    "link,extra",
    [
        # two titles start with the link's words
        (
            "markets aggregate dispersed information better",
            {"d/markets aggregate dispersed information better still.md": ""},
        ),
        ("c/markets aggregate dispersed information better", {}),  # a path: another folder is another note
        ("markets aggregate dispersed information better#Evidence", {}),  # the note has no such heading
        ("markets aggregate dispersed information better#^blk", {}),  # nor block
        ("market dynamics", {"attractor dynamics.md": ""}),  # only alike
    ],
)
def test_uncertain_suggestions_are_not_safe(link, extra):
    files = {"n.md": f"# n\n\n[[{link}]]\n", f"c/{GREW}.md": f"# {GREW}\n", **extra}
    vault, note, [p] = _broken(files)
    assert p.data["suggestions"], "the quick fixes offer it"
    assert certain_suggestion(vault, note, p) is None
    actions = actions_for(vault, note, [p], today=dt.date(2026, 3, 4))
    assert not any(a.safe or a.preferred for a in actions)


def test_a_held_heading_keeps_the_suggestion_certain():
    files = {
        "n.md": "# n\n\n[[markets aggregate dispersed information better#Evidence]]\n",
        f"c/{GREW}.md": "## Evidence\n",
    }
    vault, note, [p] = _broken(files)
    assert certain_suggestion(vault, note, p) == GREW


def test_a_note_never_becomes_its_own_citation():
    # the link nearly names the note it is in: a note not written yet, not a self-citation
    files = {f"c/{GREW}.md": f"# {GREW}\n\n[[markets aggregate dispersed information better]]\n"}
    vault, note, [p] = _broken(files, f"c/{GREW}.md")
    assert p.data["suggestions"] == [GREW] and certain_suggestion(vault, note, p) is None


def test_a_title_two_notes_share_is_not_certain():
    files = {"n.md": "# n\n\n[[markets aggregate dispersed information better]]\n"}
    files |= {f"c/{GREW}.md": "", f"d/{GREW}.md": ""}
    vault, note, [p] = _broken(files)
    assert certain_suggestion(vault, note, p) is None  # (it would be an ambiguous link)


def test_a_near_miss_of_a_relation_field_is_fixed_with_its_quotes():
    item = GREW.replace("aggregate", "agregate")
    files = {"n.md": f"---\ntype: claim\ndepends_on: ['{item}']\n---\n# n\n", f"c/{GREW}.md": ""}
    vault, note, [p] = _broken(files)
    assert p.code == "broken-reference" and certain_suggestion(vault, note, p) == GREW


def _missing(text: str, path: str = "n.md"):
    vault = make_vault({path: text})
    note = vault.notes[path]
    [p] = [p for p in check_note(note, vault) if p.code == "missing-field"]
    return vault, note, p


def test_missing_fields_added_empty_are_safe_and_stay_missing():
    text = "---\ntype: claim\ndomain: health\nconfidence: likely\n---\n# n\n"
    vault, note, p = _missing(text)
    action = add_missing_fields(vault.config, note, p, None)
    assert action.safe
    assert [e.new_text for e in action.change.edits["n.md"]] == ["description:\n", "source:\ncreated:\n"]
    # the editor's fix dates the note today: a person sees it; the CLI cannot know the date
    assert not add_missing_fields(vault.config, note, p, dt.date(2026, 3, 4)).safe
    after = make_vault(apply_change({"n.md": text}, action.change)).notes["n.md"]
    assert after.frontmatter.data["description"] is None
    assert [q.message for q in check_note(after, vault) if q.code == "missing-field"] == [p.message]


def test_a_guessed_type_is_not_safe():
    vault, note, p = _missing("---\ndomain: health\n---\n# n\n")
    assert p.data == {"fields": ["type"]}
    assert not any(a.safe for a in actions_for(vault, note, [p], today=dt.date(2026, 3, 4)))
    assert not add_missing_fields(vault.config, note, p, None).safe


def test_the_case_fixes_are_safe():
    vault = make_vault({"n.md": "# n\n[[T]] [[t]]\n", "t.md": ""})
    note = vault.notes["n.md"]
    problems = check_note(note, vault)
    assert [p.code for p in problems] == ["case-mismatch"]
    actions = actions_for(vault, note, problems, problems, today=dt.date(2026, 3, 4))
    assert [a.safe for a in actions] == [True, True]  # the quick fix and the fix-all
