"""All file I/O: walk a vault, read and decode notes, say why a file could not be read.

- Hidden folders (.git, .obsidian, ...), node_modules and the configured ignore globs are
  skipped. Symlinked folders are followed only while they stay inside the vault, and a
  folder reached twice (a symlink loop) is walked once.
- A file that vanishes, cannot be read, is binary, too large or not UTF-8 still becomes a
  note (its title can be linked to), carrying an `unreadable-file` problem that says why.
"""

from __future__ import annotations

import logging
import operator
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import SKIP_DIRS, VAULT_MARKERS, Config, is_ignored
from .model import Note
from .parse import note_from_text

log = logging.getLogger(__name__)


@dataclass(slots=True)
class FileText:
    text: str
    problem: str | None = None  # why the text is empty or partial


def decode(data: bytes) -> FileText:
    """Bytes of a note -> text. UTF-8 (with or without BOM), or UTF-16 with a BOM;
    anything else is decoded with replacement characters and reported."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return FileText(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            return FileText(data.decode("utf-16", errors="replace"), f"not valid UTF-16: {exc.reason}")
    if b"\x00" in data[:8192]:
        return FileText("", "looks like a binary file (it contains NUL bytes); not read as a note")
    try:
        return FileText(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return FileText(
            data.decode("utf-8", errors="replace"),
            f"not valid UTF-8 (byte {exc.start}, line {line}); undecodable bytes were replaced",
        )


def read_text(path: str | Path, max_bytes: int) -> FileText:
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            return FileText("", "is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block the open forever
            return FileText("", "is not a regular file (a pipe, socket or device); not read")
        size = st.st_size
        if size > max_bytes:
            return FileText("", f"is {size} bytes, over the limit of {max_bytes} (limits.max_file_bytes); not read")
        with open(path, "rb") as fh:
            # read(n) allocates n bytes up front: ask for the size stat gave (+1 to notice
            # growth), not for the limit, which would be 10 MiB for every note
            data = fh.read(size + 1)
            if len(data) > size:
                data += fh.read(max_bytes + 1 - len(data))
    except FileNotFoundError:
        return FileText("", "disappeared while being read")
    except PermissionError:
        return FileText("", "cannot be read: permission denied")
    except IsADirectoryError:
        return FileText("", "is a folder, not a file")
    except OSError as exc:
        return FileText("", f"cannot be read: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return FileText("", f"grew past the limit of {max_bytes} bytes while being read; not read")
    return decode(data)


Stamp = tuple[int, int, int]  # mtime in ns, size, inode change time (ctime) in ns


def file_stamp(path: str | Path) -> Stamp | None:
    """(mtime in ns, size, ctime in ns), taken before a file is read: a change after it shows
    next time (the disk cache reuses a note only while its file's stamp is the same). The
    ctime, because tools that put mtimes back (some sync tools, git with some settings) can
    leave a changed file with its old mtime and size; no user tool sets the ctime back (on
    Windows it is the creation time, and mtime and size are what tell)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ctime_ns)


RACY_NS = 2_000_000_000  # a file changed this close to the moment it was stamped: the stamp is not trusted


def stamp_key(stamp: Stamp | None, since: int | None = None) -> int:
    """A number standing for a file's stamp (equal stamps, equal numbers; two stamps of a
    file sharing one by chance: 1 in 2**64), or 0, which stands for no stamp: there is none,
    or, given `since` (time.time_ns() taken before the stamp was), the file changed within
    RACY_NS of it. File systems' clocks tick coarsely (a few ms on ext4, 2 s for FAT's mtime):
    a file written again within the tick it was read in keeps its stamp, so a stamp that
    recent cannot vouch for what was read (git calls such entries "racily clean")."""
    if stamp is None or (since is not None and max(stamp[0], stamp[2]) > since - RACY_NS):
        return 0
    return hash((stamp[0], stamp[1], stamp[2])) or 1


def file_text(path: str | Path, max_bytes: int) -> str:
    """The text read_text gives, without why it is empty or partial (the index's reader:
    hovers show a note's opening from it)."""
    return read_text(path, max_bytes).text


