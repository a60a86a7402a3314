"""review.py: the review checklist's codes, each where it is right and where it is not, their
severities, data and spans, switched off, and the whole-vault pass agreeing with the per-note one."""

from __future__ import annotations

import random

import pytest

from bench.gen_vault import generate_vault
from claim_lsp.checks import check_note
from claim_lsp.config import DEFAULT_SEVERITY, Config, apply_settings
from claim_lsp.index import Vault
from claim_lsp.load import build_vault
from claim_lsp.parse import parse_note
from claim_lsp.rank import similar_titles
from claim_lsp.review import NEAR_DUPLICATE_SCORE, REVIEW_CODES, check_review, titles_collide, whole_vault
from tests.helpers import claim

LAUNCH = "cheap launch is the variable that unlocks every downstream orbital industry"
COORD = "AI alignment is a coordination problem not a technical problem"
OTHER = "prediction markets aggregate dispersed information better than expert panels"


def make(files: dict[str, str], config: Config | None = None) -> Vault:
    vault = Vault(config=config)
    for path, text in files.items():
        vault.put(parse_note(path, text))
    return vault


def found(vault: Vault, path: str, code: str | None = None) -> list:
    out = check_note(vault.notes[path], vault)
    return [p for p in out if p.code in (REVIEW_CODES if code is None else (code,))]


def note(title: str, description: str = "Some context the title leaves out entirely", **kw) -> str:
    return claim(description, kw.pop("body", "Body."), title=title, **kw)


def test_default_severities():
    assert {code: DEFAULT_SEVERITY[code] for code in REVIEW_CODES} == {
        "duplicate-claim": "warning",
        "near-duplicate": "information",
        "description-repeats-title": "hint",
        "confidence-exceeds-support": "hint",
        "unacknowledged-challenge": "information",
        "forbidden-link": "warning",
    }


# ---- duplicate-claim -----------------------------------------------------------------------------
def test_duplicate_claim_in_another_folder_any_case():
    vault = make(
        {
            f"domains/space/{LAUNCH}.md": note(LAUNCH),
            f"core/{LAUNCH.upper()}.md": note(LAUNCH.upper()),
            f"domains/other/{OTHER}.md": note(OTHER),
        }
    )
    [p] = found(vault, f"domains/space/{LAUNCH}.md")
    assert p.code == "duplicate-claim" and p.severity == "warning"
    assert p.data == {"others": [f"core/{LAUNCH.upper()}.md"]}
    assert p.span == vault.notes[f"domains/space/{LAUNCH}.md"].h1.span  # on the H1, which repeats the title
    assert [p.data["others"] for p in found(vault, f"core/{LAUNCH.upper()}.md")] == [[f"domains/space/{LAUNCH}.md"]]
    assert found(vault, f"domains/other/{OTHER}.md") == []


def test_duplicate_claim_needs_the_same_type_and_a_type():
    vault = make(
        {
            f"domains/space/{LAUNCH}.md": note(LAUNCH),
            f"agents/leo/beliefs/{LAUNCH}.md": f"---\ntype: belief\n---\n# {LAUNCH}\n",
            "domains/space/_map.md": "# Space\n",
            "domains/ai/_map.md": "# AI\n",  # plain notes of one name in many folders: not reviewed
        }
    )
    assert found(vault, f"domains/space/{LAUNCH}.md") == []
    assert found(vault, "domains/space/_map.md") == []


def test_duplicate_claim_waits_for_the_vault_to_be_read_and_can_be_switched_off():
    files = {f"a/{LAUNCH}.md": note(LAUNCH), f"b/{LAUNCH}.md": note(LAUNCH)}
    vault = make(files)
    vault.indexed = False
    assert found(vault, f"a/{LAUNCH}.md") == []
    config = Config()
    apply_settings(config, {"severity": {"duplicate-claim": "off"}}, "test")
    assert found(make(files, config), f"a/{LAUNCH}.md") == []
    apply_settings(config, {"severity": {"duplicate-claim": "error"}}, "test")
    assert [p.severity for p in found(make(files, config), f"a/{LAUNCH}.md")] == ["error"]


