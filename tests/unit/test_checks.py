"""checks.py: every diagnostic code, its severity, span and data."""

from __future__ import annotations

import pytest

from claim_lsp.checks import CODES, check_note, date_problem
from claim_lsp.config import Config, Limits
from claim_lsp.index import Vault
from claim_lsp.model import Span
from claim_lsp.parse import note_from_text, parse_note
from tests.helpers import claim

GOOD = claim("A description", "Body.", title="Good claim")
TARGET = "---\ntype: claim\n---\n# Target note\n\n## Evidence\n\n## Other part\n"


def vault_of(files: dict[str, str], config: Config | None = None) -> Vault:
    vault = Vault(config=config)
    for path, text in files.items():
        vault.put(parse_note(path, text))
    return vault


def problems(text: str, files: dict[str, str] | None = None, path: str = "n/Good claim.md", config=None):
    vault = vault_of({"t/Target note.md": TARGET, **(files or {})}, config)
    note = parse_note(path, text)
    vault.put(note)
    return check_note(note, vault)


def by_code(found, code):
    return [p for p in found if p.code == code]


def test_a_good_claim_has_no_problems():
    assert problems(GOOD) == []


def test_broken_link_names_the_closest_title():
    text = claim("d", "See [[Targte note]].", title="Good claim")
    [p] = problems(text)
    assert p.code == "broken-link" and p.severity == "error"
    assert p.data == {"target": "Targte note", "suggestions": ["Target note"]}
    assert '"Target note"' in p.message
    line = text.split("\n")[p.span.line]
    assert line[p.span.col : p.span.end_col] == "Targte note"


def test_broken_link_without_any_close_title():
    [p] = problems("[[zzzz qqqq xxxx]]", path="n/x.md")
    assert p.code == "broken-link" and p.data == {"target": "zzzz qqqq xxxx", "suggestions": []}
    assert "did you mean" not in p.message


def test_broken_link_span_on_a_line_with_emoji():
    text = "🚀 é [[Targte note|x]]"
    [p] = problems(text, path="n/x.md")
    assert text[p.span.col : p.span.end_col] == "Targte note"


def test_case_mismatch_first_suggestion_is_the_exact_title():
    [p] = problems("[[target NOTE]]", path="n/x.md")
    assert p.code == "case-mismatch" and p.severity == "warning"
    assert p.data["target"] == "target NOTE"
    assert p.data["suggestions"][0] == "Target note"
    assert len(p.data["suggestions"]) <= 5


def test_case_mismatch_by_alias_suggests_the_alias():
    files = {"a/Real.md": "---\naliases: [The Alias]\n---\n"}
    [p] = problems("[[the alias]]", files, path="n/x.md")
    assert p.code == "case-mismatch" and p.data["suggestions"][0] == "The Alias"


def test_case_mismatch_by_path_suggests_the_path():
    [p] = problems("[[T/target note]]", path="n/x.md")
    assert p.code == "case-mismatch" and p.data["suggestions"][0] == "t/Target note"


def test_ambiguous_link():
    files = {"a/Dup.md": "", "b/Dup.md": ""}
    [p] = problems("[[Dup]]", files, path="c/x.md")
    assert p.code == "ambiguous-link" and p.severity == "warning"
    assert p.data["target"] == "Dup"
    assert p.data["suggestions"] == ["Dup"]
    assert p.data["candidates"] == ["a/Dup.md", "b/Dup.md"]
    assert "a/Dup.md" in p.message and "b/Dup.md" in p.message


def test_ambiguous_link_message_names_three_candidates_and_counts_the_rest():
    files = {f"{folder}/Dup.md": "" for folder in "abcdef"}
    [p] = problems("[[Dup]]", files, path="x/y.md")
    assert p.message == '"Dup" matches 6 notes equally well: a/Dup.md, b/Dup.md, c/Dup.md and 3 more'
    assert len(p.data["candidates"]) == 6  # the data keeps every path, for go-to-definition and quick fixes
    files = {f"{folder}/Dup.md": "" for folder in "abc"}
    [p] = problems("[[Dup]]", files, path="x/y.md")
    assert p.message == '"Dup" matches 3 notes equally well: a/Dup.md, b/Dup.md, c/Dup.md'


