"""The disk cache of parsed notes: reused when unchanged, never trusted."""

from __future__ import annotations

import os
import pickle

import pytest

from claim_lsp import cache, load
from claim_lsp.config import Config
from claim_lsp.index import VaultSnapshot
from claim_lsp.rank import TitleRanker
from claim_lsp.scan import walk_notes
from tests.helpers import SMALL_VAULT, write_vault


@pytest.fixture(autouse=True)
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIM_LSP_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def index(root, config=None):
    config = config or Config()
    cached, _ = cache.load_with_tables(root, config.limits)
    fresh: dict = {}
    items = load.stat_notes(root, walk_notes(root, config), cached)
    notes = {n.path: n for n in load.notes_of(root, items, config, fresh)}
    return cached, fresh, notes


def test_unchanged_notes_come_from_the_cache_and_changed_ones_are_reread(tmp_path):
    root = write_vault(tmp_path / "v", dict(SMALL_VAULT))
    vault = load.build_vault(root, Config(), use_cache=True)
    assert cache.cache_file(root).exists()
    cached, fresh, notes = index(root)
    assert cached.keys() == fresh.keys() == notes.keys() == vault.notes.keys()
    changed = root / "maps/_map.md"
    changed.write_text("# Map\n\n- [[something new]]\n")
    os.utime(changed, ns=(1, 1))  # a different mtime whatever the clock's resolution
    cached, fresh, notes = index(root)
    assert [link.target for link in notes["maps/_map.md"].links] == ["something new"]
    assert notes["maps/_map.md"] is not cached["maps/_map.md"][3]
    same = next(p for p in notes if p != "maps/_map.md")
    assert notes[same] is cached[same][3]


def test_a_note_changed_with_its_mtime_and_size_restored_is_read_again(tmp_path):
    """Some sync tools, and git with some settings, put a file's mtime back: the size and mtime
    then match the cache's, but not the inode change time, which no user tool sets back."""
    root = write_vault(tmp_path / "v", {"a.md": "# a\n\n[[b]]\n", "b.md": "# b\n", "c.md": "# c\n"})
    load.build_vault(root, Config(), use_cache=True)
    note = root / "a.md"
    before = note.stat()
    note.write_text("# a\n\n[[c]]\n")  # the same size
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = note.stat()
    assert (after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size)
    assert after.st_ctime_ns != before.st_ctime_ns  # (the index was built in between: the clock ticked)
    vault = load.build_vault(root, Config(), use_cache=True)
    assert [link.target for link in vault.notes["a.md"].links] == ["c"]


def test_the_cache_gives_the_same_problems_as_a_fresh_read(tmp_path):
    from claim_lsp.checks import check_note

    root = write_vault(tmp_path / "v", dict(SMALL_VAULT))
    first = load.build_vault(root, Config(), use_cache=True)
    again = load.build_vault(root, Config(), use_cache=True)
    for path, note in first.notes.items():
        assert check_note(note, first) == check_note(again.notes[path], again)


def test_a_note_from_the_cache_is_listed_with_its_own_path_string(tmp_path):
    """The listing's copy of a cached note's path is not kept (one string, not two)."""
    root = write_vault(tmp_path / "v", dict(SMALL_VAULT))
    load.build_vault(root, Config(), use_cache=True)
    cached, _ = cache.load_with_tables(root, Config().limits)
    listed = list(walk_notes(root, Config()))
    items = load.stat_notes(root, listed, cached)
    assert [item[0] for item in items] == listed and all(item[2] is not None for item in items)
    assert all(item[0] is item[2].path and item[0] is not rel for item, rel in zip(items, listed))


def test_a_corrupt_cache_is_ignored(tmp_path, cache_home):
    root = write_vault(tmp_path / "v", dict(SMALL_VAULT))
    load.build_vault(root, Config(), use_cache=True)
    path = cache.cache_file(root)
    path.write_bytes(path.read_bytes()[:100])
    assert cache.load_with_tables(root, Config().limits)[0] == {}
    path.write_bytes(b"not a pickle at all")
    assert cache.load_with_tables(root, Config().limits)[0] == {}
    assert len(load.build_vault(root, Config(), use_cache=True)) == len(SMALL_VAULT)