# ---- near-duplicate ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "variant",
    [
        LAUNCH.replace(" ", "-"),  # the slug form
        LAUNCH.replace(" ", "_"),
        LAUNCH.replace("variable", "varaible"),  # a typo
        LAUNCH.replace("every ", ""),  # a word dropped
        LAUNCH.replace("orbital industry", "industry orbital"),  # words swapped
        LAUNCH.replace("downstream", "upstream"),  # a word changed
    ],
)
def test_near_duplicate_titles(variant):
    vault = make({f"domains/space/{LAUNCH}.md": note(LAUNCH), f"inbox/{variant}.md": note(variant)})
    [p] = found(vault, f"inbox/{variant}.md")
    assert p.code == "near-duplicate" and p.severity == "information"
    assert p.data == {"others": [f"domains/space/{LAUNCH}.md"]}
    assert LAUNCH in p.message
    [q] = found(vault, f"domains/space/{LAUNCH}.md")  # both ways
    assert q.data == {"others": [f"inbox/{variant}.md"]}


def test_distinct_claims_are_not_near_duplicates():
    titles = [
        LAUNCH,
        "cheap launch is the variable that decides which orbital industries come first",
        COORD,
        "AI alignment is a technical problem before it is a coordination problem",
        OTHER,
    ]
    vault = make({f"d/{t}.md": note(t) for t in titles})
    assert [p for t in titles for p in found(vault, f"d/{t}.md", "near-duplicate")] == []


def test_near_duplicate_needs_the_same_type_and_titles_that_are_claims():
    slug = LAUNCH.replace(" ", "-")
    vault = make(
        {
            f"domains/space/{LAUNCH}.md": note(LAUNCH),
            f"agents/leo/beliefs/{slug}.md": f"---\ntype: belief\n---\n# {slug}\n",
            # sources are named by date and slug: alike by their dates and words, not duplicates...
            "inbox/2026-03-05-futardio-launch-bitfutard.md": "---\ntype: source\n---\n",
            "inbox/2026-03-05-futardio-launch-futardio-boat.md": "---\ntype: source\n---\n",
            # ... unless they are the same words
            "inbox/2026-03-05-futardio-launch-git3.md": "---\ntype: source\n---\n",
            "inbox/2026_03_05_futardio_launch_git3.md": "---\ntype: source\n---\n",
        }
    )
    assert found(vault, f"domains/space/{LAUNCH}.md") == []
    assert found(vault, "inbox/2026-03-05-futardio-launch-bitfutard.md") == []
    [p] = found(vault, "inbox/2026-03-05-futardio-launch-git3.md")
    assert p.data == {"others": ["inbox/2026_03_05_futardio_launch_git3.md"]}


def test_a_same_title_is_a_duplicate_not_a_near_duplicate():
    vault = make({f"a/{LAUNCH}.md": note(LAUNCH), f"b/{LAUNCH.capitalize()}.md": note(LAUNCH.capitalize())})
    assert [p.code for p in found(vault, f"a/{LAUNCH}.md")] == ["duplicate-claim"]


def test_near_duplicate_off():
    config = Config()
    apply_settings(config, {"severity": {"near-duplicate": "off"}}, "test")
    slug = LAUNCH.replace(" ", "-")
    vault = make({f"a/{LAUNCH}.md": note(LAUNCH), f"b/{slug}.md": note(slug)}, config)
    assert found(vault, f"a/{LAUNCH}.md") == []


