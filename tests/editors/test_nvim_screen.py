"""Neovim in a terminal (tmux), as a person uses it: what the screen shows.

The headless test (test_nvim.py) reads Neovim's state; this one types keys into the real TUI
and reads the screen: the diagnostic's virtual text on the broken link's line, the hover float
from `K`, the completion menu from `[[work` + <C-x><C-o>, and the line after accepting the first
item with <C-y>. Screens are saved as text artifacts (screen-*.txt).
"""

from __future__ import annotations

import json
import re
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from .conftest import REPO, isolated_env, require
from .test_nvim import CURRENT_NVIM, DEBIAN_NVIM
from .vault import Spec

pytestmark = pytest.mark.editors

INIT = """
vim.opt.runtimepath:prepend({rtp})
vim.diagnostic.config({{ virtual_text = true }})  -- off by default from 0.11 on
require('claim_lsp').setup({{ cmd = vim.fn.json_decode({cmd}), init_options = vim.fn.json_decode({opts}) }})
"""


class Screen:
    def __init__(self, tmux: str, session: str, artifacts: Path) -> None:
        self.tmux, self.session, self.artifacts = tmux, session, artifacts

    def keys(self, *keys: str) -> None:
        subprocess.run([self.tmux, "send-keys", "-t", self.session, *keys], check=True)

    def text(self) -> str:
        return subprocess.run(
            [self.tmux, "capture-pane", "-p", "-t", self.session], check=True, capture_output=True, text=True
        ).stdout

    def wait_for(self, pattern: str, name: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.text()
            if re.search(pattern, screen) or time.monotonic() > deadline:
                (self.artifacts / f"screen-{name}.txt").write_text(screen)
                assert re.search(pattern, screen), f"{pattern!r} not on the screen:\n{screen}"
                return screen
            time.sleep(0.1)


@pytest.mark.parametrize("which", ["0.7", "current"])
def test_nvim_screen(which: str, spec: Spec, tmp_path: Path) -> None:
    tmux = require("tmux")
    nvim = require(DEBIAN_NVIM if which == "0.7" else CURRENT_NVIM)
    init = tmp_path / "init.lua"
    init.write_text(
        INIT.format(
            rtp=json.dumps(str(REPO / "editors/nvim")),
            cmd=json.dumps(json.dumps(spec.server_cmd)),
            opts=json.dumps(json.dumps(spec.init_options)),
        )
    )
    env = isolated_env(tmp_path)
    env["TERM"] = "xterm-256color"
    session = f"claim-lsp-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        [tmux, "-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "120", "-y", "32", "-c", spec.root,
         nvim, "-n", "-i", "NONE", "-u", str(init), Path(spec.file).name],
        env=env,
        check=True,
    )  # fmt: skip
    screen = Screen(tmux, session, Path(spec.artifacts))
    try:
        # the broken link's line carries the diagnostic as virtual text
        text = screen.wait_for(r"missing: \[\[no such note here\]\].*No note titled", "diagnostics")
        broken_row = next(i for i, line in enumerate(text.splitlines()) if "[[no such note here]]" in line)
        assert broken_row == spec.broken_line, text  # the file starts on the first screen row

        # K on the link: a float with the linked note's description
        screen.keys(f":call cursor({spec.hover_line + 1}, {spec.hover_character + 1})", "Enter", "K")
        screen.wait_for(re.escape(spec.hover_description[:40]), "hover")
        screen.keys("Escape", "Escape")

        # [[work + <C-x><C-o>: the menu lists the intended title first
        screen.keys(f":{spec.completion_line + 1}", "Enter", "A", f" [[{spec.completion_prefix}")
        time.sleep(0.3)
        screen.keys("C-x", "C-o")
        text = screen.wait_for(re.escape(spec.completion_expected), "completion")
        lines = text.splitlines()
        typed_row = max(i for i, line in enumerate(lines) if line.lstrip().startswith("Related: [["))
        menu = [line for line in lines[typed_row + 1 :] if line.strip(" ~")]
        assert menu and spec.completion_expected in menu[0], text
        # <C-y> accepts it: the whole title, closed
        screen.keys("C-y")
        text = screen.wait_for(re.escape(spec.completion_result_line), "accepted", timeout=5)
    finally:
        subprocess.run([tmux, "kill-session", "-t", session], capture_output=True)
