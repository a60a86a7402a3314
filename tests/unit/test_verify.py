"""verify.py and stamps.py: before a whole-vault edit, the index is brought up to what the
folder holds, reading again only the notes whose files changed since they were read."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from claim_lsp import scan
from claim_lsp.config import Config
from claim_lsp.index import Vault
from claim_lsp.load import Loader
from claim_lsp.parse import parse_note
from claim_lsp.stamps import FileStamps
from claim_lsp.verify import refresh
from claim_lsp.workspace import Workspace
from tests.helpers import write_vault

FILES = {
    "t.md": "# t\n",
    "a.md": "# a\n\nSee [[t]].\n",
    "b.md": "# b\n\nNothing yet.\n",
    "c.md": "# c\n\nAlso [[t]].\n",
    "d.md": "# d\n\nAnd [[t]].\n",
    "e.md": "# e\n\nOpen, [[t]].\n",
    "sub/f.md": "# f\n\n[[t]] once.\n",
}


@pytest.fixture
def trusted(monkeypatch):
    """Stamps of files written just before are trusted (the files here are all that recent)."""
    monkeypatch.setattr(scan, "RACY_NS", 0)


def loaded(root: Path) -> tuple[Workspace, Vault]:
    workspace = Workspace()
    vault = workspace.add_vault(root, Config())
    Loader(vault, editor=workspace).run()
    return workspace, vault


def linkers(vault: Vault, title: str) -> list[str]:
    return sorted({src.path for src, _ in vault.backlinks(vault.notes[f"{title}.md"])})


def test_nothing_changed_nothing_is_read(tmp_path, trusted):
    workspace, vault = loaded(write_vault(tmp_path / "v", FILES))
    done = refresh(workspace, vault)
    assert done.read == 0 and done.changes == [] and done.unreadable == {}


def test_what_changed_on_disk_unannounced_is_read_again_and_filed(tmp_path, trusted):
    root = write_vault(tmp_path / "v", FILES)
    workspace, vault = loaded(root)
    workspace.set_text(root / "e.md", FILES["e.md"])  # open in the editor
    before = vault.notes["d.md"]
    (root / "a.md").write_text("# a\n\nA line above.\n\nSee [[t]].\n")  # the link moved
    (root / "b.md").write_text("# b\n\nNow [[t]] too.\n")  # a link added: not among t's backlinks
    (root / "new.md").write_text("# new\n\n[[t]] from a pull.\n")  # a new note
    (root / "c.md").unlink()  # gone
    (root / "sub/f.md").write_bytes(b"\x00 binary now [[t]]")  # cannot be read as a note
    (root / "e.md").write_text("# e\n\nOn disk only.\n")  # open: the editor's text wins
    stat = (root / "d.md").stat()  # the same size, its mtime put back
    (root / "d.md").write_text("# d\n\nAnd [[x]].\n")
    os.utime(root / "d.md", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    done = refresh(workspace, vault)
    assert done.read == 5  # a, b, new, d and f read; c listed no more
    assert sorted(vault.notes) == ["a.md", "b.md", "d.md", "e.md", "new.md", "sub/f.md", "t.md"]
    assert vault.notes["a.md"].links[0].span.line == 4
    assert linkers(vault, "t") == ["a.md", "b.md", "e.md", "new.md", "sub/f.md"]
    assert vault.notes["d.md"] is not before and vault.notes["d.md"].links[0].target == "x"
    assert done.unreadable == {"sub/f.md": "looks like a binary file (it contains NUL bytes); not read as a note"}
    assert vault.notes["sub/f.md"].links[0].target == "t"  # what was read of it stays
    assert sorted(c.path for c in done.changes) == ["a.md", "b.md", "c.md", "d.md", "new.md"]
    again = refresh(workspace, vault)  # the stamps of what was read again are kept
    assert again.read == 1 and again.unreadable.keys() == {"sub/f.md"}


def test_a_note_read_again_on_a_watcher_event_keeps_its_stamp(tmp_path, trusted):
    root = write_vault(tmp_path / "v", FILES)
    workspace, vault = loaded(root)
    (root / "a.md").write_text("# a\n\nChanged, announced.\n")
    workspace.reload(root / "a.md")  # (didChangeWatchedFiles)
    workspace.set_text(root / "b.md", "# b\n\nTyped.\n")
    workspace.close(root / "b.md")  # (read again from disk on close)
    assert refresh(workspace, vault).read == 0


def test_a_note_filed_from_elsewhere_since_its_read_is_read_again(tmp_path, trusted):
    """A stamp stands for the note read after it, not for whatever is filed at its path."""
    root = write_vault(tmp_path / "v", FILES)
    workspace, vault = loaded(root)
    vault.put(parse_note("a.md", "# a\n\nNot what the file holds.\n"))
    done = refresh(workspace, vault)
    assert done.read == 1 and vault.notes["a.md"].links[0].target == "t"


def test_a_file_changed_just_before_it_was_read_is_read_again(tmp_path):
    """A file system's clock ticks coarsely (2 s for FAT's mtime): a file written again in the
    tick it was read in keeps its stamp. Stamps that recent are not trusted."""
    root = write_vault(tmp_path / "v", FILES)
    workspace, vault = loaded(root)  # (the files are all younger than RACY_NS)
    assert refresh(workspace, vault).read == len(FILES)


def test_the_stamps_cost_two_numbers_a_note(tmp_path):
    notes = [parse_note(f"n{i}.md", "") for i in range(20_000)]
    stamps = FileStamps()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        stamps.record_all((note, i + 1) for i, note in enumerate(notes))
        grown = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    assert grown < 20 * len(notes)  # a note's reference and its key (a dict of path -> key: ~90 bytes)
    filed = {note.path: note for note in notes}
    assert stamps.current(filed) == {note.path: i + 1 for i, note in enumerate(notes)}
    stamps.record(notes[3], 7)
    filed["n5.md"] = parse_note("n5.md", "# other\n")
    del filed["n6.md"]
    current = stamps.current(filed)
    assert current["n3.md"] == 7 and "n5.md" not in current and "n6.md" not in current and len(current) == 19_998
