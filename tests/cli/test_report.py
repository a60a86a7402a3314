"""`claim-lsp check`'s reports through a subprocess: the summary line, paths, --statistics,
the github and sarif formats, --exit-zero, --min-severity and the progress line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from claim_lsp.checks import CODES
from claim_lsp.report import DESCRIPTIONS, github_data, github_property
from tests.helpers import write_vault

REPO = Path(__file__).resolve().parents[2]

# one problem of each severity, and a second error
EVERY_SEVERITY = {
    "a.md": "# a\n\n[[nope]] [[B]] [[gone]]\n",  # broken-link x2 (error), case-mismatch (warning)
    "b.md": "---\ntype: hunch\n---\n# not b\n",  # unknown-type (information), title-mismatch (hint)
    "c.md": "# c\n",
}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claim_lsp", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def env_with_repo() -> dict[str, str]:
    """An environment in which `python -m claim_lsp` imports this checkout from any folder."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}


def test_summary_is_the_last_line_of_stdout_in_severity_order(tmp_path):
    vault = write_vault(tmp_path / "v", EVERY_SEVERITY)
    result = run("check", str(vault))
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "3 notes checked: 2 errors, 1 warning, 1 information, 1 hint"
    assert result.stderr == ""
    clean = write_vault(tmp_path / "clean", {"a.md": "# a\n"})
    assert run("check", str(clean)).stdout == "1 note checked: no problems\n"


def test_paths_are_relative_to_the_current_folder_when_the_vault_is_under_it(tmp_path):
    vault = write_vault(tmp_path / "repo" / "notes", {"sub/a.md": "# a\n\n[[nope]]\n"})
    repo = tmp_path / "repo"
    env = env_with_repo()

    def first_path(*args: str, cwd: Path) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "claim_lsp", "check", *args], capture_output=True, text=True, cwd=cwd, env=env
        )
        return result.stdout.split(":", 1)[0]

    assert first_path("notes", cwd=repo) == "notes/sub/a.md"
    assert first_path(str(vault), cwd=repo) == "notes/sub/a.md"  # an absolute path under the current folder
    assert first_path(cwd=vault) == "sub/a.md"
    assert first_path(str(vault / "sub" / "a.md"), cwd=repo) == "notes/sub/a.md"  # a note given alone
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert first_path(str(vault), cwd=elsewhere) == "sub/a.md"  # not under it: relative to the vault
    assert first_path("../repo/notes", cwd=elsewhere) == "sub/a.md"
    github = subprocess.run(
        [sys.executable, "-m", "claim_lsp", "check", "notes", "--format", "github"],
        capture_output=True,
        text=True,
        cwd=repo,
        env=env,
    )
    assert github.stdout.startswith("::error file=notes/sub/a.md,")
    as_json = subprocess.run(
        [sys.executable, "-m", "claim_lsp", "check", "notes", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=repo,
        env=env,
    )
    assert [i["file"] for i in json.loads(as_json.stdout)] == ["sub/a.md"]  # JSON keeps vault-relative paths


def test_statistics_most_frequent_first_then_the_summary(tmp_path):
    vault = write_vault(
        tmp_path / "v",
        {
            "a.md": "# a\n\n[[nope]] [[nix]] [[nada]] [[B]] [[C]]\n",  # broken-link x3, case-mismatch x2
            "b.md": "---\ntype: hunch\n---\n# not b\n",  # title-mismatch, unknown-type
            "c.md": "---\ntype: hunch\n---\n# c\n",  # unknown-type
        },
    )
    result = run("check", str(vault), "--statistics")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"3  broken-link     {DESCRIPTIONS['broken-link']}",
        f"2  case-mismatch   {DESCRIPTIONS['case-mismatch']}",
        f"2  unknown-type    {DESCRIPTIONS['unknown-type']}",
        f"1  title-mismatch  {DESCRIPTIONS['title-mismatch']}",
        "3 notes checked: 3 errors, 2 warnings, 2 information, 1 hint",
    ]
    as_json = json.loads(run("check", str(vault), "--statistics", "--format", "json").stdout)
    assert [(i["code"], i["count"]) for i in as_json] == [
        ("broken-link", 3),
        ("case-mismatch", 2),
        ("unknown-type", 2),
        ("title-mismatch", 1),
    ]
    assert as_json[0]["description"] == DESCRIPTIONS["broken-link"]
    assert run("check", str(vault), "--statistics", "--format", "sarif").returncode == 2


