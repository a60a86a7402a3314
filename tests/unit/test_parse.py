"""parse.py: links (all forms, exact spans), code spans and fences, headings, H1, aliases."""

from __future__ import annotations

import pickle

import pytest
import yaml

from claim_lsp.config import Limits
from claim_lsp.model import Span
from claim_lsp.parse import code_spans, intro_of, parse_note, plain_text, split_target, title_of
from claim_lsp.sharing import share_strings
from claim_lsp.text import astral_map, to_utf16


def targets(note) -> list[str]:
    return [link.target for link in note.links]


def test_title_of():
    assert title_of("a/b/My note.md") == "My note"
    assert title_of("x.MD") == "x"
    assert title_of("Ünïcode 🚀.md") == "Ünïcode 🚀"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a", ("a", None, None)),
        ("a|b", ("a", None, "b")),
        ("a#h", ("a", "h", None)),
        ("a#h|shown", ("a", "h", "shown")),
        ("  a  # h | s", ("a", "h", " s")),
        ("note.md", ("note", None, None)),
        ("note.MD#x", ("note", "x", None)),
        ("#only heading", ("", "only heading", None)),
        ("a\\|b", ("a", None, "b")),  # escaped pipe inside a table
        ("", ("", None, None)),
    ],
)
def test_split_target(raw, expected):
    assert split_target(raw) == expected


def test_link_forms_and_spans():
    line = "x [[a|b]] [[a#h]] ![[embed]] [[folder/_map]] [[ c ]]"
    note = parse_note("n.md", line)
    got = [(lk.target, lk.heading, lk.shown, lk.embed) for lk in note.links]
    assert got == [
        ("a", None, "b", False),
        ("a", "h", None, False),
        ("embed", None, None, True),
        ("folder/_map", None, None, False),
        ("c", None, None, False),
    ]
    for link in note.links:
        s = link.span
        assert line[s.col : s.end_col] in ("[[" + link.raw + "]]", "![[" + link.raw + "]]")
        t = link.target_span
        assert line[t.col : t.end_col] == link.target
    assert note.links[2].span.col == line.index("![[")
    assert note.links[3].key == "_map"
    assert all(lk.fm_key is None for lk in note.links)


def test_link_spans_on_lines_with_emoji_and_accents():
    line = "Émigré 🚀🚀 text then [[café 🚀 note|shown é]] and [[é]]"
    note = parse_note("n.md", "# T\n" + line)
    first, second = note.links
    assert first.target == "café 🚀 note" and first.shown == "shown é"
    assert line[first.span.col : first.span.end_col] == "[[café 🚀 note|shown é]]"
    assert line[first.target_span.col : first.target_span.end_col] == "café 🚀 note"
    assert line[second.target_span.col : second.target_span.end_col] == "é"
    rockets = tuple(i for i, c in enumerate(line) if c == "🚀")
    assert len(rockets) == 3
    assert note.astral_cols(1) == rockets and note.astral_cols(0) is None and note.astral_data == (1, 3, *rockets)
    # in UTF-16 the link starts two units later (the two rockets before it)
    assert to_utf16(note.astral_cols(1), first.span.col) == first.span.col + 2
    encoded = line.encode("utf-16-le")
    start16 = to_utf16(note.astral_cols(1), first.span.col)
    end16 = to_utf16(note.astral_cols(1), first.span.end_col)
    assert encoded[start16 * 2 : end16 * 2].decode("utf-16-le") == "[[café 🚀 note|shown é]]"
    assert astral_map([line]) == {0: rockets}


@pytest.mark.parametrize("nl", ["\n", "\r\n", "\r"])
def test_line_numbers_with_any_line_break(nl):
    text = nl.join(["---", "type: claim", "---", "# Title", "", "see [[a]]", "and [[b]]", ""])
    note = parse_note("n.md", text)
    assert [(lk.target, lk.span.line, lk.span.col) for lk in note.links] == [("a", 5, 4), ("b", 6, 4)]
    assert note.h1 is not None and note.h1.text == "Title" and note.h1.span == Span(3, 2, 3, 7)
    assert note.text_lines == 8


def test_mixed_line_breaks():
    note = parse_note("n.md", "[[a]]\r\n[[b]]\r[[c]]\n[[d]]")
    assert [lk.span.line for lk in note.links] == [0, 1, 2, 3]


def test_links_in_inline_code_are_not_links():
    note = parse_note("n.md", "`[[no]]` [[yes]] ``a [[no2]] ` b`` ```[[no3]]``` `[[unclosed")
    assert targets(note) == ["yes"]


def test_unmatched_backtick_does_not_hide_later_links():
    assert targets(parse_note("n.md", "a ` b [[yes]]")) == ["yes"]


def test_code_spans():
    assert code_spans("a `b` c") == [(2, 5)]
    assert code_spans("``a`b``") == [(0, 7)]
    assert code_spans("no code") == []


