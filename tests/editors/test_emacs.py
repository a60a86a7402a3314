"""Emacs 28 + eglot 1.9 (batch) with the real claim-lsp, configured by editors/emacs/claim-lsp.el."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from .conftest import (
    HERE,
    REPO,
    TIMEOUT_S,
    check_observations,
    detect_spec,
    isolated_env,
    opened,
    reports_broken_link,
    require,
    run_driver,
)
from .vault import (
    COMPLETION_EXPECTED,
    MAP_BROKEN_TITLE,
    MAP_NOTE,
    DetectSpec,
    Spec,
    map_open,
    note_open,
    write_marked_vault,
    write_plain_folder,
)

pytestmark = pytest.mark.editors


def test_emacs_eglot(spec: Spec, tmp_path: Path) -> None:
    emacs = require("emacs")
    result = run_driver(
        "emacs", [emacs, "--batch", "-Q", "-l", str(HERE / "emacs_driver.el")], spec, tmp_path, timeout_s=TIMEOUT_S * 6
    )
    check_observations(result, spec)
    assert result.get("vault_detected") is True, "claim-lsp.el did not recognise the note as a vault note"
    assert result.get("hover_via") == "eldoc", "the hover did not come through eldoc"
    # M-? on the linked note's H1: the open note links there (the H1 itself may be included,
    # as the reference request from xref asks for the declaration too)
    files = {Path(b["file"]).name for b in result.get("backlinks") or []}
    assert Path(spec.file).name in files, result.get("backlinks")


def check_offered(result: dict, key: str, typed: str, expected: str) -> None:
    """What C-M-i offered after [[typed is the server's list, in the server's order, both in
    *Completions* and for cycling; the server's own answer (asked for beside) is the reference."""
    server = result.get(f"{key}_server") or []
    assert server[:1] == [expected], f"the server ranks {server[:3]} for [[{typed}, the test expects {expected!r}"
    shown, cycle = result.get(key), result.get(f"{key}_cycle")
    assert shown == server, f"C-M-i after [[{typed} showed {shown} in *Completions*; the server sent {server}"
    assert cycle == server, f"cycling after [[{typed} would go {cycle}; the server sent {server}"


def test_emacs_completion_offers_the_server_order(spec: Spec, tmp_path: Path) -> None:
    """C-M-i in a note runs completion-at-point and offers every title the server sent, in its
    order: with Emacs 28 + eglot 1.9's own styles (`flex', case-sensitive, on the title, with its
    score for order) "[[work" inserts "Homework..." outright, and "[[improves re" lists
    "Spaced repetition..." first."""
    emacs = require("emacs")
    result = run_driver(
        "emacs", [emacs, "--batch", "-Q", "-l", str(HERE / "emacs_driver.el")], spec, tmp_path, timeout_s=TIMEOUT_S * 6
    )
    assert not result.get("errors"), result["errors"]
    # before Emacs 30 text-mode binds C-M-i to ispell-complete-word; claim-lsp.el rebinds it in notes
    assert result.get("completion_command") == "completion-at-point", result.get("completion_command")
    check_offered(result, "completion", spec.completion_prefix, spec.completion_expected)
    # with completion-cycle-threshold, the first C-M-i inserts the first of the cycling list
    assert result.get("completion_cycle_first") == spec.completion_expected, result.get("completion_cycle_first")
    # fuzzy: neither the text typed nor its last word (the field eglot completes) starts the best title
    fuzzy, best = spec.completion_fuzzy_prefix, spec.completion_fuzzy_expected
    assert not best.lower().startswith(fuzzy.lower()) and not best.lower().startswith(fuzzy.split()[-1].lower())
    assert len(result.get("completion_fuzzy_server") or []) >= 2, "the fuzzy case needs several titles"
    check_offered(result, "completion_fuzzy", fuzzy, best)
    assert result.get("completion_fuzzy_line") == spec.completion_fuzzy_result_line


def test_emacs_config_byte_compiles(tmp_path: Path) -> None:
    """editors/emacs/claim-lsp.el compiles with no warning (warnings are errors here)."""
    emacs = require("emacs")
    source = tmp_path / "claim-lsp.el"
    source.write_text((REPO / "editors/emacs/claim-lsp.el").read_text())
    setup = (
        '(progn (setq package-directory-list \'("/usr/share/emacs/site-lisp/elpa"))'
        " (package-initialize) (setq byte-compile-error-on-warn t))"
    )
    proc = subprocess.run(
        [emacs, "--batch", "-Q", "--eval", setup, "-f", "batch-byte-compile", str(source)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0 and (tmp_path / "claim-lsp.elc").exists(), proc.stderr


def test_emacs_completion_style_scope(tmp_path: Path) -> None:
    """The style is buffer-local, takes every candidate in the table's order for display and
    cycling, yields to a category the user's completion-category-overrides names, and goes away
    with the buffer's management (or never comes with claim-lsp-completion-server-order nil)."""
    emacs = require("emacs")
    probe = tmp_path / "probe.el"
    probe.write_text(
        f"""
(setq package-directory-list '("/usr/share/emacs/site-lisp/elpa"))
(package-initialize)
(load {json.dumps(str(REPO / "editors/emacs/claim-lsp.el"))})
(require 'json)
(setq-default completion-category-overrides '((eglot (styles basic)) (file (styles partial-completion))))
(defvar table (lambda (string pred action)
                (if (eq action 'metadata) '(metadata (category . eglot-capf))
                  (complete-with-action action '("b second" "a first" "c third") string pred))))
(defvar out nil)
(with-temp-buffer
  (claim-lsp--completion-order t)
  (push (cons 'overrides (format "%S" completion-category-overrides)) out)
  (let* ((md (completion-metadata "" table nil))
         (all (completion-all-completions "zz" table nil 2 md)))
    (push (cons 'all (vconcat all)) out)
    (push (cons 'display (vconcat (funcall (completion-metadata-get md 'display-sort-function) (list "y" "x")))) out)
    (push (cons 'cycle (vconcat (funcall (completion-metadata-get md 'cycle-sort-function) (list "y" "x")))) out))
  (claim-lsp--completion-order nil)
  (push (cons 'local_after_off (local-variable-p 'completion-category-overrides)) out)
  (setq claim-lsp-completion-server-order nil)
  (claim-lsp--completion-order t)
  (push (cons 'local_when_disabled (local-variable-p 'completion-category-overrides)) out))
(push (cons 'global (format "%S" completion-category-overrides)) out)
(princ (json-encode out))
"""
    )
    proc = subprocess.run(
        [emacs, "--batch", "-Q", "-l", str(probe)],
        capture_output=True,
        text=True,
        timeout=60,
        env=isolated_env(tmp_path),
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got["overrides"] == (
        "((eglot-capf (styles claim-lsp-server-order)) (eglot (styles basic)) (file (styles partial-completion)))"
    )
    assert got["all"] == ["b second", "a first", "c third"]  # not matched against "zz", not sorted
    assert got["display"] == got["cycle"] == ["y", "x"]
    assert not got["local_after_off"] and not got["local_when_disabled"], got  # json: nil is null
    assert got["global"] == "((eglot (styles basic)) (file (styles partial-completion)))"


# ---- which notes get the server (claim-lsp-auto-start) ---------------------------------------


def run_opens(spec: DetectSpec, tmp_path: Path) -> list[dict]:
    emacs = require("emacs")
    argv = [emacs, "--batch", "-Q", "-l", str(HERE / "emacs_driver.el")]
    result = run_driver("emacs", argv, spec, tmp_path, timeout_s=TIMEOUT_S * 6)
    print("editor:", result.get("editor"))
    return opened(result, spec)


def test_emacs_map_note_opened_first(tmp_path: Path, server_cmd: list[str], artifacts: Path) -> None:
    """A map note without frontmatter, visited first in a vault marked by .git, starts the server
    (the claim notes under the root say it is a claim vault); a claim note visited next joins it."""
    vault = tmp_path / "vault"
    write_marked_vault(vault)
    claim = vault / "claims" / f"{COMPLETION_EXPECTED}.md"
    opens = [map_open(vault / "maps" / f"{MAP_NOTE}.md"), note_open(claim, attach=True)]
    spec = detect_spec(tmp_path, server_cmd, artifacts, opens)
    map_note, then = run_opens(spec, tmp_path)
    assert map_note.get("server"), f"eglot did not start claim-lsp for a map note visited first: {map_note}"
    assert Path(map_note["root"]) == vault, map_note
    assert reports_broken_link(map_note, opens[0]["broken_line"], MAP_BROKEN_TITLE), map_note
    assert map_note.get("notes") == sum(1 for _ in vault.rglob("*.md")), map_note
    assert then.get("server") == map_note["server"] and then["servers"] == 1, (map_note, then)


def test_emacs_no_server_outside_claim_vaults(tmp_path: Path, server_cmd: list[str], artifacts: Path) -> None:
    """A git folder of Markdown without a `type:` field anywhere gets no server, before and after
    a map note of a claim vault started one in the same session (which shows the driver sees a
    server when there is one)."""
    plain, vault = tmp_path / "plain", tmp_path / "vault"
    write_plain_folder(plain)
    write_marked_vault(vault)
    opens = [
        note_open(plain / "README.md", attach=False),
        map_open(vault / "maps" / f"{MAP_NOTE}.md"),
        note_open(plain / "docs" / "guide.md", attach=False),
    ]
    spec = detect_spec(tmp_path, server_cmd, artifacts, opens)
    readme, map_note, guide = run_opens(spec, tmp_path)
    assert readme["mode"] == "markdown-mode", readme
    assert not readme.get("server") and readme["servers"] == 0, f"a server for plain Markdown: {readme}"
    assert map_note.get("server") and Path(map_note["root"]) == vault, map_note
    assert not guide.get("server") and guide["servers"] == 1, f"a server for plain Markdown: {guide}"
