"""text.py: line splitting and code-point <-> UTF-16 column conversion."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from claim_lsp.text import astral_map, from_utf16, line_starts, split_lines, to_utf16, utf16_len


def test_split_lines_on_lf_crlf_and_lone_cr():
    assert split_lines("a\nb\r\nc\rd") == ["a", "b", "c", "d"]
    assert split_lines("a\r\n") == ["a", ""]
    assert split_lines("") == [""]


def test_split_lines_keeps_other_unicode_breaks_inside_a_line():
    # str.splitlines() would split on these; LSP does not
    text = "a\u2028b\x0cc\x1cd\x85e"
    assert split_lines(text) == [text]


def test_line_starts_match_split_lines():
    text = "ab\r\ncd\ref\n\ngh"
    starts = line_starts(text)
    assert starts == [0, 4, 7, 10, 11]
    for start, line in zip(starts, split_lines(text)):
        assert text[start : start + len(line)] == line


def test_astral_map_only_lists_lines_with_astral_characters():
    lines = ["plain", "Émigré é", "🚀 go 🚀", "x😀"]
    assert astral_map(lines) == {2: (0, 5), 3: (1,)}


def test_utf16_columns_around_emoji():
    line = "a🚀b🚀c"
    astral = astral_map([line])[0]
    # code points: a=0 🚀=1 b=2 🚀=3 c=4 ; UTF-16: a=0 🚀=1,2 b=3 🚀=4,5 c=6
    assert [to_utf16(astral, c) for c in range(len(line) + 1)] == [0, 1, 3, 4, 6, 7]
    assert [from_utf16(astral, u) for u in (0, 1, 3, 4, 6, 7)] == [0, 1, 2, 3, 4, 5]


def test_utf16_column_inside_a_surrogate_pair_rounds_down():
    astral = astral_map(["a🚀b"])[0]
    assert from_utf16(astral, 2) == 1  # between the two halves of 🚀


def test_accents_are_one_unit_in_both_encodings():
    line = "é è ñ ü"
    assert astral_map([line]) == {}
    assert to_utf16(None, 5) == 5
    assert utf16_len(line) == len(line)


def test_utf16_len():
    assert utf16_len("🚀é") == 3
    assert utf16_len("") == 0


@given(st.text(alphabet=st.sampled_from(["a", "é", " ", "🚀", "😀", "中", "\U0001f9d1"]), max_size=30))
def test_utf16_round_trip(line):
    astral = astral_map([line]).get(0)
    for col in range(len(line) + 1):
        unit = to_utf16(astral, col)
        assert unit == utf16_len(line[:col])
        assert from_utf16(astral, unit) == col
