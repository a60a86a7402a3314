"""Renaming notes and headings, and following files moved in the editor.

A note's title is its file name, so renaming a note renames the file, rewrites its H1 when
the H1 repeats the title, and every link that reaches it by title or path (plain-title items
of relation fields too, quoted as YAML needs: edits.as_written_in). Links that reach it through an alias keep
the alias; `|shown` text, `#heading` parts, `!` embeds and frontmatter link values are kept
because only the target part of each link is rewritten. Every check happens before any
edit is planned, so a refusal never leaves a partial edit behind.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from .edits import VaultChange, as_written_in, heading_reads, heading_span, link_reads, written_target
from .index import AMBIGUOUS, BROKEN, Vault
from .model import Heading, Link, Note, Span
from .parse import title_of
from .resolve import find_heading

FILE_NAME_CHARS = '/\\:*?"<>|'  # cannot be in a file name on some system
LINK_CHARS = "#[]^|"  # would cut a [[link]] short (Obsidian refuses them in names too)


class RenameError(ValueError):
    """Why a rename is refused; the message is shown to the user as it is."""


@dataclass(slots=True)
class RenameTarget:
    kind: str  # "note" or "heading"
    note: Note  # the note renamed, or the note holding the heading
    span: Span  # what the editor highlights in the current note
    placeholder: str
    heading: Heading | None = None


Exists = Callable[[str], bool]  # does a file exist at this vault-relative path?


# ---- what is under the cursor ------------------------------------------------------------
def rename_target(vault: Vault, note: Note, line: int, col: int, line_text: str | None = None) -> RenameTarget | None:
    """The note or heading a rename at (line, col) would rename; None when nothing is there.
    Raises RenameError for a link that cannot be renamed through (broken, ambiguous)."""
    link = vault.link_at(note, line, col)
    if link is not None:
        return _link_target(vault, note, link, line, col)
    for h in note.headings:
        if h.span.line == line:
            if h == note.h1:
                return RenameTarget("note", note, h.span, note.title)
            return RenameTarget("heading", note, h.span, h.text, h)
    if line_text and note.title:
        start = line_text.find(note.title)
        while start != -1:
            end = start + len(note.title)
            if start <= col <= end:
                return RenameTarget("note", note, Span(line, start, line, end), note.title)
            start = line_text.find(note.title, start + 1)
    return None


def _link_target(vault: Vault, note: Note, link: Link, line: int, col: int) -> RenameTarget:
    on_heading = link.heading is not None and (
        not link.target or (span := heading_span(link)) is not None and span.contains(line, col)
    )
    if link.target:
        res = vault.resolve(link.target, note.path)
        if res.status == BROKEN:
            raise RenameError(f'No note is titled "{link.target}": there is nothing to rename')
        if res.status == AMBIGUOUS:
            paths = ", ".join(n.path for n in res.notes)
            raise RenameError(f'"{link.target}" matches several notes ({paths}): link by path first')
        if res.note is None:
            raise RenameError("This link names no note")
        target = res.note
    elif link.heading is not None:
        target = note
    else:
        raise RenameError("This link is empty: there is nothing to rename")
    if on_heading:
        assert link.heading is not None
        h = find_heading(target, link.heading)
        if h is None:
            raise RenameError(f'"{target.title}" has no heading "{link.heading}"')
        span = heading_span(link) or link.span
        if h == target.h1:
            return RenameTarget("note", target, span, target.title)
        return RenameTarget("heading", target, span, h.text, h)
    return RenameTarget("note", target, link.target_span, target.title)


# ---- checks ------------------------------------------------------------------------------
def check_new_title(vault: Vault, note: Note, new_title: str, exists: Exists | None = None) -> str:
    """The title to use, or RenameError saying why it cannot be."""
    title = new_title.strip()
    if not title:
        raise RenameError("The new title is empty")
    if title == note.title:
        raise RenameError(f'"{title}" is already the title of this note')
    if "/" in title or "\\" in title:
        if not _inside(_sibling(note, title.replace("\\", "/"))):
            raise RenameError(f'"{title}" would leave the vault')
    for c in title:
        if c in FILE_NAME_CHARS:
            what = "would move the note into another folder" if c in "/\\" else "cannot be in a file name"
            raise RenameError(f"A title cannot contain {c!r}: it {what}")
        if c in LINK_CHARS:
            raise RenameError(f"A title cannot contain {c!r}: it would cut the [[links]] to it short")
        if ord(c) < 32 or c == "\x7f":
            raise RenameError("A title cannot contain line breaks or control characters")
    if title.startswith("."):
        raise RenameError(f'"{title}" would be a hidden file, which the vault does not index')
    new_path = _sibling(note, title)
    if not _inside(new_path):
        raise RenameError(f'"{title}" would leave the vault')
    for path in vault.titled(title.lower()):
        if path != note.path:
            raise RenameError(f'A note titled "{title_of(path)}" already exists: {path}')
    for path in vault.aliased(title.lower()):
        if path != note.path:
            raise RenameError(f'"{title}" is an alias of {path}: the links using it would change target')
    if title.lower() != note.title.lower() and exists is not None and exists(new_path):
        raise RenameError(f"A file {new_path} already exists")
    return title


def check_new_heading(note: Note, heading: Heading, new_text: str) -> str:
    text = new_text.strip()
    if not text:
        raise RenameError("The new heading is empty")
    if text == heading.text:
        raise RenameError(f'The heading is already "{text}"')
    for c in text:
        if c in "[]|":
            raise RenameError(f"A heading cannot contain {c!r}: it would cut the [[note#heading]] links short")
        if ord(c) < 32:
            raise RenameError("A heading cannot contain line breaks or control characters")
    for h in note.headings:
        if h != heading and h.text.casefold() == text.casefold():
            raise RenameError(f'"{note.title}" already has a heading "{h.text}"')
    return text


def _sibling(note: Note, title: str) -> str:
    return f"{note.folder}/{title}.md" if note.folder else f"{title}.md"


def _inside(path: str) -> bool:
    norm = posixpath.normpath(path)
    return not (norm.startswith("../") or norm == ".." or norm.startswith("/"))


# ---- plans -------------------------------------------------------------------------------
def rename(vault: Vault, target: RenameTarget, new_name: str, exists: Exists | None = None) -> VaultChange:
    if target.kind == "heading":
        assert target.heading is not None
        return rename_heading(vault, target.note, target.heading, new_name)
    return rename_note(vault, target.note, new_name, exists)


def rename_note(vault: Vault, note: Note, new_title: str, exists: Exists | None = None) -> VaultChange:
    title = check_new_title(vault, note, new_title, exists)
    change = VaultChange()
    _retitle_h1(change, note, title)
    for src, link in vault.backlinks(note):
        text = _retitled(link, note, title)
        if text is not None:
            change.replace(src.path, link.target_span, as_written_in(link, text), link_reads(link))
    change.renames.append((note.path, _sibling(note, title)))
    return change


def _retitle_h1(change: VaultChange, note: Note, title: str) -> None:
    """Rewrite the H1 when it repeats the old title (ignoring case and surrounding white
    space). Any other H1 is a display name chosen on purpose (`# MetaCorp` on
    metacorp-platform.md, as in ~45% of the notes of real vaults): it is kept."""
    h1 = note.h1
    if h1 is not None and h1.text.strip().casefold() == note.title.casefold():
        change.replace(note.path, h1.span, title, heading_reads(h1))


def _retitled(link: Link, note: Note, title: str) -> str | None:
    """The link's target rewritten for the new title; None when it goes through an alias."""
    written = written_target(link)
    tail = ""
    if written.endswith("\\"):  # [[a\|b]] in a table
        written, tail = written[:-1], "\\"
    if written.lower().endswith(".md"):
        written, tail = written[:-3], written[-3:] + tail
    if "/" in written or "\\" in written:
        cut = max(written.rfind("/"), written.rfind("\\"))
        return written[: cut + 1] + title + tail
    if written.strip().lower() != note.title.lower():
        return None  # reached through an alias: the alias still names the note
    return title + tail


