"""fix.py: the safe fixes applied to a file's text (checked ranges, encodings, line endings,
the check after the fix, the atomic write)."""

from __future__ import annotations

import pytest

from claim_lsp import fix
from claim_lsp.checks import check_note
from claim_lsp.code_actions import QUICKFIX, Action
from claim_lsp.edits import Replace, VaultChange, link_reads
from claim_lsp.fix import FileFix, NotFixed
from claim_lsp.load import build_vault
from claim_lsp.model import Span
from claim_lsp.parse import parse_note


def test_apply_checks_the_replaced_range():
    text = "# n\r\n[[T]] x\r\n"
    [link] = parse_note("n.md", text).links
    edit = Replace(link.target_span, "t", link_reads(link))
    assert fix.apply(text, [edit]) == "# n\r\n[[t]] x\r\n"
    with pytest.raises(NotFixed, match="changed since it was read"):
        fix.apply(text.replace("[[T]]", "[[U]]"), [edit])
    with pytest.raises(NotFixed, match="changed since it was read"):
        fix.apply("# n\r\n", [edit])  # the line is gone
    with pytest.raises(NotFixed):
        fix.apply(text, [Replace(Span(1, 2, 1, 30), "t")])  # past the line's end
    quoted = "---\nx: '[[Bob''s]]'\n---\n"
    [link] = parse_note("n.md", quoted).links
    edit = Replace(link.target_span, "Bob''s claim", link_reads(link))
    assert fix.apply(quoted, [edit]) == "---\nx: '[[Bob''s claim]]'\n---\n"
    insertion = Replace(Span(1, 0, 1, 0), "y: 1\n")
    assert fix.apply(quoted, [insertion, edit]) == "---\ny: 1\nx: '[[Bob''s claim]]'\n---\n"


@pytest.mark.parametrize(
    "raw,text",
    [
        (b"a\r\nb", "a\r\nb"),
        (b"\xef\xbb\xbfa\n", "a\n"),
        ("\ufeffé\r\n".encode("utf-16-le"), "é\r\n"),
        ("\ufeffé\n".encode("utf-16-be"), "é\n"),
    ],
)
def test_decoded_reads_back_the_same_bytes(raw, text):
    bom, codec, got = fix.decoded(raw)
    assert got == text and bom + got.encode(codec) == raw


def test_a_file_that_is_not_text_is_not_written():
    with pytest.raises(NotFixed, match="not valid UTF-8"):
        fix.decoded(b"caf\xe9\n")


def test_eol_of():
    assert [fix.eol_of(t) for t in ("a\r\nb\n", "a\rb", "a\nb\r\n", "a")] == ["\r\n", "\r", "\n", "\n"]


def test_diff_marks_a_last_line_without_a_break():
    f = FileFix("n.md", "v/n.md", "# n\n[[T]]", "# n\n[[t]]")
    assert "".join(fix.diff(f)) == (
        "--- a/v/n.md\n+++ b/v/n.md\n@@ -1,2 +1,2 @@\n # n\n-[[T]]\n\\ No newline at end of file\n"
        "+[[t]]\n\\ No newline at end of file\n"
    )


def _disk_vault(tmp_path, files):
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8", newline="")
    return build_vault(tmp_path)


def test_a_file_changed_since_it_was_read_is_left_alone(tmp_path):
    vault = _disk_vault(tmp_path, {"n.md": "# n\n\n[[T]]\n", "t.md": ""})
    note = vault.notes["n.md"]
    problems = check_note(note, vault)
    (tmp_path / "n.md").write_text("# n\n\nnew line\n[[T]]\n")
    with pytest.raises(NotFixed, match="changed since it was read"):
        fix.plan(str((tmp_path / "n.md").resolve()), str(tmp_path.resolve()), vault, note, problems, "n.md")
    outcome = fix.Outcome()
    fix.fix_vault(tmp_path, vault, "", {"n.md": problems}, True, outcome)
    assert outcome.failed == [("n.md", "it changed since it was read")] and not outcome.files
    assert (tmp_path / "n.md").read_text() == "# n\n\nnew line\n[[T]]\n"


def test_a_fix_whose_result_does_not_check_is_not_written(tmp_path, monkeypatch):
    """The check after the fix: were a safe fix wrong (here: one made so, writing a title of
    no note), the file would be left as it is."""
    vault = _disk_vault(tmp_path, {"n.md": "# n\n\n[[T]]\n", "t.md": ""})
    note = vault.notes["n.md"]
    problems = check_note(note, vault)

    def wrong(vault, note, problems, **_):
        change = VaultChange()
        [link] = note.links
        change.replace("n.md", problems[0].span, "nowhere", link_reads(link))
        return [Action("wrong", QUICKFIX, change, problems, safe=True)]

    monkeypatch.setattr(fix, "actions_for", wrong)
    outcome = fix.Outcome()
    fix.fix_vault(tmp_path, vault, "", {"n.md": problems}, True, outcome)
    assert outcome.failed == [("n.md", "its fixed text did not check as expected; left as it was")]
    assert (tmp_path / "n.md").read_text() == "# n\n\n[[T]]\n"


def test_a_fix_that_does_not_say_what_it_replaces_is_not_applied(tmp_path, monkeypatch):
    """A replacement without Replace.reads cannot be checked against the file: not applied
    without a person, though marked safe."""
    vault = _disk_vault(tmp_path, {"n.md": "# n\n\n[[T]]\n", "t.md": ""})
    note = vault.notes["n.md"]
    problems = check_note(note, vault)
    assert [p.code for p in problems] == ["case-mismatch"]

    def unchecked(vault, note, problems, **_):
        change = VaultChange()
        change.replace("n.md", problems[0].span, "t")
        return [Action("unchecked", QUICKFIX, change, problems, safe=True)]

    monkeypatch.setattr(fix, "actions_for", unchecked)
    outcome = fix.Outcome()
    fix.fix_vault(tmp_path, vault, "", {"n.md": problems}, True, outcome)
    assert not outcome.files and not outcome.failed
    assert (tmp_path / "n.md").read_text() == "# n\n\n[[T]]\n"


def test_write_atomic_keeps_the_mode_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "n.md"
    path.write_bytes(b"old")
    path.chmod(0o640)
    fix.write_atomic(str(path), b"old", b"new")
    assert path.read_bytes() == b"new" and path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["n.md"]
    with pytest.raises(NotFixed):
        fix.write_atomic(str(path), b"old", b"newer")  # it no longer holds what was read
    assert path.read_bytes() == b"new"