def note_from_file(rel_path: str, abs_path: str | Path, config: Config) -> Note:
    loaded = read_text(abs_path, config.max_file_bytes)
    return note_from_text(rel_path, loaded.text, config.limits, loaded.problem)


_NAME = operator.attrgetter("name")  # (sorts a folder's entries by name)


def walk_notes(root: Path, config: Config, attachments: set[str] | None = None) -> Iterator[str]:
    """The vault-relative path of every note, in a stable order (note_file gives its file).
    Other files (images, PDFs, ...) go into attachments, when given, so embeds of them
    resolve. Paths are strings: a Path object for each of 100,000 notes costs ~0.5 s, and
    the files' own paths, kept for each, ~25 MB."""
    try:
        real_root = root.resolve()
    except OSError as exc:
        log.error("%s: cannot open the vault: %s", root, exc)
        return
    ignore = config.ignore
    seen_dirs: set[tuple[int, int]] = set()
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        folder, rel = stack.pop()
        try:
            st = folder.stat()
        except OSError as exc:
            log.warning("%s: skipped: %s", folder, exc)
            continue
        ident = (st.st_dev, st.st_ino)
        if ident in seen_dirs:
            log.info("%s: already walked (symlink loop?); skipped", folder)
            continue
        seen_dirs.add(ident)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=_NAME)
        except OSError as exc:
            log.warning("%s: cannot list folder: %s", folder, exc)
            continue
        subfolders = []
        prefix = rel + "/" if rel else ""
        for entry in entries:
            name = entry.name
            if name[0] == ".":
                continue  # hidden: no note, folder or attachment of the vault
            rel_path = prefix + name
            if ignore and is_ignored(rel_path, ignore):
                continue
            try:
                is_dir = entry.is_dir()
                is_link = entry.is_symlink()
            except OSError:
                continue
            if is_dir:
                if name in SKIP_DIRS:
                    continue
                path = Path(entry.path)
                if is_link and not _inside(path, real_root):
                    log.info("%s: symlink leads out of the vault; not followed", rel_path)
                    continue
                subfolders.append((path, rel_path))
            elif name.endswith(".md") or name.lower().endswith(".md"):
                if is_link and not _inside(Path(entry.path), real_root):
                    log.info("%s: symlink leads out of the vault; not followed", rel_path)
                    continue
                yield rel_path
            elif attachments is not None:
                attachments.add(rel_path)
        stack.extend(reversed(subfolders))


def note_file(root: Path | str, rel: str) -> str:
    """The file of a note listed by walk_notes (what os.scandir named it)."""
    return os.path.join(root, rel)


def _inside(path: Path, real_root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(real_root)
    except (OSError, RuntimeError):
        return False


def rel_path_in(root: Path, path: Path) -> str | None:
    """Vault-relative '/'-path of path, or None when it is not inside root."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        try:
            rel = path.resolve().relative_to(root.resolve())
        except (ValueError, OSError):
            return None
    parts = rel.parts
    if not parts or any(p == ".." for p in parts):
        return None
    return "/".join(parts)


def find_vault_root(path: Path, cwd: Path | None = None) -> Path:
    """The folder to index for a file (choose_vault_root, without the reason)."""
    return choose_vault_root(path, cwd)[0]


def choose_vault_root(path: Path, cwd: Path | None = None) -> tuple[Path, str]:
    """The folder to index for a file, and why: the nearest ancestor holding a vault marker
    (.claim-lsp.toml, .obsidian, .git); else `cwd` (the current directory, given by the
    command line) when it holds the file, as ruff takes it for its project root, so a
    vault without markers is checked whole rather than one folder of it; else the file's
    own folder. Never the home folder or the file system's root."""
    start = path.parent
    too_wide = {Path.home(), Path(start.anchor)}  # a dotfiles repo in ~ must not make ~ a vault
    for folder in (start, *start.parents):
        if folder in too_wide:
            break
        for marker in VAULT_MARKERS:
            if (folder / marker).exists():
                return folder, f"found {marker}"
    if cwd is not None and cwd not in too_wide and (path.is_relative_to(cwd) or _inside(path, cwd.resolve())):
        return cwd, "no marker found; using the current directory"
    return start, "no marker found; using the file's folder"