def rename_heading(vault: Vault, note: Note, heading: Heading, new_text: str) -> VaultChange:
    text = check_new_heading(note, heading, new_text)
    change = VaultChange()
    change.replace(note.path, heading.span, text, heading_reads(heading))
    links = [(src, link) for src, link in vault.backlinks(note, heading.text)]
    links += [(note, link) for link in note.links if not link.target and link.heading is not None]
    for src, link in links:
        assert link.heading is not None
        if link.heading.casefold() != heading.text.casefold():
            continue
        found = find_heading(note, link.heading)
        if found != heading:
            continue
        span = heading_span(link)
        if span is not None:
            change.replace(src.path, span, as_written_in(link, text), link_reads(link))
    return change


# ---- files moved in the editor -----------------------------------------------------------
def expand_moves(vault: Vault, old: str, new: str | None) -> list[tuple[str, str | None]]:
    """A file or folder move -> the notes it moves, each with its new path (None: it leaves
    the vault or stops being a note)."""
    old = old.rstrip("/")
    if old in vault.notes:
        return [(old, new if new is not None and new.lower().endswith(".md") else None)]
    prefix = old + "/"
    out: list[tuple[str, str | None]] = []
    for path in vault.notes:
        if path.startswith(prefix):
            out.append((path, None if new is None else new.rstrip("/") + "/" + path[len(prefix) :]))
    out.sort()
    return out


