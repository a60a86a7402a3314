"""`claim-lsp check --fix` and `--diff`: the safe quick fixes of the problems found, applied to
the notes' files.

The fixes are the editor's (code_actions: the actions marked `safe`), so the editor and the
CLI never disagree on what a fix does. Safe are: a case mismatch written in the exact case;
a broken link or reference replaced by the one suggestion that names its note beyond doubt
(code_actions.certain_suggestion); the missing fields of a note's own type added empty.
A guessed type or date, a suggestion among others, a new note: never without a person.

A file is written only when every step holds:
- it is read again, and its links and frontmatter keys are those the problems were found in
  (else it changed since the vault was read, and is left alone);
- each replaced range still holds what it held (the whole link as written: edits.Replace.reads,
  checked by edits.stale_replacement, as the server checks its edits);
- the fixed text, checked again, has lost the fixed problems and gained none;
- its real path is inside the vault's (a symlink leading out is neither read nor written).
It is then written whole, in its own encoding (UTF-8 with or without a BOM, UTF-16 with its
BOM) and line endings, to a temporary file in its folder that replaces it in one rename.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .checks import check_note
from .code_actions import QUICKFIX, actions_for, add_missing_fields
from .edits import Replace, VaultChange, stale_replacement
from .index import Vault
from .model import Note, Problem
from .parse import note_from_text
from .text import line_starts, split_lines

FIXABLE = frozenset({"case-mismatch", "broken-link", "broken-reference", "missing-field"})

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


@dataclass
class FileFix:
    """The fixes of one note's file."""

    path: str  # vault-relative
    shown: str  # as the report prints it
    old: str
    new: str
    fixed: list[Problem] = field(default_factory=list)  # the problems its edits fix
    filled: list[str] = field(default_factory=list)  # fields added empty: still missing, to fill in
    note: Note | None = None  # parsed from new
    real: str = ""  # the file's real path (inside the vault's)
    raw: bytes = b""  # the file's bytes as read
    encoded: bytes = b""  # new, in the file's encoding


@dataclass
class Outcome:
    files: list[FileFix] = field(default_factory=list)  # changed (or, for --diff, to change)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (shown path, why it was not fixed)

    @property
    def fixed(self) -> int:
        return sum(len(f.fixed) for f in self.files)


class NotFixed(Exception):
    """Why a file is left as it is."""


def fix_vault(
    root: Path, vault: Vault, prefix: str, problems: dict[str, list[Problem]], write: bool, outcome: Outcome
) -> None:
    """Fix the problems (vault-relative path -> the problems found in it, as selected) of one
    vault; with write, write the files and put their new notes in the vault."""
    real_root = os.path.realpath(root)
    same: dict[str, list[str]] = {}  # real path -> the notes it is (a symlink inside the vault: two)
    for rel, found in problems.items():
        if rel in vault.notes and any(p.code in FIXABLE for p in found):
            same.setdefault(os.path.realpath(os.path.join(root, rel)), []).append(rel)
    for real, rels in same.items():
        rel = rels[0]  # (the others are the same file: fixed with it)
        note = vault.notes[rel]
        try:
            fix = plan(real, real_root, vault, note, [p for p in problems[rel] if p.code in FIXABLE], prefix + rel)
            if fix is None:
                continue
            if write:
                write_atomic(fix.real, fix.raw, fix.encoded)
                assert fix.note is not None
                vault.put(fix.note)
                for other in rels[1:]:
                    vault.put(note_from_text(other, fix.new, vault.config.limits))
        except NotFixed as exc:
            outcome.failed.append((prefix + rel, str(exc)))
            continue
        except OSError as exc:
            outcome.failed.append((prefix + rel, f"cannot be written: {exc.strerror or exc}"))
            continue
        outcome.files.append(fix)


