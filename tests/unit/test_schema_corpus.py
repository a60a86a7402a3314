"""The built-in schemas against the corpus's own `schemas/*.md` (run with `pytest -m corpus`).

Each schema file's "Required Fields" and "Optional Fields" tables, the enums of its YAML
frontmatter block (`field: a | b | c`) and its date fields must be what schema.py says; the
few places where schema.py knowingly says more are listed here, each with its reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from claim_lsp.config import Config
from claim_lsp.schema import AGENT_DOMAINS, AGENTS, CLAIM_DOMAINS, schemas_of

pytestmark = pytest.mark.corpus

SCHEMAS = Path(__file__).parents[2] / ".." / "shared" / "corpus" / "teleo-codex-sample" / "schemas"

# (type, field) -> the values schema.py allows beyond the schema file's list, and why
WIDER = {
    # the lists leave out a later agent or its domain; the vault files a theseus position
    # in ai-alignment, so they are examples of the agents' domains, not closed sets
    ("position", "agent"): AGENTS,
    ("position", "domain"): AGENT_DOMAINS,
    ("musing", "agent"): AGENTS,
    ("entity", "domain"): AGENT_DOMAINS,
    ("sector", "domain"): AGENT_DOMAINS,
    ("source", "domain"): AGENT_DOMAINS,
    ("conviction", "domain"): CLAIM_DOMAINS,
    # "Decision markets use: active | passed | failed" (a comment under the list)
    ("entity", "status"): ["passed", "failed"],
    # "Legacy files may use `partial`"
    ("source", "status"): ["partial"],
}


# the schema files of the corpus (attribution.md describes a block of a claim, not a type).
# Named here rather than listed from the folder when the tests are collected: `python -m pytest`
# (corpus tests deselected) must collect without the corpus; when they run, the folder must
# hold exactly these (test_the_corpus_has_these_schema_files).
TYPES = ("belief", "claim", "conviction", "entity", "musing", "position", "sector", "source")


def schema_file(name: str) -> Path:
    assert SCHEMAS.is_dir(), f"the shared corpus is missing: {SCHEMAS.resolve()} (these tests need it; never skipped)"
    return SCHEMAS / f"{name}.md"


def test_the_corpus_has_these_schema_files():
    schema_file(TYPES[0])  # (the corpus is there)
    assert sorted(p.stem for p in SCHEMAS.glob("*.md") if p.stem != "attribution") == list(TYPES)


def table(text: str, heading: str) -> list[str]:
    """The first column of the table under `## heading`."""
    m = re.search(rf"^## {heading}[^\n]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if m is None:
        return []
    rows = [line for line in m.group(1).splitlines() if line.startswith("|")][2:]
    return [row.split("|")[1].strip() for row in rows]


def expand(names: list[str]) -> list[str]:
    out = []
    for name in names:
        out.extend(name.replace("{agent}", a) for a in AGENTS) if "{agent}" in name else out.append(name)
    return out


def frontmatter_block(text: str) -> dict[str, str]:
    m = re.search(r"^## (?:YAML )?Frontmatter\s*\n+```yaml\n(.*?)```", text, re.M | re.S)
    assert m is not None
    out = {}
    for line in m.group(1).splitlines():
        kv = re.match(r"^(\w+):\s*(.*?)\s*(?:#.*)?$", line)
        if kv:
            out[kv.group(1)] = kv.group(2)
    return out


@pytest.mark.parametrize("name", TYPES)
def test_required_and_optional_fields_are_the_schema_files(name: str):
    path = schema_file(name)
    text = path.read_text(encoding="utf-8")
    schema = schemas_of(Config())[path.stem]
    required = table(text, "Required Fields")
    if not required:  # musing.md has a frontmatter block and "no quality bar", but no table
        required = ["type"]
    assert [entry.split("|")[0].strip() for entry in schema.required] == required
    optional = expand(table(text, "Optional Fields"))
    if path.stem == "musing":
        optional = [k for k in frontmatter_block(text) if k != "type"]
    assert schema.optional == optional


@pytest.mark.parametrize("name", TYPES)
def test_allowed_values_and_dates_are_the_schema_files(name: str):
    path = schema_file(name)
    text = path.read_text(encoding="utf-8")
    schema = schemas_of(Config())[path.stem]
    block = frontmatter_block(text)
    enums = {k: [v.strip() for v in value.split("|")] for k, value in block.items() if " | " in value}
    assert set(schema.allowed) == set(enums)
    for key, values in enums.items():
        extra = WIDER.get((path.stem, key), [])
        assert set(schema.allowed[key]) == set(values) | set(extra), key
    dates = {k for k, v in block.items() if v.startswith("YYYY-MM-DD")}
    dates |= set(re.findall(r"^\| (\w+) \| date \|", text, re.M))
    assert dates <= set(schema.dates)