@pytest.mark.parametrize("text", ["[[]]", "[[   ]]", "[[|shown]]", "![[ ]]"])
def test_empty_link(text):
    [p] = problems(text, path="n/x.md")
    assert p.code == "empty-link" and p.severity == "error"
    assert p.span.col == 0 and p.span.end_col == len(text)


def test_heading_only_link_is_not_empty():
    # BUG (checks.py): [[#Part]] links to a heading of the same note (definition and completion
    # support it) but check_links resolves the empty target and reports empty-link.
    assert problems("# T\n## Part\n[[#Part]]", path="n/T.md") == []


def test_missing_heading_and_case_insensitive_heading():
    found = problems("[[Target note#Evidence]] [[Target note#evidence]] [[Target note#Nope]]", path="n/x.md")
    [p] = found
    assert p.code == "missing-heading" and p.severity == "warning"
    assert p.data == {"target": "Target note", "heading": "Nope", "suggestions": ["Evidence", "Other part"]}


def test_missing_block_and_case_insensitive_block_id():
    files = {"t/Blocks.md": "# Blocks\n\nA claim worth citing. ^cite-me\n\n- a point ^p2\n"}
    text = "[[Blocks#^cite-me]] [[Blocks#^CITE-ME]] [[Blocks#^p2|shown]] [[Blocks#^gone]] [[Blocks#^]]"
    found = problems(text, files, path="n/x.md")
    assert [(p.code, p.severity) for p in found] == [("missing-block", "warning"), ("missing-block", "warning")]
    gone = found[0]
    assert gone.message == '"Blocks" has no block ^gone'
    assert gone.data == {"target": "Blocks", "block": "^gone", "suggestions": ["^cite-me", "^p2"]}
    assert gone.span == Span(0, text.index("[[Blocks#^gone"), 0, text.index("[[Blocks#^gone") + len("[[Blocks#^gone]]"))


def test_block_of_the_same_note():
    assert problems("# T\n\nText ^here\n\n[[#^here]] [[#^there]]", path="n/T.md")[0].code == "missing-block"
    assert len(problems("# T\n\nText ^here\n\n[[#^here]] [[#^there]]", path="n/T.md")) == 1


def test_yaml_error():
    text = "---\ntype: claim\n  bad: indent\n---\n# Good claim\n"
    [p] = problems(text)
    assert p.code == "yaml-error" and p.severity == "error"
    assert p.span.line == 2


def test_duplicate_key():
    text = GOOD.replace("type: claim\n", "type: claim\ntype: claim\n")
    [p] = problems(text)
    assert p.code == "duplicate-key" and p.severity == "warning"
    assert p.span == Span(2, 0, 2, 4)


def test_missing_fields_are_listed_together():
    text = "---\ntype: claim\ndomain: health\n---\n# Good claim\n"
    [p] = problems(text)
    assert p.code == "missing-field" and p.severity == "error"
    assert p.data == {"fields": ["description", "confidence", "source", "created"]}


def test_missing_type():
    [p] = problems("---\ndomain: health\n---\n# Good claim\n")
    assert p.code == "missing-field" and p.data == {"fields": ["type"]}


def test_either_field_satisfies_an_alternative():
    base = "---\ntype: source\ntitle: t\nauthor: a\ndomain: health\nstatus: processed\n{}---\n"
    assert problems(base.format("url: u\ndate: 2026-01-01\n"), path="s/x.md") == []
    [p] = problems(base.format("source: s\n"), path="s/x.md")
    assert p.code == "missing-field" and p.data == {"fields": ["date or date_published or date_archived"]}


