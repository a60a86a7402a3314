"""The index converges on the disk: whatever changes on disk, during indexing or after it,
reported by the client's watcher (one event for a whole folder, as VS Code sends it) or seen
by the server's own (a client that cannot watch files), ends with the notes on disk indexed,
and only those. Each test starts its own server; the indexing window is the test knob
CLAIM_LSP_TEST_SLOW_READ (load.py), which holds each batch of notes read before filing it."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from claim_lsp.lsp.convert import uri_to_path
from tests.e2e.conftest import make_client, open_doc, status, wait_diagnostics, wait_indexed
from tests.helpers import write_vault

VSCODE = "visual-studio-code"  # registers the server's file watchers
NO_WATCHING = "neovim@0.7.0"  # no didChangeWatchedFiles: the server watches the vault itself
SLOW = 3.0  # seconds the batch of notes read is held: the window in which the disk changes

FILES = {
    "a.md": "# a\n\n[[doomed]] [[moved]] [[x]] [[y]] [[z]] [[kept]]\n",
    "doomed.md": "# doomed\n",
    "moved.md": "# moved\n",
    "kept.md": "# kept\n",
    "d/x.md": "# x\n",
    "d/e/y.md": "# y\n",
    "f/z.md": "# z\n",
}


async def start(vault: Path, profile: str, slow: float = 0) -> tuple[LanguageClient, list]:
    """A server on the vault, initialized (not waited for); and the file watchers it registers."""
    client = make_client()
    registered: list = []

    @client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: lsp.RegistrationParams) -> None:
        registered.extend(params.registrations)

    env = dict(os.environ)
    if slow:
        env["CLAIM_LSP_TEST_SLOW_READ"] = str(slow)
    await client.start_io(sys.executable, "-m", "claim_lsp", env=env)
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities(profile),
            workspace_folders=[lsp.WorkspaceFolder(uri=vault.as_uri(), name="vault")],
            root_uri=vault.as_uri(),
        )
    )
    return client, registered


async def while_reading(client: LanguageClient, count: int) -> None:
    """Until every title is filed and the notes are being read (held by the test knob)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while loop.time() < deadline:
        current = await status(client)
        if current["notes"] >= count:
            assert current["indexing"], f"indexing ended before the test could change the disk: {current}"
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the titles were never filed")


def on_disk(vault: Path) -> set[str]:
    found = (p.relative_to(vault) for p in vault.rglob("*.md"))
    return {p.as_posix() for p in found if not any(part.startswith(".") for part in p.parts)}


async def indexed(client: LanguageClient, vault: Path) -> set[str]:
    """The notes the server holds (every one of a small vault: workspace/symbol, nothing typed)."""
    found = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query=""))
    out = set()
    for symbol in found or []:
        path = uri_to_path(symbol.location.uri)
        assert path is not None
        out.add(path.relative_to(vault).as_posix())
    return out


async def converges(client: LanguageClient, vault: Path, seconds: float = 20) -> set[str]:
    """Until the server holds the notes on disk (and says how many), within seconds."""
    await wait_indexed(client)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    held: set[str] = set()
    while loop.time() < deadline:
        want = on_disk(vault)
        held = await indexed(client, vault)
        if held == want and (await status(client))["notes"] == len(want):
            return held
        await asyncio.sleep(0.05)
    raise AssertionError(f"the index never became the disk's: held {sorted(held)}, on disk {sorted(on_disk(vault))}")


def report(client: LanguageClient, *events: tuple[Path, lsp.FileChangeType]) -> None:
    """What a watching client sends."""
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=p.as_uri(), type=t) for p, t in events])
    )


def broken(diagnostics) -> list[str]:
    return sorted(d.data["target"] for d in diagnostics if d.code == "broken-link")


@pytest.mark.parametrize("profile", [VSCODE, NO_WATCHING])
async def test_notes_deleted_or_renamed_while_indexing_are_not_filed_again(tmp_path, profile):
    """The notes were read (the test knob holds them) before they were deleted or renamed on
    disk; filed after the change was reported (or seen by the server's own watcher), they came
    back, for good."""
    vault = write_vault(tmp_path / "vault", FILES)
    client, _ = await start(vault, profile, slow=SLOW)
    try:
        await while_reading(client, len(FILES))
        (vault / "doomed.md").unlink()
        (vault / "g").mkdir()
        (vault / "moved.md").rename(vault / "g/moved on.md")
        if profile == VSCODE:
            deleted, created = lsp.FileChangeType.Deleted, lsp.FileChangeType.Created
            report(client, (vault / "doomed.md", deleted), (vault / "moved.md", deleted))
            report(client, (vault / "g/moved on.md", created))
        assert (await status(client))["indexing"], "the disk changed after indexing ended: no test"
        assert await converges(client, vault) == set(FILES) - {"doomed.md", "moved.md"} | {"g/moved on.md"}
        uri = open_doc(client, vault / "a.md")
        assert broken(await wait_diagnostics(client, uri)) == ["doomed", "moved"]
    finally:
        await client.shutdown_session()


