"""Completion ranking: the candidates scored by where the query sits in each title (start,
word boundary, inside), by the query words each title meets, and by typo-tolerant scores,
with fallback passes when too few titles answer."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from .normalize import normalize, typo_fixes
from .words import Entry, candidates, scans_overlay, starting_with, tiebreak

if TYPE_CHECKING:
    from .ranker import TitleRanker

MAX_CANDIDATES = 200  # partial matches scored word by word when too few titles meet every word
FALLBACK_BELOW = 5  # fewer answers than this: a typo-tolerant pass over every title
MAX_FIXED_QUERY = 24  # longer queries are not tried with typos undone (few titles hold them)
TYPO_PENALTY = 8  # a title placed by the query with a typo undone: 100 -> 92, 93 -> 85
STRONG_TIERED = 500  # more strong candidates than this: only the best placed are scored


@dataclass(slots=True)
class Ranked:
    entry: Entry
    score: float


def rank(ranker: TitleRanker, query: str, limit: int = 50, exclude: str | None = None) -> list[Ranked]:
    """Best matches for what was typed, best first."""
    ranker._maybe_rebuild(deferrable=True)
    q = normalize(query)
    if not q:  # just `[[`: the most linked-to notes, kept until titles or links change
        key = (ranker.generation, limit + 1)
        if ranker._popular_key != key:
            pool = [e for e in ranker.entries() if not e.alias]
            ranker._popular = heapq.nsmallest(limit + 1, pool, key=lambda e: (-e.pop, e.norm))
            ranker._popular_key = key
        return [Ranked(e, 0.0) for e in ranker._popular if e.path != exclude][:limit]
    entries = ranker._entries
    # titles that start with the query outscore all others: when there are enough of
    # them (a short query at 100,000 notes), they are the answer, found by bisection
    starting = starting_with(ranker, q)
    if len(starting) >= limit:
        best = heapq.nsmallest(2 * limit, starting)  # ids are in tie-break order
        best += [i for i in starting[:limit] if entries[i].norm == q]  # exact ones sort first
        scored = [Ranked(e, _score_strong(q, [], e)) for i in best if (e := entries[i]).path != exclude]
        scored.sort(key=lambda r: (-r.score, r.entry.norm))
        return _dedupe(scored, limit)
    qwords = q.split()
    hits, need = candidates(ranker, qwords, fuzzy_words=True)
    memo: dict[str, tuple[float, ...]] = {}
    scored = []
    alive = ranker._alive
    # titles that meet every typed word (as a prefix or a near spelling) are scored with
    # string tests only; the rest, with the word-by-word score, only if they are needed
    strong = [i for i, n in hits.items() if n >= need and alive[i]]
    # (with a large overlay, each would cost a pass over its text: left until it is indexed)
    fixes = typo_fixes(q) if len(q) <= MAX_FIXED_QUERY and not scans_overlay(ranker) else []
    if len(strong) > STRONG_TIERED:
        strong = _best_placed(ranker, q, fixes, strong, limit)
    if len(strong) >= limit:
        for i in strong:
            e = entries[i]
            if e.path != exclude:
                scored.append(Ranked(e, _score_strong(q, fixes, e)))
    else:
        for i, _ in hits.most_common(MAX_CANDIDATES):
            e = entries[i]
            if e.path == exclude or not alive[i]:
                continue
            s = _score(q, qwords, e, memo)
            if s >= 40:
                scored.append(Ranked(e, s))
    if len(scored) < min(limit, FALLBACK_BELOW) and fixes:
        # a typo across words ("thec riti"): the titles starting with the query undone
        seen = {id(r.entry) for r in scored}
        for fixed in fixes:
            for i in sorted(starting_with(ranker, fixed))[:limit]:
                e = entries[i]
                if id(e) not in seen and e.path != exclude:
                    seen.add(id(e))
                    scored.append(Ranked(e, _score_strong(q, fixes, e)))
    if len(scored) < min(limit, FALLBACK_BELOW) and len(q) >= 3:
        # (almost) nothing shares a word: a typo-tolerant pass over everything
        seen = {id(r.entry) for r in scored}
        live, norms = ranker._alive_norms()
        found = process.extract(q, norms, scorer=fuzz.partial_ratio, score_cutoff=70, limit=limit)
        for _, _, idx in found:
            e = live[idx]
            if id(e) not in seen and e.path != exclude:
                scored.append(Ranked(e, _score(q, qwords, e, memo)))
    scored.sort(key=lambda r: (-r.score, r.entry.norm))
    return _dedupe(scored, limit)


def rank_titles(titles: list[Entry], query: str, limit: int = 50) -> list[Ranked]:
    """Best matches for what was typed among some titles (a folder's, for a path link),
    scored as rank scores them, without the word index: where the query sits in each title,
    or, when too few titles hold it, the word-by-word and typo-tolerant score (of at most
    MAX_CANDIDATES titles: those placed, then the closest spellings, found in C)."""
    q = normalize(query)
    if not q:
        best = heapq.nsmallest(limit, titles, key=lambda e: (-e.pop, e.norm))
        return [Ranked(e, 0.0) for e in best]
    placed = [Ranked(e, p + tiebreak(e)) for e in titles if (p := _placement(q, e.norm))]
    if len(placed) < limit:
        pool = titles
        if len(titles) > MAX_CANDIDATES:
            pool = [r.entry for r in placed]
            found = process.extract(q, [e.norm for e in titles], scorer=fuzz.partial_ratio, limit=MAX_CANDIDATES)
            pool += [titles[i] for _, _, i in found]
        qwords = q.split()
        memo: dict[str, tuple[float, ...]] = {}
        unique = {id(e): e for e in pool}.values()
        placed = [Ranked(e, s) for e in unique if (s := _score(q, qwords, e, memo)) >= 40]
    placed.sort(key=lambda r: (-r.score, r.entry.norm))
    return placed[:limit]


def _best_placed(ranker: TitleRanker, q: str, fixes: list[str], ids: list[int], limit: int) -> list[int]:
    """Of many titles that hold every typed word (a common word typed at 100,000 notes),
    those that start with the query, then those with a word starting with it, then the
    same for the query with a typo undone, enough to fill the answer: they outscore the
    rest, so only they are scored. Plain string tests in comprehensions, no scoring per
    title; failing that, the first MAX_CANDIDATES."""
    entries = ranker._entries
    ids = sorted(ids)  # ids are in tie-break order (see TitleRanker._rebuild)
    among = set(ids)
    cap = 4 * limit
    chosen = sorted(i for i in starting_with(ranker, q) if i in among)[:cap]
    if len(chosen) < limit:
        spaced = " " + q
        chosen += [i for i in ids if spaced in entries[i].norm][:cap]
    for fixed in fixes:  # typed with a typo: the titles that start with the query undone
        if len(chosen) >= limit:
            break
        chosen += sorted(i for i in starting_with(ranker, fixed) if i in among)[:cap]
    return chosen if len(chosen) >= limit else chosen + ids[:MAX_CANDIDATES]


def _score(query: str, qwords: list[str], e: Entry, memo: dict[str, tuple[float, ...]]) -> float:
    t = e.norm
    if not t:
        return 0.0
    best = _placement(query, t)
    if best < 88:
        # how well each query word is met by some word of the title: 1 as a prefix,
        # 0.75 as a near spelling (memoised per title word: candidates share words)
        vectors = [memo[x] if x in memo else _word_vector(memo, x, qwords) for x in t.split()]
        matched = sum(map(max, zip(*vectors))) if vectors else 0.0
        coverage = matched / len(qwords)
        words_score = 55 + 30 * coverage if coverage else 0.0
        typo = 0.0
        if len(query) >= 3 and matched < len(qwords):
            # partial_ratio looks for the shorter string inside the longer one: a short
            # title inside a longer query is not a match for it, so it gets plain ratio
            # (scores that could not raise the best are cut off early: same answers, faster)
            scorer = fuzz.partial_ratio if len(t) >= len(query) else fuzz.ratio
            typo = scorer(query, t, score_cutoff=max(best, words_score) / 0.85) * 0.85
            # a typed prefix with a typo (a swapped, dropped or wrong letter): compare it
            # with the title's opening of the same length (or one more, for a dropped letter)
            n = len(query)
            head = max(fuzz.ratio(query, t[:n], score_cutoff=80), fuzz.ratio(query, t[: n + 1], score_cutoff=80))
            if head >= 80:
                typo = max(typo, 86 + (head - 80) * 0.3)
        best = max(best, words_score, typo)
    return best + tiebreak(e)


def _score_strong(query: str, fixes: list[str], e: Entry) -> float:
    """The score of a title that holds every typed word: where the query sits in it, or
    where it would with one typo undone, or how close its opening is to the query."""
    t = e.norm
    best = _placement(query, t)
    if not best and fixes:
        placed = [_placement(f, t) for f in fixes if f in t]  # (the substring test is cheap)
        if placed:
            best = max(placed) - TYPO_PENALTY
    if not best:
        head = max(fuzz.ratio(query, t[: len(query)]), fuzz.ratio(query, t[: len(query) + 1]))
        best = 86 + (head - 80) * 0.3 if head >= 80 else 85.0
    return best + tiebreak(e)


def _word_vector(memo: dict[str, tuple[float, ...]], x: str, qwords: list[str]) -> tuple[float, ...]:
    """How well a title word meets each query word: 1 as a prefix, 0.75 as a near spelling
    (memoised per query: candidates share words)."""
    vec = memo[x] = tuple(
        1.0 if x.startswith(w) else 0.75 if len(w) >= 3 and fuzz.ratio(w, x, score_cutoff=75) else 0.0 for w in qwords
    )
    return vec


def _placement(query: str, title: str) -> float:
    """Where the typed text sits in a title: all of it, its start, a word start, inside, nowhere."""
    if title == query:
        return 110.0
    if title.startswith(query):
        return 100.0
    if (" " + query) in (" " + title):
        return 93.0
    if query in title:
        return 88.0
    return 0.0


def _dedupe(ranked: list[Ranked], limit: int) -> list[Ranked]:
    out: list[Ranked] = []
    seen: set[tuple[str, str]] = set()
    for r in ranked:
        key = (r.entry.text, r.entry.path)
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
        if len(out) >= limit:
            break
    return out
