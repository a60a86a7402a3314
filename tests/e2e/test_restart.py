"""A restart reads the disk cache. With two cores or more a worker lists the folder while the
cache is read, and the cache's own paths stand for the listing when the folder holds just the
cached notes; notes added or removed meanwhile have the folder listed again. Either way the
server ends with the folder's notes, its other files (embeds) and every link checked."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import client_capabilities, make_test_lsp_client

from claim_lsp import cache
from claim_lsp.workers import worker_count
from tests.e2e.conftest import open_doc, wait_diagnostics, wait_indexed
from tests.helpers import write_vault

LISTED_BY_A_WORKER = "listed by a worker, as cached"

FILES = {
    "a.md": "# a\n\nSee ![[diagram.png]] and [[b]].\n",
    "b.md": "# b\n\nBack to [[a]].\n",
    "folder/c.md": "# c\n\nAbout [[gone]].\n",
    "gone.md": "# gone\n",
}


async def session(vault: Path, opened: list[str]) -> tuple[dict, dict[str, list[str]], str]:
    """Start a server on the vault, wait for it to index, open the notes; its status, the
    codes of each opened note's diagnostics, and its log."""
    log = vault.parent / "server.log"
    log.unlink(missing_ok=True)
    client = make_test_lsp_client()
    await client.start_io(sys.executable, "-m", "claim_lsp", "--log-level", "INFO", "--log-file", str(log))
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("neovim@0.7.0"),  # (diagnostics pushed)
            root_uri=vault.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=vault.as_uri(), name="vault")],
        )
    )
    status = await wait_indexed(client)
    codes = {}
    for rel in opened:
        uri = open_doc(client, vault / rel)
        codes[rel] = sorted(str(d.code) for d in await wait_diagnostics(client, uri))
    await client.shutdown_session()
    return status, codes, log.read_text(encoding="utf-8")


async def cache_written(vault: Path) -> None:
    """The cache file, written by a child of the server once it indexed (it may outlive it)."""
    for _ in range(600):
        if cache.cache_file(vault).exists():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("no cache written")


def fresh_vault(tmp_path: Path) -> Path:
    vault = write_vault(tmp_path / "vault", FILES)
    (vault / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return vault


async def test_a_restart_on_an_unchanged_folder_takes_the_listing_from_the_cache(tmp_path):
    vault = fresh_vault(tmp_path)
    status, codes, log = await session(vault, ["a.md"])
    assert status["notes"] == 4 and codes["a.md"] == [] and LISTED_BY_A_WORKER not in log
    await cache_written(vault)
    status, codes, log = await session(vault, ["a.md", "folder/c.md"])
    assert "4 notes listed, 4 cached" in log
    # the listing came from a worker when there are workers (two cores or more)
    assert (LISTED_BY_A_WORKER in log) == (worker_count() >= 2)
    assert status["notes"] == 4
    assert codes == {"a.md": [], "folder/c.md": []}  # the image and every title known


async def test_a_restart_after_notes_were_added_and_removed_lists_the_folder_again(tmp_path):
    vault = fresh_vault(tmp_path)
    await session(vault, [])
    await cache_written(vault)
    (vault / "gone.md").unlink()
    (vault / "d.md").write_text("# d\n\nTo [[a]] and [[gone]].\n", encoding="utf-8")
    status, codes, log = await session(vault, ["a.md", "folder/c.md", "d.md"])
    assert "4 notes listed, 4 cached" in log and "(3 notes from the cache)" in log  # (the cache held gone.md)
    assert LISTED_BY_A_WORKER not in log
    assert status["notes"] == 4
    assert codes == {"a.md": [], "folder/c.md": ["broken-link"], "d.md": ["broken-link"]}


async def test_a_note_changed_with_its_mtime_and_size_restored_is_read_again_on_restart(tmp_path):
    """A sync tool that puts mtimes back leaves size and mtime as cached: the inode change
    time tells the note changed (item 7 of issue 14)."""
    vault = write_vault(tmp_path / "vault", {"a.md": "# a\n\nSee [[b#One]].\n", "b.md": "# b\n\n## One\n"})
    status, codes, _ = await session(vault, ["a.md"])
    assert codes == {"a.md": []}
    await cache_written(vault)
    b = vault / "b.md"
    before = b.stat()
    b.write_text("# b\n\n## Two\n", encoding="utf-8")  # the same size
    os.utime(b, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (b.stat().st_mtime_ns, b.stat().st_size) == (before.st_mtime_ns, before.st_size)
    status, codes, log = await session(vault, ["a.md"])
    assert "(1 notes from the cache)" in log  # a.md from the cache, b.md read again
    assert codes == {"a.md": ["missing-heading"]}