def plan(real: str, real_root: str, vault: Vault, note: Note, wanted: list[Problem], shown: str) -> FileFix | None:
    """The fixed text of a note's file (at its real path), verified; None when no problem
    has a safe fix."""
    if os.path.commonpath([real, real_root]) != real_root:
        raise NotFixed("its real path is outside the vault (a symlink); not followed")
    try:
        with open(real, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise NotFixed(f"cannot be read: {exc.strerror or exc}") from exc
    bom, codec, text = decoded(raw)
    fresh = note_from_text(note.path, text, vault.config.limits)
    if (fresh.link_data, fresh.frontmatter.key_data, fresh.frontmatter.span, fresh.text_lines) != (
        note.link_data,
        note.frontmatter.key_data,
        note.frontmatter.span,
        note.text_lines,
    ):
        raise NotFixed("it changed since it was read")
    change, fixed, filled = safe_change(vault, note, wanted, eol_of(text))
    if not change:
        return None
    new = apply(text, change.edits.get(note.path, []))
    after = note_from_text(note.path, new, vault.config.limits)
    before = Counter(_key(p) for p in check_note(note, vault))
    left = Counter(_key(p) for p in check_note(after, vault))
    if left != before - Counter(_key(p) for p in fixed):
        raise NotFixed("its fixed text did not check as expected; left as it was")
    encoded = bom + new.encode(codec)
    return FileFix(note.path, shown, text, new, fixed, filled, after, real, raw, encoded)


def _key(p: Problem) -> tuple[str, object]:
    """A problem as the check after a fix compares it: its code and the link target it is
    about, not its place (fields added above move the lines below) nor its message (an H1
    holding a fixed link says it otherwise)."""
    return (p.code, (p.data or {}).get("target"))


def safe_change(
    vault: Vault, note: Note, problems: Iterable[Problem], eol: str
) -> tuple[VaultChange, list[Problem], list[str]]:
    """The safe fixes of problems in one note: the change, the problems it fixes, and the
    fields it adds empty. A fix whose replacement does not say what it replaces (Replace.reads)
    is not among them: it could not be checked against the file."""
    change = VaultChange()
    fixed: list[Problem] = []
    filled: list[str] = []
    for p in problems:
        if p.code == "missing-field":  # left empty, created too: the CLI cannot know the date
            action = add_missing_fields(vault.config, note, p, None, eol)
            actions = [action] if action is not None else []
        else:
            actions = actions_for(vault, note, [p], eol=eol)
        action = next((a for a in actions if a.safe and a.kind == QUICKFIX), None)
        if action is None:
            continue
        edits = action.change.edits.get(note.path, [])
        if action.change.creates or action.change.renames or not edits or not all(map(_checkable, edits)):
            continue
        trial = VaultChange({note.path: list(change.edits.get(note.path, []))})
        if not all(trial.replace(note.path, e.span, e.new_text, e.reads) for e in edits):
            continue  # (overlapping another fix: the next run takes it)
        change = trial
        if p.code == "missing-field":
            filled += [line.split(":", 1)[0] for e in edits for line in split_lines(e.new_text) if line]
        else:
            fixed.append(p)
    return change, fixed, filled


def _checkable(edit: Replace) -> bool:
    """Does the edit say what it replaces (an insertion replaces nothing)?"""
    s = edit.span
    return edit.reads is not None or (s.line, s.col) == (s.end_line, s.end_col)


def apply(text: str, edits: list[Replace]) -> str:
    """text with the edits made (code-point spans), each checked to still fit it: the text
    around a replacement is what it reads (the whole link as written), and each lies inside
    the text (edits.stale_replacement)."""
    starts = line_starts(text)
    lines = split_lines(text)
    if stale_replacement(lines, edits) is not None:
        raise NotFixed("it changed since it was read")
    cuts = []
    for e in edits:
        s = e.span
        a, b = starts[s.line] + s.col, starts[s.end_line] + s.end_col
        if a > b:
            raise NotFixed("it changed since it was read")
        cuts.append((a, b, e.new_text))
    for a, b, new in sorted(cuts, reverse=True):
        text = text[:a] + new + text[b:]
    return text


def decoded(raw: bytes) -> tuple[bytes, str, str]:
    """(BOM, codec, text) of a note's bytes, as scan.decode reads them; NotFixed unless the
    text encodes back to the very same bytes (a file read with replacement characters would
    lose the bytes they replaced)."""
    bom, codec = b"", "utf-8"
    for mark, name in _BOMS:
        if raw.startswith(mark):
            bom, codec = mark, name
            break
    try:
        text = raw[len(bom) :].decode(codec)
    except UnicodeDecodeError as exc:
        raise NotFixed(f"it is not valid {codec.upper()}; not written") from exc
    if bom + text.encode(codec) != raw:
        raise NotFixed(f"its {codec.upper()} does not read back the same; not written")
    return bom, codec, text


_FIRST_BREAK = re.compile(r"\r\n|\r|\n")


def eol_of(text: str) -> str:
    """The line ending lines added to the file get: its first one's."""
    m = _FIRST_BREAK.search(text)
    return m.group() if m else "\n"


def write_atomic(real: str, raw: bytes, data: bytes) -> None:
    """Replace the file at real (a real path) by data in one rename, keeping its permissions;
    NotFixed when its bytes are no longer raw (changed since it was read)."""
    folder, name = os.path.split(real)
    with open(real, "rb") as fh:
        if fh.read() != raw:
            raise NotFixed("it changed since it was read")
    mode = stat.S_IMODE(os.stat(real).st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".claim-lsp-fix", dir=folder)  # (hidden: not a note)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, real)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# ---- what --fix and --diff say -----------------------------------------------------------
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def diff(fix: FileFix) -> list[str]:
    """The unified diff of a fix, paths a/ and b/ as shown, lines as the file breaks them."""
    out = []
    for line in difflib.unified_diff(
        _LINE.findall(fix.old), _LINE.findall(fix.new), f"a/{fix.shown}", f"b/{fix.shown}"
    ):
        if line.endswith(("\n", "\r")):
            out.append(line)
        else:  # the file's last line, without a line break: as diff(1) marks it
            out.append(line + "\n\\ No newline at end of file\n")
    return out


def what_was_done(fix: FileFix) -> str:
    """`notes/a.md: fixed 2 case-mismatch, 1 broken-link; added empty source`"""
    counts = Counter(p.code for p in fix.fixed)
    parts = []
    if counts:
        parts.append("fixed " + ", ".join(f"{n} {code}" for code, n in sorted(counts.items())))
    if fix.filled:
        parts.append("added empty " + ", ".join(fix.filled))
    return f"{fix.shown}: {'; '.join(parts)}"


def summary(outcome: Outcome, left: int, would: bool = False) -> str:
    """`Fixed 12 problems in 9 files (30 left).`, and the fields added empty to fill in."""
    fixing = [f for f in outcome.files if f.fixed]
    filling = [f for f in outcome.files if f.filled]
    verb, add = ("Would fix", "would add") if would else ("Fixed", "added")
    if fixing:
        n, m = outcome.fixed, len(fixing)
        text = f"{verb} {n} problem{'s' if n != 1 else ''} in {m} file{'s' if m != 1 else ''} ({left} left)"
    else:
        text = f"No safe fixes ({left} left)"
    if filling:
        n, m = sum(len(f.filled) for f in filling), len(filling)
        text += f"; {add} {n} empty field{'s' if n != 1 else ''} to {m} note{'s' if m != 1 else ''}, to fill in"
    return text + "."
