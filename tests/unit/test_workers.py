"""workers.py: parsing, stamping and checking in forked processes give what one process gives.

The pools only start above MIN_NOTES notes; here the threshold is lowered so that a small
vault goes through them, and the results are compared with the in-process ones.
"""

from __future__ import annotations

import os
import sys
from types import SimpleNamespace

import pytest

from claim_lsp import cache, load, workers
from claim_lsp.checks import check_note
from claim_lsp.config import Config
from claim_lsp.scan import file_stamp, walk_notes
from tests.helpers import SMALL_VAULT, write_vault

FILES = {
    **SMALL_VAULT,
    **{
        f"many/note {i}.md": f"# note {i}\n\n[[note {i + 1}]] [[missing {i}]] ![[pic.png]]\n\n## Evidence\n"
        for i in range(40)
    },
    "bad yaml.md": "---\ntype: [unclosed\n---\n# bad yaml\n",
    "binary.md": "\x00\x01",
    "pic.png": "not really",
}


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIM_LSP_CACHE_DIR", str(tmp_path / "cache"))
    return write_vault(tmp_path / "v", FILES)


def problems(vault) -> dict:
    return {rel: [(p.code, p.span, p.message) for p in check_note(note, vault)] for rel, note in vault.notes.items()}


def test_a_vault_parsed_by_workers_equals_one_parsed_in_process(root, monkeypatch):
    alone = load.build_vault(root, Config())
    monkeypatch.setattr(load, "MIN_NOTES", 1)
    pool = workers.ParsePool(2)
    try:
        pooled = load.build_vault(root, Config(), pool=pool)
    finally:
        pool.close()
    assert pooled.notes == alone.notes
    assert problems(pooled) == problems(alone)
    # target strings sent back by the workers are interned again: one object per title
    a = pooled.notes["many/note 1.md"].link_data[0]
    b = pooled.notes["many/note 2.md"].title
    assert a == "note 2" and a is b
    # and so are the H1s that repeat the title, and short headings
    h1, evidence = (h.text for h in pooled.notes["many/note 2.md"].headings)
    assert h1 is b and evidence is pooled.notes["many/note 39.md"].headings[1].text


def test_stamps_taken_by_workers_are_the_files_stamps(root):
    rels = list(walk_notes(root, Config())) + ["gone meanwhile.md"]
    pool = workers.ParsePool(2)
    try:
        got = pool.stamps(root, rels)()
    finally:
        pool.close()
    expected = [file_stamp(root / rel) for rel in rels]
    assert expected[-1] is None and len(got) == 3 * len(rels)
    assert [tuple(got[3 * i : 3 * i + 3]) if got[3 * i + 1] >= 0 else None for i in range(len(rels))] == expected
    # the cache's comparison reads them as it reads the stamps it takes itself
    cached = {rel: (*stamp, SimpleNamespace(path=rel)) for rel, stamp in zip(rels[:-1:2], expected[:-1:2])}
    cached[rels[1]] = (expected[1][0] + 1, *expected[1][1:], SimpleNamespace(path=rels[1]))  # changed since
    cached[rels[3]] = (*expected[3][:2], expected[3][2] + 1, SimpleNamespace(path=rels[3]))  # its mtime put back
    cached[rels[-1]] = (1, 2, 3, SimpleNamespace(path=rels[-1]))  # deleted since
    items = load.stat_notes(root, rels, cached, got)
    assert items == load.stat_notes(root, rels, cached)
    assert [note is not None for _, _, note in items] == [rel in rels[:-1:2] for rel in rels]
    assert items[1][1] == expected[1] and items[3][1] == expected[3] and items[-1][1] is None


def test_a_worker_lists_and_stamps_the_folder_as_this_process_would(root):
    attachments: set[str] = set()
    rels = list(walk_notes(root, Config(), attachments))
    pool = workers.ParsePool(2)
    try:
        found = pool.listing(root, Config())()
    finally:
        pool.close()
    count, _, found_attachments, stamps = found
    assert count == len(rels) and found_attachments == attachments == {"pic.png"}
    assert stamps == workers.stamp_array(root, rels)
    # the listing is recognised in the paths this process holds, in order and no other
    assert workers.listed_as(rels, found)  # (hashed in the worker, and here again)
    assert not workers.listed_as(rels[:-1], found)
    assert not workers.listed_as([*rels[:-1], "another.md"], found)
    assert not workers.listed_as([rels[1], rels[0], *rels[2:]], found)


