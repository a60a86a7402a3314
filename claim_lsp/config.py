"""The user's configuration: severities, ignore globs, limits, and `[types.NAME]` settings.

A `.claim-lsp.toml` at the vault root, or the client's initializationOptions (same keys, as
JSON), override the defaults. A bad configuration never stops the server: its problems are
reported as messages and the defaults stay in force for whatever could not be read.

Core: imports nothing of the index, the rules, the disk or the protocol. The type settings
are kept as read; schema.schemas_of lays them over the built-in schemas.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .model import SEVERITIES

CONFIG_FILE = ".claim-lsp.toml"
VAULT_MARKERS = (CONFIG_FILE, ".obsidian", ".git")  # what makes a folder a vault's root
SKIP_DIRS = {"node_modules", "__pycache__"}  # never part of a vault (nor hidden folders)


# The relation fields the vault's schemas define (claim.md: depends_on, challenged_by;
# source.md: claims_extracted, enrichments; position.md and belief.md: depends_on), with
# `challenges` (the other direction of challenged_by) and the legacy `enrichments_applied`.
# Every type takes them unless `[types.NAME] relations` says otherwise.
RELATION_FIELDS = (
    "depends_on",
    "challenged_by",
    "challenges",
    "claims_extracted",
    "enrichments",
    "enrichments_applied",
)
_RELATIONS = frozenset(RELATION_FIELDS)


@dataclass(frozen=True, slots=True)
class Limits:
    """What the parser is told besides the text: how much it reads, and which frontmatter
    fields name other notes by plain title (the parser reads their items as references)."""

    max_links: int = 20_000
    max_yaml_bytes: int = 256 * 1024
    max_yaml_values: int = 100_000
    # (type name, its relation fields) for each type whose `[types.NAME] relations` is set;
    # every other type has RELATION_FIELDS (schema.relations_of says the same from the schemas)
    typed_relations: tuple[tuple[str, frozenset[str]], ...] = ()

    def relations_for(self, type_name: object) -> frozenset[str]:
        """The relation fields of a note whose `type` is type_name (any value)."""
        for name, fields in self.typed_relations:
            if name == type_name:
                return fields
        return _RELATIONS


DEFAULT_LIMITS = Limits()

DEFAULT_SEVERITY: dict[str, str] = {
    "broken-link": "error",
    "case-mismatch": "warning",
    "ambiguous-link": "warning",
    "empty-link": "error",
    "yaml-error": "error",
    "missing-field": "error",
    "invalid-value": "error",
    "invalid-date": "warning",
    "unknown-type": "information",
    "title-mismatch": "hint",
    "duplicate-key": "warning",
    "unreadable-file": "error",
    "too-many-links": "warning",
    "broken-reference": "warning",
    # the review checklist (review.py)
    "duplicate-claim": "warning",
    "near-duplicate": "information",
    "description-repeats-title": "hint",
    "confidence-exceeds-support": "hint",
    "unacknowledged-challenge": "information",
    "forbidden-link": "warning",
}


# (from type, to type): links a note of the first may not make to one of the second. Built in,
# from schemas/musing.md: "musings may link to claims, but claims must NEVER link back to musings"
DEFAULT_FORBIDDEN_LINKS = (("claim", "musing"),)

# `[diagnostics] scope`: "open" reports the problems of the notes open in the editor, "vault"
# those of every note (workspace/diagnostic, or pushed for a client that does not pull)
DIAGNOSTICS_SCOPES = ("open", "vault")


# notes whose H1 is a display name, not their title: folder maps, indexes, READMEs
DEFAULT_TITLE_MISMATCH_IGNORE = ("_map.md", "index.md", "README.md")


@dataclass
class TypeSettings:
    """One `[types.NAME]` table, its shape checked. Each key given replaces the built-in
    schema's (for `allowed`, field by field); a name without a built-in schema starts from
    `required = ["type"]`."""

    required: list[str] | None = None
    optional: list[str] | None = None
    dates: list[str] | None = None
    allowed: dict[str, list[str]] = field(default_factory=dict)
    folder: str | None = None
    relations: list[str] | None = None


@dataclass
class Config:
    types: dict[str, TypeSettings] = field(default_factory=dict)
    severity: dict[str, str | None] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    ignore: list[str] = field(default_factory=list)
    default_type: str = "claim"
    limits: Limits = DEFAULT_LIMITS
    max_file_bytes: int = 10 * 1024 * 1024
    inlay_hints: bool = True  # the target's confidence after each resolved link
    # globs of notes never checked for title-mismatch (given, they replace the default)
    title_mismatch_ignore: list[str] = field(default_factory=lambda: list(DEFAULT_TITLE_MISMATCH_IGNORE))
    # `[links] forbidden`: (from type, to type) pairs, forbidden-link (given, they replace the default)
    forbidden_links: list[tuple[str, str]] = field(default_factory=lambda: list(DEFAULT_FORBIDDEN_LINKS))
    # which notes' diagnostics the server reports: those of "open" notes, or the whole "vault"
    # (see DIAGNOSTICS_SCOPES); None: the server chooses by what the client can take
    diagnostics_scope: str | None = None
    errors: list[str] = field(default_factory=list)  # what was wrong with the configuration
    # what schema.schemas_of made of `types`, kept because checks ask for it for every note;
    # apply_settings drops it
    schemas_memo: Any = field(default=None, init=False, repr=False, compare=False)

    def severity_of(self, code: str) -> str | None:
        """None means the code is switched off."""
        return self.severity.get(code, DEFAULT_SEVERITY.get(code, "warning"))


def load_config(root: Path | None, options: dict[str, Any] | None = None) -> Config:
    """Defaults, then `.claim-lsp.toml` at root, then `options` (initializationOptions)."""
    config = Config()
    if root is not None:
        path = root / CONFIG_FILE
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raw = None
        except OSError as exc:
            config.errors.append(f"{path}: cannot be read ({exc.strerror}); using the defaults")
            raw = None
        if raw is not None:
            try:
                apply_settings(config, tomllib.loads(raw.decode("utf-8")), str(path))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                config.errors.append(f"{path}: not valid TOML ({exc}); using the defaults")
    if options:
        if isinstance(options, dict):
            apply_settings(config, options, "initializationOptions")
        else:
            config.errors.append("initializationOptions: expected an object; ignored")
    return config


def _str_list(value: Any, where: str, errors: list[str]) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    errors.append(f"{where}: expected a list of strings; ignored")
    return None


def apply_settings(config: Config, settings: dict[str, Any], source: str) -> None:
    config.schemas_memo = None
    errors = config.errors
    known = {
        "ignore", "severity", "types", "default_type", "limits", "max_file_bytes", "inlay_hints",
        "title_mismatch_ignore", "links", "diagnostics",
    }  # fmt: skip
    for key in settings:
        if key not in known:
            errors.append(f"{source}: unknown setting '{key}' (known: {', '.join(sorted(known))}); ignored")
    if "ignore" in settings:
        globs = _str_list(settings["ignore"], f"{source}: ignore", errors)
        if globs is not None:
            config.ignore = config.ignore + globs
    if "title_mismatch_ignore" in settings:
        globs = _str_list(settings["title_mismatch_ignore"], f"{source}: title_mismatch_ignore", errors)
        if globs is not None:
            config.title_mismatch_ignore = globs
    severity = settings.get("severity")
    if severity is not None:
        if not isinstance(severity, dict):
            errors.append(f"{source}: severity must be a table of code = level; ignored")
        else:
            for code, level in severity.items():
                if level in ("off", "none", False):
                    config.severity[code] = None
                elif isinstance(level, str) and level.lower() in SEVERITIES:
                    config.severity[code] = level.lower()
                elif level == "info":
                    config.severity[code] = "information"
                else:
                    errors.append(
                        f"{source}: severity.{code} = {level!r} is not one of error, warning, information, hint, off; ignored"
                    )
    if "links" in settings:
        _apply_links(config, settings["links"], f"{source}: links")
    if "inlay_hints" in settings:
        if isinstance(settings["inlay_hints"], bool):
            config.inlay_hints = settings["inlay_hints"]
        else:
            errors.append(f"{source}: inlay_hints must be true or false; ignored")
    if "diagnostics" in settings:
        _apply_diagnostics(config, settings["diagnostics"], f"{source}: diagnostics")
    if "default_type" in settings:
        if isinstance(settings["default_type"], str):
            config.default_type = settings["default_type"]
        else:
            errors.append(f"{source}: default_type must be a string; ignored")
    types = settings.get("types")
    if types is not None:
        if not isinstance(types, dict):
            errors.append(f"{source}: types must be a table of type name -> schema; ignored")
        else:
            for name, spec in types.items():
                _apply_type(config, str(name), spec, f"{source}: types.{name}")
    limits = settings.get("limits")
    if limits is not None:
        _apply_limits(config, limits, f"{source}: limits")
    if "max_file_bytes" in settings:
        _apply_limits(config, {"max_file_bytes": settings["max_file_bytes"]}, source)
    typed = tuple((name, frozenset(t.relations)) for name, t in config.types.items() if t.relations is not None)
    if typed != config.limits.typed_relations:
        config.limits = replace(config.limits, typed_relations=typed)


def _apply_type(config: Config, name: str, spec: Any, where: str) -> None:
    errors = config.errors
    if not isinstance(spec, dict):
        errors.append(f"{where}: expected a table; ignored")
        return
    settings = config.types.setdefault(name, TypeSettings())
    for key, value in spec.items():
        if key in ("required", "dates", "optional", "relations"):
            items = _str_list(value, f"{where}.{key}", errors)
            if items is not None:
                setattr(settings, key, items)
        elif key == "folder":
            if isinstance(value, str):
                settings.folder = value.strip().strip("/")
            else:
                errors.append(f"{where}.folder: expected a vault-relative folder name; ignored")
        elif key == "allowed":
            if not isinstance(value, dict):
                errors.append(f"{where}.allowed: expected a table of field -> list of values; ignored")
                continue
            for fname, values in value.items():
                items = _str_list(values, f"{where}.allowed.{fname}", errors)
                if items is not None:
                    settings.allowed[fname] = items
        else:
            errors.append(
                f"{where}: unknown key '{key}' (known: required, optional, allowed, dates, folder, relations); ignored"
            )


def _apply_links(config: Config, spec: Any, where: str) -> None:
    """`[links] forbidden = [["claim", "musing"], ...]`: each item a pair of type names; a bad
    item is reported and left out, the others kept."""
    errors = config.errors
    if not isinstance(spec, dict):
        errors.append(f"{where}: expected a table (forbidden = [[from_type, to_type], ...]); ignored")
        return
    for key in spec:
        if key != "forbidden":
            errors.append(f"{where}: unknown key '{key}' (known: forbidden); ignored")
    if "forbidden" not in spec:
        return
    value = spec["forbidden"]
    if not isinstance(value, list):
        errors.append(
            f'{where}.forbidden: expected a list of [from_type, to_type] pairs, e.g. [["claim", "musing"]]; ignored'
        )
        return
    pairs: list[tuple[str, str]] = []
    for n, item in enumerate(value):
        if isinstance(item, list) and len(item) == 2 and all(isinstance(t, str) and t.strip() for t in item):
            pairs.append((item[0].strip(), item[1].strip()))
        else:
            errors.append(
                f'{where}.forbidden[{n}]: expected a pair of type names such as ["claim", "musing"], got {item!r}; ignored'
            )
    if pairs or not value:  # (not one good pair: the default stays, as for any setting not read)
        config.forbidden_links = pairs


def _apply_diagnostics(config: Config, spec: Any, where: str) -> None:
    if not isinstance(spec, dict):
        config.errors.append(f'{where}: expected a table (scope = "open" or "vault"); ignored')
        return
    for key, value in spec.items():
        if key != "scope":
            config.errors.append(f"{where}: unknown key '{key}' (known: scope); ignored")
        elif value in DIAGNOSTICS_SCOPES:
            config.diagnostics_scope = value
        else:
            config.errors.append(f"{where}.scope = {value!r} is not one of {', '.join(DIAGNOSTICS_SCOPES)}; ignored")


def _apply_limits(config: Config, spec: Any, where: str) -> None:
    if not isinstance(spec, dict):
        config.errors.append(f"{where}: expected a table; ignored")
        return
    values = {}
    for key, value in spec.items():
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            config.errors.append(f"{where}.{key}: expected a positive integer; ignored")
            continue
        if key == "max_file_bytes":
            config.max_file_bytes = value
        elif key in ("max_links", "max_yaml_bytes", "max_yaml_values"):
            values[key] = value
        else:
            config.errors.append(f"{where}: unknown limit '{key}'; ignored")
    if values:
        config.limits = replace(config.limits, **values)


_GLOB_CACHE: dict[str, re.Pattern[str]] = {}


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A gitignore-like glob: `*` stays within a folder, `**` crosses folders, and a
    pattern without `/` matches a file or folder name anywhere."""
    cached = _GLOB_CACHE.get(pattern)
    if cached is not None:
        return cached
    pat = pattern.strip().lstrip("./") if pattern.startswith("./") else pattern.strip()
    anchored = "/" in pat.rstrip("/")
    pat = pat.strip("/")
    out = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(c))
            i += 1
    body = "".join(out)
    regex = re.compile(("^" if anchored else "^(?:.*/)?") + body + "(?:/.*)?$")
    _GLOB_CACHE[pattern] = regex
    return regex


def is_ignored(rel_path: str, globs: list[str]) -> bool:
    return any(glob_regex(g).match(rel_path) for g in globs)


def is_note_path(rel_path: str, config: Config) -> bool:
    """Would the walk index this path?"""
    parts = rel_path.split("/")
    if not parts[-1].lower().endswith(".md"):
        return False
    if any(p.startswith(".") or p in SKIP_DIRS for p in parts):
        return False
    return not is_ignored(rel_path, config.ignore)
