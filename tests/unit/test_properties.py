"""Properties that hold for any text: the parser, the frontmatter splitter, the link
resolver, UTF-16 conversion and the completion context never raise, and every range they
return lies inside the text.

The example counts are small so that this file stays well under 20 seconds; the long runs
are in tests/fuzz/ (scripts/fuzz.sh).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claim_lsp.checks import check_note
from claim_lsp.completion import link_context
from claim_lsp.frontmatter import find_frontmatter, parse_frontmatter
from claim_lsp.index import BROKEN, EMPTY, Vault
from claim_lsp.model import Note, Span
from claim_lsp.parse import parse_note
from claim_lsp.rank import most_shared, normalize, normalize_many
from claim_lsp.text import astral_map, from_utf16, split_lines, to_utf16, utf16_len

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that matter to the parser, plus accents, emoji (astral), NUL and odd breaks.
# Lone surrogates cannot come out of a decoded file, so they are left out (as st.text does).
SPECIAL = list("[]!#|`~-:\"'{}&*\\./^ \t\n\r") + ["\r\n", "---\n", "[[", "]]", "```\n", "\x00", "\u2028", "\ufeff"]
SPECIAL += [" ^b-1\n", "#^"]  # block ids and links to them
WORDY = list("aZé") + ["🚀", "😀", "𝔸", "中"]
pieces = st.sampled_from(SPECIAL + WORDY) | st.text(max_size=4)
note_text = st.lists(pieces, max_size=60).map("".join)
frontmatter_text = st.lists(
    st.sampled_from(["---\n", "a: 1\n", "aliases: [x, 'y']\n", "- z\n", "k: [[t]]\n", "k: &a [*a]\n", "\r\n", "..."])
    | pieces,
    max_size=30,
).map(lambda parts: "---\n" + "".join(parts))


def lines_of(text: str) -> list[str]:
    return split_lines(text[1:] if text.startswith("\ufeff") else text)


def assert_inside(lines: list[str], span: Span) -> None:
    assert 0 <= span.line <= span.end_line < len(lines), span
    assert 0 <= span.col <= len(lines[span.line]), span
    assert 0 <= span.end_col <= len(lines[span.end_line]), span
    assert (span.line, span.col) <= (span.end_line, span.end_col), span


def assert_note_inside(note: Note, text: str) -> None:
    lines = lines_of(text)
    assert note.text_lines == len(lines)
    for link in note.links:
        assert_inside(lines, link.span)
        assert_inside(lines, link.target_span)
        assert link.span.line == link.span.end_line  # links never cross lines
        line = lines[link.span.line]
        assert line[link.span.col : link.span.end_col].lstrip("!") == f"[[{link.raw}]]"
        assert link.span.col <= link.target_span.col <= link.target_span.end_col <= link.span.end_col
        assert note.link_at(link.span.line, link.span.col + 1) == link
    # the index's fast key derivation agrees with the links' own keys
    assert note.link_keys() == {link.key for link in note.links}
    for heading in note.headings:
        assert_inside(lines, heading.span)
    for block in note.blocks:
        assert_inside(lines, block.span)
        assert lines[block.line][block.span.col : block.span.end_col] == "^" + block.id
        assert note.block(block.id) is not None
    for span in note.frontmatter.keys.values():
        assert_inside(lines, span)
    for problem in [*note.problems, *note.frontmatter.problems]:
        assert_inside(lines, problem.span)


@FAST
@given(note_text)
def test_parse_note_never_raises_and_spans_stay_inside(text):
    assert_note_inside(parse_note("n.md", text), text)


@FAST
@given(frontmatter_text)
def test_parse_note_with_frontmatter_never_raises_and_spans_stay_inside(text):
    assert_note_inside(parse_note("n.md", text), text)


@FAST
@given(st.text(max_size=300))
def test_parse_note_on_any_unicode_text(text):
    assert_note_inside(parse_note("dir/any name.md", text), text)


@FAST
@given(frontmatter_text | note_text)
def test_frontmatter_splitter_never_raises(text):
    lines = split_lines(text)
    found = find_frontmatter(lines)
    assert found is None or found == "unclosed" or (found[0] == 0 and 0 < found[1] < len(lines))
    fm = parse_frontmatter(lines)
    assert fm.data is None or isinstance(fm.data, Mapping)
    if fm.span is not None:
        assert_inside(lines, fm.span)
        assert fm.body_line == fm.span.end_line + 1
    for problem in fm.problems:
        assert_inside(lines, problem.span)


@FAST
@given(st.lists(note_text | frontmatter_text, min_size=1, max_size=5))
def test_check_note_never_raises_and_problems_stay_inside(texts):
    vault = Vault()
    files = {f"f{i}/n{i}.md": t for i, t in enumerate(texts)}
    for path, text in files.items():
        vault.put(parse_note(path, text))
    for path, text in files.items():
        lines = lines_of(text)
        for problem in check_note(vault.notes[path], vault):
            assert_inside(lines, problem.span)


# ---- the resolver ------------------------------------------------------------------------

segment = st.sampled_from(["a", "b", "A", "..", ".", "", "x y", "é", "🚀", "c#d", "%20", "_map"])
rel_paths = st.lists(segment.filter(lambda s: s not in ("", ".", "..")), min_size=1, max_size=3).map(
    lambda parts: "/".join(parts) + ".md"
)
targets = (
    st.lists(segment, max_size=5).map("/".join)
    | st.sampled_from(["../../x", "/abs", "/etc/passwd", "..", "../a", "./../../a", "a/../../b", "\\..\\a", " "])
    | st.text(max_size=12)
)


def escapes(target: str, from_path: str) -> bool:
    """Does a ./ or ../ target climb above the vault root from from_path's folder?"""
    t = target.strip().replace("\\", "/")
    if not (t.startswith("./") or t.startswith("../")):
        return False
    depth = from_path.count("/")
    for part in t.split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return True
        elif part not in ("", "."):
            depth += 1
    return False


