"""frontmatter.py: splitting, safe parsing, error positions, limits."""

from __future__ import annotations

import pytest

from claim_lsp.frontmatter import count_values, find_frontmatter, parse_frontmatter
from claim_lsp.model import Span
from claim_lsp.text import split_lines
from tests.timing import assert_grows_under


def fm_of(text: str, **kw):
    return parse_frontmatter(split_lines(text), **kw)


def codes(fm) -> list[str]:
    return [p.code for p in fm.problems]


def test_no_frontmatter():
    fm = fm_of("# Title\n\ntype: claim\n")
    assert fm.data is None and fm.span is None and fm.problems == [] and fm.body_line == 0


def test_frontmatter_must_open_on_the_first_line():
    assert find_frontmatter(split_lines("\n---\na: b\n---\n")) is None


def test_simple_frontmatter_with_key_spans():
    fm = fm_of("---\ntype: claim\nconfidence: likely\n---\nbody\n")
    assert fm.data == {"type": "claim", "confidence": "likely"}
    assert fm.span == Span(0, 0, 3, 3)
    assert fm.body_line == 4
    assert fm.keys == {"type": Span(1, 0, 1, 4), "confidence": Span(2, 0, 2, 10)}
    assert fm.problems == []


def test_crlf_and_lone_cr_frontmatter():
    for nl in ("\r\n", "\r"):
        text = nl.join(["---", "type: claim", "domain: health", "---", "# T", ""])
        fm = fm_of(text)
        assert fm.data == {"type": "claim", "domain": "health"}, repr(nl)
        assert fm.keys["domain"] == Span(2, 0, 2, 6)
        assert fm.body_line == 4


def test_closing_with_dots_and_trailing_spaces():
    assert find_frontmatter(split_lines("---\na: 1\n...\n")) == (0, 2)
    assert find_frontmatter(split_lines("--- \na: 1\n---  \n")) == (0, 2)


def test_bom_before_opening_fence():
    assert find_frontmatter(["\ufeff---", "a: 1", "---"]) == (0, 2)


def test_empty_frontmatter_is_an_empty_mapping():
    fm = fm_of("---\n---\nbody")
    assert fm.data == {} and fm.problems == []


def test_dates_stay_text():
    fm = fm_of("---\ncreated: 2026-02-00\nlast_evaluated: 2026-03-01\nstamp: 2026-03-01 10:00:00\n---\n")
    assert fm.data == {"created": "2026-02-00", "last_evaluated": "2026-03-01", "stamp": "2026-03-01 10:00:00"}
    assert fm.problems == []


def test_quoted_and_accented_keys_and_values():
    fm = fm_of('---\n"quoted key": 1\n\'single\': 2\ndescription: "Émigré 🚀 note"\n---\n')
    assert fm.data == {"quoted key": 1, "single": 2, "description": "Émigré 🚀 note"}
    assert set(fm.keys) == {"quoted key", "single", "description"}


def test_nested_lines_are_not_top_level_keys():
    fm = fm_of("---\nattribution:\n  sourcer: x\n  extractor: y\nlist:\n  - a: b\n---\n")
    assert set(fm.keys) == {"attribution", "list"}
    assert fm.key_of_line(3) == "attribution"
    assert fm.key_of_line(5) == "list"
    assert fm.key_of_line(0) is None


def test_yaml_error_at_its_own_line_and_column():
    text = "---\ntype: claim\ndomain: health\n  bad: indent\n---\n"
    fm = fm_of(text)
    assert fm.data is None
    [p] = fm.problems
    assert p.code == "yaml-error" and p.severity == "error"
    # line 3 of the file is "  bad: indent"; YAML complains at the ':' (column 5)
    assert p.span.line == 3
    assert p.span.col == 5
    assert "does not parse" in p.message


def test_yaml_error_unclosed_quote_is_inside_the_frontmatter():
    text = '---\ntype: claim\ndescription: "never closed\nconfidence: likely\n---\n'
    fm = fm_of(text)
    [p] = fm.problems
    assert p.code == "yaml-error"
    assert 1 <= p.span.line <= 3  # a line of the frontmatter, never the closing fence or beyond


def test_yaml_error_with_emoji_and_crlf():
    text = "---\r\ntitle: 🚀 ok\r\nx: [unclosed\r\n---\r\n"
    fm = fm_of(text)
    [p] = fm.problems
    assert p.code == "yaml-error"
    assert 1 <= p.span.line <= 2


def test_tab_indentation_error_position():
    fm = fm_of("---\na:\n\t- b\n---\n")
    [p] = fm.problems
    assert p.code == "yaml-error"
    assert p.span.line == 2 and p.span.col == 0