def test_invalid_value_at_the_key():
    text = GOOD.replace("confidence: likely", "confidence: certain")
    [p] = problems(text)
    assert p.code == "invalid-value" and p.severity == "error"
    assert p.data == {
        "field": "confidence",
        "value": "certain",
        "allowed": ["proven", "likely", "experimental", "speculative"],
        "required": True,
    }
    assert p.span.line == text.split("\n").index("confidence: certain")


SOURCE = (
    "---\ntype: source\ntitle: T\nauthor: A\nurl: https://example.com\ndate: 2025-12-01\n"
    "domain: internet-finance\nstatus: processed\nformat: article\n---\n# x\n"
)


def test_an_optional_fields_bad_value_is_a_warning():
    [p] = problems(SOURCE, path="inbox/x.md")
    assert (p.code, p.severity, p.data["field"], p.data["required"]) == ("invalid-value", "warning", "format", False)
    # a required field's stays an error
    fixed = SOURCE.replace("format: article", "format: paper")
    [p] = problems(fixed.replace("status: processed", "status: done"), path="inbox/x.md")
    assert (p.severity, p.data["field"], p.data["required"]) == ("error", "status", True)


def test_configured_severity_is_the_required_fields_and_optional_ones_are_one_level_less():
    config = Config()
    config.severity["invalid-value"] = "warning"
    text = SOURCE.replace("status: processed", "status: done")
    found = problems(text, path="inbox/x.md", config=config)
    assert [(p.data["field"], p.severity) for p in found] == [("status", "warning"), ("format", "information")]
    config.severity["invalid-value"] = None
    assert problems(text, path="inbox/x.md", config=config) == []


def test_invalid_value_in_a_list_and_of_the_wrong_kind():
    text = GOOD.replace("domain: ai-alignment", "domain: [health, nowhere]")
    [p] = problems(text)
    assert p.code == "invalid-value" and p.data["value"] == "nowhere"
    text = GOOD.replace("confidence: likely", "confidence: {a: 1}")
    [p] = problems(text)
    assert p.code == "invalid-value" and p.data["value"] == "dict"
    [p] = problems("---\ntype: [claim]\n---\n")
    assert p.code == "invalid-value"


@pytest.mark.parametrize("value", ["2026-02-00", "2026-13-01", "2026-02-30", "March 2026", "2026/03/01", "20260301"])
def test_invalid_date(value):
    text = GOOD.replace("created: 2026-03-01", f"created: {value}")
    [p] = problems(text)
    assert p.code == "invalid-date" and p.severity == "warning"
    assert p.data == {"field": "created", "value": value}
    assert p.span.line == text.split("\n").index(f"created: {value}")


def test_dates_in_generic_fields_of_untyped_schemas_are_checked():
    found = problems("---\ntype: claim\nupdated: 2026-02-29\n---\n", path="n/x.md")
    assert [p.data for p in by_code(found, "invalid-date")] == [{"field": "updated", "value": "2026-02-29"}]


def test_date_problem():
    assert date_problem("2024-02-29") is None
    assert date_problem(" 2026-03-01 ") is None
    assert "not a real date" in date_problem("2026-02-00")
    assert "YYYY-MM-DD" in date_problem(20260301)
    import datetime as dt

    assert date_problem(dt.date(2026, 1, 1)) is None


def test_unknown_type():
    [p] = problems("---\ntype: essay\n---\n")
    assert p.code == "unknown-type" and p.severity == "information"
    assert "essay" in p.message and "claim" in p.message
    assert p.span == Span(1, 0, 1, 4)


def test_title_mismatch():
    text = GOOD.replace("# Good claim", "# Another title")
    [p] = problems(text)
    assert p.code == "title-mismatch" and p.severity == "hint"
    assert p.data == {"h1": "Another title", "title": "Good claim"}
    assert text.split("\n")[p.span.line][p.span.col : p.span.end_col] == "Another title"