@FAST
@given(st.lists(rel_paths, min_size=1, max_size=8, unique=True), st.lists(targets, min_size=1, max_size=8))
def test_resolve_never_raises_and_never_leaves_the_vault(paths, wanted):
    vault = Vault()
    for path in paths:
        vault.put(parse_note(path, f"# {path}\n"))
    inside = {id(n) for n in vault.notes.values()}
    for from_path in paths:
        for target in wanted:
            res = vault.resolve(target, from_path)
            assert all(id(n) in inside for n in res.notes)
            if escapes(target, from_path):
                assert res.status in (BROKEN, EMPTY), (target, from_path, res)
            parts = [p for p in target.strip().replace("\\", "/").split("/") if p not in ("", ".")]
            if ".." in parts and not target.strip().startswith(("./", "../", ".\\", "..\\")):
                assert res.status in (BROKEN, EMPTY)  # `..` in the middle of a vault path
            vault.suggest(target, from_path)


def test_resolve_known_escapes():
    vault = Vault()
    for path in ("x.md", "a/x.md", "a/b/x.md", "etc/passwd.md"):
        vault.put(parse_note(path, "# t\n"))
    assert vault.resolve("../../x", "a/b/n.md").note.path == "x.md"  # stays inside: a/b -> root
    assert vault.resolve("../../../x", "a/b/n.md").status == BROKEN  # would leave the vault
    assert vault.resolve("../x", "n.md").status == BROKEN
    assert vault.resolve("..", "a/n.md").status in (BROKEN, EMPTY)
    assert vault.resolve("/etc/passwd", "n.md").note.path == "etc/passwd.md"  # vault-relative, not the disk's
    assert vault.resolve("a/../../x", "n.md").status == BROKEN


# ---- UTF-16 ------------------------------------------------------------------------------

line_chars = st.sampled_from(list("ab é\t[#") + ["🚀", "😀", "𝔸", "\U0010fffd", "\uffff", "中"])
lines = st.lists(line_chars, max_size=40).map("".join)


@FAST
@given(lines)
def test_utf16_round_trip(line):
    astral = astral_map([line]).get(0)
    for col in range(len(line) + 1):
        u = to_utf16(astral, col)
        assert u == utf16_len(line[:col]) == len(line[:col].encode("utf-16-le")) // 2
        assert from_utf16(astral, u) == col
    # every UTF-16 column maps to a code point column whose start is at or before it
    for u in range(utf16_len(line) + 1):
        col = from_utf16(astral, u)
        assert 0 <= col <= len(line)
        assert to_utf16(astral, col) <= u < to_utf16(astral, col) + 2


# ---- completion context ---------------------------------------------------------------------

completion_lines = st.lists(
    st.sampled_from(["[[", "]]", "[", "]", "#", "|", "a", " ", "🚀", "é", "!"]), max_size=25
).map("".join)


@FAST
@given(completion_lines | st.text(max_size=30), st.integers(min_value=-5, max_value=40))
def test_link_context_never_raises_and_stays_on_the_line(line, col):
    ctx = link_context(line, col)
    if ctx is None:
        return
    cursor = max(0, min(col, len(line)))
    assert 0 <= ctx.start <= cursor <= ctx.end <= len(line)
    assert line[ctx.start : cursor] == ctx.typed
    assert ctx.kind in ("title", "heading")
    if ctx.replace_close and ctx.end > cursor:
        assert line[ctx.end - 1] == "]"  # the link's closing brackets (or a lone one) are replaced
        assert line[cursor : ctx.end].count("]") <= 2


# ASCII controls and the separators' edge cases (\x1c-\x1f are whitespace to str.split and re's \s)
TITLE_PIECES = st.sampled_from(
    list("aZ9 -_/.,;:!?()[]{}\"'`*+=|\\<>~^&%$#@\t\r\x0b\x0c\x1c\x1f\x7f\n") + ["É", "ß", "K", "ﬀ", "🚀"]
)


@FAST
@given(st.lists(st.lists(TITLE_PIECES, max_size=12).map("".join) | st.text(max_size=8), max_size=12))
def test_normalize_many_is_normalize_of_each(texts):
    assert normalize_many(texts) == [normalize(t) for t in texts]


# a few ids, so that groups share many of them; extra ids lie above every group's
id_groups = st.lists(st.sets(st.integers(0, 40), max_size=25).map(sorted), max_size=5)
overlay = st.dictionaries(st.integers(41, 60), st.integers(1, 4), max_size=6)


@FAST
@given(id_groups, overlay, st.integers(1, 40))
def test_most_shared_is_counter_most_common(groups, extra, k):
    counts: Counter[int] = Counter()
    for g in groups:
        counts.update(g)
    for i in sorted(extra):
        counts[i] += extra[i]
    assert most_shared(groups, k, extra) == [i for i, _ in counts.most_common(k)]
