"""Per-type frontmatter schemas.

Built-in schemas follow the `schemas/` folder of the teleo-codex vault. The configuration's
`[types.NAME]` settings (config.py reads and checks them) are laid over them by schemas_of.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from .config import (  # (RELATION_FIELDS: the built-in set, kept in the core)
    RELATION_FIELDS,
    Config,
    TypeSettings,
    glob_regex,
)

CLAIM_DOMAINS = [
    "internet-finance", "entertainment", "health", "ai-alignment", "space-development",
    "grand-strategy", "mechanisms", "living-capital", "living-agents", "teleohumanity",
    "critical-systems", "collective-intelligence", "teleological-economics", "cultural-dynamics",
]  # fmt: skip
AGENTS = ["leo", "rio", "clay", "theseus", "vida", "astra"]
# the agents' own domains, one each (schemas/belief.md lists all six); entity, sector, source
# and position list subsets of these that leave out a later agent's domain, while the vault
# itself files such notes under the others (a theseus position in ai-alignment)
AGENT_DOMAINS = ["internet-finance", "entertainment", "health", "ai-alignment", "space-development", "grand-strategy"]
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
    # frontmatter fields whose items name other notes (by wiki link or by plain title)
    relations: list[str] = field(default_factory=lambda: list(RELATION_FIELDS))
    homes: list[str] = field(default_factory=list)  # globs of where the vault files this type
    # is the file name the note's title, repeated as its H1 (title-mismatch)? Not where the
    # schema names files by date and slug and keeps the title elsewhere
    file_named_by_title: bool = True

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
        homes=["domains/**", "core/**", "foundations/**"],
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
        homes=["entities/**"],
        file_named_by_title=False,  # "Lowercase slugified name"; the H1 is the display name
        allowed={
            "entity_type": ENTITY_TYPES,
            "domain": AGENT_DOMAINS,
            "status": ["active", "inactive", "acquired", "liquidated", "emerging", "passed", "failed"],
        },
        dates=[
            "created",
            "last_updated",
            "founded",
            "launched",
            "launch_date",
            "proposal_date",
            "resolution_date",
            "first_contribution",
        ],
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
            "domain": AGENT_DOMAINS,
        },
        dates=["date", "processed_date", "date_published", "date_archived"],
        homes=["inbox/**"],
        file_named_by_title=False,  # YYYY-MM-DD-{author-handle}-{brief-slug}.md, the title in `title`
        optional=[
            "format",
            "processed_by",
            "processed_date",
            "claims_extracted",
            "enrichments",
            "tags",
            "linked_set",
            "cross_domain_flags",
            *(f"flagged_for_{agent}" for agent in AGENTS),  # the schema's flagged_for_{agent}
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
            "domain": AGENT_DOMAINS,
            "status": ["proposed", "adopted", "active", "closed"],
            "outcome": ["pending", "validated", "invalidated", "mixed"],
            "confidence": ["high", "moderate", "cautious"],
        },
        dates=["created", "adopted", "last_evaluated"],
        homes=["agents/*/positions/**"],
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
            "domain": AGENT_DOMAINS,
            "level": ["axiom", "belief", "hypothesis", "unconvinced"],
            "status": ["active", "under_review", "revised", "abandoned"],
            "confidence": ["strong", "moderate", "developing"],
        },
        dates=["created", "last_evaluated", "promoted_date", "demoted_date"],
        homes=["agents/*/beliefs/**"],
        optional=["confidence", "promoted_from", "promoted_date", "demoted_from", "demoted_date", "promotion_evidence"],
    )
    # "No quality bar — wrong, speculative, half-formed is fine": musing.md shows a frontmatter
    # block but, alone of the schemas, no Required Fields table, and the agent is the folder's
    # (agents/{name}/musings/). Its fields are offered and their values checked, none demanded.
    musing = TypeSchema(
        "musing",
        required=["type"],
        homes=["agents/*/musings/**"],
        file_named_by_title=False,  # freeform: research-2026-03-10.md, with its own `title`
        allowed={"agent": AGENTS, "status": ["seed", "developing", "ready-to-extract"]},
        dates=["created", "updated"],
        optional=["agent", "title", "status", "created", "updated", "tags"],
    )
    conviction = TypeSchema(
        "conviction",
        required=["type", "domain", "description", "staked_by", "stake", "created"],
        homes=["convictions/**"],
        allowed={"domain": CLAIM_DOMAINS, "stake": ["high", "medium"]},
        dates=["created"],
        optional=["secondary_domains", "horizon", "falsified_by"],
    )
    sector = TypeSchema(
        "sector",
        required=["type", "name", "domain", "description", "tracked_by", "status", "created"],
        homes=["sectors/**"],
        file_named_by_title=False,  # sectors/{domain}/{slugified-sector-name}.md
        allowed={"domain": AGENT_DOMAINS, "status": ["emerging", "growing", "mature", "consolidating", "declining"]},
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
    # legacy source types, "accepted for backward compatibility" (schemas/source.md): checked
    # as sources, whose required fields already accept the legacy names (source, date_published)
    evidence = replace(source, name="evidence", homes=[])
    archive = replace(source, name="archive", homes=[])
    return {t.name: t for t in (claim, entity, source, position, belief, musing, conviction, sector, evidence, archive)}


GENERIC_DATE_FIELDS = ("created", "last_evaluated", "last_updated", "updated", "date")
LEGACY_TYPES = ("evidence", "archive")  # never proposed for a note: new notes say "source"
_HOME_WEIGHT = 3  # a note in a type's home folder is as telling as three of its fields


def likely_types(config: Config, path: str, keys: Iterable[str], limit: int = 3) -> list[str]:
    """The types a note without `type` most likely has, best first: scored by the fields it
    already has that a type's schema knows, and by whether it sits where the vault files that
    type (the schemas' filing conventions: inbox/ for sources, agents/*/musings/ for musings,
    ...; a type's configured `folder` too). The default type when nothing tells."""
    present = {k for k in keys if k != "type"}
    scored = []
    for order, schema in enumerate(schemas_of(config).values()):
        if schema.name in LEGACY_TYPES:
            continue
        score = len(present.intersection(schema.fields()))
        homes = schema.homes + ([f"{schema.folder}/**"] if schema.folder else [])
        if any(glob_regex(g).match(path) for g in homes):
            score += _HOME_WEIGHT
        if score > 0:
            scored.append((-score, schema.name != config.default_type, order, schema.name))
    found = [name for *_, name in sorted(scored)][:limit]
    return found or [config.default_type]


def schemas_of(config: Config) -> dict[str, TypeSchema]:
    """Every type's schema: the built-in ones with the configuration's `[types.NAME]` laid
    over them, made once for each configuration."""
    schemas = config.schemas_memo
    if schemas is None:
        schemas = _builtin_types()
        for name, settings in config.types.items():
            schemas[name] = _with_settings(schemas.get(name) or TypeSchema(name, required=["type"]), settings)
        config.schemas_memo = schemas
    return schemas


def relations_of(config: Config, type_name: object) -> frozenset[str]:
    """The relation fields of a note of this type (any `type` value, None for none): its
    schema's, else the built-in set."""
    schema = schemas_of(config).get(type_name) if isinstance(type_name, str) else None
    return frozenset(schema.relations if schema is not None else RELATION_FIELDS)


def _with_settings(base: TypeSchema, settings: TypeSettings) -> TypeSchema:
    schema = replace(base, allowed={**base.allowed, **settings.allowed})
    for key in ("required", "optional", "dates", "folder", "relations"):
        value = getattr(settings, key)
        if value is not None:
            setattr(schema, key, value)
    return schema
