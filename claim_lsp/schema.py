"""Per-type frontmatter schemas and the user's configuration.

Built-in schemas follow the `schemas/` folder of the teleo-codex vault. A `.claim-lsp.toml`
at the vault root, or the client's initializationOptions (same keys, as JSON), override
them. A bad configuration never stops the server: its problems are reported as messages
and the defaults stay in force for whatever could not be read.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .model import SEVERITIES
from .parse import DEFAULT_LIMITS, Limits

CONFIG_FILE = ".claim-lsp.toml"

CLAIM_DOMAINS = [
    "internet-finance", "entertainment", "health", "ai-alignment", "space-development",
    "grand-strategy", "mechanisms", "living-capital", "living-agents", "teleohumanity",
    "critical-systems", "collective-intelligence", "teleological-economics", "cultural-dynamics",
]  # fmt: skip
AGENTS = ["leo", "rio", "clay", "theseus", "vida", "astra"]
ENTITY_TYPES = [
    "company", "person", "organization", "product", "market", "decision_market", "protocol",
    "token", "exchange", "fund", "vehicle", "mission", "facility", "program", "therapy", "drug",
    "insurer", "provider", "policy", "studio", "creator", "franchise", "platform", "lab", "model",
    "framework", "governance_body",
]  # fmt: skip


@dataclass
class TypeSchema:
    name: str
    required: list[str]  # an entry "a | b" is satisfied by either key
    allowed: dict[str, list[str]] = field(default_factory=dict)
    dates: list[str] = field(default_factory=list)
    optional: list[str] = field(default_factory=list)
    describe: dict[str, str] = field(default_factory=dict)  # field -> what the schema says
    folder: str = ""  # where "Create note" puts new notes of this type (vault-relative)

    def fields(self) -> list[str]:
        """Every field the schema knows, required first, in schema order."""
        out: list[str] = []
        for entry in self.required + self.optional:
            for name in entry.split("|"):
                name = name.strip()
                if name and name not in out:
                    out.append(name)
        return out


def _builtin_types() -> dict[str, TypeSchema]:
    claim = TypeSchema(
        "claim",
        required=["type", "domain", "description", "confidence", "source", "created"],
        allowed={"confidence": ["proven", "likely", "experimental", "speculative"], "domain": CLAIM_DOMAINS},
        dates=["created", "last_evaluated"],
        optional=["last_evaluated", "depends_on", "challenged_by", "secondary_domains", "attribution"],
        describe={
            "type": "Always `claim`.",
            "domain": "Primary domain.",
            "description": "One sentence adding context beyond the title (~150 chars).",
            "confidence": "How strong the evidence is: proven, likely, experimental or speculative.",
            "source": "Who proposed this claim and the primary evidence source.",
            "created": "When added (YYYY-MM-DD).",
            "last_evaluated": "When last reviewed against new evidence (YYYY-MM-DD).",
            "depends_on": "Evidence and claims this builds on (the reasoning chain).",
            "challenged_by": "Counter-evidence or counter-claims.",
            "secondary_domains": "Other domains this claim is relevant to.",
            "attribution": "Role-specific contributor tracking (schemas/attribution.md).",
        },
    )
    entity = TypeSchema(
        "entity",
        required=["type", "entity_type", "name", "domain", "status", "tracked_by", "created"],
        allowed={
            "entity_type": ENTITY_TYPES,
            "domain": CLAIM_DOMAINS,
            "status": ["active", "inactive", "acquired", "liquidated", "emerging", "passed", "failed"],
        },
        dates=["created", "last_updated", "founded", "launched", "launch_date", "proposal_date", "resolution_date"],
        optional=["handles", "website", "last_updated", "tags", "secondary_domains"],
    )
    source = TypeSchema(
        "source",
        required=[
            "type",
            "title",
            "author",
            "url | source",
            "date | date_published | date_archived",
            "domain",
            "status",
        ],
        allowed={
            "status": ["unprocessed", "processing", "processed", "null-result", "partial"],
            "format": ["essay", "newsletter", "tweet", "thread", "whitepaper", "paper", "report", "news"],
            "domain": CLAIM_DOMAINS,
        },
        dates=["date", "processed_date", "date_published", "date_archived"],
        optional=[
            "format",
            "processed_by",
            "processed_date",
            "claims_extracted",
            "enrichments",
            "tags",
            "linked_set",
            "notes",
        ],
    )
    position = TypeSchema(
        "position",
        required=[
            "type", "agent", "domain", "description", "status", "outcome", "confidence", "depends_on",
            "time_horizon", "performance_criteria", "proposed_by", "created",
        ],
        allowed={
            "agent": AGENTS,
            "domain": CLAIM_DOMAINS,
            "status": ["proposed", "adopted", "active", "closed"],
            "outcome": ["pending", "validated", "invalidated", "mixed"],
            "confidence": ["high", "moderate", "cautious"],
        },
        dates=["created", "adopted", "last_evaluated"],
        optional=["adopted", "last_evaluated", "invalidation_criteria", "public_thread"],
    )  # fmt: skip
    belief = TypeSchema(
        "belief",
        required=[
            "type",
            "agent",
            "domain",
            "description",
            "level",
            "depends_on",
            "created",
            "last_evaluated",
            "status",
        ],
        allowed={
            "agent": AGENTS,
            "domain": CLAIM_DOMAINS,
            "level": ["axiom", "belief", "hypothesis", "unconvinced"],
            "status": ["active", "under_review", "revised", "abandoned"],
            "confidence": ["strong", "moderate", "developing"],
        },
        dates=["created", "last_evaluated", "promoted_date", "demoted_date"],
        optional=["confidence", "promoted_from", "promoted_date", "demoted_from", "demoted_date", "promotion_evidence"],
    )
    musing = TypeSchema(
        "musing",
        required=["type", "agent", "title", "status", "created"],
        allowed={"agent": AGENTS, "status": ["seed", "developing", "ready-to-extract"]},
        dates=["created", "updated"],
        optional=["updated", "tags"],
    )
    conviction = TypeSchema(
        "conviction",
        required=["type", "domain", "description", "staked_by", "stake", "created"],
        allowed={"domain": CLAIM_DOMAINS, "stake": ["high", "medium"]},
        dates=["created"],
        optional=["secondary_domains", "horizon", "falsified_by"],
    )
    sector = TypeSchema(
        "sector",
        required=["type", "name", "domain", "description", "tracked_by", "status", "created"],
        allowed={"domain": CLAIM_DOMAINS, "status": ["emerging", "growing", "mature", "consolidating", "declining"]},
        dates=["created", "last_updated"],
        optional=[
            "last_updated",
            "secondary_domains",
            "market_size",
            "growth_trajectory",
            "regulatory_environment",
            "tags",
        ],
    )
    # legacy source types, accepted for backward compatibility (schemas/source.md)
    evidence = replace(source, name="evidence", required=["type"])
    archive = replace(source, name="archive", required=["type"])
    return {t.name: t for t in (claim, entity, source, position, belief, musing, conviction, sector, evidence, archive)}


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
}
GENERIC_DATE_FIELDS = ("created", "last_evaluated", "last_updated", "updated", "date")


@dataclass
class Config:
    types: dict[str, TypeSchema] = field(default_factory=_builtin_types)
    severity: dict[str, str | None] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    ignore: list[str] = field(default_factory=list)
    default_type: str = "claim"
    limits: Limits = DEFAULT_LIMITS
    max_file_bytes: int = 10 * 1024 * 1024
    inlay_hints: bool = True  # the target's confidence after each resolved link
    errors: list[str] = field(default_factory=list)  # what was wrong with the configuration

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
    errors = config.errors
    known = {"ignore", "severity", "types", "default_type", "limits", "max_file_bytes", "inlay_hints"}
    for key in settings:
        if key not in known:
            errors.append(f"{source}: unknown setting '{key}' (known: {', '.join(sorted(known))}); ignored")
    if "ignore" in settings:
        globs = _str_list(settings["ignore"], f"{source}: ignore", errors)
        if globs is not None:
            config.ignore = config.ignore + globs
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
    if "inlay_hints" in settings:
        if isinstance(settings["inlay_hints"], bool):
            config.inlay_hints = settings["inlay_hints"]
        else:
            errors.append(f"{source}: inlay_hints must be true or false; ignored")
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


def _apply_type(config: Config, name: str, spec: Any, where: str) -> None:
    errors = config.errors
    if not isinstance(spec, dict):
        errors.append(f"{where}: expected a table; ignored")
        return
    base = config.types.get(name) or TypeSchema(name, required=["type"])
    schema = replace(base, allowed=dict(base.allowed))
    for key, value in spec.items():
        if key in ("required", "dates", "optional"):
            items = _str_list(value, f"{where}.{key}", errors)
            if items is not None:
                setattr(schema, key, items)
        elif key == "folder":
            if isinstance(value, str):
                schema.folder = value.strip().strip("/")
            else:
                errors.append(f"{where}.folder: expected a vault-relative folder name; ignored")
        elif key == "allowed":
            if not isinstance(value, dict):
                errors.append(f"{where}.allowed: expected a table of field -> list of values; ignored")
                continue
            for fname, values in value.items():
                items = _str_list(values, f"{where}.allowed.{fname}", errors)
                if items is not None:
                    schema.allowed[fname] = items
        else:
            errors.append(f"{where}: unknown key '{key}' (known: required, optional, allowed, dates, folder); ignored")
    config.types[name] = schema


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