@pytest.mark.parametrize(
    "title, h1",
    [
        ("Good claim", "Good   claim"),  # spaces
        ("good claim", "Good claim"),  # case
        ("the evaluators context window", "The evaluator’s context window"),  # a curly apostrophe
        ("the evaluators context window", "The evaluator's context window."),  # and a final period
        ("systems agents with schemata", "Systems: agents with schemata"),  # a colon a file name cannot hold
        ("AI-companion-apps-correlate", "AI companion apps correlate"),  # a slug
        ("self-review — two roles", "Self-review -- two roles"),  # an em dash
        ("Café", "Cafe\u0301"),  # unicode normalisation (NFC vs NFD)
        ("blockchain infrastructure and coordination", "Blockchain Infrastructure & Coordination"),
    ],
)
def test_title_match_ignores_case_and_typography(title, h1):
    text = GOOD.replace("# Good claim", f"# {h1}")
    assert by_code(problems(text, path=f"n/{title}.md"), "title-mismatch") == []


def test_a_real_title_mismatch_stays():
    text = GOOD.replace("# Good claim", "# Good claims")
    assert by_code(problems(text), "title-mismatch")
    text = GOOD.replace("# Good claim", "# Good claim, mostly")
    assert by_code(problems(text), "title-mismatch")


def test_maps_and_indexes_keep_a_display_name_as_h1():
    text = "---\ndescription: the health domain\n---\n# Health — How We Heal\n\n[[Target note]]\n"
    for path in ("domains/health/_map.md", "index.md", "a/b/index.md", "README.md"):
        assert by_code(problems(text, path=path), "title-mismatch") == [], path
    assert by_code(problems(text, path="domains/health/overview.md"), "title-mismatch")
    config = Config()
    config.title_mismatch_ignore = ["maps/**"]
    assert by_code(problems(text, path="maps/overview.md", config=config), "title-mismatch") == []
    assert by_code(problems(text, path="x/_map.md", config=config), "title-mismatch")  # replaced, not added


def test_plain_notes_have_no_title_mismatch():
    # an agent's identity.md, a schema's documentation: no frontmatter, a display name as H1
    assert by_code(problems("# Theseus — AI, Alignment\n", path="agents/theseus/identity.md"), "title-mismatch") == []


def test_types_named_by_slug_or_date_have_no_title_mismatch():
    for kind in ("source", "entity", "sector", "musing"):
        text = f"---\ntype: {kind}\n---\n# A display title\n"
        assert by_code(problems(text, path=f"x/2026-03-05-slug-{kind}.md"), "title-mismatch") == [], kind
    assert by_code(problems("---\ntype: belief\n---\n# A display title\n", path="x/b.md"), "title-mismatch")


def test_unreadable_file():
    vault = vault_of({})
    note = note_from_text("x.md", "", Limits(), "cannot be read: permission denied")
    vault.put(note)
    [p] = check_note(note, vault)
    assert p.code == "unreadable-file" and p.severity == "error" and "permission denied" in p.message


def test_too_many_links():
    vault = vault_of({"Target.md": ""})
    note = parse_note("x.md", "[[Target]] " * 5, Limits(max_links=3))
    [p] = check_note(note, vault)
    assert p.code == "too-many-links" and p.severity == "warning"


def test_broken_reference():
    """A plain item of a relation field that nearly names a note (more in test_relations.py)."""
    text = claim("d", "Body.", title="Good claim", extra='depends_on: ["Target-note", "not a title at all"]\n')
    [p] = problems(text, files={"t/Target note.md": TARGET})
    assert p.code == "broken-reference" and p.severity == "warning"
    assert p.data == {"target": "Target-note", "suggestions": ["Target note"]}
    assert text.split("\n")[p.span.line][p.span.col : p.span.end_col] == "Target-note"


def test_every_code_is_produced_somewhere():
    """Guard: a new code in CODES needs a test above."""
    tested = {
        "broken-link", "case-mismatch", "ambiguous-link", "empty-link", "missing-heading", "missing-block", "yaml-error",
        "duplicate-key", "missing-field", "invalid-value", "invalid-date", "unknown-type", "title-mismatch",
        "unreadable-file", "too-many-links", "broken-reference",
        # the review checklist's: test_review.py
        "duplicate-claim", "near-duplicate", "description-repeats-title", "confidence-exceeds-support",
        "unacknowledged-challenge", "forbidden-link",
    }  # fmt: skip
    assert set(CODES) == tested


