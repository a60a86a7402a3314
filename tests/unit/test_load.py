"""load.py: the one vault loader, a step at a time, as the server runs it (lsp/indexing.py)."""

from __future__ import annotations

import gc
import itertools
import shutil
from pathlib import Path

import pytest

from claim_lsp import load
from claim_lsp.config import Config
from claim_lsp.index import Vault
from claim_lsp.load import Loader, build_vault
from claim_lsp.load_steps import FILED, READ, TITLED
from claim_lsp.workers import ParsePool
from claim_lsp.workspace import Workspace
from tests.helpers import SMALL_VAULT, SPEC, write_vault

FILES = {**SMALL_VAULT, **{f"many/note {i}.md": f"# note {i}\n\n[[note {i + 1}]]\n" for i in range(30)}}
EDITED = "# Map\n\n[[a link typed in the editor]]\n"


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIM_LSP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(load, "BATCH", 7)
    monkeypatch.setattr(load, "FILE_BATCH", 10)
    return write_vault(tmp_path / "v", FILES)


def test_every_title_is_filed_before_a_note_is_read_and_progress_counts_the_reads(root):
    vault = Vault(root, Config())
    loader = Loader(vault)
    kinds, progress = [], []
    for step in loader.steps():
        step.work()
        kinds.append(step.kind)
        progress.append(loader.done)
        if step.kind == FILED:
            assert vault.ranker.deferred  # (queries between two batches leave the word index alone)
        if step.kind == TITLED:
            assert sorted(vault.notes) == sorted(FILES) and not vault.indexed
            assert not any(note.links for note in vault.notes.values())  # titles only, nothing read
            assert not vault.ranker.deferred
    assert kinds.count(FILED) == 4 and kinds.count(TITLED) == 1  # (35 notes, 10 a batch)
    reads = [done for kind, done in zip(kinds, progress) if kind == READ]
    assert reads == [7, 14, 21, 28, 35] and loader.total == 35
    assert vault.indexed and loader.to_save is None  # (no cache asked for)
    assert vault.notes == build_vault(root, Config()).notes


def test_the_files_notes_are_not_filed_over_open_documents(root):
    """With the tables from the disk cache, and without: the editor's text wins."""
    build_vault(root, Config(), use_cache=True)  # (writes the cache)
    for use_cache in (True, False):
        workspace = Workspace()
        vault = workspace.add_vault(root, Config())
        workspace.set_text(root / "maps/_map.md", EDITED)
        Loader(vault, use_cache, editor=workspace).run()
        assert [link.target for link in vault.notes["maps/_map.md"].links] == ["a link typed in the editor"]
        assert len(vault) == len(FILES) and vault.indexed


def test_stopped_between_two_steps_the_loader_leaves_bulk_filing(root):
    vault = Vault(root, Config())
    steps = Loader(vault).steps()
    for step in steps:
        step.work()
        if step.kind == FILED:
            break
    assert vault.ranker.deferred and not gc.isenabled()
    steps.close()  # (the server's, when the folder is removed or the client leaves)
    assert not vault.ranker.deferred and gc.isenabled()


def test_what_changed_since_the_cache_is_read_and_saved_again(root):
    build_vault(root, Config(), use_cache=True)
    unchanged = Loader(Vault(root, Config()), use_cache=True)
    unchanged.run()
    assert unchanged.to_save is None and unchanged.done == unchanged.total == len(FILES)
    (root / "many/note 3.md").write_text("# note 3\n\n[[elsewhere]]\n", encoding="utf-8")
    changed = Loader(Vault(root, Config()), use_cache=True)
    changed.run()
    assert changed.to_save is not None
    entries, tables = changed.to_save
    assert entries.keys() == set(FILES) and tables is not None
    assert [link.target for link in entries["many/note 3.md"][3].links] == ["elsewhere"]


def change_the_disk(root: Path) -> list[Path]:
    """A note deleted, one renamed into a new folder, a folder deleted with its notes, one
    note rewritten, one created; and what a watcher reports of it (VS Code: one event for the
    folder deleted, one for the folder created)."""
    (root / "many/note 3.md").unlink()
    (root / "moved").mkdir()
    (root / "many/note 4.md").rename(root / "moved/note 4 moved.md")
    shutil.rmtree(root / "domains")
    (root / "many/note 5.md").write_text("# note 5\n\n[[rewritten]]\n", encoding="utf-8")
    (root / "born.md").write_text("# born\n", encoding="utf-8")
    return [root / p for p in ("many/note 3.md", "many/note 4.md", "moved", "domains", "many/note 5.md", "born.md")]


GONE = ["many/note 3.md", "many/note 4.md", *(rel for rel in FILES if rel.startswith("domains/"))]


@pytest.mark.parametrize("use_cache", [False, True], ids=["cold", "from the cache"])
@pytest.mark.parametrize("pooled", [False, True], ids=["in-process", "workers"])
def test_the_disk_changed_during_the_loading_is_what_the_vault_ends_with(
    root, tmp_path, monkeypatch, use_cache, pooled
):
    """After each step of the loading in turn, the disk changes and the watcher reports it
    at once: from then on no note that is gone is indexed (neither from the listing, the
    cache's tables nor a reading that predates the change), and the loaded vault is the one
    a loading of the disk as it is now gives."""
    pool = None
    if pooled:
        monkeypatch.setattr(load, "MIN_NOTES", 1)
        pool = ParsePool(2)
    try:
        for after in itertools.count(1):
            folder = write_vault(tmp_path / f"v{after}", FILES)
            if use_cache:
                build_vault(folder, Config(), use_cache=True)
            workspace = Workspace()
            vault = workspace.add_vault(folder, Config())
            changed = False
            for ran, step in enumerate(Loader(vault, use_cache, pool, editor=workspace).steps(), 1):
                step.work()
                if ran == after:
                    for path in change_the_disk(folder):
                        workspace.changed_on_disk(path)
                    changed = True
                if changed:
                    assert not [rel for rel in GONE if rel in vault.notes], f"after step {ran} ({step.kind})"
            if not changed:  # (every step had its turn: once more, after the loading)
                for path in change_the_disk(folder):
                    workspace.changed_on_disk(path)
            rebuilt = build_vault(folder, Config())
            assert vault.notes == rebuilt.notes, f"changed after step {after}"
            assert all(vault.titled(t) == rebuilt.titled(t) for t in ("note 4 moved", "born", "note 3", SPEC))
            if not changed:
                break
    finally:
        if pool is not None:
            pool.close()
