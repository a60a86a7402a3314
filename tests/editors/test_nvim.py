"""Neovim with the real claim-lsp, configured by editors/nvim/lua/claim_lsp (setup()).

Two Neovims: Debian's 0.7.2 (the start_client fallback) and a current one from PyPI
(vim.lsp.config + vim.lsp.enable), both installed by scripts/editors/install.sh.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import EDITORS_HOME, HERE, TIMEOUT_S, check_observations, require, run_driver
from .vault import NOTES, Spec

pytestmark = pytest.mark.editors

NEOVIMS = {
    "debian-0.7": os.environ.get("NVIM", "nvim"),
    "current": os.environ.get("NVIM_CURRENT", str(EDITORS_HOME / "nvim-current/bin/nvim")),
}


@pytest.mark.parametrize("which", list(NEOVIMS))
def test_nvim(which: str, spec: Spec, tmp_path: Path) -> None:
    nvim = require(NEOVIMS[which])
    # "-c cquit 3" runs only when the driver failed to load (it quits by itself otherwise)
    argv = [nvim, "--headless", "--clean", "-n", "-S", str(HERE / "nvim_driver.lua"), "-c", "cquit 3"]
    result = run_driver("nvim", argv, spec, tmp_path, timeout_s=TIMEOUT_S * 6)
    print("editor:", result.get("editor"))
    check_observations(result, spec)
    assert (result.get("status") or {}).get("notes") == len(NOTES), result.get("status")
    # backlinks key in the linked note: exactly the open note's link, not the H1 itself
    assert [Path(b["file"]).name for b in result.get("backlinks") or []] == [Path(spec.file).name], result.get(
        "backlinks"
    )
