"""watch.py: the server's own watch over its vaults (for clients that cannot watch files)."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

from claim_lsp.watch import FolderWatcher, _outermost, relevant
from tests.helpers import write_vault


def test_what_is_handed_on_notes_folders_settings_and_what_is_gone(tmp_path):
    root = write_vault(
        tmp_path / "v", {"a.md": "", "d/b.MD": "", "pic.png": "", ".git/index": "", "x/.obsidian/c.md": ""}
    )
    inner = write_vault(root / "inner", {".claim-lsp.toml": ""})
    (root / "touched").mkdir()
    added, modified, deleted = 1, 2, 3
    changes = [(added, str(root / p)) for p in ("a.md", "d/b.MD", "d", "pic.png", ".git/index", "x/.obsidian/c.md")]
    changes += [(deleted, str(root / p)) for p in ("gone", "gone.md", "node_modules/x.md")]
    changes += [(modified, str(root / "touched")), (modified, str(root / "d")), (modified, str(root / "a.md"))]
    changes += [(modified, str(p)) for p in (root / ".claim-lsp.toml", inner / ".claim-lsp.toml", root)]
    changes += [(added, str(tmp_path / "elsewhere.md"))]
    assert relevant((root,), changes) == sorted(
        root / p for p in (".claim-lsp.toml", "a.md", "d", "d/b.MD", "gone", "gone.md", "inner/.claim-lsp.toml")
    )


def test_a_folder_inside_another_is_watched_with_it(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "a/b", tmp_path / "c"
    assert _outermost([b, c, a, b]) == (a, c)


def wait(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_changes_are_handed_on_and_stop_ends_the_thread(tmp_path):
    root = write_vault(tmp_path / "v", {"a.md": "# a\n", "d/b.md": "# b\n"})
    seen: list[Path] = []
    lock = threading.Lock()

    def on_changes(paths: list[Path]) -> None:
        with lock:
            seen.extend(paths)

    watcher = FolderWatcher(on_changes)
    watcher.watch([root, root / "d", tmp_path / "missing"])
    assert watcher.roots == (root,)
    assert watcher.ready.wait(10) and watcher.error is None
    (root / "c.md").write_text("# c\n", encoding="utf-8")
    (root / "pic.png").write_bytes(b"png")  # (another file, that exists: not handed on)
    shutil.rmtree(root / "d")
    assert wait(lambda: {root / "c.md", root / "d"} <= set(seen)), seen
    assert root / "pic.png" not in seen
    thread = watcher._thread
    assert thread is not None and thread.daemon
    started = time.monotonic()
    watcher.stop()
    assert not thread.is_alive() and time.monotonic() - started < 2


def test_watching_other_roots_starts_over(tmp_path):
    one = write_vault(tmp_path / "one", {"a.md": ""})
    two = write_vault(tmp_path / "two", {"b.md": ""})
    seen: list[Path] = []
    watcher = FolderWatcher(seen.extend)
    watcher.watch([one])
    assert watcher.ready.wait(10)
    first = watcher._thread
    watcher.watch([one])  # (the same: nothing to do)
    assert watcher._thread is first
    watcher.watch([one, two])
    assert first is not None and not first.is_alive()
    assert watcher.ready.wait(10) and watcher.roots == (one, two)
    (two / "c.md").write_text("", encoding="utf-8")
    assert wait(lambda: two / "c.md" in seen)
    watcher.stop()
    watcher.watch([])  # (no folder: ready at once, no thread)
    assert watcher.ready.is_set() and watcher._thread is None


def test_a_folder_that_cannot_be_watched_is_reported_not_raised(tmp_path, monkeypatch):
    import watchfiles

    def refuse(*paths, **options):
        raise OSError("OS file watch limit reached")
        yield  # (a generator, as watchfiles.watch is)

    monkeypatch.setattr(watchfiles, "watch", refuse)
    watcher = FolderWatcher(lambda paths: None)
    watcher.watch([tmp_path])
    assert watcher.ready.wait(10)
    assert watcher.error == "OS file watch limit reached"
    watcher.stop()
