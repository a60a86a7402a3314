"""Neovim with the real claim-lsp, configured by editors/nvim/lua/claim_lsp (setup()).

Two Neovims: Debian's 0.7.2 (the start_client fallback) and a current one from PyPI
(vim.lsp.config + vim.lsp.enable), both installed by scripts/editors/install.sh.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import EDITORS_HOME, HERE, TIMEOUT_S, check_observations, isolated_env, require, run_driver
from .vault import NOTES, Spec

pytestmark = pytest.mark.editors

DEBIAN_NVIM = os.environ.get("NVIM", "nvim")
CURRENT_NVIM = os.environ.get("NVIM_CURRENT", str(EDITORS_HOME / "nvim-current/bin/nvim"))
# (Neovim, the API setup() uses): each start path of editors/nvim/lua/claim_lsp. No 0.8-0.10
# Neovim can be installed here, so their vim.lsp.start path runs on the current Neovim.
CASES = {
    "0.7-start_client": (DEBIAN_NVIM, "auto"),
    "current-vim.lsp.config": (CURRENT_NVIM, "auto"),
    "current-vim.lsp.start": (CURRENT_NVIM, "start"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_nvim(case: str, spec: Spec, tmp_path: Path) -> None:
    executable, api = CASES[case]
    nvim = require(executable)
    # "-c cquit 3" runs only when the driver failed to load (it quits by itself otherwise)
    argv = [nvim, "--headless", "--clean", "-n", "-S", str(HERE / "nvim_driver.lua"), "-c", "cquit 3"]
    env = isolated_env(tmp_path)
    env["CLAIM_NVIM_API"] = api
    result = run_driver("nvim", argv, spec, tmp_path, timeout_s=TIMEOUT_S * 6, env=env)
    print("editor:", result.get("editor"))
    check_observations(result, spec)
    assert (result.get("status") or {}).get("notes") == len(NOTES), result.get("status")
    # backlinks key in the linked note: exactly the open note's link, not the H1 itself
    assert [Path(b["file"]).name for b in result.get("backlinks") or []] == [Path(spec.file).name], result.get(
        "backlinks"
    )