def test_near_duplicates_follow_titles_added_and_removed():
    vault = make({f"a/{LAUNCH}.md": note(LAUNCH)})
    assert found(vault, f"a/{LAUNCH}.md") == []
    typo = LAUNCH.replace("variable", "varaible")
    vault.put(parse_note(f"b/{typo}.md", note(typo)))
    assert [p.code for p in found(vault, f"a/{LAUNCH}.md")] == ["near-duplicate"]
    vault.remove(f"b/{typo}.md")
    assert found(vault, f"a/{LAUNCH}.md") == []


def near_duplicate_variants(titles: list[str], rng: random.Random) -> dict[str, str]:
    """Near duplicates of some of the titles: a typo, a word dropped, two words swapped, the slug."""
    out = {}
    for k, title in enumerate(titles):
        words = title.split()
        i = rng.randrange(len(words) - 1)
        if k % 4 == 0:
            words[i] = words[i][:-2] + words[i][-1] + words[i][-2] if len(words[i]) > 3 else words[i] + "s"
        elif k % 4 == 1:
            del words[i]
        elif k % 4 == 2:
            words[i], words[i + 1] = words[i + 1], words[i]
        else:
            words = ["-".join(words)]
        out[" ".join(words)] = title
    return out


def test_the_whole_vault_pass_finds_what_each_note_finds(tmp_path):
    """On a generated vault with near duplicates added: the same answers from the per-note query
    (the server) and the whole-vault pass (check), and every added near duplicate found."""
    root = tmp_path / "v"
    generate_vault(root, 600, 3)
    vault = build_vault(root)
    claims = sorted(p for p, n in vault.notes.items() if n.meta.get("type") == "claim" and len(n.title.split()) > 6)
    rng = random.Random(5)
    added = near_duplicate_variants([vault.notes[p].title for p in rng.sample(claims, 40)], rng)
    for variant in added:
        vault.put(parse_note(f"added/{variant}.md", note(variant)))
    each = {p: similar_titles(vault.ranker, p, NEAR_DUPLICATE_SCORE) for p in vault.notes}
    per_note = {p: found(vault, p, "near-duplicate") for p in vault.notes}
    with whole_vault(vault):
        assert {p: similar_titles(vault.ranker, p, NEAR_DUPLICATE_SCORE) for p in vault.notes} == each
        assert {p: found(vault, p, "near-duplicate") for p in vault.notes} == per_note
    hits = {p: q.data["others"] for p, [*qs] in per_note.items() for q in qs}
    for variant, title in added.items():
        assert any(vault.notes[o].title == title for o in hits.get(f"added/{variant}.md", [])), variant
    # nothing else: the generated titles are distinct claims (and the musings, named by date, left alone)
    assert {p for p in hits if not p.startswith("added/")} == {
        o for p in hits if p.startswith("added/") for o in hits[p]
    }


def test_titles_collide():
    assert titles_collide(LAUNCH, {LAUNCH.lower()})
    assert titles_collide(LAUNCH, {LAUNCH.replace(" ", "-").lower()})
    assert not titles_collide(LAUNCH, {OTHER.lower()})
    assert not titles_collide(LAUNCH, set())


# ---- description-repeats-title -------------------------------------------------------------------
@pytest.mark.parametrize(
    "description, new",
    [
        (LAUNCH, []),
        (LAUNCH.capitalize() + ".", []),
        ("Cheap launch unlocks the downstream orbital industries", []),  # cut short; a plural
        ("This claim says that cheap launch is what unlocks orbital industry", []),  # common words
        (LAUNCH + " by 2030", ["2030"]),
        ("Cheap launch unlocks downstream orbital industry, per SpaceX", ["per", "spacex"]),
    ],
)
def test_description_repeats_title(description, new):
    vault = make({f"d/{LAUNCH}.md": note(LAUNCH, description)})
    [p] = found(vault, f"d/{LAUNCH}.md")
    assert p.code == "description-repeats-title" and p.severity == "hint"
    assert p.data == {"field": "description", "new_words": new}
    text = note(LAUNCH, description)
    assert text.split("\n")[p.span.line][p.span.col : p.span.end_col] == "description"


