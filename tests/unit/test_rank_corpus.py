"""Ranking quality on real titles from the shared corpus (run with `pytest -m corpus`).

Fixed-seed samples of titles, typed or mistyped the way people do, must find the intended
note: completion (a unique prefix, words from the middle, a typo while typing) and
broken-link suggestions (a typo, a case change, a dropped word, two swapped words).
"""

from __future__ import annotations

import random
import statistics
import time

import pytest

from claim_lsp.index import Vault
from tests.helpers import corpus_vault

pytestmark = pytest.mark.corpus

SAMPLE = 60
SEED = 20260301


@pytest.fixture(scope="module")
def vault() -> Vault:
    return corpus_vault()


@pytest.fixture(scope="module")
def titles(vault: Vault) -> list[str]:
    return sorted({n.title for n in vault.notes.values()})


def claim_titles(titles: list[str]) -> list[str]:
    """Titles that read like claims (five words or more), the ones people link to."""
    return [t for t in titles if len(t.split()) >= 5]


def unique_prefix_len(title: str, titles: list[str]) -> int:
    lowered = [t.lower() for t in titles]
    for n in range(1, len(title) + 1):
        p = title[:n].lower()
        if sum(1 for t in lowered if t.startswith(p)) == 1:
            return n
    return len(title)


def typo(word: str, rng: random.Random) -> str:
    """One swapped pair of neighbouring letters, or one dropped letter."""
    i = rng.randrange(len(word) - 1)
    if rng.random() < 0.5 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


def first(vault: Vault, query: str) -> str | None:
    ranked = vault.ranker.rank(query)
    return ranked[0].entry.text if ranked else None


def report(name: str, misses: list[tuple[str, str, object]]) -> int:
    hits = SAMPLE - len(misses)
    print(f"\n{name}: {hits}/{SAMPLE}")
    for query, wanted, got in misses:
        print(f"   typed {query!r}\n     wanted {wanted!r}\n     got    {got!r}")
    return hits


def test_completion_ranking(vault: Vault, titles: list[str]):
    rng = random.Random(SEED)
    pool = [t for t in claim_titles(titles) if unique_prefix_len(t, titles) <= 25]
    assert len(pool) >= SAMPLE
    sample = rng.sample(pool, SAMPLE)
    prefix_misses, middle_misses, typo_misses = [], [], []
    times = []
    for title in sample:
        # (1) a prefix long enough to be unique, typed to 15-25 letters
        n = max(unique_prefix_len(title, titles), rng.randint(15, 25))
        typed = title[:n]
        start = time.perf_counter()
        got = first(vault, typed)
        times.append(time.perf_counter() - start)
        if got != title:
            prefix_misses.append((typed, title, got))
        # (2) three consecutive words from the middle
        words = title.split()
        i = rng.randint(1, len(words) - 3)
        middle = " ".join(words[i : i + 3])
        top3 = [r.entry.text for r in vault.ranker.rank(middle)[:3]]
        if title not in top3:
            middle_misses.append((middle, title, top3))
        # (3) the same prefix with a typo in one of its first three (fully typed) words
        parts = typed.split(" ")
        which = [k for k, w in enumerate(parts[:3]) if len(w) >= 4 and k < len(parts) - 1]
        which = which or [k for k, w in enumerate(parts[:3]) if len(w) >= 3] or [0]
        k = rng.choice(which)
        parts[k] = typo(parts[k], rng)
        mistyped = " ".join(parts)
        got = first(vault, mistyped)
        if got != title:
            typo_misses.append((mistyped, title, got))
    prefix = report("completion, unique prefix -> first", prefix_misses)
    middle = report("completion, 3 words from the middle -> top 3", middle_misses)
    typos = report("completion, prefix with a typo -> first", typo_misses)
    print(f"rank(): median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms")
    assert prefix == SAMPLE
    assert middle >= 58
    assert typos >= 55


def test_suggestions(vault: Vault, titles: list[str]):
    rng = random.Random(SEED + 1)
    sample = rng.sample(claim_titles(titles), SAMPLE)
    misses: dict[str, list] = {"typo": [], "case": [], "dropped word": [], "swapped words": []}
    for title in sample:
        words = title.split()
        k = rng.choice([i for i, w in enumerate(words) if len(w) >= 4])
        typoed = words[:k] + [typo(words[k], rng)] + words[k + 1 :]
        dropped = list(words)
        del dropped[rng.randrange(len(words))]
        swapped = list(words)
        i = rng.randrange(len(words) - 1)
        swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
        case = (title[0].lower() if title[0].isupper() else title[0].upper()) + title[1:]
        mutations = {
            "typo": " ".join(typoed),
            "case": case,
            "dropped word": " ".join(dropped),
            "swapped words": " ".join(swapped),
        }
        for name, target in mutations.items():
            got = vault.suggest(target, "domains/x.md")
            if not got or got[0] != title:
                misses[name].append((target, title, got[:2]))
    rates = {name: report(f"suggestions, {name} -> first", m) for name, m in misses.items()}
    for name, hits in rates.items():
        assert hits >= 57, f"{name}: {hits}/{SAMPLE}"
