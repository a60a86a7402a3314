"""Near-duplicate titles: the other titles nearly equal to a note's, found from the word
index without comparing every pair.

Two titles are compared when they share a *key*: three of the four rarest words of each
(rarest by the word index's posting lengths, ties by the word; words held by more than one
title in COMMON_DIV left out; a title of three such words has them all and each pair as keys).
Titles that differ by one word (a typo, a word dropped, added or changed) or only in word
order always share one: at most one of the four rarest words of either is not among the
other's four. So a note's candidates are the titles holding every word of one of its keys
(intersections of short posting lists, ~1 ms at 100,000 titles), and a whole vault's pairs
are the titles filed under the same key (one pass over the titles, ~2 s at 100,000, where
comparing every pair would take hours). Titles with the same words in another form (slug
dashes or underscores, case, punctuation) have the same normalised text and are found
whatever their words.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterator, Sequence
from itertools import repeat
from typing import TYPE_CHECKING, NamedTuple

from rapidfuzz import fuzz

from .suggest import COMMON_DIV
from .words import starting_with

if TYPE_CHECKING:
    from .ranker import TitleRanker

RAREST = 4  # of a title's words, how many make its keys
KEY_WORDS = 3  # words in a key (RAREST - 1: a title differing by one word still shares a key)
SAME_WORDS = 100.0  # the score of two titles with the same normalised text


class Similar(NamedTuple):
    """Another note whose title nearly equals a note's, and how nearly: 100 for the same
    words, else the rapidfuzz ratio or token-sort ratio of the normalised titles."""

    path: str
    score: float


def similarity(a: str, b: str) -> float:
    """How alike two normalised titles are (0-100): their characters (a typo, a word dropped
    or changed) or their words in any order."""
    if a == b:
        return SAME_WORDS
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


# per ranker: (generation, {path: its similar titles}), answers kept until a title changes;
# and the whole vault's, when made (prepare)
_ANSWERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def similar_titles(ranker: TitleRanker, path: str, min_score: float) -> list[Similar]:
    """The other notes whose title nearly equals this note's (by its path): the same words,
    or a similarity of at least min_score for titles of KEY_WORDS words or more that share a
    key. Best first, then by path. Cached until a title is added or removed."""
    table = _TABLES.get(ranker)
    if table is not None and table[0] == ranker.generation and table[1] == min_score:
        return list(table[2].get(path, ()))
    answers = _ANSWERS.get(ranker)
    if answers is None or answers[0] != ranker.generation or answers[1] != min_score:
        answers = _ANSWERS[ranker] = (ranker.generation, min_score, {})
    found = answers[2].get(path)
    if found is None:
        found = answers[2][path] = _similar_to(ranker, path, min_score)
    return list(found)


def prepare(ranker: TitleRanker, min_score: float) -> None:
    """Find every note's similar titles at once, from keys shared in one pass over the titles
    (before a whole vault is checked: a query for each of 100,000 notes took ~20 s)."""
    for _ in preparing(ranker, min_score):
        pass


STEP = 1000  # titles (or pairs) done between two yields of preparing(): ~10-25 ms at 100,000


def preparing(ranker: TitleRanker, min_score: float) -> Iterator[None]:
    """prepare() a step at a time: yields after every STEP titles or pairs, so that a server
    can answer requests between steps (at 100,000 titles the whole pass takes 0.8 s, where a
    query for each note, as the server otherwise makes them, costs ~0.5 ms a note). The table is
    kept only if no title was added or removed meanwhile (ranker.generation); else the steps
    stop early and similar_titles goes on answering a note at a time."""
    ranker._maybe_rebuild()
    generation = ranker.generation
    table = _TABLES.get(ranker)
    if table is not None and table[0] == generation and table[1] == min_score:
        return
    entries, alive = ranker._entries, ranker._alive
    rarity = _Counts(ranker).table()
    # the titles under each key and each normalised text. A key is filed under its hash and a
    # group of one is a bare id: at 100,000 titles the tuples and lists took 114 MB, 57 MB of
    # which the server kept after (freed, not given back); a hash shared by two keys only adds
    # pairs to compare, whose score still decides
    groups: dict[int | str, int | list[int]] = {}
    for i, e in enumerate(entries):
        if i % STEP == STEP - 1:
            yield
            if ranker.generation != generation:
                return
        if e.alias or not alive[i]:
            continue
        for key in (e.norm, *map(hash, _keys(e.norm, rarity))):
            found = groups.get(key)
            if found is None:
                groups[key] = i
            elif type(found) is int:
                groups[key] = [found, i]
            else:
                found.append(i)
    pairs: set[tuple[int, int]] = set()
    for group in groups.values():
        if type(group) is list:
            pairs.update(itertools.combinations(group, 2))  # (ids ascending within a group)
    del groups
    out: dict[str, list[Similar]] = {}
    for n, (i, j) in enumerate(pairs):
        if n % STEP == STEP - 1:
            yield
            if ranker.generation != generation:
                return
        a, b = entries[i], entries[j]
        if a.path == b.path:
            continue
        score = similarity(a.norm, b.norm)
        if score >= min_score or score == SAME_WORDS:
            out.setdefault(a.path, []).append(Similar(b.path, score))
            out.setdefault(b.path, []).append(Similar(a.path, score))
    for found in out.values():
        found.sort(key=_order)
    _TABLES[ranker] = (generation, min_score, out)


def _similar_to(ranker: TitleRanker, path: str, min_score: float) -> list[Similar]:
    ranker._maybe_rebuild()
    entries, alive = ranker._entries, ranker._alive
    title = next((entries[i] for i in _ids(ranker._by_path.get(path)) if not entries[i].alias), None)
    if title is None:
        return []
    rarity = _Counts(ranker)
    norm = title.norm
    candidates = {i for i in starting_with(ranker, norm) if entries[i].norm == norm}
    keys = set(_keys(norm, rarity))
    if keys:
        postings = ranker._postings
        words = set(itertools.chain.from_iterable(keys))
        held = {w: set(postings.get(w, ())) for w in words}
        for key in keys:
            candidates |= set.intersection(*(held[w] for w in key))
        for i in range(ranker._indexed, len(entries)):  # the overlay, not in the postings
            if alive[i] and len(words.intersection(entries[i].norm.split())) >= KEY_WORDS - 1:
                candidates.add(i)
    out = []
    for i in candidates:
        e = entries[i]
        if e.alias or not alive[i] or e.path == path:
            continue
        if e.norm != norm and keys.isdisjoint(_keys(e.norm, rarity)):
            continue  # holds a key's words, but not among its own rarest: no key shared
        score = similarity(norm, e.norm)
        if score >= min_score or score == SAME_WORDS:
            out.append(Similar(e.path, score))
    out.sort(key=_order)
    return out


def _order(s: Similar) -> tuple[float, str]:
    return (-s.score, s.path)


def _ids(found: int | list[int] | None) -> Sequence[int]:
    if found is None:
        return ()
    return (found,) if isinstance(found, int) else found


COMMON = 1 << 40  # the count of a word held by too many titles to make keys


class _Counts:
    """How many titles hold a word in the word index (COMMON when more than one in
    COMMON_DIV), looked up as asked: a note's query looks up a few dozen words (words filed
    since the index was built, in the overlay, count 0)."""

    __slots__ = ("postings", "common")

    def __init__(self, ranker: TitleRanker) -> None:
        self.postings = ranker._postings
        self.common = max(50, ranker._indexed // COMMON_DIV)

    def get(self, word: str, default: int = 0) -> int:
        found = self.postings.get(word)
        if found is None:
            return default
        return len(found) if len(found) <= self.common else COMMON

    def table(self) -> dict[str, int]:
        """Every word's count at once (a whole vault's pass looks up each title's words)."""
        common = self.common
        return {w: n if n <= common else COMMON for w, n in zip(self.postings, map(len, self.postings.values()))}


def _keys(norm: str, rarity: _Counts | dict[str, int]) -> list[tuple[str, ...]]:
    """The title's keys: each KEY_WORDS of its RAREST rarest words. A title of KEY_WORDS rare
    words has them all as one key, and each pair of them too (one word changed leaves two
    shared); fewer rare words: none."""
    words = set(norm.split())
    ranked = sorted(zip(map(rarity.get, words, repeat(0)), words))[:RAREST]  # (looked up in C)
    top = sorted(w for n, w in ranked if n != COMMON)
    if len(top) < KEY_WORDS:
        return []
    if len(top) == KEY_WORDS:
        return [tuple(top), *itertools.combinations(top, KEY_WORDS - 1)]
    return list(itertools.combinations(top, KEY_WORDS))
