"""lsp/waiting.py, the waiting rule: a whole-vault request waits for the vault's index, is
cancelled with its task, and fails after the bound saying how far indexing got.
(End to end, over stdio: tests/e2e/test_indexing_window.py.)"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from claim_lsp.config import Config
from claim_lsp.index import Vault
from claim_lsp.lsp import waiting
from claim_lsp.lsp.edits import RequestFailed
from claim_lsp.lsp.waiting import env_seconds, indexed_note, whole_vault
from claim_lsp.workspace import Workspace


class Progress:
    def __init__(self, done: int, total: int) -> None:
        self.done, self.total = done, total


class ChangeSets:
    """The changes on disk being filed (lsp/disk_changes.py): none, until `begin`."""

    def __init__(self) -> None:
        self.filed = asyncio.Event()
        self.filed.set()
        self.left = 0

    def begin(self, notes: int) -> None:
        self.filed.clear()
        self.left = notes

    def end(self) -> None:
        self.filed.set()
        self.left = 0


class Server:
    """What waiting.py uses of the server: the workspace, until_settled (indexed, and the
    changes on disk filed), the running loaders."""

    def __init__(self, root: Path) -> None:
        self.state = Workspace()
        self.loaders: dict[Vault, Progress] = {}
        self.ended: dict[Vault, asyncio.Event] = {}
        self.change_sets = ChangeSets()
        self.vault = self.start(root)

    def start(self, root: Path) -> Vault:
        vault = self.state.add_vault(root, Config())
        vault.indexed = False
        self.ended[vault] = asyncio.Event()
        return vault

    def mark_indexed(self, vault: Vault) -> None:
        vault.indexed = True
        self.ended[vault].set()

    async def until_indexed(self, vault: Vault) -> None:
        event = self.ended.get(vault)
        if event is not None and not vault.indexed:
            await event.wait()

    def settled(self, vault: Vault) -> bool:
        return vault.indexed and self.change_sets.filed.is_set()

    async def until_settled(self, vault: Vault) -> None:
        await self.until_indexed(vault)
        await self.change_sets.filed.wait()


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_an_indexed_vault_is_answered_at_once(tmp_path: Path):
    server = Server(tmp_path)
    server.state.set_text(tmp_path / "a.md", "# a\n")
    server.mark_indexed(server.vault)
    found = await asyncio.wait_for(indexed_note(server, (tmp_path / "a.md").as_uri()), 1)
    assert found is not None and found[1].title == "a"
    await asyncio.wait_for(whole_vault(server, [server.vault]), 1)


async def test_the_note_is_the_one_filed_when_indexing_ends(tmp_path: Path):
    server = Server(tmp_path)
    path = tmp_path / "a.md"
    server.state.set_text(path, "# a\n")
    task = asyncio.ensure_future(indexed_note(server, path.as_uri()))
    await settle()
    assert not task.done()
    server.state.set_text(path, "# a\n\n[[b]]\n")  # (another version, filed meanwhile)
    server.mark_indexed(server.vault)
    found = await asyncio.wait_for(task, 1)
    assert found is not None and found[1].link_targets() == ["b"]


async def test_a_change_on_disk_being_filed_is_waited_for(tmp_path: Path):
    """A large change on disk (a branch switch) is filed a slice at a time: a whole-vault
    request waits until all of it is, and sees the note as it is then."""
    server = Server(tmp_path)
    path = tmp_path / "a.md"
    server.state.set_text(path, "# a\n")
    server.mark_indexed(server.vault)
    server.change_sets.begin(19_000)
    note = asyncio.ensure_future(indexed_note(server, path.as_uri()))
    every = asyncio.ensure_future(whole_vault(server, [server.vault]))
    await settle()
    assert not note.done() and not every.done()
    server.state.set_text(path, "# a\n\n[[b]]\n")  # (filed with the change)
    server.change_sets.end()
    found = await asyncio.wait_for(note, 1)
    assert found is not None and found[1].link_targets() == ["b"]
    await asyncio.wait_for(every, 1)


async def test_a_vault_started_again_meanwhile_is_waited_for_too(tmp_path: Path):
    server = Server(tmp_path)
    path = tmp_path / "a.md"
    task = asyncio.ensure_future(indexed_note(server, path.as_uri()))
    await settle()
    old = server.vault
    server.state.remove_vault(tmp_path)  # the folder removed and added again: its indexing stops
    new = server.start(tmp_path)
    server.mark_indexed(old)
    await settle()
    assert not task.done()
    server.state.set_text(path, "# a\n")
    server.mark_indexed(new)
    found = await asyncio.wait_for(task, 1)
    assert found is not None and found[0] is new


async def test_a_vault_never_indexed_does_not_hold_the_request(tmp_path: Path):
    # indexing stopped (the server leaving): the answer is what was read, at once
    server = Server(tmp_path)
    del server.ended[server.vault]
    assert await asyncio.wait_for(indexed_note(server, (tmp_path / "a.md").as_uri()), 1) is None
    await asyncio.wait_for(whole_vault(server, [server.vault]), 1)


async def test_the_wait_is_cancelled_with_its_task(tmp_path: Path):
    server = Server(tmp_path)
    task = asyncio.ensure_future(whole_vault(server, [server.vault]))
    await settle()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()


@pytest.mark.parametrize("progress", [Progress(120, 5000), None], ids=["reading", "listing"])
async def test_after_the_bound_the_request_fails_saying_how_far_indexing_got(
    tmp_path: Path, monkeypatch, progress: Progress | None
):
    monkeypatch.setattr(waiting, "INDEX_WAIT_SECONDS", 0.05)
    server = Server(tmp_path / "my vault")
    if progress is not None:
        server.loaders[server.vault] = progress
    for request in (whole_vault(server, [server.vault]), indexed_note(server, (tmp_path / "my vault/a.md").as_uri())):
        with pytest.raises(RequestFailed) as failed:
            await asyncio.wait_for(request, 5)
        message = str(failed.value)
        if progress is not None:
            assert "still indexing 120 of 5000 notes of my vault" in message
        else:
            assert "still indexing my vault: listing its notes" in message
        assert "ask again when indexing ends" in message


async def test_after_the_bound_the_request_fails_saying_how_many_changes_are_left(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(waiting, "INDEX_WAIT_SECONDS", 0.05)
    server = Server(tmp_path / "my vault")
    server.mark_indexed(server.vault)
    server.change_sets.begin(1200)
    with pytest.raises(RequestFailed) as failed:
        await asyncio.wait_for(whole_vault(server, [server.vault]), 5)
    assert "still reading 1200 notes changed on disk in my vault" in str(failed.value)


def test_seconds_from_the_environment(monkeypatch):
    monkeypatch.setenv("CLAIM_LSP_X", "2.5")
    assert env_seconds("CLAIM_LSP_X", 60) == 2.5
    for bad in ("", "soon", "-1"):
        monkeypatch.setenv("CLAIM_LSP_X", bad)
        assert env_seconds("CLAIM_LSP_X", 60) == 60
    monkeypatch.delenv("CLAIM_LSP_X")
    assert env_seconds("CLAIM_LSP_X", 60) == 60
