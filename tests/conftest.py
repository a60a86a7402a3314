"""Keep the disk cache of every server and CLI the tests start out of the user's home."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory):
    os.environ["CLAIM_LSP_CACHE_DIR"] = str(tmp_path_factory.mktemp("claim-lsp-cache"))