def test_links_in_fenced_code_are_not_links():
    text = "\n".join(
        [
            "[[before]]",
            "```python",
            "[[in backticks]]",
            "# not a heading",
            "```",
            "~~~",
            "[[in tildes]]",
            "```",
            "[[still in tildes]]",
            "~~~",
            "````",
            "```",
            "[[in a longer fence]]",
            "````",
            "   ```",
            "[[indented fence]]",
            "   ```",
            "[[after]]",
        ]
    )
    note = parse_note("n.md", text)
    assert targets(note) == ["before", "after"]
    assert note.headings == []


def test_unclosed_fence_hides_the_rest():
    assert targets(parse_note("n.md", "[[a]]\n```\n[[b]]\n")) == ["a"]


def test_backtick_fence_with_backtick_in_info_string_is_not_a_fence():
    assert targets(parse_note("n.md", "``` a ` b\n[[a]]\n")) == ["a"]


def test_four_space_indented_backticks_do_not_open_a_fence():
    assert targets(parse_note("n.md", "    ```\n[[a]]\n")) == ["a"]


def test_frontmatter_links_carry_their_key():
    text = "\n".join(
        [
            "---",
            "type: claim",
            'depends_on: ["[[x]]", "[[y|shown]]"]',
            "challenged_by:",
            '  - "[[z 🚀]]"',
            "---",
            "[[body]]",
        ]
    )
    note = parse_note("n.md", text)
    got = [(lk.target, lk.fm_key, lk.span.line) for lk in note.links]
    assert got == [("x", "depends_on", 2), ("y", "depends_on", 2), ("z 🚀", "challenged_by", 4), ("body", None, 6)]
    x = note.links[0]
    assert text.split("\n")[2][x.target_span.col : x.target_span.end_col] == "x"
    assert note.frontmatter.data["depends_on"] == ["[[x]]", "[[y|shown]]"]


def test_frontmatter_links_even_when_yaml_is_broken():
    note = parse_note("n.md", '---\ndepends_on: ["[[x]]"\n  bad: [\n---\n')
    assert note.frontmatter.data is None
    assert targets(note) == ["x"]


def test_links_in_unclosed_frontmatter_are_body_links():
    note = parse_note("n.md", "---\nsee [[x]]\n")
    assert targets(note) == ["x"]
    assert note.links[0].fm_key is None


def test_nested_and_odd_brackets():
    note = parse_note("n.md", "[[a [[b]] c]] [[]] [[ ]] [[x\n]] [single] [[ok]]")
    assert targets(note) == ["b", "", "", "ok"]


def test_empty_links_are_kept_with_a_span():
    note = parse_note("n.md", "a [[]] b")
    [link] = note.links
    assert link.target == "" and link.span == Span(0, 2, 0, 6)
    assert link.target_span.col == link.target_span.end_col == 4


def test_headings():
    text = "# Title  #\n## Évidence 🚀\n###not a heading\n    # indented code\n####### seven\n## Closing ##\n#\n"
    note = parse_note("n.md", text)
    assert [(h.level, h.text) for h in note.headings] == [(1, "Title"), (2, "Évidence 🚀"), (2, "Closing"), (1, "")]
    ev = note.headings[1]
    assert text.split("\n")[1][ev.span.col : ev.span.end_col] == "Évidence 🚀"
    assert note.h1 == note.headings[0]


def test_h1_after_frontmatter_and_bom():
    note = parse_note("n.md", "\ufeff---\ntype: claim\n---\n\n# The title\n")
    assert note.frontmatter.data == {"type": "claim"}
    assert note.h1 is not None and note.h1.text == "The title" and note.h1.span.line == 4


def test_frontmatter_fence_is_not_a_heading_or_h1():
    note = parse_note("n.md", "---\n# comment: 1\n---\n## Sub\n")
    assert note.h1 is None
    assert [h.text for h in note.headings] == ["Sub"]


@pytest.mark.parametrize(
    ("fm", "aliases"),
    [
        ("aliases: one", ("one",)),
        ("aliases: [one, two]", ("one", "two")),
        ('aliases: ["[[linked]]", "", 3, null, true]', ("linked", "3")),
        ("alias: single", ("single",)),
        ("aliases:", ()),
        ("aliases: {a: b}", ()),
    ],
)
def test_aliases(fm, aliases):
    assert parse_note("n.md", f"---\n{fm}\n---\n").aliases == aliases


def test_intro_is_the_first_paragraph_with_links_as_text():
    text = "---\ntype: claim\n---\n# T\n\n```\ncode\n```\nFirst [[a|shown]] and [[b#h]] and [[c]].\nsecond line\n\nnext paragraph\n"
    assert intro_of(text) == "First shown and b > h and c. second line"


def test_intro_is_bounded():
    intro = intro_of("# T\n" + "word " * 1000)
    assert len(intro) <= 705 and intro.endswith("…")


def test_plain_text():
    assert plain_text("x ![[e]] [[a|b]] [[c#d]]") == "x e b c > d"


def test_too_many_links_is_capped_and_reported():
    note = parse_note("n.md", "[[a]] " * 30, Limits(max_links=10))
    assert len(note.links) == 10
    assert [p.code for p in note.problems] == ["too-many-links"]


