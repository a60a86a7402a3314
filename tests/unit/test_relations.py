"""Relation fields: their plain-title items are references (parse, resolution, diagnostics,
rename, completion, quick fixes, inlay hints)."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest
import yaml

from bench.gen_vault import generate_vault
from claim_lsp.cache import _stamp
from claim_lsp.checks import check_note
from claim_lsp.code_actions import actions_for
from claim_lsp.completion import complete
from claim_lsp.config import RELATION_FIELDS, Config, apply_settings
from claim_lsp.index import Vault
from claim_lsp.inlay_hints import confidence_hints
from claim_lsp.parse import parse_note
from claim_lsp.rank import nearly_names
from claim_lsp.references import references
from claim_lsp.relation_items import _maybe_title
from claim_lsp.rename import follow_moves, rename_note, rename_target
from claim_lsp.scan import read_text
from claim_lsp.schema import relations_of
from tests.unit.vaults import apply_change, make_vault

CHEAP = "cheap launch unlocks every downstream orbital industry"
VERT = "vertical integration raises costs through aggressive coding"


def fm(*lines: str, type_: str = "claim") -> str:
    return "\n".join(["---", f"type: {type_}", *lines, "---", "# n", ""])


def plain_items(text: str, config: Config | None = None) -> list[tuple[str, str | None, str | None, str | None, str]]:
    """(text, field, quote, bare, the characters its span covers) of each plain item."""
    note = parse_note("n.md", text, (config or Config()).limits)
    lines = text.split("\n")
    return [
        (lk.text, lk.fm_key, lk.quote, lk.bare, lines[lk.span.line][lk.span.col : lk.span.end_col])
        for lk in note.links
        if lk.bare
    ]


# ---- parse: every YAML shape ---------------------------------------------------------------
@pytest.mark.parametrize(
    "lines, expected",
    [
        (["depends_on:", f'  - "{CHEAP}"'], [(CHEAP, '"', "block", CHEAP)]),
        (["depends_on:", f"  - '{CHEAP}'"], [(CHEAP, "'", "block", CHEAP)]),
        (["depends_on:", f"  - {CHEAP}  # why"], [(CHEAP, None, "block", CHEAP)]),
        (["depends_on:", f"- {CHEAP}"], [(CHEAP, None, "block", CHEAP)]),  # items at the key's indentation
        ([f'depends_on: ["{CHEAP}", {VERT}]'], [(CHEAP, '"', "flow", CHEAP), (VERT, None, "flow", VERT)]),
        ([f"depends_on: ['{CHEAP}']"], [(CHEAP, "'", "flow", CHEAP)]),
        (
            ["depends_on: [", f'    "{CHEAP}",', f"    {VERT}", "  ]"],
            [(CHEAP, '"', "flow", CHEAP), (VERT, None, "flow", VERT)],
        ),
        ([f'challenged_by: "{CHEAP}"'], [(CHEAP, '"', "block", CHEAP)]),
        ([f"challenged_by: {CHEAP}"], [(CHEAP, None, "block", CHEAP)]),
        ([f'enrichments: ["{CHEAP}.md"]'], [(CHEAP + ".md", '"', "flow", CHEAP + ".md")]),
        (["claims_extracted:", "  - 'Bob''s claim'"], [("Bob's claim", "'", "block", "Bob''s claim")]),
        (
            ["claims_extracted:", '  - "caf\\u00e9 \\"quoted\\""'],
            [('café "quoted"', '"', "block", 'caf\\u00e9 \\"quoted\\"')],
        ),
        (["enrichments_applied:", "  - 🚀 emoji title"], [("🚀 emoji title", None, "block", "🚀 emoji title")]),
    ],
)
def test_plain_items_of_every_yaml_shape(lines, expected):
    text = fm(*lines)
    got = plain_items(text)
    assert [(t, q, b, w) for t, _, q, b, w in got] == expected
    assert {k for _, k, *_ in got} == {lines[0].split(":")[0]}
    data = yaml.safe_load(text.split("---\n")[1])
    value = data[lines[0].split(":")[0]]
    assert [t for t, *_ in got] == (value if isinstance(value, list) else [value])  # as YAML reads them


@pytest.mark.parametrize(
    "lines",
    [
        ["depends_on: []"],
        ["depends_on:", "  - [[wiki]]"],  # a flow list holding a list
        ['depends_on: ["[[a wiki link]]"]'],  # a link, not a plain item
        ["depends_on:", '  - "see [[x]] and more"'],
        ["challenged_by:", '  - "https://example.org/a/paper"'],
        ["challenged_by:", '  - "a # b"', "  - 'a | b'", "  - x[1] y"],
        ["challenged_by:", f'  - "{"long " * 60}"'],  # longer than any file name
        ["challenged_by: |", "  a block", "  scalar"],
        ["challenged_by:", "  - a plain scalar", "    over two lines"],
        ["challenged_by:", '  - "a quoted scalar', '    over two lines"'],
        ["challenged_by:", "  - key: value"],
        ["challenged_by: &anchor x y z"],
        ["challenged_by:", "  - 42", "  - true", "  - null"],
        [f'source: "{CHEAP}"', f"tags: [{CHEAP}]"],  # not relation fields
    ],
)
def test_what_is_not_a_plain_item(lines):
    assert plain_items(fm(*lines)) == []


def test_items_and_wiki_links_keep_file_order_and_spans():
    text = fm(f'depends_on: ["[[{VERT}]]", "{CHEAP}", "[[x]]"]', "title: [[body-like]]") + "[[in body]]\n"
    note = parse_note("n.md", text)
    assert [(lk.target, lk.bare) for lk in note.links] == [
        (VERT, None),
        (CHEAP, "flow"),
        ("x", None),
        ("body-like", None),
        ("in body", None),
    ]
    line = text.split("\n")[2]
    item = note.links[1]
    assert line[item.span.col : item.span.end_col] == CHEAP == line[item.target_span.col : item.target_span.end_col]
    assert note.link_at(2, item.span.col) == item and note.link_at(2, item.span.end_col) == item
    assert note.link_at(2, item.span.col - 1) is None  # the quote
    assert CHEAP in note.raw_links() and CHEAP.lower() in note.link_keys()
    copy = pickle.loads(pickle.dumps(note))
    assert copy == note and copy.links == note.links


def test_a_repeated_key_reads_its_last_value():
    assert [t for t, *_ in plain_items(fm(f"depends_on: [{VERT}]", f"depends_on: [{CHEAP}]"))] == [CHEAP]


def test_relations_per_type_from_the_configuration():
    config = Config()
    apply_settings(config, {"types": {"claim": {"relations": ["supports"]}, "hunch": {"required": ["type"]}}}, "t")
    assert config.limits.typed_relations == (("claim", frozenset({"supports"})),)
    for type_name in ("claim", "source", "hunch", None, 3):
        assert config.limits.relations_for(type_name) == relations_of(config, type_name)
    claim = plain_items(fm(f"supports: [{CHEAP}]", f"depends_on: [{VERT}]"), config)
    assert [t for t, *_ in claim] == [CHEAP]
    source = plain_items(fm(f"supports: [{CHEAP}]", f"depends_on: [{VERT}]", type_="source"), config)
    assert [t for t, *_ in source] == [VERT]
    assert Config().limits.relations_for("claim") == frozenset(RELATION_FIELDS)
    assert _stamp(config.limits) != _stamp(Config().limits)  # another configuration: the cache is stale


def relation_items_agree_with_yaml(root: Path) -> int:
    """Every note's plain items, field by field, are the string items of its relation fields
    as YAML read them (those that could be titles), in order; returns how many there are."""
    count = 0
    config = Config()
    for path in sorted(root.rglob("*.md")):
        note = parse_note(path.name, read_text(path, 10**7).text, config.limits)
        data = note.frontmatter.data or {}
        for key in config.limits.relations_for(data.get("type")):
            value = data.get(key)
            want = [v for v in (value if isinstance(value, list) else [value]) if _maybe_title(v)]
            got = [lk.text for lk in note.links if lk.bare and lk.fm_key == key]
            assert got == want, (path, key)
            count += len(got)
    return count


def test_plain_items_on_a_generated_vault(tmp_path):
    generate_vault(tmp_path / "v", 400, seed=5)
    assert relation_items_agree_with_yaml(tmp_path / "v") > 20
    vault = make_vault(
        {p.relative_to(tmp_path / "v").as_posix(): p.read_text() for p in (tmp_path / "v").rglob("*.md")}
    )
    bare = [(note, lk) for note in vault.notes.values() for lk in note.links if lk.bare]
    assert bare and all(vault.resolve(lk.target, note.path).note is not None for note, lk in bare)
    assert not any(p.code == "broken-reference" for note in vault.notes.values() for p in check_note(note, vault))


# ---- resolution, backlinks, references -------------------------------------------------------
FILES = {
    f"d/{CHEAP}.md": "---\ntype: claim\nconfidence: likely\n---\n# " + CHEAP + "\n",
    f"d/{VERT}.md": "---\ntype: claim\nconfidence: speculative\naliases: [integration costs]\n---\n# " + VERT + "\n",
    "x/twin.md": "# twin\n",
    "y/twin.md": "# twin\n",
    "s/source.md": (
        "---\ntype: source\nclaims_extracted:\n"
        f'  - "{CHEAP}"\n'
        f"  - {VERT}.md\n"
        "  - integration costs\n"
        f"  - {CHEAP.upper()}\n"
        "  - twin\n"
        "enrichments: [The thesis assumes demand keeps growing, nobody asked]\n"
        "---\n# source\n"
    ),
}


def test_plain_items_resolve_as_links_do_and_prose_is_left_alone():
    vault = make_vault(FILES)
    note = vault.notes["s/source.md"]
    found = sorted((p.code, p.data["target"]) for p in check_note(note, vault) if p.code != "missing-field")
    assert found == [("ambiguous-link", "twin"), ("case-mismatch", CHEAP.upper())]
    cheap = vault.notes[f"d/{CHEAP}.md"]
    assert [(src.path, lk.text) for src, lk in vault.backlinks(cheap)] == [
        ("s/source.md", CHEAP),
        ("s/source.md", CHEAP.upper()),
    ]
    vert = vault.notes[f"d/{VERT}.md"]
    assert {lk.text for _, lk in vault.backlinks(vert)} == {VERT + ".md", "integration costs"}
    assert vault.backlink_count(vert) == 1
    [prose] = [lk for lk in note.links if lk.text.startswith("The thesis")]
    assert vault.link_at(note, prose.span.line, prose.span.col + 1) is None  # text, not a link
    first = note.links[0]
    assert vault.link_at(note, first.span.line, first.span.col) == first
    assert [lk.text for _, lk in references(vault, note, first.span.line, first.span.col)] == [CHEAP, CHEAP.upper()]


def test_inlay_hints_follow_the_item_after_its_closing_quote():
    vault = make_vault(FILES)
    note = vault.notes["s/source.md"]
    lines = FILES["s/source.md"].split("\n")
    hints = {(h.line, h.col): h.label for h in confidence_hints(vault, note)}
    assert hints[(3, len(lines[3]))] == "· likely"  # after the closing quote
    assert hints[(4, len(lines[4]))] == "· speculative"  # after the unquoted item


# ---- broken-reference: near misses, not prose ------------------------------------------------
TITLES = [
    CHEAP,
    VERT,
    "the alignment tax creates a structural race to the bottom",
    "futarchy is manipulation resistant because attack attempts create profitable opportunities",
    "Markets",
]
NEAR = [
    "cheap launch unlocks every downstream orbital industy",  # a typo
    "cheap-launch-unlocks-every-downstream-orbital-industry",  # a slug
    "vertical_integration_raises_costs_through_aggressive_coding",
    "the alignment tax creates a race to the bottom",  # words dropped
    "futarchy is manipulation resistant because attack attempts create profitable opportunities.",
    "futarchy is manipulation resistant because attack",  # the start of a title that grew
]
PROSE = [
    "The thesis assumes demand keeps growing; if it plateaus the argument weakens",
    "Reflexive capture: users who game rules to increase influence can propose further rule changes",
    "A commenter argues that cheap launch matters less than orbital demand",
    "cheap launch matters but every downstream orbital industry also needs demand",  # on topic: ratio 74
    "see the 2025 report",
    "TBD",
    "Market",  # too short to tell a typo from another word
    "needs a second source",
    "vertical integration",
]


@pytest.mark.parametrize("item", NEAR)
def test_a_near_miss_is_a_broken_reference(item):
    vault = make_vault({f"t/{t}.md": f"# {t}\n" for t in TITLES} | {"n.md": fm("depends_on:", f'  - "{item}"')})
    note = vault.notes["n.md"]
    [p] = [p for p in check_note(note, vault) if p.code == "broken-reference"]
    assert p.severity == "warning" and p.data["target"] == item
    assert p.data["suggestions"][0] in TITLES and nearly_names(item, p.data["suggestions"][0])
    line = fm("depends_on:", f'  - "{item}"').split("\n")[3]
    assert line[p.span.col : p.span.end_col] == item


@pytest.mark.parametrize("item", PROSE)
def test_prose_is_left_alone(item):
    vault = make_vault({f"t/{t}.md": f"# {t}\n" for t in TITLES} | {"n.md": fm("challenged_by:", f'  - "{item}"')})
    note = vault.notes["n.md"]
    assert [p for p in check_note(note, vault) if p.code != "missing-field"] == []
    assert not any(nearly_names(item, t) for t in TITLES)


def test_broken_reference_can_be_switched_off_and_a_wiki_link_stays_broken_link():
    files = {f"t/{CHEAP}.md": "# x\n", "n.md": fm(f'depends_on: ["{NEAR[0]}", "[[{NEAR[0]}]]"]')}
    vault = make_vault(files)
    note = vault.notes["n.md"]
    assert sorted(p.code for p in check_note(note, vault)) == ["broken-link", "broken-reference", "missing-field"]
    vault.config.severity["broken-reference"] = None
    assert sorted(p.code for p in check_note(note, vault)) == ["broken-link", "missing-field"]


# ---- quick fixes -----------------------------------------------------------------------------
def test_quick_fixes_rewrite_the_plain_item():
    files = {
        f"t/{CHEAP}.md": "# x\n",
        "t/Bob's claim: a title.md": "# y\n",
        "n.md": fm(f"depends_on: [{NEAR[0]}, {CHEAP.upper()}]", "challenged_by:", "  - Bob's claim a title"),
    }
    vault = make_vault(files)
    note = vault.notes["n.md"]
    problems = check_note(note, vault)
    broken = [p for p in problems if p.code == "broken-reference"]
    actions = actions_for(vault, note, broken, problems, today=dt.date(2026, 3, 4))
    titles = [a.title for a in actions]
    assert f'Replace with "{CHEAP}"' in titles and not any(t.startswith("Create note") for t in titles)
    fix = next(a for a in actions if a.title == f'Replace with "{CHEAP}"')
    assert apply_change(files, fix.change)["n.md"].split("\n")[2] == f"depends_on: [{CHEAP}, {CHEAP.upper()}]"
    bob = next(a for a in actions if "Bob" in a.title)
    assert apply_change(files, bob.change)["n.md"].split("\n")[4] == '  - "Bob\'s claim: a title"'  # `: ` needs quotes
    case = [p for p in problems if p.code == "case-mismatch"]
    [change] = actions_for(vault, note, case, [], today=dt.date(2026, 3, 4))
    assert change.title == f'Change to "{CHEAP}"'
    assert apply_change(files, change.change)["n.md"].split("\n")[2] == f"depends_on: [{NEAR[0]}, {CHEAP}]"


# ---- rename keeps the YAML quoting right ----------------------------------------------------
RENAME_FILES = {
    "old title.md": "---\ntype: claim\n---\n# old title\n",
    "n.md": (
        "---\ntype: claim\n"
        "depends_on:\n"
        '  - "old title"\n'
        "  - 'old title'\n"
        "  - old title\n"
        "  - old title.md  # kept .md\n"
        "challenged_by: [old title, 'old title', \"OLD TITLE\"]\n"
        "enrichments: old title\n"
        "---\n# n\n"
    ),
}


@pytest.mark.parametrize(
    "new, expected",
    [
        (
            "new title",
            [
                '  - "new title"',
                "  - 'new title'",
                "  - new title",
                "  - new title.md  # kept .md",
                "challenged_by: [new title, 'new title', \"new title\"]",
                "enrichments: new title",
            ],
        ),
        (
            "it's new, really",
            [
                '  - "it\'s new, really"',
                "  - 'it''s new, really'",
                "  - it's new, really",  # a block item may hold a comma and a quote unquoted
                "  - it's new, really.md  # kept .md",
                "challenged_by: [\"it's new, really\", 'it''s new, really', \"it's new, really\"]",
                "enrichments: it's new, really",
            ],
        ),
        (
            "yes",  # YAML reads a bare yes as true
            [
                '  - "yes"',
                "  - 'yes'",
                '  - "yes"',
                "  - yes.md  # kept .md",
                'challenged_by: ["yes", \'yes\', "yes"]',
                'enrichments: "yes"',
            ],
        ),
    ],
)
def test_rename_rewrites_plain_items_keeping_their_quoting(new, expected):
    vault = make_vault(RENAME_FILES)
    change = rename_note(vault, vault.notes["old title.md"], new)
    out = apply_change(RENAME_FILES, change)
    lines = out["n.md"].split("\n")
    assert lines[3:9] == expected
    data = yaml.safe_load(out["n.md"].split("---\n")[1])
    assert data["depends_on"][:3] == [new] * 3 and data["challenged_by"] == [new] * 3 and data["enrichments"] == new
    renamed = make_vault({**out})
    target = renamed.notes[f"{new}.md"]
    assert len(renamed.backlinks(target)) == 8  # every item still reaches the note


def test_rename_from_a_plain_item_and_moves_in_the_file_explorer():
    vault = make_vault(RENAME_FILES)
    note = vault.notes["n.md"]
    target = rename_target(vault, note, 3, 6)
    assert target is not None and target.kind == "note" and target.note.path == "old title.md"
    moved = follow_moves(vault, [("old title.md", "f/moved here.md")])
    out = apply_change(RENAME_FILES, moved)
    assert out["n.md"].split("\n")[3:5] == ['  - "moved here"', "  - 'moved here'"]


def test_no_rename_through_prose():
    files = {"n.md": fm("challenged_by:", "  - some prose here")}
    vault = make_vault(files)
    assert rename_target(vault, vault.notes["n.md"], 3, 8) is None


# ---- completion without [[ -------------------------------------------------------------------
def completed(line: str, col: int | None = None, field_line: int | None = None):
    text = fm("depends_on:", line) if field_line is None else fm(line)
    files = {f"t/{CHEAP}.md": "# x\n", "t/Bob's claim: yes.md": "# y\n", "n.md": text}
    vault = make_vault(files)
    line_no = 3 if field_line is None else 2
    found = complete(vault, "n.md", line, len(line) if col is None else col, line_no=line_no)
    if found is None:
        return None
    ctx, got = found
    return (ctx.start, ctx.end), {i.label: i.new_text for i in got}


def test_completion_in_relation_fields_inserts_the_bare_title():
    assert completed('  - "cheap la') == ((5, 13), {CHEAP: CHEAP + '"'})  # closes the quote
    assert completed('  - "cheap la"', 13) == ((5, 13), {CHEAP: CHEAP})
    assert completed("  - cheap la") == ((4, 12), {CHEAP: CHEAP})
    assert completed("  - 'Bob") == ((5, 8), {"Bob's claim: yes": "Bob''s claim: yes'"})
    assert completed("  - Bob") == ((4, 7), {"Bob's claim: yes": '"Bob\'s claim: yes"'})
    line = "depends_on: [a, che, b]"
    assert completed(line, line.index("che") + 3, field_line=2) == ((16, 19), {CHEAP: CHEAP})
    assert completed("depends_on: ", field_line=2)[1][CHEAP] == CHEAP
    assert completed('  - "[[cheap la')[1] == {CHEAP: CHEAP + "]]"}  # a wiki link completes as a link


def test_no_item_completion_elsewhere():
    assert completed('  - "x" ') is None  # after a closed item
    assert completed("  - x  # a comment") is None
    assert completed("source: chea", field_line=2) is None  # not a relation field
    assert completed("depends_on", 5, field_line=2) is None  # on the key
    vault = Vault()
    vault.put(parse_note("n.md", "# n\ndepends_on: chea\n"))
    assert complete(vault, "n.md", "depends_on: chea", 16, line_no=1) is None  # not in frontmatter