async def test_a_folder_deleted_or_renamed_as_one_event(tmp_path):
    """VS Code reports a folder deleted, or renamed, as one event for the folder, none for
    the notes in it; the server asks for events of folders (a watcher of every path, for
    creations and deletions) and takes each to the notes under it."""
    vault = write_vault(tmp_path / "vault", FILES)
    client, registered = await start(vault, VSCODE)
    try:
        await wait_indexed(client)
        uri = open_doc(client, vault / "a.md")
        assert broken(await wait_diagnostics(client, uri)) == []
        watchers = [w for r in registered for w in r.register_options["watchers"]]
        assert {"globPattern": "**/*", "kind": lsp.WatchKind.Create | lsp.WatchKind.Delete} in watchers
        shutil.rmtree(vault / "d")
        (vault / "f").rename(vault / "renamed")
        report(
            client,
            (vault / "d", lsp.FileChangeType.Deleted),
            (vault / "f", lsp.FileChangeType.Deleted),
            (vault / "renamed", lsp.FileChangeType.Created),
        )
        assert await converges(client, vault) == {"a.md", "doomed.md", "moved.md", "kept.md", "renamed/z.md"}
        assert broken(await wait_diagnostics(client, uri, lambda d: bool(broken(d)))) == ["x", "y"]
    finally:
        await client.shutdown_session()


async def test_the_server_watches_the_vault_when_the_client_cannot(tmp_path):
    """A client without didChangeWatchedFiles (Neovim 0.7; Helix; many others): notes deleted,
    created and renamed by another program are seen all the same."""
    vault = write_vault(tmp_path / "vault", FILES)
    client, _ = await start(vault, NO_WATCHING)
    try:
        await wait_indexed(client)
        uri = open_doc(client, vault / "a.md")
        assert broken(await wait_diagnostics(client, uri)) == []
        (vault / "doomed.md").unlink()
        (vault / "born.md").write_text("# born\n\n[[kept]]\n", encoding="utf-8")
        (vault / "f").rename(vault / "renamed")
        shutil.rmtree(vault / "d")
        (vault / ".hidden").mkdir()
        (vault / ".hidden/secret.md").write_text("# secret\n", encoding="utf-8")
        assert await converges(client, vault) == {"a.md", "moved.md", "kept.md", "born.md", "renamed/z.md"}
        assert broken(await wait_diagnostics(client, uri, lambda d: len(broken(d)) == 3)) == ["doomed", "x", "y"]
    finally:
        await client.shutdown_session()


def git(vault: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", *args],
        cwd=vault,
        check=True,
        capture_output=True,
    )


def two_branches(vault: Path) -> None:
    """A repository whose branch `other` deletes, renames, rewrites and adds notes and
    folders (87 notes in all, so that the checkout is many events at once; fewer than
    workspace/symbol lists)."""
    files = dict(FILES)
    files.update({f"many/n{i}.md": f"# n{i}\n\n[[a]]\n" for i in range(80)})
    write_vault(vault, files)
    git(vault, "init", "-q")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "main")
    git(vault, "checkout", "-qb", "other")
    shutil.rmtree(vault / "d")
    (vault / "doomed.md").unlink()
    (vault / "f").rename(vault / "renamed")
    for i in range(0, 80, 2):
        (vault / f"many/n{i}.md").unlink()
    for i in range(1, 80, 2):
        (vault / f"many/n{i}.md").write_text(f"# n{i}\n\n[[kept]] [[new {i}]]\n", encoding="utf-8")
    for i in range(1, 80, 2):
        write_vault(vault, {f"new/new {i}.md": f"# new {i}\n"})
    (vault / "a.md").write_text("# a\n\n[[kept]] [[new 1]] [[x]]\n", encoding="utf-8")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "other")
    git(vault, "checkout", "-q", "main")


@pytest.mark.parametrize("when", ["while indexing", "after indexing"])
async def test_a_branch_switch_leaves_the_index_of_the_new_branch(tmp_path, when):
    """`git checkout` in a terminal rewrites, deletes and adds many notes at once, under a
    client that does not watch files: the server's own watcher sees them all."""
    assert shutil.which("git"), "git is needed for this test (CI clones the project with it)"
    vault = tmp_path / "vault"
    two_branches(vault)
    client, _ = await start(vault, NO_WATCHING, slow=SLOW if when == "while indexing" else 0)
    try:
        if when == "while indexing":
            await while_reading(client, len(on_disk(vault)))
        else:
            await wait_indexed(client)
        git(vault, "checkout", "-q", "other")
        if when == "while indexing":
            assert (await status(client))["indexing"], "the branch switched after indexing ended: no test"
        held = await converges(client, vault)
        assert "renamed/z.md" in held and "new/new 1.md" in held and "doomed.md" not in held
        uri = open_doc(client, vault / "a.md")
        assert broken(await wait_diagnostics(client, uri)) == ["x"]
        uri = open_doc(client, vault / "many/n1.md")
        assert broken(await wait_diagnostics(client, uri)) == []
    finally:
        await client.shutdown_session()


async def test_shutdown_while_watching_ends_the_process(tmp_path):
    """The server's own watcher runs in a thread; shutdown and exit stop it, and the process
    ends at once (a thread left waiting on the disk would keep it alive)."""
    vault = write_vault(tmp_path / "vault", FILES)
    client, _ = await start(vault, NO_WATCHING)
    await wait_indexed(client)
    (vault / "born.md").write_text("# born\n", encoding="utf-8")  # (the watcher is busy, then idle)
    await converges(client, vault)
    server = client._server
    assert server is not None
    await asyncio.wait_for(client.shutdown_async(None), 10)
    client.exit(None)
    assert await asyncio.wait_for(server.wait(), 10) == 0
    client.capabilities = None  # (shut down already)
    await client.stop()
