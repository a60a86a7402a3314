"""Neovim (Debian's 0.7.2, or any later one on PATH) with the real claim-lsp."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import HERE, TIMEOUT_S, check_observations, require, run_driver
from .vault import Spec

pytestmark = pytest.mark.editors


def test_nvim(spec: Spec, tmp_path: Path) -> None:
    nvim = require("nvim")
    result = run_driver("nvim", [nvim, "--headless", "--clean", "-n", "-S", str(HERE / "nvim_driver.lua")],
                        spec, tmp_path, timeout_s=TIMEOUT_S * 6)
    check_observations(result, spec)
