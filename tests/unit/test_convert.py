"""lsp/convert.py: domain values -> LSP types. Positions (code points -> UTF-16 and back),
URIs <-> paths, diagnostics, completion items, markup. Pure functions on small notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types as lsp

from claim_lsp.lsp.convert import (
    LINE_END,
    SEVERITY,
    SOURCE,
    completion_item,
    from_position,
    location,
    markup,
    path_to_uri,
    takes_markdown,
    to_diagnostic,
    to_position,
    to_range,
    uri_to_path,
)
from claim_lsp.model import Problem, Span
from claim_lsp.parse import parse_note


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def note_of(text: str, path: str = "n.md"):
    return parse_note(path, text)


# ---- positions ----------------------------------------------------------------------------------

EMOJI_LINE = "a🚀b🚀c"  # code points a=0 🚀=1 b=2 🚀=3 c=4; UTF-16 a=0 🚀=1,2 b=3 🚀=4,5 c=6


def test_columns_after_astral_characters_count_two_units_each():
    note = note_of("# plain\n" + EMOJI_LINE)
    assert [to_position(note, 1, col).character for col in range(6)] == [0, 1, 3, 4, 6, 7]
    assert [from_position(note, lsp.Position(line=1, character=u)) for u in (0, 1, 3, 4, 6, 7)] == [
        (1, 0),
        (1, 1),
        (1, 2),
        (1, 3),
        (1, 4),
        (1, 5),
    ]


def test_a_column_inside_a_surrogate_pair_rounds_down_to_the_character():
    note = note_of(EMOJI_LINE)
    assert from_position(note, lsp.Position(line=0, character=2)) == (0, 1)  # between 🚀's halves
    assert from_position(note, lsp.Position(line=0, character=5)) == (0, 3)


def test_only_the_lines_with_astral_characters_shift():
    note = note_of("🚀🚀🚀\nabc\nx🚀")
    assert to_position(note, 0, 3) == lsp.Position(line=0, character=6)
    assert to_position(note, 1, 3) == lsp.Position(line=1, character=3)
    assert to_position(note, 2, 2) == lsp.Position(line=2, character=3)
    assert from_position(note, lsp.Position(line=1, character=3)) == (1, 3)


def test_emoji_joined_by_zero_width_joiners_count_each_code_point():
    line = "👩\u200d👧 x"  # 👩 ZWJ 👧: three code points, five UTF-16 units
    note = note_of(line)
    assert to_position(note, 0, 4).character == utf16(line[:4]) == 6
    assert from_position(note, lsp.Position(line=0, character=6)) == (0, 4)


@pytest.mark.parametrize(
    "line",
    ["Émigré é [[x]]", "E\u0301migre\u0301 e\u0301 [[x]]", "ñ ü ß Ω Ж 中文 [[x]]"],
    ids=["precomposed", "combining", "other-bmp"],
)
def test_accents_and_other_bmp_characters_are_one_unit_each(line):
    # a combining accent is a code point of its own in both encodings: no grapheme counting
    note = note_of(line)
    [link] = note.links
    rng = to_range(note, link.span)
    assert rng.start.character == line.index("[[") == utf16(line[: line.index("[[")])
    assert from_position(note, rng.end) == (0, link.span.end_col)


@pytest.mark.parametrize("eol", ["\r\n", "\r", "\n"])
def test_line_breaks_do_not_shift_columns(eol):
    text = eol.join(["# t", "🚀 [[x]]", "é [[y]]", ""])
    note = note_of(text)
    x, y = note.links
    assert to_range(note, x.span) == lsp.Range(
        start=lsp.Position(line=1, character=3), end=lsp.Position(line=1, character=8)
    )
    assert to_range(note, y.span).start == lsp.Position(line=2, character=2)


def test_ranges_span_lines_with_their_own_astral_columns():
    note = note_of("🚀 one\ntwo 🚀🚀 three")
    rng = to_range(note, Span(0, 2, 1, 7))
    assert rng == lsp.Range(start=lsp.Position(line=0, character=3), end=lsp.Position(line=1, character=9))


def test_positions_past_the_end_of_a_line_pass_through():
    # LSP lets a client send a column past the end of the line (it means the end): the
    # conversion keeps it, shifted by every astral character before it
    note = note_of("x🚀")
    assert to_position(note, 0, 10).character == 11
    assert from_position(note, lsp.Position(line=0, character=11)) == (0, 10)
    assert from_position(note, lsp.Position(line=0, character=2**31 - 1)) == (0, 2**31 - 2)


def test_a_position_past_the_last_line_is_the_end_of_the_note():
    # as VS Code reads it (TextDocument.validatePosition): the end of the last line, whose
    # column, past the end like any other, converts back to the largest one LSP allows
    note = note_of("x\n🚀 [[a]] 🚀")
    for position in (lsp.Position(line=2, character=0), lsp.Position(line=40, character=5)):
        line, col = from_position(note, position)
        assert line == 1 and col > len("🚀 [[a]] 🚀")
        assert to_position(note, line, col) == lsp.Position(line=1, character=LINE_END)
    assert from_position(note, lsp.Position(line=2**31 - 1, character=2**31 - 1)) == (line, col)
    assert from_position(note_of(""), lsp.Position(line=3, character=0))[0] == 0


def test_a_range_past_the_last_line_covers_the_last_line():
    # a "fix all" over lines 0 to 20 of a shorter note still reaches a problem on its last line
    note = note_of("# t\n\n[[a]] [[b]]")
    end = from_position(note, lsp.Position(line=20, character=0))
    assert all((link.span.end_line, link.span.end_col) <= end for link in note.links)


def test_from_position_clamps_the_line_to_the_note():
    note = note_of("one\ntwo")
    line, _ = from_position(note, lsp.Position(line=1000, character=0))
    assert line < note.text_lines


def test_round_trip_over_every_column():
    text = "---\nk: '🚀 [[a]]'\n---\n# é🚀\n🚀🚀x🚀 y\ne\u0301\U0001f1eb\U0001f1f7"
    note = note_of(text)
    for n, line in enumerate(text.split("\n")):
        for col in range(len(line) + 1):
            position = to_position(note, n, col)
            assert position.character == utf16(line[:col])
            assert from_position(note, position) == (n, col)


# ---- URIs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["plain.md", "a b c.md", "C# notes.md", "100% sure.md", "50%20off.md", "é 🚀 ünïcödé.md", "[x] (y) & z+1=2.md"],
)
def test_paths_round_trip_through_uris(tmp_path, name):
    path = tmp_path / "dir with space" / name
    uri = path_to_uri(path)
    assert uri.startswith("file:///")
    assert " " not in uri and "#" not in uri[len("file://") :]  # a raw # would start a fragment
    assert uri_to_path(uri) == path
    assert uri == path.as_uri()  # what VS Code and pygls send for the same file


@pytest.mark.parametrize(
    ("uri", "path"),
    [
        ("file:///v/a%20b.md", "/v/a b.md"),
        ("file:///v/C%23%20notes.md", "/v/C# notes.md"),
        ("file:///v/100%25%20sure.md", "/v/100% sure.md"),
        ("file:///v/50%2520off.md", "/v/50%20off.md"),
        ("file:///v/%c3%a9.md", "/v/é.md"),  # lower-case hex digits, as some clients write them
        ("file:///v/%C3%A9.md", "/v/é.md"),
        ("file:///v/unencoded é.md", "/v/unencoded é.md"),
        ("file:/v/one-slash.md", "/v/one-slash.md"),
    ],
)
def test_uris_decode_to_paths(uri, path):
    assert uri_to_path(uri) == Path(path)


@pytest.mark.parametrize(
    "uri",
    ["untitled:Untitled-1", "http://example.com/a.md", "vscode-notebook-cell:/x.md#c1", "git:/v/a.md?ref", "", "file:"],
)
def test_non_file_uris_have_no_path(uri):
    assert uri_to_path(uri) is None


def test_malformed_uris_have_no_path_and_raise_nothing():
    assert uri_to_path("file://[::1/x.md") is None  # urlparse raises on the broken IPv6 host
    # malformed percent-encoding stays as written: a path no vault holds, not an error
    assert uri_to_path("file:///v/%zz.md") == Path("/v/%zz.md")


def test_a_nul_byte_in_a_uri_gives_no_path():
    assert uri_to_path("file:///v/a%00b.md") is None


def test_uri_to_path_gives_only_absolute_paths():
    path = uri_to_path("file:x.md")
    assert path is None or path.is_absolute()


def test_upper_case_file_scheme():
    assert uri_to_path("FILE:///v/a.md") == Path("/v/a.md")


# ---- diagnostics --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        ("error", lsp.DiagnosticSeverity.Error),
        ("warning", lsp.DiagnosticSeverity.Warning),
        ("information", lsp.DiagnosticSeverity.Information),
        ("hint", lsp.DiagnosticSeverity.Hint),
        ("nonsense", lsp.DiagnosticSeverity.Warning),  # an unknown name is not dropped
    ],
)
def test_diagnostic_severity(severity, expected):
    note = note_of("x")
    diagnostic = to_diagnostic(note, Problem("some-code", severity, "m", Span(0, 0, 0, 1)))
    assert diagnostic.severity == expected


def test_every_domain_severity_has_its_own_lsp_severity():
    assert sorted(SEVERITY) == ["error", "hint", "information", "warning"]
    assert len(set(SEVERITY.values())) == 4


def test_diagnostic_carries_code_message_source_data_and_a_utf16_range():
    text = "# t\n\nÉmigré 🚀🚀 [[missing 🚀 note]] after"
    note = note_of(text)
    [link] = note.links
    data = {"target": "missing 🚀 note", "suggestions": ["a", "b"]}
    problem = Problem("broken-link", "error", "No note titled 'missing 🚀 note'", link.target_span, data)
    diagnostic = to_diagnostic(note, problem)
    line = text.split("\n")[2]
    assert diagnostic.code == "broken-link"
    assert diagnostic.message == "No note titled 'missing 🚀 note'"
    assert diagnostic.source == SOURCE == "claim-lsp"
    assert diagnostic.data == data
    start = line.index("missing")
    end = start + len("missing 🚀 note")
    assert diagnostic.range == lsp.Range(
        start=lsp.Position(line=2, character=utf16(line[:start])),
        end=lsp.Position(line=2, character=utf16(line[:end])),
    )
    assert (diagnostic.range.start.character, diagnostic.range.end.character) == (14, 29)


def test_diagnostic_without_data():
    assert to_diagnostic(note_of("x"), Problem("c", "hint", "m", Span(0, 0, 0, 0))).data is None


# ---- markup -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("formats", "markdown"),
    [
        ([lsp.MarkupKind.Markdown, lsp.MarkupKind.PlainText], True),
        ([lsp.MarkupKind.PlainText, lsp.MarkupKind.Markdown], True),
        (["markdown"], True),  # as a client's JSON has it
        ([lsp.MarkupKind.PlainText], False),
        (["plaintext"], False),
        ([], False),
        (None, False),
    ],
)
def test_takes_markdown(formats, markdown):
    assert takes_markdown(formats) is markdown


def test_markup_follows_the_formats_the_client_lists():
    text = "**bold** `code`"
    assert markup([lsp.MarkupKind.Markdown], text) == lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text)
    assert markup([lsp.MarkupKind.PlainText], text) == lsp.MarkupContent(kind=lsp.MarkupKind.PlainText, value=text)
    assert markup(None, text) == text  # a bare string: every client takes one
    assert markup([], text) == text


# ---- completion items and locations -------------------------------------------------------------

RANGE = lsp.Range(start=lsp.Position(line=2, character=6), end=lsp.Position(line=2, character=14))


def test_completion_item_replaces_its_range():
    item = completion_item(
        "spec trap",
        lsp.CompletionItemKind.File,
        RANGE,
        "spec trap]]",
        [lsp.MarkupKind.Markdown],
        detail="claim · likely",
        documentation="**Fixed** values",
        sort_text="0001",
        filter_text="spec",
    )
    assert item.label == "spec trap" and item.kind == lsp.CompletionItemKind.File
    assert item.text_edit == lsp.TextEdit(range=RANGE, new_text="spec trap]]")
    assert item.detail == "claim · likely" and item.sort_text == "0001" and item.filter_text == "spec"
    assert item.documentation == lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="**Fixed** values")
    assert item.insert_text is None  # text_edit alone says what is inserted


def test_completion_item_leaves_out_what_is_empty():
    item = completion_item("domain", lsp.CompletionItemKind.Property, RANGE, "domain: ", None)
    assert item.detail is None and item.documentation is None and item.sort_text is None
    assert item.filter_text == "domain"  # clients filter on the label unless told otherwise


@pytest.mark.parametrize(
    ("formats", "documentation"),
    [
        ([lsp.MarkupKind.PlainText], lsp.MarkupContent(kind=lsp.MarkupKind.PlainText, value="doc")),
        (None, "doc"),
    ],
)
def test_completion_documentation_in_the_clients_format(formats, documentation):
    item = completion_item("x", lsp.CompletionItemKind.File, RANGE, "x", formats, documentation="doc")
    assert item.documentation == documentation


def test_location_names_the_notes_file_and_a_utf16_range(tmp_path):
    text = "# 🚀 heading\n\n## Évidence 🚀"
    note = note_of(text, "sub dir/C# 🚀.md")
    heading = note.headings[1]
    loc = location(tmp_path, note, heading.span)
    assert loc.uri == (tmp_path / "sub dir" / "C# 🚀.md").as_uri()
    assert uri_to_path(loc.uri) == tmp_path / "sub dir" / "C# 🚀.md"
    assert loc.range == lsp.Range(start=lsp.Position(line=2, character=3), end=lsp.Position(line=2, character=14))