@pytest.mark.parametrize(
    "description",
    [
        "Launch prices fell tenfold since 2010 and gate satellites, stations and manufacturing alike",
        "Cheap launch unlocks downstream orbital industry, per SpaceX cost data",  # three words more
        "A description",  # a placeholder: it repeats nothing
        "TBD",
    ],
)
def test_description_that_adds_something(description):
    vault = make({f"d/{LAUNCH}.md": note(LAUNCH, description)})
    assert found(vault, f"d/{LAUNCH}.md") == []


def test_description_against_a_title_field_and_off():
    text = "---\ntype: source\ntitle: Orbital launch costs 2025\ndescription: Orbital launch costs, 2025\n---\n"
    vault = make({"inbox/2025-01-01-x-launch.md": text})
    assert [p.code for p in found(vault, "inbox/2025-01-01-x-launch.md")] == ["description-repeats-title"]
    config = Config()
    apply_settings(config, {"severity": {"description-repeats-title": "off"}}, "test")
    assert found(make({"inbox/2025-01-01-x-launch.md": text}, config), "inbox/2025-01-01-x-launch.md") == []


def test_description_of_another_shape_is_left_alone():
    for value in ("[a, b]", "{a: 1}", "12", "''"):
        text = f"---\ntype: claim\ndescription: {value}\n---\n# {LAUNCH}\n"
        assert found(make({f"d/{LAUNCH}.md": text}), f"d/{LAUNCH}.md", "description-repeats-title") == []


# ---- confidence-exceeds-support ------------------------------------------------------------------
def support_vault(own: str, *deps: tuple[str, str], plain: bool = False) -> Vault:
    files = {}
    items = []
    for title, confidence in deps:
        files[f"d/{title}.md"] = note(title, confidence=confidence)
        items.append(f'  - "{title}"' if plain else f'  - "[[{title}]]"')
    files[f"d/{LAUNCH}.md"] = note(LAUNCH, confidence=own, extra="depends_on:\n" + "\n".join(items) + "\n")
    return make(files)


def test_confidence_exceeds_support():
    vault = support_vault("likely", (COORD, "experimental"), (OTHER, "speculative"))
    [p] = found(vault, f"d/{LAUNCH}.md")
    assert p.code == "confidence-exceeds-support" and p.severity == "hint"
    assert p.data == {
        "confidence": "likely",
        "support": "experimental",
        "depends_on": [f"d/{COORD}.md", f"d/{OTHER}.md"],
    }
    text = vault.notes[f"d/{LAUNCH}.md"]
    assert p.span == text.frontmatter.key_span("confidence")
    # by plain title too (relation fields' plain items are references)
    assert [p.code for p in found(support_vault("proven", (COORD, "likely"), plain=True), f"d/{LAUNCH}.md")] == [
        "confidence-exceeds-support"
    ]


@pytest.mark.parametrize(
    "own, deps",
    [
        ("likely", [(COORD, "likely")]),  # as confident as its best support
        ("likely", [(COORD, "speculative"), (OTHER, "proven")]),  # one support is enough
        ("experimental", [(COORD, "experimental")]),
        ("speculative", [(COORD, "speculative")]),
        ("likely", [(COORD, "moderate")]),  # a confidence of another scale (a position's): not compared
        ("likely", []),
    ],
)
def test_confidence_within_support(own, deps):
    assert found(support_vault(own, *deps), f"d/{LAUNCH}.md") == []


def test_confidence_of_a_dependency_that_names_no_note_and_off():
    text = note(LAUNCH, confidence="proven", extra='depends_on: ["[[nowhere]]", "a sentence of prose, not a title"]\n')
    assert found(make({f"d/{LAUNCH}.md": text}), f"d/{LAUNCH}.md") == []
    config = Config()
    apply_settings(config, {"severity": {"confidence-exceeds-support": "off"}}, "test")
    vault = support_vault("likely", (COORD, "experimental"))
    vault.config = config
    assert found(vault, f"d/{LAUNCH}.md") == []