def test_severity_override_and_off():
    config = Config()
    config.severity["broken-link"] = "warning"
    config.severity["title-mismatch"] = None
    text = claim("d", "[[nowhere at all]]", title="Other")
    found = problems(text, config=config)
    assert [(p.code, p.severity) for p in found] == [("broken-link", "warning")]


def test_problems_are_sorted_by_position():
    text = "---\ntype: essay\n---\n# Wrong\n[[]] [[Targte note]]\n"
    found = problems(text, path="n/x.md")
    assert [p.code for p in found] == ["unknown-type", "title-mismatch", "empty-link", "broken-link"]
    assert [(p.span.line, p.span.col) for p in found] == sorted((p.span.line, p.span.col) for p in found)


def test_frontmatter_links_are_checked():
    text = GOOD.replace("---\n\n#", 'depends_on: ["[[Target note]]", "[[Targte note]]"]\n---\n\n#')
    [p] = problems(text)
    assert p.code == "broken-link" and p.data["suggestions"][0] == "Target note"
    assert p.span.line == text.split("\n").index('depends_on: ["[[Target note]]", "[[Targte note]]"]')


def test_links_in_code_are_not_checked():
    assert problems("`[[nowhere]]`\n```\n[[nowhere]]\n```\n", path="n/x.md") == []


def test_plain_note_without_frontmatter_has_no_schema_problems():
    assert problems("# x\nJust text.", path="n/x.md") == []


def test_crlf_note_positions():
    text = GOOD.replace("\n", "\r\n").replace("confidence: likely", "confidence: sure")
    [p] = problems(text)
    assert p.code == "invalid-value" and p.span.line == 4


def test_small_vault_from_helpers():
    from tests.helpers import COORD, SMALL_VAULT

    vault = vault_of(SMALL_VAULT)
    note = vault.notes[f"domains/ai/{COORD}.md"]
    found = check_note(note, vault)
    assert sorted(p.code for p in found) == ["broken-link", "case-mismatch"]


def test_links_wait_for_the_vault_to_be_indexed():
    vault = vault_of({"t/Target note.md": TARGET})
    note = parse_note("n/x.md", "---\ntype: nonsense\n---\n# x\n\n[[Target note]] [[missing]] [[Target note#Nope]]\n")
    vault.put(note)
    vault.indexed = False  # notes still being read: a link may name an alias not read yet
    assert [p.code for p in check_note(note, vault)] == ["unknown-type"]  # the rest waits
    vault.indexed = True
    assert {"broken-link", "missing-heading"} <= {p.code for p in check_note(note, vault)}


def test_musings_have_no_quality_bar():
    # the corpus's vida musings: no agent, no title, fields of their own
    text = "---\nstatus: seed\ntype: musing\nstage: developing\ncreated: 2026-03-10\n---\n# research\n"
    assert problems(text, path="agents/vida/musings/research.md") == []
    bad = "---\ntype: musing\nstatus: ripe\n---\n# x\n"
    [p] = problems(bad, path="agents/vida/musings/x.md")
    assert p.code == "invalid-value" and p.data["field"] == "status"


@pytest.mark.parametrize("legacy", ["archive", "evidence"])
def test_legacy_source_types_are_checked_as_sources(legacy):
    text = f"---\ntype: {legacy}\ntitle: T\nsource: https://example.com\ndate_published: 2024-01-02\n---\n# x\n"
    [p] = problems(text, path="inbox/archive/x.md")
    assert p.code == "missing-field" and p.data == {"fields": ["author", "domain", "status"]}
    assert p.message.startswith(f"An {legacy} needs author, domain, status")
    full = text.replace("title: T\n", "title: T\nauthor: A\ndomain: health\nstatus: processed\n")
    assert problems(full, path="inbox/archive/x.md") == []
