"""`claim-lsp check` through a subprocess: output formats, exit codes, selection."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import COORD, SMALL_VAULT, SPEC, write_vault

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "vault"
CORPUS = REPO.parent / "shared" / "corpus" / "teleo-codex-sample"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claim_lsp", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_example_vault_shows_every_diagnostic():
    result = run("check", str(EXAMPLE), "--format", "json")
    assert result.returncode == 1, result.stderr
    items = json.loads(result.stdout)
    codes = {i["code"] for i in items}
    assert codes >= {
        "broken-link", "case-mismatch", "ambiguous-link", "empty-link", "yaml-error", "missing-field",
        "invalid-value", "invalid-date", "unknown-type", "title-mismatch", "missing-heading",
    }  # fmt: skip
    for item in items:
        assert set(item) == {"file", "range", "severity", "code", "message", "data"}
        assert item["severity"] in ("error", "warning", "information", "hint")
        assert not item["file"].startswith("/")


def test_text_format_is_path_line_col(tmp_path):
    vault = write_vault(tmp_path / "v", {"a.md": "# a\n\nsee [[b typo]]\n", "b type.md": "# b type\n"})
    result = run("check", str(vault))  # (from the repository's folder: the vault is not under it)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        'a.md:3:7: error broken-link No note titled "b typo"; did you mean "b type"?',
        "2 notes checked: 1 error",
    ]
    assert result.stderr == ""


def test_json_range_is_utf16(tmp_path):
    vault = write_vault(tmp_path / "v", {"a.md": "# a\n\n🚀🚀 [[nope]]\n"})
    items = json.loads(run("check", str(vault), "--format", "json").stdout)
    assert items[0]["range"] == {"start": {"line": 2, "character": 7}, "end": {"line": 2, "character": 11}}
    assert items[0]["data"] == {"target": "nope", "suggestions": []}


def test_exit_zero_without_errors_and_select_ignore(tmp_path):
    vault = write_vault(tmp_path / "v", dict(SMALL_VAULT))
    all_items = json.loads(run("check", str(vault), "--format", "json").stdout)
    assert {"broken-link", "case-mismatch"} <= {i["code"] for i in all_items}
    only = run("check", str(vault), "--format", "json", "--select", "case-mismatch")
    assert only.returncode == 0  # a warning alone is not a failure
    assert {i["code"] for i in json.loads(only.stdout)} == {"case-mismatch"}
    ignored = run("check", str(vault), "--format", "json", "--ignore", "broken-link")
    assert ignored.returncode == 0
    assert "broken-link" not in {i["code"] for i in json.loads(ignored.stdout)}


def test_single_file_is_checked_against_its_vault(tmp_path):
    vault = write_vault(tmp_path / "v", dict(SMALL_VAULT))
    (vault / ".claim-lsp.toml").write_text("")
    result = run("check", str(vault / "domains/ai" / f"{COORD}.md"), "--format", "json")
    items = json.loads(result.stdout)
    assert {i["file"] for i in items} == {f"domains/ai/{COORD}.md"}
    assert not any(i["code"] == "broken-link" and i["data"]["target"] == SPEC for i in items)


def test_single_file_in_a_vault_without_markers_is_checked_against_the_current_directory(tmp_path):
    # no .git, .obsidian nor .claim-lsp.toml; the link's target is in another folder
    vault = write_vault(tmp_path / "v", {"a/x.md": "# x\n\n[[y note]]\n", "b/y note.md": "# y note\n"})
    result = run("check", "a/x.md", "--format", "json", cwd=vault)
    assert f"claim-lsp: vault root: {vault} (no marker found; using the current directory)" in result.stderr
    assert json.loads(result.stdout) == [] and result.returncode == 0
    # run from a folder that does not hold the file: its own folder, and says so
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    alone = run("check", str(vault / "a/x.md"), "--format", "json", cwd=elsewhere)
    assert f"claim-lsp: vault root: {vault / 'a'} (no marker found; using the file's folder)" in alone.stderr
    assert [i["code"] for i in json.loads(alone.stdout)] == ["broken-link"]


def test_log_level_in_any_case(tmp_path):
    write_vault(tmp_path / "v", {"a.md": "# a\n"})
    for level in ("info", "Debug", "WARNING"):
        assert run("--log-level", level, "check", str(tmp_path / "v")).returncode == 0, level
    assert run("--log-level", "loud", "check", str(tmp_path / "v")).returncode == 2


def test_bad_usage_exits_two(tmp_path):
    assert run("check", str(tmp_path / "missing")).returncode == 2
    assert run("check", str(tmp_path), "--select", "no-such-code").returncode == 2
    assert run("check", "--format", "xml").returncode == 2


def test_unreadable_files_are_reported_not_raised(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "binary.md").write_bytes(b"\x00\x01\x02PNG")
    (vault / "latin1.md").write_bytes("# caf\xe9\n".encode("latin-1"))
    (vault / "ok.md").write_text("# ok\n\n[[binary]] [[latin1]]\n")
    result = run("check", str(vault), "--format", "json")
    assert "Traceback" not in result.stderr
    items = json.loads(result.stdout)
    unreadable = {i["file"]: i["message"] for i in items if i["code"] == "unreadable-file"}
    assert set(unreadable) == {"binary.md", "latin1.md"}
    assert "binary" in unreadable["binary.md"] and "UTF-8" in unreadable["latin1.md"]
    assert not [i for i in items if i["file"] == "ok.md" and i["code"] == "broken-link"]


def test_bad_config_falls_back_with_a_message(tmp_path):
    vault = write_vault(tmp_path / "v", {"a.md": "# a\n\n[[nope]]\n", ".claim-lsp.toml": "severity = [\n"})
    result = run("check", str(vault))
    assert "not valid TOML" in result.stderr
    assert "broken-link" in result.stdout


def test_config_changes_severity_and_ignores(tmp_path):
    vault = write_vault(
        tmp_path / "v",
        {
            "a.md": "# a\n\n[[nope]]\n",
            "drafts/b.md": "# b\n\n[[nope]]\n",
            ".claim-lsp.toml": 'ignore = ["drafts/**"]\n[severity]\nbroken-link = "warning"\n',
        },
    )
    result = run("check", str(vault), "--format", "json")
    assert result.returncode == 0
    items = json.loads(result.stdout)
    assert [(i["file"], i["severity"]) for i in items] == [("a.md", "warning")]


def test_version_and_help():
    assert run("--version").stdout.startswith("claim-lsp ")
    assert "check" in run("--help").stdout


@pytest.mark.corpus
def test_corpus_known_problems():
    assert CORPUS.is_dir(), f"the shared corpus is missing at {CORPUS}"
    result = run("check", str(CORPUS), "--format", "json")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    items = json.loads(result.stdout)
    by = {}
    for i in items:
        by.setdefault((i["file"], i["code"]), []).append(i)
    # a link that differs from the title only in case
    skills = by[("agents/theseus/skills.md", "case-mismatch")]
    assert any(
        i["data"]["suggestions"][0]
        == "scalable oversight degrades rapidly as capability gaps grow with debate achieving only 50 percent success at moderate gaps"
        for i in skills
    )
    # dates like 2026-02-00 / 2025-12-00 are invalid-date warnings, not crashes
    dates = by[("inbox/archive/2025-12-00-colosseum-stamp-introduction.md", "invalid-date")]
    assert dates[0]["severity"] == "warning" and "2025-12-00" in dates[0]["message"]
    # a truncated link finds the full title
    truncated = [
        i
        for i in items
        if i["code"] == "broken-link"
        and i["data"]["target"] == "structured exploration protocols reduce human intervention by 6x"
    ]
    assert truncated and truncated[0]["data"]["suggestions"][0].startswith(
        "structured exploration protocols reduce human intervention by 6x because"
    )
    # the same title in two folders, linked from a third
    assert by[("agents/theseus/identity.md", "ambiguous-link")]
    # folders of _map notes: [[_map]] from inside a folder resolves to that folder's map
    assert not [
        i for i in items if i["code"] in ("broken-link", "ambiguous-link") and i["data"]["target"] == "_map"
        and i["file"].startswith("domains/ai-alignment/")
    ]  # fmt: skip
    # types the schemas do not define are information, not errors
    assert {i["severity"] for i in items if i["code"] == "unknown-type"} == {"information"}
    codes = {i["code"] for i in items}
    assert {"broken-link", "case-mismatch", "ambiguous-link", "invalid-date", "missing-field"} <= codes


def test_stdio_flag_is_accepted_by_the_server(tmp_path):
    """vscode-languageclient and many configs pass --stdio; it must start the server."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "claim_lsp", "--stdio"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"processId": None, "rootUri": None, "capabilities": {}},
        }
    )
    proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
    proc.stdin.flush()
    header = proc.stdout.readline()
    proc.kill()
    proc.wait(10)
    assert header.startswith(b"Content-Length:")


def test_embeds_of_images_and_other_files_are_not_broken(tmp_path):
    vault = write_vault(
        tmp_path / "v",
        {
            "a.md": "# a\n\n![[diagram.png]] ![[assets/paper.pdf]] [[Diagram.PNG]] ![[missing.png]]\n",
            "assets/paper.pdf": "%PDF",
            "img/diagram.png": "png",
        },
    )
    items = json.loads(run("check", str(vault), "--format", "json").stdout)
    assert [i["data"]["target"] for i in items if i["code"] == "broken-link"] == ["missing.png"]