def test_checks_in_workers_give_the_same_problems_in_the_same_order(root, monkeypatch):
    vault = load.build_vault(root, Config())
    monkeypatch.setattr(workers, "MIN_NOTES", 1)
    monkeypatch.setattr(workers, "worker_count", lambda: 2)
    paths = sorted(vault.notes)
    got = [(rel, [(p.code, p.span, p.message) for p in found]) for rel, found in workers.check_notes(vault, paths)]
    assert got == [(rel, problems(vault)[rel]) for rel in paths]


def test_the_cache_written_by_a_forked_child_is_the_one_written_in_process(root):
    """What the server does after indexing (Linux): the child writes, the parent reaps."""
    vault = load.build_vault(root, Config())
    fresh, _ = cache.load_with_tables(root, Config().limits)
    assert fresh == {}  # nothing written by a build without the cache
    entries = {rel: (*file_stamp(root / rel), note) for rel, note in vault.notes.items()}
    pid = cache.save_in_child(root, Config().limits, entries, load.tables_of(vault, entries))
    if sys.platform == "linux":
        assert pid is not None
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    else:
        assert pid is None  # elsewhere the server writes it in-process (save_steps)
        cache.save(root, Config().limits, entries, load.tables_of(vault, entries))
    loaded, tables = cache.load_with_tables(root, Config().limits)
    assert loaded.keys() == vault.notes.keys() and tables is not None
    assert all(loaded[rel][3] == note for rel, note in vault.notes.items())


def test_workers_cannot_write_to_the_protocol_stream():
    """A worker's standard output is /dev/null: the server's may be the LSP stream."""
    pool = workers.ParsePool(2)
    try:
        assert pool._pool.apply(os.readlink, ("/proc/self/fd/1",)) == os.devnull
    finally:
        pool.close()


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, 0)


def test_the_server_s_workers_run_behind_it_and_check_s_do_not(monkeypatch):
    """The server's pool (background) runs at the lowest priority; `claim-lsp check`'s at
    the priority of the process that started it."""
    monkeypatch.setattr(workers, "worker_count", lambda: 2)  # (whatever this machine's cores)
    own = _niceness()
    for background, expected in ((True, max(own, workers.BACKGROUND_NICENESS)), (False, own)):
        pool = workers.ParsePool.start(background=background)
        assert pool is not None
        try:
            assert pool._pool.apply(_niceness) == expected
        finally:
            pool.close()


def test_notes_parsed_by_workers_hold_the_listing_s_path_and_the_interned_title(root, monkeypatch):
    """The vault's tables are filed from the listing before the notes arrive: a note from a
    worker takes the listing's path string, and its title is the placeholder's (memory)."""
    from claim_lsp.index import Vault

    monkeypatch.setattr(load, "MIN_NOTES", 1)
    items = load.stat_notes(root, walk_notes(root, Config()), {})
    vault = Vault(root, Config())
    vault.put_placeholders([rel for rel, *_ in items])
    pool = workers.ParsePool(2)
    try:
        for (rel, *_), note in zip(items, load.notes_of(root, items, Config(), {}, pool)):
            assert note.path is rel and note.title is vault.notes[rel].title
    finally:
        pool.close()


def _never_done(*task):  # a worker busy for longer than any test
    import time

    time.sleep(60)


def test_a_wait_for_results_ends_when_the_pool_is_terminated(root, monkeypatch):
    """The server terminates its workers when the client leaves during indexing; a thread
    reading their results must then stop waiting, or the server never exits."""
    import threading

    monkeypatch.setattr(workers, "_parse_chunk", _never_done)  # (the workers are forked after this)
    monkeypatch.setattr(workers, "stamp_array", _never_done)
    pool = workers.ParsePool(2, lazy=True)
    results = pool.parse(root, list(walk_notes(root, Config())), Config())
    stamps = pool.stamps(root, list(walk_notes(root, Config())))
    got: list = []
    readers = [
        threading.Thread(target=lambda: got.append(list(results)), daemon=True),
        threading.Thread(target=lambda: got.append(stamps()), daemon=True),
    ]
    for reader in readers:
        reader.start()
    pool.terminate()
    for reader in readers:
        reader.join(timeout=10)
    assert not any(reader.is_alive() for reader in readers)
    assert sorted(got, key=repr) == [None, []]  # no notes, no stamps: the pool is gone
