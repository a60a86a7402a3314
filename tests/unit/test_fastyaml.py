"""The flat-frontmatter fast path must read exactly what the YAML loader reads."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.gen_vault import generate_vault
from claim_lsp.fastyaml import load_flat
from claim_lsp.frontmatter import _Loader, _top_level_keys, find_frontmatter
from claim_lsp.text import split_lines

RESOLVERS = _Loader.yaml_implicit_resolvers
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "teleo-codex-sample"


def yaml_load(source: str):
    try:
        return yaml.load(source, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return "error"


@pytest.mark.parametrize(
    "source",
    [
        "type: claim\nconfidence: likely\ncreated: 2026-02-00",
        'description: "quoted: with colon # and hash"\nsource: plain text, with a comma',
        'depends_on: []\nchallenged_by: ["[[a b]]", "[[c]]"]\nsecondary_domains: [health, ai-alignment]',
        "url: https://example.org/x#y\nname: C# in depth",
        "title: 'single quoted'\ntags: ['a', 'b']",
    ],
)
def test_fast_path_reads_what_yaml_reads(source):
    fast = load_flat(source, RESOLVERS)
    assert fast is not None
    assert fast == yaml_load(source)


@pytest.mark.parametrize(
    "source",
    [
        "count: 12",  # a number
        "draft: yes",  # a YAML 1.1 boolean
        "empty: ~",
        "nested:\n  a: 1",
        "list:\n  - a",
        "key: value # a comment",
        "key: &anchor value",
        "key: *alias",
        'key: "escaped \\" quote"',
        "key: 'it''s'",
        "key: a: b",
        "dup: 1\ndup: 2",
        "on: true",
        "key: [a, [b]]",
        "key: {a: 1}",
        "key: !!python/object:os.system x",
        "key: >\n  folded",
        "key:",
        "3.5: x",
    ],
)
def test_anything_unusual_falls_back_to_yaml(source):
    assert load_flat(source, RESOLVERS) is None


def frontmatters(root: Path):
    for path in sorted(root.rglob("*.md")):
        lines = split_lines(path.read_text(encoding="utf-8", errors="replace"))
        found = find_frontmatter(lines)
        if isinstance(found, tuple):
            yield path, "\n".join(lines[1 : found[1]])


def compare(root: Path) -> tuple[int, int]:
    fast = fallback = 0
    for path, source in frontmatters(root):
        keys: list = []
        got = load_flat(source, RESOLVERS, keys)
        if got is None:
            fallback += 1
            continue
        fast += 1
        assert got == yaml_load(source), path
        # the key positions it reports are the ones the general key scanner finds
        assert tuple(keys) == _top_level_keys(source.split("\n"))[0], path
    return fast, fallback


def test_same_result_on_a_generated_vault(tmp_path):
    generate_vault(tmp_path / "v", 400, seed=3)
    fast, fallback = compare(tmp_path / "v")
    assert fast > 300  # the fast path takes most notes


@pytest.mark.corpus
def test_same_result_on_the_corpus():
    assert CORPUS.is_dir(), f"the shared corpus is missing at {CORPUS}"
    fast, fallback = compare(CORPUS)
    assert fast > 250
