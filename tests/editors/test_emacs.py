"""Emacs 28 + eglot 1.9 (batch) with the real claim-lsp, configured by editors/emacs/claim-lsp.el."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import HERE, REPO, TIMEOUT_S, check_observations, require, run_driver
from .vault import Spec

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
