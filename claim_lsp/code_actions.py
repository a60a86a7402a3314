"""Quick fixes for the problems `checks.py` reports, as VaultChanges.

- broken-link: replace the target with each suggestion; create the note it names (from the
  default type's schema, never over an existing file, never outside the vault);
- broken-reference (a plain item of a relation field that nearly names a note): replace the
  item with each suggestion;
- case-mismatch: write the exact spelling; a source action fixes every one in the file;
- ambiguous-link: link to one candidate by its path;
- missing-field: add the missing keys in schema order, inside the frontmatter; a note
  without `type` gets one fix per type its fields and folder suggest.

A fix is `safe` when it may be applied without a person looking (`claim-lsp check --fix`):
the exact spelling of a case mismatch, the one suggestion that names the note beyond doubt
(certain_suggestion), the missing keys of a known type added empty.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field

from .config import Config
from .edits import VaultChange, as_written_in, link_reads
from .index import Vault
from .model import Link, Note, Problem, Span
from .rank import surely_names
from .rename import FILE_NAME_CHARS, LINK_CHARS
from .resolve import find_heading
from .schema import TypeSchema, likely_types, schemas_of

QUICKFIX = "quickfix"
FIX_ALL = "source.fixAll"

Exists = Callable[[str], bool]


@dataclass
class Action:
    title: str
    kind: str
    change: VaultChange
    problems: list[Problem] = field(default_factory=list)
    preferred: bool = False
    safe: bool = False  # may be applied without a person looking (module docstring)


def link_of(note: Note, problem: Problem) -> Link | None:
    for link in note.links:
        if link.target_span == problem.span or link.span == problem.span:
            return link
    return None


def actions_for(
    vault: Vault,
    note: Note,
    problems: list[Problem],
    all_problems: list[Problem] | None = None,
    today: dt.date | None = None,
    exists: Exists | None = None,
    eol: str = "\n",
) -> list[Action]:
    """Fixes for `problems` (those under the cursor), then source actions over the file."""
    today = today or dt.date.today()
    out: list[Action] = []
    for p in problems:
        if p.code == "broken-link" or p.code == "broken-reference":
            out.extend(_broken(vault, note, p, today, exists, eol))
        elif p.code == "case-mismatch":
            out.extend(_case(note, p))
        elif p.code == "ambiguous-link":
            out.extend(_ambiguous(note, p))
        elif p.code == "missing-field":
            out.extend(missing_field_fixes(vault.config, note, p, today, eol))
    mismatches = [p for p in (all_problems or []) if p.code == "case-mismatch"]
    if mismatches:
        change = VaultChange()
        for p in mismatches:
            fix = _exact(p)
            if fix is not None:
                change.replace(note.path, *_target_replaced(note, p, fix))
        if change:
            n = change.count()
            title = f"Fix {n} case mismatch{'es' if n != 1 else ''} in this file"
            out.append(Action(title, FIX_ALL, change, mismatches, safe=True))
    return out


def _replace_target(note: Note, p: Problem, text: str) -> VaultChange:
    change = VaultChange()
    change.replace(note.path, *_target_replaced(note, p, text))
    return change


def _target_replaced(note: Note, p: Problem, text: str) -> tuple:
    """The replacement of a link problem's span with text (VaultChange.replace's arguments
    after the path): written as the link's quotes need, and reading the link it changes."""
    link = link_of(note, p)
    if link is None:
        return p.span, text
    return p.span, as_written_in(link, text), link_reads(link)


def _suggestions(p: Problem) -> list[str]:
    data = p.data or {}
    items = data.get("suggestions") or []
    return [s for s in items if isinstance(s, str) and s]


def _written(link: Link | None, target: str) -> str:
    """How an action's title shows a target: [[target]], or "target" for a plain item."""
    return f'"{target}"' if link is not None and link.bare else f"[[{target}]]"


