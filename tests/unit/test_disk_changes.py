"""lsp/disk_changes.py driven directly: reports of changes on disk are filed in the order they
came, a large one in the background (read in a thread, filed in slices), a small one with
nothing pending as it arrives. (Over stdio, with hover and rename: tests/e2e/test_live_changes.py.)"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from claim_lsp.config import Config
from claim_lsp.lsp import disk_changes
from claim_lsp.lsp.capabilities import Settings
from claim_lsp.lsp.disk_changes import INLINE, ChangeSets
from claim_lsp.workspace import Change, Workspace
from tests.helpers import write_vault

NOTES = INLINE + 8  # (a report of more paths is read in the background)


class Publisher:
    def __init__(self) -> None:
        self.changes: list[Change | None] = []

    def after_change(self, change: Change | None) -> None:
        self.changes.append(change)

    def refresh_all_open(self) -> None:
        pass


class Server:
    """What ChangeSets uses of the server."""

    settings = Settings()
    shutting_down = False

    def __init__(self, root: Path) -> None:
        self.state = Workspace()
        self.vault = self.state.add_vault(root, Config())
        self.publisher = Publisher()
        self.tasks: set[asyncio.Task] = set()

    def spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def show_config_error(self, message: str) -> None:
        raise AssertionError(message)


def vault_of(tmp_path: Path) -> tuple[Server, list[Path]]:
    root = write_vault(tmp_path / "vault", {f"n{i}.md": f"# n{i}\n" for i in range(NOTES)})
    server = Server(root)
    paths = sorted(root.glob("*.md"))
    for path in paths:
        server.state.reload(path)
    return server, paths


async def test_a_small_report_with_nothing_pending_is_filed_as_it_arrives(tmp_path: Path):
    server, paths = vault_of(tmp_path)
    changes = ChangeSets(server)
    paths[0].write_text("# n0\n\n[[n1]]\n", encoding="utf-8")
    changes.report([paths[0].as_uri()])
    assert changes.settled and server.vault.notes["n0.md"].link_targets() == ["n1"]


async def test_a_large_report_is_filed_in_the_background_and_settles(tmp_path: Path):
    server, paths = vault_of(tmp_path)
    changes = ChangeSets(server)
    for path in paths:
        path.write_text(f"# {path.stem}\n\n[[n0]]\n", encoding="utf-8")
    changes.report(paths)
    assert not changes.settled and server.vault.notes["n1.md"].link_targets() == []
    await asyncio.wait_for(changes.until_settled(), 5)
    assert changes.settled and all(note.link_targets() == ["n0"] for note in server.vault.notes.values())


async def test_reports_are_filed_in_the_order_they_came(tmp_path: Path, monkeypatch):
    """A note deleted after a large report read it, and reported then: the deletion is filed
    after the large report's older reading of the note, not before it (which would bring the
    note back for good), though it is small and could be filed at once."""
    server, paths = vault_of(tmp_path)
    changes = ChangeSets(server)
    read, release = threading.Event(), threading.Event()
    reading = disk_changes._read

    def held(*args):
        found = reading(*args)
        read.set()
        release.wait(5)
        return found

    monkeypatch.setattr(disk_changes, "_read", held)
    changes.report(paths)
    await asyncio.get_running_loop().run_in_executor(None, read.wait, 5)
    paths[0].unlink()
    changes.report([paths[0]])
    release.set()
    await asyncio.wait_for(changes.until_settled(), 5)
    assert "n0.md" not in server.vault.notes and len(server.vault.notes) == NOTES - 1


async def test_a_folder_reported_as_one_path_is_read_with_its_notes(tmp_path: Path):
    server, _ = vault_of(tmp_path)
    changes = ChangeSets(server)
    root = server.vault.root
    assert root is not None
    write_vault(root, {"d/a.md": "# a\n", "d/e/b.md": "# b\n"})
    changes.report([root / "d"])
    await asyncio.wait_for(changes.until_settled(), 5)
    assert {"d/a.md", "d/e/b.md"} <= set(server.vault.notes)