# ---- unacknowledged-challenge --------------------------------------------------------------------
def challenge_vault(confidence: str = "likely", extra: str = "", body: str = "Body.", how: str = "challenges") -> Vault:
    challenger = note(COORD, confidence="experimental", extra=f'{how}: ["{LAUNCH}"]\n')
    return make(
        {
            f"d/{LAUNCH}.md": note(LAUNCH, confidence=confidence, extra=extra, body=body),
            f"e/{COORD}.md": challenger,
            f"e/{OTHER}.md": note(OTHER, body=f"[[{LAUNCH}]]"),  # links to it, challenges nothing
        }
    )


@pytest.mark.parametrize("how", ["challenges", "challenged_by"])
@pytest.mark.parametrize("confidence", ["likely", "proven"])
def test_unacknowledged_challenge(how, confidence):
    vault = challenge_vault(confidence, how=how)
    [p] = found(vault, f"d/{LAUNCH}.md")
    assert p.code == "unacknowledged-challenge" and p.severity == "information"
    assert p.data == {"others": [f"e/{COORD}.md"], "fields": [how]}
    assert COORD in p.message and confidence in p.message
    assert p.span == vault.notes[f"d/{LAUNCH}.md"].frontmatter.key_span("confidence")
    with whole_vault(vault):
        assert found(vault, f"d/{LAUNCH}.md") == [p]


@pytest.mark.parametrize(
    "confidence, extra, body",
    [
        ("experimental", "", "Body."),  # "for claims rated likely or higher"
        ("likely", f'challenged_by: ["{COORD}"]\n', "Body."),
        ("likely", f'challenged_by:\n  - "[[{COORD}]]"\n  - some counter-evidence in prose\n', "Body."),
        ("likely", "", f"Body.\n\n## Challenges\n\n- [[{COORD}]] argues otherwise.\n"),
        ("likely", "", f"Body.\n\n## The strongest counterarguments\n\n[[{COORD}]]\n"),
    ],
)
def test_acknowledged_challenge(confidence, extra, body):
    vault = challenge_vault(confidence, extra, body)
    assert found(vault, f"d/{LAUNCH}.md") == []
    with whole_vault(vault):
        assert found(vault, f"d/{LAUNCH}.md") == []


def test_a_link_outside_a_challenges_section_does_not_acknowledge():
    body = f"See [[{COORD}]].\n\n## Challenges\n\nNone known.\n\n## Evidence\n\n[[{COORD}]]\n"
    [p] = found(challenge_vault(body=body), f"d/{LAUNCH}.md")
    assert p.code == "unacknowledged-challenge"
    span = challenge_vault(extra="challenged_by: []\n").notes[f"d/{LAUNCH}.md"].frontmatter.key_span("challenged_by")
    [q] = found(challenge_vault(extra="challenged_by: []\n"), f"d/{LAUNCH}.md")
    assert q.span == span  # on challenged_by, when the claim has one


def test_unacknowledged_challenge_off():
    vault = challenge_vault()
    apply_settings(vault.config, {"severity": {"unacknowledged-challenge": "off"}}, "test")
    assert found(vault, f"d/{LAUNCH}.md") == []


# ---- forbidden-link --------------------------------------------------------------------------------
MUSING = "research-2026-03-10"
MUSING_TEXT = "---\ntype: musing\nagent: theseus\n---\n# Research\n\n[[" + LAUNCH + "]]\n"


def link_vault(body: str = f"See [[{MUSING}]].", extra: str = "", config: Config | None = None) -> Vault:
    return make(
        {
            f"d/{LAUNCH}.md": note(LAUNCH, body=body, extra=extra),
            f"agents/theseus/musings/{MUSING}.md": MUSING_TEXT,
            f"d/{COORD}.md": note(COORD),
        },
        config,
    )


