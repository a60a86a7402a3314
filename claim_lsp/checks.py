"""The rules: a note and its vault -> Problems. The server and `claim-lsp check` both call
`check_note`, so the editor and CI always agree."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import replace
from typing import Any

from .config import Config, is_ignored
from .index import AMBIGUOUS, BROKEN, CASE_MISMATCH, EMPTY, Vault
from .model import Link, Note, Problem, Span
from .resolve import find_heading
from .review import REVIEW_CODES, check_review
from .schema import GENERIC_DATE_FIELDS, TypeSchema, schemas_of

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")

CODES = (
    "broken-link", "case-mismatch", "ambiguous-link", "empty-link", "missing-heading", "missing-block",
    "yaml-error", "duplicate-key", "missing-field", "invalid-value", "invalid-date", "unknown-type",
    "title-mismatch", "unreadable-file", "too-many-links", "broken-reference", *REVIEW_CODES,
)  # fmt: skip


def check_note(note: Note, vault: Vault) -> list[Problem]:
    """Every problem of one note, with severities from the vault's configuration;
    codes switched off are left out. Links are checked once every note of the vault has
    been read (Vault.indexed)."""
    config = vault.config
    found: list[Problem] = []
    found.extend(note.problems)
    found.extend(note.frontmatter.problems)
    if vault.indexed:  # before, a link to an alias or heading of a note not yet read would look broken
        found.extend(check_links(note, vault))
    found.extend(check_frontmatter(note, config))
    found.extend(check_title(note, config))
    found.extend(check_review(note, vault))  # (those looking at other notes wait for Vault.indexed too)
    out = []
    for p in found:
        severity = config.severity_of(p.code)
        if severity is None:
            continue
        if p.data and p.data.get("required") is False:  # an optional field's bad value: one level less
            severity = _LESSER[severity]
        out.append(p if p.severity == severity else replace(p, severity=severity))
    out.sort(key=lambda p: (p.span.line, p.span.col, p.code))
    return out


# A configured severity is that of a code's full-strength problems (a required field's bad
# value); an optional field's is one level less, so it never outweighs a missing field.
_LESSER = {"error": "warning", "warning": "information", "information": "hint", "hint": "hint"}


def check_links(note: Note, vault: Vault) -> list[Problem]:
    out: list[Problem] = []
    for n, raw in enumerate(note.raw_links()):
        if vault.names_one_note(raw.split("|", 1)[0] if "|" in raw else raw):
            continue  # most links: nothing to report, and no Link object built for them
        link = note.link(n)
        if not link.target and link.heading:  # [[#heading]]: a heading (or block) of this note
            missing = _missing_anchor(link, note)
            if missing is not None:
                out.append(missing)
            continue
        res = vault.resolve(link.target, note.path)
        written = link.target
        if res.status == EMPTY:
            out.append(Problem("empty-link", "error", "Empty link: [[ ]] names no note", link.span))
            continue
        if res.status == BROKEN:
            if vault.has_attachment(written):
                continue  # an image, PDF... of the vault: not a note, and not broken
            if link.bare:  # a plain item naming no note: prose, unless it nearly names a title
                suggestions = vault.near_miss(written, note.path)
                if suggestions:
                    out.append(
                        Problem(
                            "broken-reference",
                            "warning",
                            f'No note titled "{written}" ({link.fm_key}); did you mean "{suggestions[0]}"?',
                            link.target_span,
                            {"target": written, "suggestions": suggestions},
                        )
                    )
                continue
            suggestions = vault.suggest(written, note.path)
            hint = f'; did you mean "{suggestions[0]}"?' if suggestions else ""
            out.append(
                Problem(
                    "broken-link",
                    "error",
                    f'No note titled "{written}"{hint}',
                    link.target_span,
                    {"target": written, "suggestions": suggestions},
                )
            )
            continue
        if res.status == AMBIGUOUS:
            paths = [n.path for n in res.notes]
            titles = _unique([n.title for n in res.notes])
            out.append(
                Problem(
                    "ambiguous-link",
                    "warning",
                    f'"{written}" matches {len(paths)} notes equally well: {", ".join(paths[:3])}'
                    + (f" and {len(paths) - 3} more" if len(paths) > 3 else ""),
                    link.target_span,
                    {"target": written, "suggestions": titles[:5], "candidates": paths},
                )
            )
            continue
        target = res.notes[0]
        if res.status == CASE_MISMATCH:
            exact = _exact_spelling(written, target, res.via_alias)
            out.append(
                Problem(
                    "case-mismatch",
                    "warning",
                    f'"{written}" differs only in case from "{exact}"',
                    link.target_span,
                    {"target": written, "suggestions": [exact]},
                )
            )
        if link.heading:
            missing = _missing_anchor(link, target)
            if missing is not None:
                out.append(missing)
    return out


def _missing_anchor(link: Link, target: Note) -> Problem | None:
    """missing-heading for `[[note#heading]]`, missing-block for `[[note#^id]]`, when the
    note has no such heading or block id."""
    heading = link.heading or ""
    if heading.startswith("^"):
        if target.block(heading) is not None:
            return None
        ids = ["^" + b.id for b in target.blocks]
        return Problem(
            "missing-block",
            "warning",
            f'"{target.title}" has no block {heading}',
            link.span,
            {"target": link.target, "block": heading, "suggestions": ids[:5]},
        )
    if find_heading(target, heading) is not None:
        return None
    return _missing_heading(link, target)


def _missing_heading(link: Link, target: Note) -> Problem:
    h1 = target.h1
    names = [h.text for h in target.headings if h != h1]
    return Problem(
        "missing-heading",
        "warning",
        f'"{target.title}" has no heading "{link.heading}"',
        link.span,
        {"target": link.target, "heading": link.heading, "suggestions": names[:5]},
    )


def _exact_spelling(written: str, target: Note, via_alias: bool) -> str:
    """How the link should be written: the title, the alias, or the path, in its own case."""
    if "/" in written:
        stem = target.path[:-3] if target.path.lower().endswith(".md") else target.path
        depth = written.strip("/").count("/") + 1
        return "/".join(stem.split("/")[-depth:])
    if via_alias:
        for alias in target.aliases:
            if alias.lower() == written.lower():
                return alias
    return target.title


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str) and not value.strip():
        return False
    return True


def _key_span(note: Note, key: str) -> Span:
    span = note.frontmatter.key_span(key)
    if span is not None:
        return span
    fm = note.frontmatter.span
    return Span(0, 0, 0, 3) if fm is not None else Span(0, 0, 0, 0)


def check_frontmatter(note: Note, config: Config) -> list[Problem]:
    data = note.frontmatter.data
    if data is None:
        return []  # no frontmatter (a plain note), or it did not parse (yaml-error said so)
    out: list[Problem] = []
    type_name = data.get("type")
    schema: TypeSchema | None = None
    if not _present(type_name):
        out.append(
            Problem(
                "missing-field", "error", "Frontmatter has no 'type'", _key_span(note, "type"), {"fields": ["type"]}
            )
        )
    elif not isinstance(type_name, str):
        out.append(Problem("invalid-value", "error", "'type' must be a single name", _key_span(note, "type")))
    else:
        schema = schemas_of(config).get(type_name)
        if schema is None:
            known = ", ".join(sorted(schemas_of(config)))
            out.append(
                Problem(
                    "unknown-type",
                    "information",
                    f"Type '{type_name}' has no schema (known: {known})",
                    _key_span(note, "type"),
                )
            )
    if schema is not None:
        missing = []
        for entry in schema.required:
            if "|" not in entry and entry == entry.strip():  # (most entries: one plain name)
                if not _present(data.get(entry)):
                    missing.append(entry)
                continue
            options = [o.strip() for o in entry.split("|") if o.strip()]
            if not any(_present(data.get(o)) for o in options):
                missing.append(options[0] if len(options) == 1 else " or ".join(options))
        if missing:
            names = ", ".join(missing)
            out.append(
                Problem(
                    "missing-field",
                    "error",
                    f"{'An' if schema.name[:1].lower() in 'aeiou' else 'A'} {schema.name} needs {names}"
                    + (" (missing)" if len(missing) == 1 else " (missing fields)"),
                    Span(0, 0, 0, 3),
                    {"fields": missing},
                )
            )
        for name, allowed in schema.allowed.items():
            if name not in data or data[name] is None:
                continue
            value = data[name]
            values = value if isinstance(value, list) else [value]
            for item in values:
                if not isinstance(item, (str, int, float)) or str(item) not in allowed:
                    shown = item if isinstance(item, (str, int, float)) else type(item).__name__
                    needed = any(name == o.strip() for entry in schema.required for o in entry.split("|"))
                    out.append(
                        Problem(
                            "invalid-value",
                            "error" if needed else "warning",
                            f"{name}: '{shown}' is not one of {' | '.join(allowed)}",
                            _key_span(note, name),
                            {"field": name, "value": str(shown), "allowed": list(allowed), "required": needed},
                        )
                    )
                    break
    for name in _date_fields(schema.dates if schema is not None else ()):
        value = data.get(name)
        if value is None or value == "":
            continue
        problem = date_problem(value)
        if problem:
            out.append(
                Problem(
                    "invalid-date",
                    "warning",
                    f"{name}: {problem}",
                    _key_span(note, name),
                    {"field": name, "value": str(value)},
                )
            )
    return out


_DATE_FIELDS: dict[tuple[str, ...], tuple[str, ...]] = {}


def _date_fields(schema_dates) -> tuple[str, ...]:
    """The generic date fields and a schema's, sorted (made once for each schema's list)."""
    key = tuple(schema_dates)
    found = _DATE_FIELDS.get(key)
    if found is None:
        found = _DATE_FIELDS[key] = tuple(sorted({*GENERIC_DATE_FIELDS, *key}))
    return found


def date_problem(value: Any) -> str | None:
    """None for a real YYYY-MM-DD date, else what is wrong with it."""
    if isinstance(value, (dt.date, dt.datetime)):
        return None
    text = str(value).strip()
    m = _DATE.match(text)
    if not m:
        return f"'{text}' is not a YYYY-MM-DD date"
    try:
        dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        return f"'{text}' is not a real date ({exc})"
    return None


def check_title(note: Note, config: Config | None = None) -> list[Problem]:
    """An H1 that says something else than the file name (the title links use). Not for a
    difference of case or typography only, not for notes matching `title_mismatch_ignore`
    (maps, indexes: their H1 is a display name), not for types whose schema names files
    by slug or date (sources, entities, sectors, musings), and not for plain notes: "the
    file name is the claim, repeated as the H1" is the claim notes' convention, and a note
    without frontmatter (an agent's identity.md, a schema's documentation) is none."""
    h1 = note.h1
    if h1 is None or not h1.text or note.frontmatter.span is None:
        return []
    if " ".join(h1.text.split()) == " ".join(note.title.split()) or same_title(h1.text, note.title):
        return []
    if config is not None:
        if is_ignored(note.path, config.title_mismatch_ignore):
            return []
        type_name = note.meta.get("type")
        schema = schemas_of(config).get(type_name) if isinstance(type_name, str) else None
        if schema is not None and not schema.file_named_by_title:
            return []
    return [
        Problem(
            "title-mismatch",
            "hint",
            f'The H1 "{h1.text}" differs from the file\'s title "{note.title}"',
            h1.span,
            {"h1": h1.text, "title": note.title},
        )
    ]


# quotes and apostrophes, straight or curly: dropped ("proposer's" and "proposers" are one title,
# since the vault's file names leave them out)
_QUOTES = dict.fromkeys(map(ord, "'\"`´‘’‚‛“”„‟′″"), None)


def title_key(text: str) -> str:
    """A title as its words: unicode-normalised (NFKC), case-folded, quotes dropped, `&` read
    as "and", every other mark (dashes of any length, colons, commas, a final period) a space,
    spaces collapsed. Two spellings of one title have the same key."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).replace("&", " and ").casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def same_title(a: str, b: str) -> bool:
    return title_key(a) == title_key(b)