def test_every_code_has_a_short_description():
    assert set(DESCRIPTIONS) == set(CODES)
    assert all(DESCRIPTIONS.values())


def test_github_format_one_command_a_problem(tmp_path):
    vault = write_vault(tmp_path / "v", EVERY_SEVERITY)
    result = run("check", str(vault), "--format", "github")
    assert result.returncode == 1
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines == [
        '::error file=a.md,line=3,col=3,endLine=3,endColumn=7,title=broken-link::No note titled "nope"',
        '::warning file=a.md,line=3,col=12,endLine=3,endColumn=13,title=case-mismatch::"B" differs only in case from "b"',
        '::error file=a.md,line=3,col=18,endLine=3,endColumn=22,title=broken-link::No note titled "gone"',
        lines[3],
        lines[4],
    ]
    assert lines[3].startswith("::notice file=b.md,line=2,col=1,endLine=2,endColumn=5,title=unknown-type::Type 'hunch'")
    assert lines[4] == (
        '::notice file=b.md,line=4,col=3,endLine=4,endColumn=8,title=title-mismatch::The H1 "not b" differs from the'
        ' file\'s title "b"'
    )


def test_github_escapes_properties_and_messages(tmp_path):
    name = "50%, a: b\nc"  # a file name with every character a property escapes, and a newline
    vault = write_vault(tmp_path / "v", {f"{name}.md": "---\ntype: hunch\n---\n# x\n\n[[100%, x: y]]\n"})
    result = run("check", str(vault), "--format", "github")
    file = "50%25%2C a%3A b%0Ac.md"
    lines = result.stdout.splitlines()
    assert lines == [
        lines[0],
        f"::notice file={file},line=4,col=3,endLine=4,endColumn=4,title=title-mismatch::"
        'The H1 "x" differs from the file\'s title "50%25, a: b%0Ac"',
        f'::error file={file},line=6,col=3,endLine=6,endColumn=13,title=broken-link::No note titled "100%25, x: y"',
    ]
    assert lines[0].startswith(f"::notice file={file},line=2,col=1,endLine=2,endColumn=5,title=unknown-type::")
    assert github_data("a%\r\nb:,") == "a%25%0D%0Ab:,"
    assert github_property("a%\r\nb:,") == "a%25%0D%0Ab%3A%2C"


def test_sarif_shape(tmp_path):
    vault = write_vault(
        tmp_path / "v",
        {**EVERY_SEVERITY, "d/🚀 rocket.md": "# 🚀 rocket\n\n🚀🚀 [[nope]]\n"},
    )
    result = run("check", str(vault), "--format", "sarif")
    assert result.returncode == 1
    assert result.stderr == ""
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    [sarif_run] = log["runs"]
    assert sarif_run["columnKind"] == "utf16CodeUnits"
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "claim-lsp" and driver["version"]
    rules = driver["rules"]
    assert [r["id"] for r in rules] == ["broken-link", "case-mismatch", "unknown-type", "title-mismatch"]
    assert all(r["shortDescription"]["text"] == DESCRIPTIONS[r["id"]] for r in rules)
    results = sarif_run["results"]
    assert len(results) == 6
    levels = {}
    for res in results:
        assert set(res) >= {"ruleId", "level", "message", "locations"}
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["message"]["text"]
        levels.setdefault(res["ruleId"], set()).add(res["level"])
        [loc] = res["locations"]
        artifact = loc["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert not re.match(r"^[a-z]+:|^/", artifact["uri"]) and " " not in artifact["uri"]
        region = loc["physicalLocation"]["region"]
        assert all(isinstance(region[k], int) and region[k] >= 1 for k in region)
        assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}
    assert levels == {
        "broken-link": {"error"},
        "case-mismatch": {"warning"},
        "unknown-type": {"note"},
        "title-mismatch": {"note"},
    }
    rocket = [
        r
        for r in results
        if unquote(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) == "d/🚀 rocket.md"
    ]
    [link] = [r for r in rocket if r["ruleId"] == "broken-link"]
    # "🚀🚀 [[nope]]": the target starts at code point 5, UTF-16 unit 7 (each rocket takes two); 1-based
    assert link["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3,
        "startColumn": 8,
        "endLine": 3,
        "endColumn": 12,
    }