def _broken(vault: Vault, note: Note, p: Problem, today: dt.date, exists: Exists | None, eol: str) -> list[Action]:
    link = link_of(note, p)
    sure = certain_suggestion(vault, note, p)
    out = [
        Action(
            f"Replace with {_written(link, s)}",
            QUICKFIX,
            _replace_target(note, p, s),
            [p],
            preferred=s == sure,
            safe=s == sure,
        )
        for s in _suggestions(p)
    ]
    if p.code == "broken-reference":
        return out  # it nearly names a note: a new note of that name would be a near duplicate of it
    target = link.target if link is not None else str((p.data or {}).get("target", ""))
    created = create_note(vault, note, target, today, exists, eol)
    if created is not None:
        path, text = created
        change = VaultChange(creates=[(path, text)])
        out.append(Action(f"Create note '{target}' ({path})", QUICKFIX, change, [p]))
    return out


def certain_suggestion(vault: Vault, note: Note, p: Problem) -> str | None:
    """The suggestion for a broken link or reference that names the note beyond doubt: the
    first, the only one that surely names it (rank.surely_names), not a path link (a note of
    the same name in another folder is another note), not the linking note itself (a note
    does not cite itself: a link that nearly names it means a note not written yet), and
    holding the heading or block the link names."""
    items = _suggestions(p)
    link = link_of(note, p)
    if not items or link is None or "/" in link.target or "\\" in link.target:
        return None
    first = items[0]
    if not surely_names(link.target, first) or any(surely_names(link.target, s) for s in items[1:]):
        return None
    res = vault.resolve(first, note.path)
    if len(res.notes) != 1 or res.notes[0].path == note.path:
        return None
    heading = link.heading
    if heading:
        target = res.notes[0]
        found = target.block(heading) if heading.startswith("^") else find_heading(target, heading)
        if found is None:
            return None
    return first


def _exact(p: Problem) -> str | None:
    items = _suggestions(p)
    return items[0] if items else None


def _case(note: Note, p: Problem) -> list[Action]:
    exact = _exact(p)
    if exact is None:
        return []
    written = _written(link_of(note, p), exact)
    return [Action(f"Change to {written}", QUICKFIX, _replace_target(note, p, exact), [p], preferred=True, safe=True)]


def _ambiguous(note: Note, p: Problem) -> list[Action]:
    candidates = (p.data or {}).get("candidates") or []
    out = []
    for path in candidates:
        if not isinstance(path, str):
            continue
        stem = path[:-3] if path.lower().endswith(".md") else path
        out.append(Action(f"Link to {path}", QUICKFIX, _replace_target(note, p, stem), [p]))
    return out


# ---- new notes -----------------------------------------------------------------------------
def new_note_path(vault: Vault, note: Note, target: str, exists: Exists | None = None) -> str | None:
    """Where a note for a broken link's target goes: the path it names, else the type's
    configured folder, else the linking note's folder. None when that cannot be (a name
    no file can have, outside the vault, or the file exists)."""
    target = target.strip()
    if target.lower().endswith(".md"):
        target = target[:-3].rstrip()
    if not target:
        return None
    if "/" in target:
        base = note.folder if target.startswith(("./", "../")) else ""
        joined = posixpath.normpath(posixpath.join(base, target)) if base else posixpath.normpath(target.lstrip("/"))
        if joined.startswith("..") or joined.startswith("/") or joined in (".", ""):
            return None
        parts = joined.split("/")
    else:
        schema = schemas_of(vault.config).get(vault.config.default_type)
        folder = schema.folder.strip("/") if schema else ""
        folder = folder or note.folder
        parts = [*(folder.split("/") if folder else []), target]
    for part in parts:
        if not part or part.startswith(".") or part in ("..",):
            return None
        if any(c in FILE_NAME_CHARS or c in LINK_CHARS or ord(c) < 32 for c in part):
            return None
    path = "/".join(parts) + ".md"
    if any(p.lower() == path.lower() for p in vault.notes):
        return None
    if exists is not None and exists(path):
        return None
    return path


def note_template(config: Config, title: str, today: dt.date, like: Note | None = None, eol: str = "\n") -> str:
    """A new note of the default type: its required fields (created = today), H1 = title."""
    schema = schemas_of(config).get(config.default_type)
    lines = ["---"]
    if schema is None:
        lines.append(f"type: {config.default_type}")
    else:
        for name in _required_names(schema):
            lines.append(_field_line(schema, name, today, like))
    lines += ["---", "", f"# {title}", "", ""]
    return eol.join(lines)


