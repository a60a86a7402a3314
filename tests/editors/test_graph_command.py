"""The graph command of each editor set-up (editors/nvim: :ClaimLspGraph, editors/emacs:
M-x claim-lsp-graph): it asks the server for the page of the open note's neighbourhood,
writes it to a file and hands that to the browser (here a stand-in that writes down what it
was given)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from .conftest import HERE, TIMEOUT_S, isolated_env, require, run_driver
from .test_nvim import CURRENT_NVIM, DEBIAN_NVIM
from .vault import HOVER_LINK_TITLE, OPEN_NOTE, Spec

pytestmark = pytest.mark.editors


def check_page(path: Path) -> None:
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "default-src 'none'" in page
    data = json.loads(page.split('id="claim-graph-data">', 1)[1].split("</script>", 1)[0])
    assert data["graph"]["selected"] == [f"{OPEN_NOTE}.md"] and data["graph"]["depth"] == 2
    titles = {n["title"] for n in data["nodes"]}
    # two edges away: the map links to Knowledge..., which links to Spaced repetition...
    assert {OPEN_NOTE, HOVER_LINK_TITLE, "Spaced repetition beats cramming"} <= titles, titles
    assert f"<title>Claim graph: {OPEN_NOTE} (depth 2)</title>" in page


@pytest.mark.parametrize("nvim", ["0.7", "current"])
def test_nvim_graph_command(nvim: str, spec: Spec, tmp_path: Path) -> None:
    executable = require(DEBIAN_NVIM if nvim == "0.7" else CURRENT_NVIM)
    env = isolated_env(tmp_path)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opener = bin_dir / "xdg-open"
    opener.write_text('#!/bin/sh\nprintf "%s\\n" "$1" >> "$CLAIM_OPENED"\n')
    opener.chmod(0o755)
    env["PATH"] = os.pathsep.join([str(bin_dir), env["PATH"]])
    env["CLAIM_OPENED"] = str(tmp_path / "opened.txt")
    argv = [executable, "--headless", "--clean", "-n", "-S", str(HERE / "graph_nvim.lua"), "-c", "cquit 3"]
    result = run_driver(f"nvim-{nvim}-graph", argv, spec, tmp_path, timeout_s=TIMEOUT_S * 3, env=env)
    assert not result["errors"], result["errors"]
    (opened,) = result["opened"]
    assert opened.endswith(".html") and not opened.startswith(str(tmp_path / "home")), opened
    check_page(Path(opened))
    Path(opened).unlink()  # (in the system's temporary folder, which outlives the editor)


def test_emacs_graph_command(spec: Spec, tmp_path: Path) -> None:
    emacs = require("emacs")
    argv = [emacs, "--batch", "-Q", "-l", str(HERE / "graph_emacs.el")]
    result = run_driver("emacs-graph", argv, spec, tmp_path, timeout_s=TIMEOUT_S * 3)
    assert not result["errors"], result["errors"]
    (url,) = result["opened"]
    assert urlparse(url).scheme == "file", url
    assert unquote(urlparse(url).path) == result["file"], (url, result["file"])
    check_page(Path(result["file"]))
    Path(result["file"]).unlink()