def test_exit_zero_and_min_severity(tmp_path):
    vault = write_vault(tmp_path / "v", EVERY_SEVERITY)
    zero = run("check", str(vault), "--exit-zero")
    assert zero.returncode == 0
    assert "error broken-link" in zero.stdout  # reported all the same
    warnings_up = run("check", str(vault), "--min-severity", "warning")
    assert warnings_up.returncode == 1
    assert [line.split()[1] for line in warnings_up.stdout.splitlines()[:-1]] == ["error", "warning", "error"]
    assert warnings_up.stdout.splitlines()[-1] == "3 notes checked: 2 errors, 1 warning"
    info_up = run("check", str(vault), "--min-severity", "information", "--format", "json")
    assert {i["severity"] for i in json.loads(info_up.stdout)} == {"error", "warning", "information"}
    no_errors = write_vault(tmp_path / "w", {k: v for k, v in EVERY_SEVERITY.items() if k != "a.md"})
    only_errors = run("check", str(no_errors), "--min-severity", "error", "--format", "github")
    assert only_errors.returncode == 0 and only_errors.stdout == ""
    hints = run("check", str(no_errors), "--min-severity", "hint")
    assert hints.returncode == 0 and "hint title-mismatch" in hints.stdout
    assert run("check", str(vault), "--min-severity", "loud").returncode == 2


QUICK_PROGRESS = (
    "import sys; import claim_lsp.report as report; report.PROGRESS_DELAY = 0.001; "
    "from claim_lsp.cli import main; sys.exit(main(sys.argv[1:]))"
)  # the real command with the progress line due at once: a test vault is checked in well under a second


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path):
    vault = write_vault(tmp_path / "v", EVERY_SEVERITY)
    for form in ("text", "json"):
        result = subprocess.run(
            [sys.executable, "-c", QUICK_PROGRESS, "check", str(vault), "--format", form],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 1
        assert result.stderr == ""


@pytest.mark.skipif(sys.platform == "win32", reason="no pseudo-terminals")
def test_progress_line_on_a_terminal_is_drawn_and_cleared(tmp_path):
    import fcntl
    import pty
    import struct
    import termios

    files = {f"n{i}.md": f"# n{i}\n\n[[n{i + 1}]] [[nope]]\n" for i in range(300)}
    vault = write_vault(tmp_path / "v", files)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 60, 0, 0))  # 24 rows, 60 columns
    report = (tmp_path / "report.json").open("w+b")  # (a pipe left unread while the terminal is read could fill up)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", QUICK_PROGRESS, "check", str(vault), "--format", "json"],
            stdout=report,
            stderr=slave,
        )
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # (EIO: the terminal's other end is closed, the process has exited)
                break
            if not chunk:
                break
            shown += chunk
        proc.wait(timeout=120)
        report.seek(0)
        out = report.read()
    finally:
        os.close(master)
        report.close()
    assert proc.returncode == 1
    assert json.loads(out)  # the report on stdout has no progress in it
    text = shown.decode()
    drawn = re.findall(r"\r([^\r]*)\x1b\[K", text)
    lines = [line for line in drawn if line]
    assert lines, text
    assert all(
        re.fullmatch(r"claim-lsp \d+\.\d s: (reading the notes of .*|checked [\d,]+ of 300 notes)", line)
        for line in lines
    )
    assert all(len(line) < 60 for line in lines)  # cut to the terminal's width: a wrapped line could not be redrawn
    assert text.endswith("\r\x1b[K")  # cleared: the last thing written