def _required_names(schema: TypeSchema) -> list[str]:
    names = []
    for entry in schema.required:
        first = entry.split("|")[0].strip()
        if first and first not in names:
            names.append(first)
    return names


def _field_line(schema: TypeSchema, name: str, today: dt.date | None, like: Note | None = None) -> str:
    if name == "type":
        return f"type: {schema.name}"
    if name == "created" and today is not None:
        return f"created: {today.isoformat()}"
    if name == "domain" and like is not None:
        domain = like.meta.get("domain")
        allowed = schema.allowed.get("domain")
        if isinstance(domain, str) and domain and (not allowed or domain in allowed):
            return f"domain: {domain}"
    return f"{name}:"


def create_note(
    vault: Vault, note: Note, target: str, today: dt.date, exists: Exists | None = None, eol: str = "\n"
) -> tuple[str, str] | None:
    path = new_note_path(vault, note, target, exists)
    if path is None:
        return None
    title = path.rsplit("/", 1)[-1][:-3]
    return path, note_template(vault.config, title, today, note, eol)


# ---- frontmatter -------------------------------------------------------------------------
def missing_field_fixes(config: Config, note: Note, p: Problem, today: dt.date, eol: str = "\n") -> list[Action]:
    """For a note without `type`, one fix per type it likely has (likely_types: a note with
    title, author and url under inbox/ is a source, not a claim), the likeliest preferred;
    else the one fix that adds the missing fields."""
    fields = (p.data or {}).get("fields") or []
    if "type" in fields and not _present(note.meta.get("type")):
        out = []
        for name in likely_types(config, note.path, note.frontmatter.keys):
            action = add_missing_fields(config, note, p, today, eol, type_name=name)
            if action is not None:
                action.title = f"Add type: {name}"
                action.preferred = not out
                out.append(action)
        return out
    action = add_missing_fields(config, note, p, today, eol)
    return [action] if action is not None else []


def _present(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def add_missing_fields(
    config: Config, note: Note, p: Problem, today: dt.date | None, eol: str = "\n", type_name: str | None = None
) -> Action | None:
    """Insert the problem's missing fields, each in its schema's order; `type_name` is the
    type given to a note that has none (the default type if not given); `created` is today
    (None: left empty, as every other field). Safe when the note's own type names the fields
    and every one is left empty: a key without a value asserts nothing and hides nothing
    (an empty field is still a missing one), where a guessed type or date would."""
    fm = note.frontmatter
    if fm.span is None:
        return None
    fields = (p.data or {}).get("fields") or []
    wanted = []
    for entry in fields:
        if not isinstance(entry, str):
            continue
        first = entry.replace(" or ", "|").split("|")[0].strip()
        if first and first not in fm.keys and first not in wanted:
            wanted.append(first)
    if not wanted:
        return None
    written = note.meta.get("type")
    types = schemas_of(config)
    schema = types.get(written) if isinstance(written, str) else None
    own_type = schema is not None
    fallback = type_name or config.default_type
    schema = schema or types.get(fallback) or TypeSchema(fallback, required=["type"])
    order = schema.fields()
    rank = {name: i for i, name in enumerate(order)}
    existing = sorted(((rank[k], span.line) for k, span in fm.keys.items() if k in rank))
    inserts: dict[int, list[str]] = {}
    empty = True
    for name in sorted(wanted, key=lambda n: rank.get(n, len(order))):
        i = rank.get(name, len(order))
        # before the first present key that comes later in schema order, else at the end
        line = next((ln for r, ln in existing if r > i), fm.span.end_line)
        value = _field_line(schema, name, today)
        empty = empty and value == f"{name}:"
        inserts.setdefault(line, []).append(value)
    change = VaultChange()
    for line, values in inserts.items():
        change.replace(note.path, Span(line, 0, line, 0), "".join(v + eol for v in values))
    label = ", ".join(wanted)
    return Action(f"Add missing fields: {label}", QUICKFIX, change, [p], preferred=True, safe=own_type and empty)
