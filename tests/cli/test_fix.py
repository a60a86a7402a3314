"""`claim-lsp check --fix` and `--diff` through a subprocess: what is fixed and what is left
alone, the exact output, exit codes, the selection, encodings and line endings, symlinks."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.cli.test_check import run
from tests.helpers import write_vault

GREW = "markets aggregate dispersed information better than any poll because traders pay for being wrong"
FILES = {
    # a case mismatch, a shortened title (certain), a typo in a two-word title (not certain)
    "a.md": "# a\n\nSee [[TARGET NOTE]], [[markets aggregate dispersed information better]] and [[target nte]].\n",
    "c/target note.md": "# target note\n",
    f"c/{GREW}.md": f"# {GREW}\n",
}
FIXED_A = f"# a\n\nSee [[target note]], [[{GREW}]] and [[target nte]].\n"


def test_fix_writes_the_safe_fixes_and_says_what_it_did(tmp_path):
    vault = write_vault(tmp_path / "v", FILES)
    result = run("check", "v", "--fix", cwd=tmp_path)
    assert result.returncode == 1, result.stderr  # an error is left
    assert result.stdout.splitlines() == [
        "v/a.md: fixed 1 broken-link, 1 case-mismatch",
        'v/a.md:3:129: error broken-link No note titled "target nte"; did you mean "target note"?',
        "3 notes checked: 1 error",
        "Fixed 2 problems in 1 file (1 left).",
    ]
    assert result.stderr == ""
    assert (vault / "a.md").read_text() == FIXED_A
    assert (vault / "c/target note.md").read_text() == FILES["c/target note.md"]
    again = run("check", "v", "--fix", cwd=tmp_path)
    assert again.stdout.splitlines()[-1] == "No safe fixes (1 left)."
    assert (vault / "a.md").read_text() == FIXED_A


def test_diff_prints_the_fixes_and_writes_nothing(tmp_path):
    vault = write_vault(tmp_path / "v", FILES)
    result = run("check", "v", "--diff", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "--- a/v/a.md\n"
        "+++ b/v/a.md\n"
        "@@ -1,3 +1,3 @@\n"
        " # a\n"
        " \n"
        "-See [[TARGET NOTE]], [[markets aggregate dispersed information better]] and [[target nte]].\n"
        f"+See [[target note]], [[{GREW}]] and [[target nte]].\n"
    )
    assert result.stderr == "Would fix 2 problems in 1 file (1 left).\n"
    assert (vault / "a.md").read_text() == FILES["a.md"]
    # the diff applies as it is, from the folder it was made in, and then there is nothing to do
    (tmp_path / "fix.diff").write_text(result.stdout)
    subprocess.run(["patch", "-s", "-p1", "-i", "fix.diff"], cwd=tmp_path, check=True)
    assert (vault / "a.md").read_text() == FIXED_A
    nothing = run("check", "v", "--diff", cwd=tmp_path)
    assert (nothing.returncode, nothing.stdout, nothing.stderr) == (0, "", "No safe fixes (1 left).\n")


def test_exit_status_after_fix_is_that_of_the_problems_left(tmp_path):
    write_vault(tmp_path / "v", {"a.md": "# a\n\n[[T]]\n", "t.md": "# t\n"})
    result = run("check", "v", "--fix", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.splitlines()[-1] == "Fixed 1 problem in 1 file (0 left)."
    write_vault(tmp_path / "w", FILES)
    assert run("check", "w", "--fix", "--exit-zero", cwd=tmp_path).returncode == 0


def test_fix_takes_only_the_problems_selected(tmp_path):
    vault = write_vault(tmp_path / "v", FILES)
    only_case = run("check", "v", "--fix", "--select", "case-mismatch", cwd=tmp_path)
    assert only_case.returncode == 0
    assert only_case.stdout.splitlines()[0] == "v/a.md: fixed 1 case-mismatch"
    assert "[[target note]], [[markets aggregate dispersed information better]] and" in (vault / "a.md").read_text()
    vault = write_vault(tmp_path / "w", FILES)
    no_case = run("check", "w", "--fix", "--ignore", "case-mismatch", cwd=tmp_path)
    assert no_case.stdout.splitlines()[0] == "w/a.md: fixed 1 broken-link"
    assert f"[[TARGET NOTE]], [[{GREW}]] and" in (vault / "a.md").read_text()
    vault = write_vault(tmp_path / "x", FILES)
    errors_only = run("check", "x", "--fix", "--min-severity", "error", cwd=tmp_path)
    assert errors_only.stdout.splitlines()[0] == "x/a.md: fixed 1 broken-link"
    assert "[[TARGET NOTE]]" in (vault / "a.md").read_text()


def test_fix_with_a_machine_format_keeps_stdout_for_it(tmp_path):
    write_vault(tmp_path / "v", FILES)
    result = run("check", "v", "--fix", "--format", "json", cwd=tmp_path)
    items = json.loads(result.stdout)
    assert [(i["file"], i["code"], i["data"]["target"]) for i in items] == [("a.md", "broken-link", "target nte")]
    assert result.stderr == "v/a.md: fixed 1 broken-link, 1 case-mismatch\nFixed 2 problems in 1 file (1 left).\n"


def test_diff_and_fix_are_not_for_every_option(tmp_path):
    write_vault(tmp_path / "v", FILES)
    for args, said in (
        (["--diff", "--format", "json"], "--diff prints a diff: not with --format or --statistics"),
        (["--diff", "--statistics"], "--diff prints a diff: not with --format or --statistics"),
        (["--diff", "--fix"], "argument --fix: not allowed with argument --diff"),
    ):
        result = run("check", "v", *args, cwd=tmp_path)
        assert result.returncode == 2 and said in result.stderr, args


CLAIM = "---{n}type: claim{n}domain: health{n}confidence: likely{n}---{n}# n{n}{n}See [[T]].{n}"


def test_crlf_and_a_bom_are_kept(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "t.md").write_text("# t\n")
    (vault / "crlf.md").write_bytes(b"\xef\xbb\xbf" + CLAIM.format(n="\r\n").encode())
    (vault / "utf16.md").write_bytes(b"\xff\xfe" + CLAIM.format(n="\n").replace("# n", "# é").encode("utf-16-le"))
    result = run("check", "v", "--fix", cwd=tmp_path)
    assert "v/crlf.md: fixed 1 case-mismatch; added empty description, source, created" in result.stdout
    assert "v/utf16.md: fixed 1 case-mismatch; added empty description, source, created" in result.stdout
    data = (vault / "crlf.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf---\r\ntype: claim\r\ndomain: health\r\ndescription:\r\n")
    assert data.count(b"\n") == data.count(b"\r\n") == 11 and b"See [[t]].\r\n" in data
    data = (vault / "utf16.md").read_bytes()
    assert data.startswith(b"\xff\xfe") and data[2:].decode("utf-16-le") == (
        "---\ntype: claim\ndomain: health\ndescription:\nconfidence: likely\nsource:\ncreated:\n---\n# é\n\nSee [[t]].\n"
    )
    # the fields stay missing, to fill in: an empty field is a missing one
    left = run("check", "v", "--select", "missing-field", cwd=tmp_path).stdout
    assert left.count("A claim needs description, source, created (missing fields)") == 2


def test_a_guessed_type_or_date_is_never_written(tmp_path):
    vault = write_vault(tmp_path / "v", {"n.md": "---\ndomain: health\n---\n# n\n"})
    result = run("check", "v", "--fix", cwd=tmp_path)
    assert result.stdout.splitlines()[-1] == "No safe fixes (1 left)."
    assert (vault / "n.md").read_text() == "---\ndomain: health\n---\n# n\n"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlinks_are_written_through_inside_the_vault_and_never_followed_out(tmp_path):
    outside = write_vault(tmp_path / "outside", {"x.md": "# x\n\n[[T]]\n", "d/y.md": "# y\n\n[[T]]\n"})
    vault = write_vault(tmp_path / "v", {".claim-lsp.toml": "", "t.md": "# t\n", "real/n.md": "# n\n\n[[T]]\n"})
    (vault / "out.md").symlink_to(outside / "x.md")
    (vault / "outdir").symlink_to(outside / "d", target_is_directory=True)
    (vault / "alias.md").symlink_to(vault / "real" / "n.md")
    result = run("check", "v", "--fix", cwd=tmp_path)
    # one file behind two paths: fixed once, by the first of them, and then checked as both
    assert result.stdout.splitlines() == ["v/alias.md: fixed 1 case-mismatch", "3 notes checked: no problems"] + [
        "Fixed 1 problem in 1 file (0 left)."
    ]
    assert result.returncode == 0 and result.stderr == ""
    assert (vault / "alias.md").is_symlink() and (vault / "real/n.md").read_text() == "# n\n\n[[t]]\n"
    assert (outside / "x.md").read_text() == "# x\n\n[[T]]\n" and (outside / "d/y.md").read_text() == "# y\n\n[[T]]\n"
    assert (vault / "out.md").is_symlink() and (vault / "outdir").is_symlink()
    # given by name, the symlinked note is not the vault's: nothing is fixed through it
    result = run("check", "v/out.md", "--fix", cwd=tmp_path)
    assert (outside / "x.md").read_text() == "# x\n\n[[T]]\n"
    assert result.stdout.splitlines()[-1] == "No safe fixes (0 left)."
    assert sorted(p.name for p in vault.iterdir()) == [
        ".claim-lsp.toml",
        "alias.md",
        "out.md",
        "outdir",
        "real",
        "t.md",
    ]


def test_a_quoted_relation_item_is_fixed_in_its_quotes(tmp_path):
    item = GREW.replace("aggregate", "agregate")
    note = f"---\ntype: claim\ndepends_on: ['{item}', \"[[{GREW.upper()}]]\"]\n---\n# n\n"
    vault = write_vault(tmp_path / "v", {"n.md": note, f"{GREW}.md": f"# {GREW}\n"})
    result = run("check", "v", "--fix", "--select", "broken-reference,case-mismatch", cwd=tmp_path)
    assert result.stdout.splitlines()[0] == "v/n.md: fixed 1 broken-reference, 1 case-mismatch"
    assert (vault / "n.md").read_text().splitlines()[2] == f"depends_on: ['{GREW}', \"[[{GREW}]]\"]"


def test_paths_in_the_diff_are_relative_to_the_vault_when_it_is_elsewhere(tmp_path):
    write_vault(tmp_path / "v", {"a.md": "# a\n\n[[T]]\n", "t.md": "# t\n"})
    (tmp_path / "elsewhere").mkdir()
    result = run("check", str(tmp_path / "v"), "--diff", cwd=tmp_path / "elsewhere")
    assert result.stdout.splitlines()[:2] == ["--- a/a.md", "+++ b/a.md"]


def test_the_folder_is_left_without_temporary_files(tmp_path):
    vault = write_vault(tmp_path / "v", FILES)
    run("check", "v", "--fix", cwd=tmp_path)
    assert sorted(str(p.relative_to(vault)) for p in vault.rglob("*")) == sorted(
        ["a.md", "c", "c/target note.md", f"c/{GREW}.md"]
    )