@pytest.mark.parametrize(
    "tag",
    ["!!python/object/apply:os.system", "!!python/object/new:os.system", "!!python/object:builtins.dict"],
)
def test_python_tags_are_errors_never_constructed(tag, tmp_path):
    marker = tmp_path / "pwned"
    fm = fm_of(f"---\ntype: claim\nevil: {tag} ['touch {marker}']\n---\n")
    assert not marker.exists()
    assert fm.data is None
    [p] = fm.problems
    assert p.code == "yaml-error"
    assert p.span.line == 2
    assert p.span.col == len("evil: ")


def test_python_name_tag_is_an_error():
    fm = fm_of("---\nevil: !!python/name:os.system\n---\n")
    assert fm.data is None and codes(fm) == ["yaml-error"]


def test_unknown_local_tag_is_an_error():
    fm = fm_of("---\na: !custom x\n---\n")
    assert codes(fm) == ["yaml-error"]


def alias_bomb(names: str) -> list[str]:
    """a holds 10 values, each next name 10 times the one before."""
    lines = ["---", "a: &a [x, x, x, x, x, x, x, x, x, x]"]
    prev = "a"
    for name in names:
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
        prev = name
    lines.append("---")
    return lines


def test_alias_bomb_is_bounded_and_fast():
    lines = alias_bomb("bcdefghi")  # 10^9 values
    # 10^6 values, already past the budget, take about as long as 10^9: counting stops at the budget
    fm = assert_grows_under(4, parse_frontmatter, alias_bomb("bcdef"), lines)
    assert fm.data is None
    [p] = fm.problems
    assert p.code == "yaml-error" and "expands" in p.message


def test_small_shared_aliases_are_fine():
    fm = fm_of("---\nbase: &b [1, 2]\ncopy: *b\n---\n")
    assert fm.data == {"base": [1, 2], "copy": [1, 2]}


def test_count_values_counts_shared_values_each_time_and_stops_at_budget():
    shared = [1, 2, 3]
    assert count_values({"a": shared, "b": shared}, 100) == 11  # dict, 2 keys, 2 lists, 6 items
    assert count_values([[0] * 1000] * 1000, 50) == 51


def test_unclosed_frontmatter():
    fm = fm_of("---\ntype: claim\n# Title\n")
    assert fm.data is None and fm.span is None and fm.body_line == 0
    [p] = fm.problems
    assert p.code == "yaml-error" and "never closed" in p.message
    assert p.span.line == 0


@pytest.mark.parametrize(
    ("text", "kind"), [("---\n- a\n- b\n---\n", "a list"), ("---\njust text\n---\n", "a single value")]
)
def test_frontmatter_that_is_not_a_mapping(text, kind):
    fm = fm_of(text)
    assert fm.data is None
    [p] = fm.problems
    assert p.code == "yaml-error" and kind in p.message


def test_too_large_frontmatter_is_not_parsed():
    fm = fm_of("---\n" + "\n".join(f"k{i}: {'x' * 50}" for i in range(100)) + "\n---\n", max_bytes=1000)
    assert fm.data is None
    assert codes(fm) == ["yaml-error"]
    assert "larger than 1000" in fm.problems[0].message


def test_duplicate_key_is_reported_and_last_wins():
    fm = fm_of("---\ntype: claim\ntype: entity\n---\n")
    assert fm.data == {"type": "entity"}
    [p] = fm.problems
    assert p.code == "duplicate-key" and p.span == Span(2, 0, 2, 4)


def test_non_string_keys_become_strings():
    fm = fm_of("---\n1: one\n2.5: half\n---\n")
    assert fm.data == {"1": "one", "2.5": "half"}


def test_deep_nesting_does_not_crash():
    fm = fm_of("---\na: " + "[" * 5000 + "]" * 5000 + "\n---\n")
    # either parsed or reported, never an exception
    assert fm.data is not None or codes(fm) == ["yaml-error"]


@pytest.mark.parametrize("flat", [True, False], ids=["fast path", "YAML loader"])
def test_the_mapping_reads_like_a_dict_and_shares_its_keys_between_notes(flat):
    import pickle

    extra = "" if flat else "tags:\n  - a\n"  # a block list: only the YAML loader reads it
    a = fm_of(f"---\ntype: claim\nconfidence: likely\n{extra}---\n").data
    b = fm_of(f"---\ntype: entity\nconfidence: proven\n{extra}---\n").data
    want = {"type": "claim", "confidence": "likely", **({} if flat else {"tags": ["a"]})}
    assert a == want and dict(a) == want and list(a) == list(want) and len(a) == len(want)
    assert a["type"] == "claim" and a.get("type") == "claim" and a.get("nope", 1) == 1 and "confidence" in a
    assert "nope" not in a and list(a.items()) == list(want.items())
    with pytest.raises(KeyError):
        a["nope"]
    assert a._keys is b._keys  # one tuple of keys for every note with the same keys
    assert pickle.loads(pickle.dumps(a)) == want
