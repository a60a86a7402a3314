"""Editing frontmatter: completion of the keys a note's type allows but lacks, of allowed
values (type, enums such as confidence, domain, dates as today, the vault's tags), and what
the schema says about a key (for hover). Titles inside link values are completed by
completion.py."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .config import Config
from .index import Vault
from .model import Note
from .schema import GENERIC_DATE_FIELDS, TypeSchema, schemas_of
from .tags import complete_tags, used_by

_KEY_TYPED = re.compile(r"^[A-Za-z_][\w-]*$|^$")
_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*")
_LIST_ITEM = re.compile(r"^([ \t]+)-[ \t]*")
DOMAIN_FIELDS = ("domain", "secondary_domains")


@dataclass(slots=True)
class FmItem:
    label: str
    new_text: str
    kind: str  # "key", "value" or "tag"
    start: int  # replaced columns on the cursor's line
    end: int
    detail: str = ""
    documentation: str = ""
    sort_text: str = ""


def in_frontmatter(note: Note, line: int) -> bool:
    span = note.frontmatter.span
    return span is not None and 0 < line < span.end_line


def schema_of(config: Config, note: Note) -> TypeSchema | None:
    """The note's type schema; the default type's when the note names no type yet."""
    type_name = note.meta.get("type")
    if isinstance(type_name, str) and type_name.strip():
        return schemas_of(config).get(type_name.strip())
    return schemas_of(config).get(config.default_type)


def _required(schema: TypeSchema) -> set[str]:
    out = set()
    for entry in schema.required:
        out.update(o.strip() for o in entry.split("|"))
    return out


def complete_frontmatter(vault: Vault, note: Note, line_no: int, line: str, col: int, today: dt.date) -> list[FmItem]:
    if not in_frontmatter(note, line_no):
        return []
    col = max(0, min(col, len(line)))
    before = line[:col]
    config = vault.config
    schema = schema_of(config, note)
    if _KEY_TYPED.match(before):
        end = col + len(re.match(r"[\w-]*", line[col:]).group(0))
        if ":" in line[end : end + 2]:
            return []  # the key is already written out
        return _keys(config, schema, note, line_no, end)
    tags = complete_tags(vault, note, line_no, line, col)
    if tags is not None:
        return [
            FmItem(t.name, t.name, "tag", t.start, t.end, detail=used_by(t.count), sort_text=f"{i:04d}")
            for i, t in enumerate(tags)
        ]
    m = _KEY_VALUE.match(line)
    if m and col >= m.end():
        key = m.group(1)
        return _values(vault, schema, key, m.end(), _value_end(line, m.end()), today)
    m = _LIST_ITEM.match(line)
    if m and col >= m.end():
        key = note.frontmatter.key_of_line(line_no)
        if key is not None and key not in ("type",):
            return _values(vault, schema, key, m.end(), _value_end(line, m.end()), today)
    return []


def _value_end(line: str, start: int) -> int:
    rest = line[start:]
    cut = rest.find(" #")  # a YAML comment
    return start + len((rest if cut == -1 else rest[:cut]).rstrip())


def _keys(config: Config, schema: TypeSchema | None, note: Note, line_no: int, end: int) -> list[FmItem]:
    present = {k for k, span in note.frontmatter.keys.items() if span.line != line_no}
    if schema is None:
        names = ["type"] if "type" not in present else []
        required: set[str] = {"type"}
    else:
        names = [n for n in schema.fields() if n not in present]
        required = _required(schema)
    items = []
    for i, name in enumerate(names):
        need = name in required
        items.append(
            FmItem(
                label=name,
                new_text=f"{name}: ",
                kind="key",
                start=0,
                end=end,
                detail=("required" if need else "optional") + (f" · {schema.name}" if schema else ""),
                documentation=describe_key(config, schema, name) or "",
                sort_text=f"{0 if need else 1}{i:03d}",
            )
        )
    return items


def vault_domains(vault: Vault) -> list[str]:
    seen: dict[str, None] = {}
    for note in vault.notes.values():
        value = note.meta.get("domain")
        if isinstance(value, str) and value.strip():
            seen[value.strip()] = None
    return sorted(seen)


def allowed_values(vault: Vault, schema: TypeSchema | None, key: str, today: dt.date) -> list[str]:
    config = vault.config
    if key == "type":
        return sorted(schemas_of(config))
    if schema is not None and schema.allowed.get(key):
        return list(schema.allowed[key])
    if key in DOMAIN_FIELDS:
        configured = schema.allowed.get("domain") if schema is not None else None
        return list(configured) if configured else vault_domains(vault)
    dates = set(GENERIC_DATE_FIELDS) | set(schema.dates if schema is not None else ())
    if key in dates:
        return [today.isoformat()]
    return []


def _values(
    vault: Vault,
    schema: TypeSchema | None,
    key: str,
    start: int,
    end: int,
    today: dt.date,
) -> list[FmItem]:
    values = allowed_values(vault, schema, key, today)
    return [
        FmItem(
            label=v,
            new_text=v,
            kind="value",
            start=start,
            end=max(start, end),
            detail=f"{key}" + (" (today)" if v == today.isoformat() else ""),
            sort_text=f"{i:04d}",
        )
        for i, v in enumerate(values)
    ]


def describe_key(config: Config, schema: TypeSchema | None, key: str) -> str | None:
    """What the schema says of a frontmatter key, as Markdown."""
    if key == "type":
        known = ", ".join(f"`{t}`" for t in sorted(schemas_of(config)))
        head = "**type** · required"
        return f"{head}\n\nThe note's kind; it chooses the schema its other fields are checked against.\n\nKnown types: {known}"
    if schema is None:
        return None
    fields = schema.fields()
    if key not in fields:
        return f"**{key}** is not part of the `{schema.name}` schema (it is allowed, but not checked)."
    alternatives = [e for e in schema.required if key in [o.strip() for o in e.split("|")]]
    if alternatives and "|" in alternatives[0]:
        others = [o.strip() for o in alternatives[0].split("|") if o.strip() != key]
        status = f"required for `{schema.name}` (or {', '.join(others)})"
    elif alternatives:
        status = f"required for `{schema.name}`"
    else:
        status = f"optional for `{schema.name}`"
    parts = [f"**{key}** · {status}"]
    if schema.describe.get(key):
        parts.append(schema.describe[key])
    if schema.allowed.get(key):
        parts.append("Allowed: " + " · ".join(f"`{v}`" for v in schema.allowed[key]))
    if key in schema.dates or key in GENERIC_DATE_FIELDS:
        parts.append("A date: `YYYY-MM-DD`.")
    return "\n\n".join(parts)


def key_at(note: Note, line: int, col: int) -> str | None:
    """The top-level frontmatter key whose name is under the cursor."""
    if not in_frontmatter(note, line):
        return None
    for key, span in note.frontmatter.keys.items():
        if span.line == line and span.col <= col <= span.end_col:
            return key
    return None


def hover_key(config: Config, note: Note, key: str) -> str | None:
    return describe_key(config, schema_of(config, note), key)