def test_a_claim_linking_to_a_musing():
    vault = link_vault(f"See [[{MUSING}]] and [[{COORD}]] and [[{MUSING}|my notes]].", f'depends_on: ["{MUSING}"]\n')
    found_ = found(vault, f"d/{LAUNCH}.md")
    assert [p.code for p in found_] == ["forbidden-link"] * 3  # the plain item of depends_on, two body links
    p = found_[0]
    assert p.severity == "warning" and "A claim must not link to a musing" in p.message
    assert p.data == {
        "target": MUSING, "type": "claim", "target_type": "musing", "path": f"agents/theseus/musings/{MUSING}.md"
    }  # fmt: skip
    lines = note(LAUNCH, body="x", extra=f'depends_on: ["{MUSING}"]\n').split("\n")
    assert lines[p.span.line][p.span.col : p.span.end_col] == MUSING
    with whole_vault(vault):
        assert found(vault, f"d/{LAUNCH}.md") == found_


def test_links_the_other_way_and_elsewhere_are_allowed():
    vault = link_vault(f"See [[{COORD}]] and [[nowhere]].")
    assert found(vault, f"d/{LAUNCH}.md") == []
    assert found(vault, f"agents/theseus/musings/{MUSING}.md") == []  # musings may link to claims
    with whole_vault(vault):
        assert found(vault, f"d/{LAUNCH}.md") == []


def test_forbidden_links_are_configured():
    config = Config()
    apply_settings(config, {"links": {"forbidden": [["musing", "claim"]]}}, "test")
    vault = link_vault(config=config)
    assert found(vault, f"d/{LAUNCH}.md") == []
    [p] = found(vault, f"agents/theseus/musings/{MUSING}.md")
    assert p.code == "forbidden-link" and "A musing must not link to a claim" in p.message
    config = Config()
    apply_settings(config, {"links": {"forbidden": []}}, "test")  # none
    assert found(link_vault(config=config), f"d/{LAUNCH}.md") == []
    config = Config()
    apply_settings(config, {"severity": {"forbidden-link": "off"}}, "test")
    assert found(link_vault(config=config), f"d/{LAUNCH}.md") == []


def test_a_type_of_another_shape_is_no_type():
    text = "---\ntype: [claim, musing]\nconfidence: {a: 1}\n---\n# x\n\n[[" + MUSING + "]]\n"
    vault = make({"x.md": text, f"agents/theseus/musings/{MUSING}.md": MUSING_TEXT.replace("musing", "[musing]", 1)})
    assert check_review(vault.notes["x.md"], vault) == []
    assert check_review(vault.notes[f"agents/theseus/musings/{MUSING}.md"], vault) == []


def test_links_setting_errors():
    config = Config()
    apply_settings(
        config,
        {"links": {"forbidden": [["claim", "musing"], "claim -> musing", ["claim"], ["a", 1]], "allowed": []}},
        "x.toml",
    )
    assert config.forbidden_links == [("claim", "musing")]
    assert config.errors == [
        "x.toml: links: unknown key 'allowed' (known: forbidden); ignored",
        'x.toml: links.forbidden[1]: expected a pair of type names such as ["claim", "musing"], got \'claim -> musing\'; ignored',
        'x.toml: links.forbidden[2]: expected a pair of type names such as ["claim", "musing"], got [\'claim\']; ignored',
        'x.toml: links.forbidden[3]: expected a pair of type names such as ["claim", "musing"], got [\'a\', 1]; ignored',
    ]
    for bad in ("claim", {"forbidden": "claim -> musing"}, {"forbidden": [["x"]]}):
        config = Config()
        apply_settings(config, {"links": bad}, "x.toml")
        assert config.forbidden_links == [("claim", "musing")] and len(config.errors) == 1, bad  # the default stays