def _stem(path: str) -> str:
    return path[:-3] if path.lower().endswith(".md") else path


def follow_moves(vault: Vault, moves: list[tuple[str, str | None]]) -> VaultChange:
    """Edits that keep every link working after the notes are moved (applied before the
    move, so they are written against the old paths)."""
    moved = {old: new for old, new in moves if new is not None and old in vault.notes}
    change = VaultChange()

    def where(path: str) -> str:
        return moved.get(path, path)

    for old, new in moved.items():
        note = vault.notes[old]
        new_title = title_of(new)
        if new_title != note.title:
            _retitle_h1(change, note, new_title)
        for src, link in vault.backlinks(note):
            text = _moved_link(vault, link, note, new, where(src.path), moved)
            if text is not None:
                change.replace(src.path, link.target_span, as_written_in(link, text), link_reads(link))
    # relative links inside moved notes point elsewhere once their folder changes
    for old, new in moved.items():
        note = vault.notes[old]
        for link in note.links:
            if not link.target.startswith(("./", "../")):
                continue
            res = vault.resolve(link.target, old)
            target = res.note
            if target is None or target.path == old:
                continue
            text = _relative(new, where(target.path), written_target(link))
            if text != written_target(link):
                change.replace(old, link.target_span, as_written_in(link, text), link_reads(link))
    return change


def _moved_link(vault: Vault, link: Link, note: Note, new: str, src_new: str, moved: dict[str, str]) -> str | None:
    written = written_target(link)
    if written.endswith("\\"):
        return None  # table-escaped links: leave them to the diagnostics
    new_title = title_of(new)
    if written.startswith(("./", "../")):
        text = _relative(src_new, new, written)
        return text if text != written else None
    md = written[-3:] if written.lower().endswith(".md") else ""
    bare = written[: -len(md)] if md else written
    if "/" not in bare:
        if bare.lower() != note.title.lower():
            return None  # through an alias
        clash = [p for p in vault.titled(new_title.lower()) if p not in moved and p != note.path]
        clash += [p for o, p in moved.items() if o != note.path and title_of(p).lower() == new_title.lower()]
        text = _stem(new) if clash else new_title
        return text + md if text != bare else None
    depth = bare.strip("/").count("/") + 1
    parts = _stem(new).split("/")
    text = "/".join(parts[-depth:])
    others = [moved.get(p, p) for p in vault.titled(new_title.lower()) if p != note.path]
    others += [p for o, p in moved.items() if o != note.path and title_of(p).lower() == new_title.lower()]
    if any(_stem(p).lower().endswith("/" + text.lower()) or _stem(p).lower() == text.lower() for p in others):
        text = _stem(new)
    return text + md if text != bare else None


def _relative(from_note: str, to_note: str, written: str) -> str:
    folder = from_note.rsplit("/", 1)[0] if "/" in from_note else "."
    md = written[-3:] if written.lower().endswith(".md") else ""
    rel = posixpath.relpath(_stem(to_note), folder)
    if not rel.startswith("../"):
        rel = "./" + rel
    return rel + md
