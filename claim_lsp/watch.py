"""The server's own watch over its vaults' folders, for a client that cannot watch files (no
dynamic registration of workspace/didChangeWatchedFiles: Neovim before 0.9, Helix, many
others): notes deleted, created or rewritten by another program (`git checkout`, a sync tool)
are seen all the same.

The watching is `watchfiles` (the Rust `notify` crate: inotify, FSEvents, ReadDirectoryChangesW,
polling on WSL), in a daemon thread of its own: the changes are grouped (a checkout's thousand
files arrive in a few batches) and handed on, as paths, to a callback that runs in that thread.
What the paths are is for the caller to read from the disk; this module only leaves out what
is no part of a vault (hidden folders, other files that exist).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from .config import CONFIG_FILE, SKIP_DIRS

log = logging.getLogger(__name__)

# changes are handed on once none came for STEP ms, or after DEBOUNCE ms at most
DEBOUNCE = 1000
STEP = 100
# the thread looks up this often when nothing changes: the first look says it is watching
LOOK = 100
JOIN = 2.0  # seconds stop() waits for the thread (it ends within STEP ms)
MODIFIED = 2  # watchfiles.Change.modified (not imported before the thread needs it)


class FolderWatcher:
    """Watches folders, recursively, and calls on_changes(paths) from its thread with each
    group of paths created, changed or deleted under them (folders among them: a folder
    moved away is one path)."""

    def __init__(self, on_changes: Callable[[list[Path]], None]) -> None:
        self.on_changes = on_changes
        self.roots: tuple[Path, ...] = ()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.ready = threading.Event()  # set once the current roots are watched (or cannot be)
        self.error: str | None = None  # why they cannot be

    def watch(self, roots: Iterable[Path]) -> None:
        """Watch these folders from now on (those that exist; a folder inside another is
        watched with it). Returns at once; `ready` is set once they are watched."""
        wanted = _outermost(root for root in roots if root.is_dir())
        if wanted == self.roots and self._thread is not None:
            return
        self.stop()
        self.roots = wanted
        self.error = None
        if not wanted:
            self.ready.set()
            return
        self._stop = threading.Event()
        self.ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(wanted, self._stop, self.ready), name="claim-lsp-watch", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop watching, and wait (briefly) for the thread to end: a thread still in the
        watcher's native code when the interpreter exits could abort it."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(JOIN)
        self.roots = ()

    def _run(self, roots: tuple[Path, ...], stop: threading.Event, ready: threading.Event) -> None:
        try:
            import watchfiles  # (here: ~65 ms to import, with anyio; only these clients pay it)

            changes = watchfiles.watch(
                *roots,
                watch_filter=None,
                debounce=DEBOUNCE,
                step=STEP,
                stop_event=stop,
                rust_timeout=LOOK,
                yield_on_timeout=True,
                debug=False,
                raise_interrupt=False,
                ignore_permission_denied=True,
            )
            for found in changes:
                ready.set()
                if stop.is_set():
                    break
                paths = relevant(roots, found)
                if paths:
                    self.on_changes(paths)
        except Exception as exc:  # (a root removed, the system's limit of watches reached)
            self.error = str(exc) or type(exc).__name__
            log.warning("cannot watch %s: %s", ", ".join(map(str, roots)), self.error)
        finally:
            ready.set()


def relevant(roots: tuple[Path, ...], changes: Iterable[tuple[int, str]]) -> list[Path]:
    """The paths of changes (watchfiles': kind, path) that may concern a vault's notes, once
    each, in order: notes, the settings file, folders created or deleted, and whatever is
    gone (it may have been a folder of notes); not what lies in hidden folders or
    node_modules, other files that exist (images, PDFs), nor a folder merely touched."""
    only_modified: dict[str, bool] = {}  # (a folder's times or permissions changed, say)
    for kind, raw in changes:
        only_modified[raw] = only_modified.get(raw, True) and kind == MODIFIED
    out = []
    for raw in sorted(only_modified):
        path = Path(raw)
        root = next((r for r in roots if path.is_relative_to(r)), None)
        if root is None or path == root:
            continue
        parts = path.relative_to(root).parts
        folders = parts[:-1] if parts[-1] == CONFIG_FILE else parts  # (a vault's settings, perhaps an inner vault's)
        if any(part.startswith(".") or part in SKIP_DIRS for part in folders):
            continue
        if folders is not parts or path.suffix.lower() == ".md":
            out.append(path)  # a vault's settings, or a note
        elif not path.exists():
            out.append(path)  # gone: perhaps a folder of notes
        elif path.is_dir() and not only_modified[raw]:
            out.append(path)  # a folder created or moved in
    return out


def _outermost(roots: Iterable[Path]) -> tuple[Path, ...]:
    """The folders, without those inside another (watched with it), sorted."""
    unique = sorted(set(roots), key=lambda p: (len(p.parts), str(p)))
    kept: list[Path] = []
    for root in unique:
        if not any(root.is_relative_to(k) for k in kept):
            kept.append(root)
    return tuple(sorted(kept))


# watchfiles logs each group of changes at INFO: not for the server's log
logging.getLogger("watchfiles").setLevel(logging.WARNING)