def test_a_cache_that_would_run_code_is_refused(tmp_path):
    root = write_vault(tmp_path / "v", {"a.md": "# a\n"})
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    path = cache.cache_file(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = pickle.dumps(cache._stamp(Config().limits))
    for layout in (stamp + pickle.dumps(([Evil()], None)), stamp + pickle.dumps(([], None)) + pickle.dumps([Evil()])):
        path.write_bytes(layout)  # (among the shared strings, or in a chunk)
        assert cache.load_with_tables(root, Config().limits)[0] == {}
        assert not marker.exists()


def test_a_shared_string_number_out_of_range_makes_the_cache_ignored(tmp_path, caplog):
    root = write_vault(tmp_path / "v", {"a.md": "# a\n"})
    load.build_vault(root, Config(), use_cache=True)
    entries, _ = cache.load_with_tables(root, Config().limits)
    assert entries
    path = cache.cache_file(root)
    with open(path, "wb") as fh:
        pickler = pickle.Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dump(cache._stamp(Config().limits))
        pickler.dump((["a.md"], None))
        pickler.clear_memo()
        pickler.persistent_id = lambda obj: 7 if obj == "a.md" else None  # (the list holds one)
        pickler.dump(list(entries.values()))
    assert cache.load_with_tables(root, Config().limits) == ({}, None)
    assert "not usable" in caplog.text


def test_another_version_is_ignored(tmp_path):
    root = write_vault(tmp_path / "v", {"a.md": "# a\n"})
    load.build_vault(root, Config(), use_cache=True)
    path = cache.cache_file(root)
    data = path.read_bytes()
    stamp = pickle.loads(data)
    rest = data[len(pickle.dumps(stamp, protocol=pickle.HIGHEST_PROTOCOL)) :]
    path.write_bytes(pickle.dumps((stamp[0] + 1, *stamp[1:]), protocol=pickle.HIGHEST_PROTOCOL) + rest)
    assert cache.load_with_tables(root, Config().limits)[0] == {}


def test_a_large_cache_is_written_and_read_in_chunks(tmp_path):
    files = {f"n{i}.md": f"# n{i}\n\n[[n{i + 1}]]\n" for i in range(cache.CHUNK * 2 + 7)}
    root = write_vault(tmp_path / "v", files)
    load.build_vault(root, Config(), use_cache=True)
    loaded = cache.load_with_tables(root, Config().limits)[0]
    assert sorted(loaded) == sorted(files)
    assert [lk.target for lk in loaded["n3.md"][3].links] == ["n4"]


def string_objects(entries: dict) -> tuple[list[str], int]:
    """The paths, titles, link targets and headings of the entries' notes, and how many
    distinct objects they are."""
    strings = []
    for rel, (*_, note) in sorted(entries.items()):
        strings += [rel, note.path, note.title, *note.aliases, *note.link_data[::4], *note.heading_data[1::4]]
    return strings, len({id(s) for s in strings})


def test_a_cache_written_in_segments_keeps_the_notes_and_the_strings_they_share(tmp_path, monkeypatch):
    """Each segment is read with a memo of its own: the notes still hold one object for a
    title, a path or a link target that notes in other segments hold too."""
    monkeypatch.setattr(cache, "CHUNK", 7)
    monkeypatch.setattr(cache, "SEGMENT_CHUNKS", 3)  # 21 notes a segment
    files = {
        f"f{i % 4}/n{i}.md": f"---\naliases: [alias {i}]\n---\n# n{i}\n\n## Evidence\n\n[[n{(i * 7) % 80}]] [[n{i + 1}|next]] [[hub]]\n"
        for i in range(80)
    }
    files["hub.md"] = "# hub\n"
    root = write_vault(tmp_path / "v", files)
    built = load.build_vault(root, Config(), use_cache=True)
    saved = {rel: (0, 0, 0, note) for rel, note in built.notes.items()}
    entries, saved_tables = cache.load_with_tables(root, Config().limits)
    assert list(entries) == list(saved)  # the vault's order
    assert all(entries[rel][3] == saved[rel][3] for rel in saved)  # the same values
    before, after = string_objects(saved), string_objects(entries)
    assert after == before and before[1] < len(before[0]) // 2  # as many objects: none copied
    assert entries["f1/n1.md"][3].link_data[0] is entries["f3/n7.md"][3].title  # across segments
    assert saved_tables is not None and list(saved_tables[0]) == list(built.notes)
    assert all(saved_tables[0][rel] is entries[rel][3] for rel in entries)
    again = load.build_vault(root, Config(), use_cache=True)  # from the tables
    assert tables(again) == tables(built) and answers(again) == answers(built)


def test_tables_whose_notes_are_not_the_saved_ones_are_not_trusted(tmp_path, caplog):
    root = write_vault(tmp_path / "v", dict(SMALL_VAULT))
    load.build_vault(root, Config(), use_cache=True)
    entries, saved = cache.load_with_tables(root, Config().limits)
    assert saved is not None
    notes, *rest = saved
    paths = list(notes)
    cache.save(root, Config().limits, entries, lambda: VaultSnapshot({p: None for p in reversed(paths)}, *rest))
    assert cache.load_with_tables(root, Config().limits)[1] is not None  # (another order: trusted)
    for wrong in (paths[:-1], [*paths[:-1], paths[0]], [*paths[:-1], "elsewhere.md"], [*paths, "elsewhere.md"]):
        caplog.clear()
        cache.save(root, Config().limits, entries, lambda wrong=wrong: VaultSnapshot(list(wrong), *rest))
        loaded, tables_read = cache.load_with_tables(root, Config().limits)
        assert tables_read is None and loaded.keys() == entries.keys()  # the notes used, the tables not
        assert "do not match" in caplog.text

    # a note left out of every table, another named twice: as many paths as notes, one missing
    def without(table: dict) -> dict:
        return {k: v for k, v in table.items() if v != paths[-1] and (isinstance(v, str) or paths[-1] not in v)}

    left_out = [without(table) for table in rest[:3]]
    cache.save(root, Config().limits, entries, lambda: VaultSnapshot([*paths[:-1], paths[0]], *left_out, rest[3]))
    assert cache.load_with_tables(root, Config().limits)[1] is None


def test_without_cache_nothing_is_written(tmp_path, cache_home):
    root = write_vault(tmp_path / "v", {"a.md": "# a\n"})
    load.build_vault(root, Config(), use_cache=False)
    assert not cache_home.exists()


def tables(vault) -> tuple:
    """The vault's tables in a comparable form (paths sorted, whatever the shape kept)."""

    def norm(table):
        return {k: sorted((v,) if isinstance(v, str) else v) for k, v in table.items()}

    return (
        sorted(vault.notes),
        norm(vault._by_stem),
        norm(vault._by_alias),
        norm(vault._inbound),
        norm(vault._by_tag),
        sorted((e.text, e.path, e.alias) for e in vault.ranker.entries()),
    )


def answers(vault) -> list:
    return [
        [r.entry.path for r in vault.ranker.rank(q)] + vault.suggest(q + "x", "n.md")
        for q in ("map", "claim", "b", "note about")
    ] + [[n.path for n in vault.resolve(t, "maps/x.md").notes] for t in ("_map", "a", "B")]


def test_the_saved_tables_are_restored_and_patched_with_what_changed(tmp_path):
    tagged = {"tagged.md": "---\ntags: [kept, Gone]\n---\n", "also tagged.md": "---\ntags: kept, other\n---\n"}
    root = write_vault(tmp_path / "v", {**SMALL_VAULT, **tagged})
    load.build_vault(root, Config(), use_cache=True)
    cached, saved = cache.load_with_tables(root, Config().limits)
    assert saved is not None and sorted(saved[0]) == sorted(cached)
    again = load.build_vault(root, Config(), use_cache=True)  # from the tables
    assert tables(again) == tables(load.build_vault(root, Config())) and answers(again) == answers(
        load.build_vault(root, Config())
    )
    # one note changed, one added, one deleted: restored + patched == read afresh
    changed = root / "maps/_map.md"
    changed.write_text("# Map\n\n- [[something new]]\n---\naliases: [x]\n")
    os.utime(changed, ns=(1, 1))
    (root / "added note.md").write_text("---\naliases: [fresh alias]\n---\n# added note\n[[a]]\n")
    gone = sorted(p for p in cached if p != "maps/_map.md" and p not in tagged)[0]
    (root / gone).unlink()
    (root / "tagged.md").write_text("---\ntags: [kept, new]\n---\n")
    os.utime(root / "tagged.md", ns=(1, 1))
    patched = load.build_vault(root, Config(), use_cache=True)
    fresh = load.build_vault(root, Config())
    assert tables(patched) == tables(fresh) and answers(patched) == answers(fresh)
    assert patched.tag_counts() == {"kept": ("kept", 2), "new": ("new", 1), "other": ("other", 1)}
    assert "added note.md" in patched.notes and gone not in patched.notes


def test_tables_naming_unknown_notes_are_not_trusted(tmp_path, caplog):
    root = write_vault(tmp_path / "v", dict(SMALL_VAULT))
    vault = load.build_vault(root, Config(), use_cache=True)
    entries, saved = cache.load_with_tables(root, Config().limits)
    saved.by_stem["intruder"] = "not/a/note.md"
    cache.save(root, Config().limits, entries, lambda: saved)
    entries, saved = cache.load_with_tables(root, Config().limits)
    assert saved is None and entries.keys() == vault.notes.keys()
    assert "do not match" in caplog.text


def test_tables_are_saved_with_an_open_note_that_names_and_links_as_its_file(tmp_path):
    """An editor has a note open while the vault is indexed: the vault holds the editor's
    version. Its tables are still those of the files when the two name and link alike."""
    from claim_lsp.parse import note_from_text

    root = write_vault(tmp_path / "v", dict(SMALL_VAULT))
    config = Config()
    rel = "maps/_map.md"
    for edited, fits in (
        ("# Map\n\n- [[_map]]\n\nA line typed in the editor.\n", True),
        ("# Map\n\n- [[a new link]]\n", False),
    ):
        vault = load.build_vault(root, config)
        fresh = {n: (1, 1, 1, note) for n, note in vault.notes.items()}
        disk_note = vault.notes[rel]
        vault.put(note_from_text(rel, edited, config.limits))  # the editor's text
        saved = load.tables_of(vault, fresh)
        assert (saved is not None) is fits
        if fits:
            notes = saved()[0]
            assert notes[rel] is disk_note and vault.notes[rel] is not disk_note  # the file's note is saved
            cache.save(root, config.limits, fresh, saved)
            entries, tables = cache.load_with_tables(root, config.limits)
            assert tables is not None and tables[0][rel] is entries[rel][3]


def test_a_word_index_naming_entries_it_does_not_hold_is_not_trusted(tmp_path, caplog):
    from array import array

    root = write_vault(tmp_path / "v", dict(SMALL_VAULT))
    load.build_vault(root, Config(), use_cache=True)
    entries, saved = cache.load_with_tables(root, Config().limits)
    ranker = list(saved.ranker)
    postings = ranker[TitleRanker._STATE.index("_postings")]
    word = next(iter(postings))
    postings[word] = array("i", [*postings[word], 10_000])  # no such entry
    cache.save(root, Config().limits, entries, lambda: saved._replace(ranker=tuple(ranker)))
    entries, saved = cache.load_with_tables(root, Config().limits)
    assert saved is None and entries  # the notes are used, the tables rebuilt
    assert "do not match" in caplog.text
    rebuilt = load.build_vault(root, Config(), use_cache=True)
    assert [r.entry.path for r in rebuilt.ranker.rank(word)]