def test_empty_text():
    note = parse_note("n.md", "")
    assert note.links == [] and note.headings == [] and note.h1 is None and note.text_lines == 1


def test_link_at():
    note = parse_note("n.md", "ab [[x]] cd")
    assert note.link_at(0, 3) == note.links[0]
    assert note.link_at(0, 8) == note.links[0]  # right after the closing brackets
    assert note.link_at(0, 2) is None
    assert note.link_at(1, 4) is None


def test_links_and_headings_read_without_objects_agree_with_the_objects():
    note = parse_note("n.md", "---\nup: '[[a|A]]'\n---\n# T\n\n![[b#h]] [[c]]\n## Sub\n")
    assert note.raw_links() == tuple(link.raw for link in note.links) == ("a|A", "b#h", "c")
    assert [note.link(n) for n in range(3)] == note.links
    assert note.heading_texts() == tuple(h.text for h in note.headings) == ("T", "Sub")


def test_frontmatter_links_know_the_yaml_quote_they_sit_in():
    text = "---\na: ['[[one]]', \"[[two]]\", [[three]]]\nb: Bob's note [[four]]\nc: 'it''s [[five]]'\n---\n\n[[body]]\n"
    note = parse_note("n.md", text)
    assert {link.target: link.quote for link in note.links} == {
        "one": "'", "two": '"', "three": None, "four": None, "five": "'", "body": None,
    }  # fmt: skip


def test_an_h1_repeating_the_title_and_short_headings_are_one_string_in_every_note():
    """(Memory: at 100,000 notes, a copy of the title in each H1 and of "Evidence" in
    each note cost ~15 MB.)"""
    title = "".join(["a claim that ", "repeats its title"])  # built, not a literal: not interned
    a = parse_note(
        f"x/{title}.md",
        f"# {title}\n\n## Evidence\n\nSome.\n\n## A longer heading that no other note is likely to have\n",
    )
    b = parse_note("y/other.md", "# Other\n\n## " + "Evi" + "dence\n")
    h1, evidence, long = (h.text for h in a.headings)
    assert h1 == title and h1 is a.title
    assert evidence is b.headings[1].text
    assert long == "A longer heading that no other note is likely to have"


def test_a_note_unpickled_shares_its_strings_again():
    """A note from a worker process arrives with strings of its own (workers.py)."""
    title = "".join(["a note ", "from elsewhere"])
    here = parse_note("y/here.md", f"[[{title}]]\n## Evidence\n")
    note = parse_note(f"x/{title}.md", f"# {title}\n\n## Evidence\n\n[[here]]\n")
    copy = pickle.loads(pickle.dumps(note))
    assert copy == note and copy.title is not note.title and copy.raw_links()[0] is not here.title
    share_strings(copy)
    h1, evidence = copy.heading_texts()
    assert copy.title is note.title is here.raw_links()[0] and h1 is copy.title
    assert evidence is here.heading_texts()[0] and copy.raw_links()[0] is here.title


QUOTED_ITEMS = [
    "'[[Bob''s claim]]'",
    '"[[Say \\"hi\\"]]"',
    '"[[caf\\u00e9 \\\\ \\/ \\x41 \\U0001F680#\\u0048ead|sh\\"own\\t]]"',
    '"[[a\\x23b]]"',  # an escaped # still starts the heading, as YAML reads it
    '"[[\\x20a\\t|s]]"',  # escaped white space around the target is trimmed like any
    "'[[it''s#Bob''s|''q'']]'",
    '"[[a\'b]]"',  # ' is a plain character inside "..."
    "'[[a\\\\\"b]]'",  # \ and " are plain characters inside '...'
]


@pytest.mark.parametrize("item", QUOTED_ITEMS)
def test_links_in_quoted_frontmatter_read_as_yaml_reads_them(item):
    text = f"---\ndepends_on: [{item}]\n---\n"
    note = parse_note("n.md", text)
    [link] = note.links
    [value] = yaml.safe_load(text.split("---\n")[1])["depends_on"]
    assert f"[[{link.text}]]" == value
    assert (link.target, link.heading, link.shown) == split_target(link.text)
    assert note.link_keys() == {link.key} and note.link_targets() == [link.target]
    line = text.split("\n")[1]
    assert line[link.span.col : link.span.end_col] == item[1:-1]  # the characters in the file
    assert note.link_at(1, link.span.end_col) == link
    t = link.target_span
    assert yaml.safe_load(f"{item[0]}{line[t.col : t.end_col]}{item[0]}") == link.target


def test_escapes_yaml_refuses_and_unquoted_links_are_read_as_written():
    text = (
        "---\na: \"[[x\\qy]]\"\nb: \"[[\\u00]]\"\nc: [[Bob''s]]\nd: Bob's [[it''s]]\n---\n"
        'Body [[Bob\'\'s claim]] and "[[Say \\"hi\\"]]"\n'
    )
    note = parse_note("n.md", text)
    assert targets(note) == ["x\\qy", "\\u00", "Bob''s", "it''s", "Bob''s claim", 'Say \\"hi\\"']
    assert all(link.text == link.raw for link in note.links)
