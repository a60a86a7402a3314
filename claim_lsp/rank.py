"""Fuzzy lookup of note titles (and aliases): completion ranking and broken-link suggestions.

Plain WRatio over every title ranks typed prefixes badly and costs ~100 ms at 10k titles.
So a cheap pass picks candidates from a word index (each query word as a prefix of a
title word, or a near spelling of one, found with rapidfuzz over the vocabulary), and
only those are scored, combining prefix, word-boundary, substring and typo-tolerant
scores. The index is built once and then patched: additions and removals go to a small
overlay that is folded into a rebuild only after it grows, so typing never rebuilds it.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

_SPLIT = re.compile(r"[\s\-_/.,;:!?()\[\]{}\"'`*+=|\\<>~^&%$#@]+")
OVERLAY_LIMIT = 512
MAX_CANDIDATES = 200  # partial matches scored word by word when too few titles meet every word
RAREST_WORDS = 4  # of a broken link's words, how many pick the candidates
SUGGESTION_CANDIDATES = 30  # titles sharing the most content words; only these are scored
COMMON_DIV = 50  # a word in more than 1/COMMON_DIV of the titles is too common to pick suggestions
COMMON_WORD_IDS = 2000  # titles taken for a word all of whose matches are too many
FALLBACK_BELOW = 5  # fewer answers than this: a typo-tolerant pass over every title
MAX_FIXED_QUERY = 24  # longer queries are not tried with typos undone (few titles hold them)
TYPO_PENALTY = 8  # a title placed by the query with a typo undone: 100 -> 92, 93 -> 85
STRONG_TIERED = 500  # more strong candidates than this: only the best placed are scored
SCAN_OVERLAY = 2000  # a larger overlay (titles filed in bulk, not indexed yet) is searched as one text
SCANNED_STARTS = 2000  # of its titles starting with a query, how many are taken


def normalize(text: str) -> str:
    """Case-folded, accents stripped, punctuation as spaces, single-spaced."""
    text = text.casefold()
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(filter(None, _SPLIT.split(text)))


# _SPLIT's punctuation, for bytes.translate (whitespace is left to str.split, which splits
# where _SPLIT's \s does)
_PUNCT = b"-_/.,;:!?()[]{}\"'`*+=|\\<>~^&%$#@"
_PUNCT_TO_SPACE = bytes.maketrans(_PUNCT, b" " * len(_PUNCT))


def normalize_many(texts: list[str]) -> list[str]:
    """[normalize(t) for t in texts], the ASCII ones (most titles) lower-cased and stripped
    of punctuation in one pass over their joined bytes: ~0.13 s instead of ~0.32 s for
    100,000 titles."""
    out = [""] * len(texts)
    plain = []
    for i, t in enumerate(texts):
        if t.isascii() and "\n" not in t:
            plain.append(i)
        else:
            norm = normalize(t)
            out[i] = t if norm == t else norm
    if plain:
        joined = "\n".join([texts[i] for i in plain]).encode().lower().translate(_PUNCT_TO_SPACE).decode()
        for i, line in zip(plain, joined.split("\n")):
            norm = " ".join(line.split())
            out[i] = texts[i] if norm == texts[i] else norm  # (one string, not two, when equal)
    return out


@dataclass(slots=True)
class Entry:
    text: str  # what a link would say: the title or an alias
    path: str  # the note
    norm: str
    alias: bool = False
    # the note's backlink estimate, for ties (kept here: a dict of paths cost ~4 MB at
    # 100,000 notes, and twice that while it was replaced, at the end of indexing)
    pop: int = 0

    @property
    def words(self) -> list[str]:
        """The normalised title's words (split when asked: a tuple kept for each title cost
        ~150 bytes a note)."""
        return self.norm.split()

    def __reduce__(self):  # pickled as plain values (see cache.py)
        return (Entry, (self.text, self.path, self.norm, self.alias, self.pop))


@dataclass(slots=True)
class Ranked:
    entry: Entry
    score: float


class TitleRanker:
    def __init__(self) -> None:
        self._entries: list[Entry] = []
        self._alive: list[bool] = []
        self._by_path: dict[str, int | list[int]] = {}  # note -> its entries' ids (title, aliases)
        self._live = 0
        self._postings: dict[str, array] = {}  # word -> ids of the entries holding it, ascending
        self._vocab: list[str] = []
        self._sorted_norms: list[str] = []  # normalised titles of the word index, sorted
        self._sorted_ids: array = array("i")  # their entry ids
        self._norms: tuple[list[Entry], list[str]] = ([], [])
        self._norms_key = -1
        self._indexed = 0  # entries [0, _indexed) are in the word index; the rest is overlay
        self._dead_in_index = 0
        self.generation = 0  # bumped on every add and remove: lets callers cache answers
        self._popular: list[Entry] = []
        self._popular_key: tuple = ()
        # while True, queries search the overlay as text (_overlay_texts) rather than fold it
        # into the word index: set while a vault's titles are filed in batches, so that a query
        # between two batches does not rebuild the index (at 100,000 notes, ~1 s of rebuilds)
        self.deferred = False
        self._scan_texts: list[tuple[int, str, array]] = []  # see _overlay_texts

    # ---- maintenance -------------------------------------------------------------
    def _find(self, text: str, path: str, alias: bool) -> int | None:
        found = self._by_path.get(path)
        for i in (found,) if isinstance(found, int) else found or ():
            e = self._entries[i]
            if e.text == text and e.alias == alias:
                return i
        return None

    def add(self, text: str, path: str, alias: bool = False) -> None:
        if self._find(text, path, alias) is None:
            self._append([(text, path)], alias)

    def add_titles(self, titles: list[tuple[str, str]]) -> None:
        """add() for many (title, path) of notes that have no entry yet, at once."""
        if not titles:
            return
        texts, paths = map(list, zip(*titles))
        by_path = self._by_path
        if len(set(paths)) != len(paths) or not by_path.keys().isdisjoint(paths):
            self._append(titles, False)  # (not what this is for: one at a time)
            return
        # every path new and once: entries and their ids made in bulk (what _append does)
        start = len(self._entries)
        self._entries += map(Entry, texts, paths, normalize_many(texts))
        by_path.update(zip(paths, range(start, start + len(paths))))
        self._alive += [True] * len(paths)
        self._live += len(paths)
        self.generation += 1

    def _append(self, items: list[tuple[str, str]], alias: bool) -> None:
        entries, by_path = self._entries, self._by_path
        norms = normalize_many([text for text, _ in items])
        for (text, path), norm in zip(items, norms):
            found = by_path.get(path)  # (an alias, or a title renamed: the note's popularity)
            pop = 0 if found is None else entries[found if isinstance(found, int) else found[0]].pop
            _file_id(by_path, path, len(entries))
            entries.append(Entry(text, path, norm, alias, pop))
        self._alive += [True] * len(items)
        self._live += len(items)
        self.generation += 1

    def remove(self, text: str, path: str, alias: bool = False) -> None:
        idx = self._find(text, path, alias)
        if idx is None:
            return
        found = self._by_path[path]
        if isinstance(found, int):
            del self._by_path[path]
        else:
            found.remove(idx)
            if len(found) == 1:
                self._by_path[path] = found[0]
        self._alive[idx] = False
        self._live -= 1
        self.generation += 1
        if idx < self._indexed:
            self._dead_in_index += 1

    # ---- saved with the disk cache ---------------------------------------------------
    _STATE = (
        "_entries",
        "_alive",
        "_by_path",
        "_live",
        "_postings",
        "_vocab",
        "_sorted_norms",
        "_sorted_ids",
        "_indexed",
        "_dead_in_index",
    )

    def snapshot(self) -> tuple:
        """Everything the ranker built, as plain values (the word index included; its entry
        ids are arrays)."""
        self._maybe_rebuild()
        return tuple(getattr(self, name) for name in self._STATE)

    @classmethod
    def check_snapshot(cls, state: tuple) -> dict:
        """The snapshot's values by name; ValueError if it is not one (of this version), or
        if its word index names entries it does not hold."""
        if not isinstance(state, tuple) or len(state) != len(cls._STATE):
            raise ValueError("not a ranker snapshot")
        values = dict(zip(cls._STATE, state))
        count = len(values["_entries"])
        for ids in (values["_sorted_ids"], *values["_postings"].values()):
            if not isinstance(ids, array) or (ids and (min(ids) < 0 or max(ids) >= count)):
                raise ValueError("not a ranker snapshot")
        return values

    def restore(self, state: tuple) -> None:
        values = self.check_snapshot(state)
        for name, value in values.items():
            setattr(self, name, value)
        self.generation += 1

    def prepare(self) -> None:
        """Build the word index now rather than at the first query (before forking workers
        that would each build their own); ends `deferred`."""
        self.deferred = False
        self._maybe_rebuild()

    def _maybe_rebuild(self, deferrable: bool = False) -> None:
        """Fold the overlay into the word index once it has grown. Done at query time, so a
        bulk load of 100,000 notes builds the index once, not every few hundred notes;
        while `deferred`, queries (deferrable) leave it to the first query after."""
        if deferrable and self.deferred:
            return
        overlay = len(self._entries) - self._indexed
        if (
            overlay > OVERLAY_LIMIT
            or (overlay and overlay >= self._indexed // 8)
            or self._dead_in_index > max(OVERLAY_LIMIT, self._indexed // 4)
        ):
            self._rebuild()

    def _rebuild(self) -> None:
        entries = [e for e, alive in zip(self._entries, self._alive) if alive]
        # in tie-break order (most linked, shortest, titles before aliases): where thousands
        # of titles place a query alike, the first ids are the ones to show
        entries.sort(key=lambda e: -self._tiebreak(e))
        self._entries = entries
        self._alive = [True] * len(entries)
        by_path: dict[str, int | list[int]] = {}
        # ids as arrays of C ints: in lists, 1.5 million of them at 100,000 notes took ~15 MB
        postings: dict[str, array] = {}
        for i, e in enumerate(entries):
            _file_id(by_path, e.path, i)
            for w in set(e.norm.split()):
                found = postings.get(w)
                if found is None:
                    postings[w] = array("i", (i,))
                else:
                    found.append(i)
        self._by_path = by_path
        self._live = len(entries)
        self._postings = postings
        self._vocab = sorted(postings)
        by_norm = sorted(range(len(entries)), key=lambda i: entries[i].norm)
        self._sorted_norms = [entries[i].norm for i in by_norm]
        self._sorted_ids = array("i", by_norm)
        self._indexed = len(entries)
        self._dead_in_index = 0
        self._scan_texts = []  # (the overlay's texts: ~10 MB at 100,000 titles)

    def __len__(self) -> int:
        return self._live

    def entries(self) -> list[Entry]:
        return [e for e, alive in zip(self._entries, self._alive) if alive]

    def _alive_norms(self) -> tuple[list[Entry], list[str]]:
        """The live entries and their normalised titles, kept until an entry changes."""
        if self._norms_key != self.generation:
            alive = self.entries()
            self._norms = (alive, [e.norm for e in alive])
            self._norms_key = self.generation
        return self._norms

    # ---- candidates ----------------------------------------------------------------
    def _overlay_texts(self) -> list[tuple[int, str, array]]:
        """The overlay's normalised titles as texts, a line each, every word after a space
        ("\\n title words\\n title words"), with the first entry id of each and where each
        line starts. One text for each stretch of titles added between two queries (a batch),
        made once and kept until the index is rebuilt (not a text of every title, up to
        10 MB, made again at each query)."""
        texts = self._scan_texts
        end = texts[-1][0] + len(texts[-1][2]) - 1 if texts else self._indexed
        if end < len(self._entries):
            norms = [e.norm for e in itertools.islice(self._entries, end, None)]
            starts = array("i", itertools.accumulate((len(n) + 2 for n in norms), initial=1))
            texts.append((end, "\n " + "\n ".join(norms) + "\n", starts))
        return texts

    def _overlay_matching(self, text: str, word_start: bool, first: int, more_than: int = 0) -> tuple[list[int], int]:
        """Ids of the live overlay entries whose normalised title starts with text, or (when
        word_start) has a word starting with it, ascending, and how many they are. When they
        are more than both first and more_than, only the first `first` are listed and the
        rest are counted in C (a common word's thousands of titles are not listed). Substring
        searches over the overlay's texts (~6 ms for 100,000 titles) instead of a test per
        title."""
        alive = self._alive
        needle = (" " if word_start else "\n ") + text
        out: list[int] = []
        texts = self._overlay_texts()
        for k, (base, blob, starts) in enumerate(texts):
            last = -1
            at = blob.find(needle)
            while at != -1:
                i = base + bisect_right(starts, at + 1) - 1
                if i != last and alive[i]:
                    out.append(i)
                    if len(out) == first:
                        # (a title holding it twice counts twice)
                        total = first + blob.count(needle, at + 1) + sum(t[1].count(needle) for t in texts[k + 1 :])
                        if total > more_than:
                            return out, total
                last = i
                at = blob.find(needle, at + 1)
        return out, len(out)

    def _scans_overlay(self) -> bool:
        return len(self._entries) - self._indexed > SCAN_OVERLAY

    def _word_lists(self, prefix: str, budget: int) -> tuple[list, int]:
        """Ascending id lists of the entries with a word starting with prefix, and how many
        they are: the word index's postings and, for a large overlay, its matches (when they
        are more than budget, only the first few are listed: enough for a word that is
        common in every title typed, see _candidates)."""
        lists: list = [self._postings[v] for v in self._prefix_words(prefix)]
        size = sum(map(len, lists))
        if self._scans_overlay():
            found, count = self._overlay_matching(prefix, True, 3 * COMMON_WORD_IDS, budget - size)
            lists.append(found)
            size += count
        return lists, size

    def _prefix_words(self, prefix: str) -> list[str]:
        lo = bisect_left(self._vocab, prefix)
        out = []
        for i in range(lo, len(self._vocab)):
            w = self._vocab[i]
            if not w.startswith(prefix):
                break
            out.append(w)
        return out

    def _near_words(self, word: str) -> list[str]:
        if len(word) < 3 or not self._vocab:
            return []
        cutoff = 80 if len(word) < 6 else 75
        found = process.extract(word, self._vocab, scorer=fuzz.ratio, score_cutoff=cutoff, limit=8)
        return [w for w, _, _ in found]

    def _candidates(self, words: list[str], fuzzy_words: bool) -> tuple[Counter[int], int]:
        """Entry ids with how many query words they match (prefix or near spelling), and how
        many words took part (a title matching that many holds every one). A word
        matching a large share of the titles ("the", "a", a typo of "the") stands aside
        when another word picks fewer; if every word is that common, only the first
        COMMON_WORD_IDS of its titles in tie-break order are taken."""
        hits: Counter[int] = Counter()
        per_word: list[tuple[int, list]] = []
        budget = max(self._live // 4, 2000)
        for w in dict.fromkeys(words):
            lists, size = self._word_lists(w, budget)
            if fuzzy_words and size < 20:
                lists += [self._postings[v] for v in self._near_words(w)]
                # a typo in a typed prefix ("teh", "reputaiton"): the words starting with it
                # undone (edit-distance scores rate a swap of two letters poorly)
                # (not searched in a large overlay: a pass over its text for each)
                for fixed in typo_fixes(w):
                    lists += [self._postings[v] for v in self._prefix_words(fixed)]
                size = sum(map(len, lists))
            per_word.append((size, lists))
        used = [pw for pw in per_word if pw[0] <= budget]
        if not used and per_word:
            size, lists = min(per_word, key=lambda pw: pw[0])
            # posting lists ascend in tie-break order: their first ids are the titles to show
            used = [(COMMON_WORD_IDS, [list(itertools.islice(heapq.merge(*lists), COMMON_WORD_IDS * 3))])]
        for _, lists in used:
            hits.update(set().union(*lists))
        if self._scans_overlay():
            return hits, len(used)  # (matched above)
        # the overlay is small: match it directly
        for i in range(self._indexed, len(self._entries)):
            if not self._alive[i]:
                continue
            ws = self._entries[i].words
            n = sum(1 for w in words if any(t.startswith(w) for t in ws))
            if n or fuzzy_words:
                hits[i] += n
        return hits, len(used)

    # ---- scoring -------------------------------------------------------------------
    def _score(self, query: str, qwords: list[str], e: Entry, memo: dict[str, tuple[float, ...]]) -> float:
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
        return best + self._tiebreak(e)

    def _score_strong(self, query: str, fixes: list[str], e: Entry) -> float:
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
        return best + self._tiebreak(e)

    def _starting_with(self, text: str) -> list[int]:
        """Ids of the live entries whose normalised title starts with text, in title order
        (the word index's by bisection, then the overlay's)."""
        norms = self._sorted_norms
        lo = bisect_left(norms, text)
        hi = bisect_left(norms, text[:-1] + chr(min(ord(text[-1]) + 1, 0x10FFFF)), lo) if text else len(norms)
        alive = self._alive
        out = [i for i in self._sorted_ids[lo:hi] if alive[i]]
        if self._scans_overlay():
            return out + self._overlay_matching(text, False, SCANNED_STARTS)[0]  # (the first ones)
        for i in range(self._indexed, len(self._entries)):
            if alive[i] and self._entries[i].norm.startswith(text):
                out.append(i)
        return out

    def _best_placed(self, q: str, fixes: list[str], ids: list[int], limit: int) -> list[int]:
        """Of many titles that hold every typed word (a common word typed at 100,000 notes),
        those that start with the query, then those with a word starting with it, then the
        same for the query with a typo undone, enough to fill the answer: they outscore the
        rest, so only they are scored. Plain string tests in comprehensions, no scoring per
        title; failing that, the first MAX_CANDIDATES."""
        entries = self._entries
        ids = sorted(ids)  # ids are in tie-break order (see _rebuild)
        among = set(ids)
        cap = 4 * limit
        chosen = sorted(i for i in self._starting_with(q) if i in among)[:cap]
        if len(chosen) < limit:
            spaced = " " + q
            chosen += [i for i in ids if spaced in entries[i].norm][:cap]
        for fixed in fixes:  # typed with a typo: the titles that start with the query undone
            if len(chosen) >= limit:
                break
            chosen += sorted(i for i in self._starting_with(fixed) if i in among)[:cap]
        return chosen if len(chosen) >= limit else chosen + ids[:MAX_CANDIDATES]

    def set_popularity(self, of: Callable[[str], int]) -> None:
        """Each entry's backlink estimate, from its note's path (for ties)."""
        for e in self._entries:
            e.pop = of(e.path)
        self.generation += 1  # answers cached here may order differently now

    def popularity_of(self, path: str) -> int:
        found = self._by_path.get(path)
        if found is None:
            return 0
        return self._entries[found if isinstance(found, int) else found[0]].pop

    def _tiebreak(self, e: Entry) -> float:
        """Between equal scores: popular notes, then shorter titles, then titles before aliases."""
        return min(math.log1p(e.pop), 5) * 0.2 - len(e.norm) / 1000 - (0.5 if e.alias else 0.0)

    def rank(self, query: str, limit: int = 50, exclude: str | None = None) -> list[Ranked]:
        """Best matches for what was typed, best first."""
        self._maybe_rebuild(deferrable=True)
        q = normalize(query)
        if not q:  # just `[[`: the most linked-to notes, kept until titles or links change
            key = (self.generation, limit + 1)
            if self._popular_key != key:
                pool = [e for e in self.entries() if not e.alias]
                self._popular = heapq.nsmallest(limit + 1, pool, key=lambda e: (-e.pop, e.norm))
                self._popular_key = key
            return [Ranked(e, 0.0) for e in self._popular if e.path != exclude][:limit]
        # titles that start with the query outscore all others: when there are enough of
        # them (a short query at 100,000 notes), they are the answer, found by bisection
        starting = self._starting_with(q)
        if len(starting) >= limit:
            best = heapq.nsmallest(2 * limit, starting)  # ids are in tie-break order
            best += [i for i in starting[:limit] if self._entries[i].norm == q]  # exact ones sort first
            scored = [Ranked(e, self._score_strong(q, [], e)) for i in best if (e := self._entries[i]).path != exclude]
            scored.sort(key=lambda r: (-r.score, r.entry.norm))
            return _dedupe(scored, limit)
        qwords = q.split()
        hits, need = self._candidates(qwords, fuzzy_words=True)
        memo: dict[str, tuple[float, ...]] = {}
        scored = []
        # titles that meet every typed word (as a prefix or a near spelling) are scored with
        # string tests only; the rest, with the word-by-word score, only if they are needed
        strong = [i for i, n in hits.items() if n >= need and self._alive[i]]
        # (with a large overlay, each would cost a pass over its text: left until it is indexed)
        fixes = typo_fixes(q) if len(q) <= MAX_FIXED_QUERY and not self._scans_overlay() else []
        if len(strong) > STRONG_TIERED:
            strong = self._best_placed(q, fixes, strong, limit)
        if len(strong) >= limit:
            for i in strong:
                e = self._entries[i]
                if e.path != exclude:
                    scored.append(Ranked(e, self._score_strong(q, fixes, e)))
        else:
            for i, _ in hits.most_common(MAX_CANDIDATES):
                e = self._entries[i]
                if e.path == exclude or not self._alive[i]:
                    continue
                s = self._score(q, qwords, e, memo)
                if s >= 40:
                    scored.append(Ranked(e, s))
        if len(scored) < min(limit, FALLBACK_BELOW) and fixes:
            # a typo across words ("thec riti"): the titles starting with the query undone
            seen = {id(r.entry) for r in scored}
            for fixed in fixes:
                for i in sorted(self._starting_with(fixed))[:limit]:
                    e = self._entries[i]
                    if id(e) not in seen and e.path != exclude:
                        seen.add(id(e))
                        scored.append(Ranked(e, self._score_strong(q, fixes, e)))
        if len(scored) < min(limit, FALLBACK_BELOW) and len(q) >= 3:
            # (almost) nothing shares a word: a typo-tolerant pass over everything
            seen = {id(r.entry) for r in scored}
            alive, norms = self._alive_norms()
            found = process.extract(q, norms, scorer=fuzz.partial_ratio, score_cutoff=70, limit=limit)
            for _, _, idx in found:
                e = alive[idx]
                if id(e) not in seen and e.path != exclude:
                    scored.append(Ranked(e, self._score(q, qwords, e, memo)))
        scored.sort(key=lambda r: (-r.score, r.entry.norm))
        return _dedupe(scored, limit)

    def suggest(self, target: str, limit: int = 5) -> list[str]:
        """Titles a broken link most likely meant, best first: typos, case changes,
        dropped, added or swapped words. Weak look-alikes are left out."""
        q = normalize(target)
        if not q:
            return []
        qwords = q.split()
        choices = self._suggestion_candidates(qwords)
        if not choices:
            alive, norms = self._alive_norms()
            found = process.extract(q, norms, scorer=fuzz.ratio, score_cutoff=60, limit=limit * 4)
            choices = [alive[idx] for _, _, idx in found]
        if not choices:
            return []
        n_q = len(qwords)
        q_set = set(qwords)
        scored = []
        # each scorer over all the candidates in one call rather than one call a title (the
        # same scores; ~10% less a suggestion at 100,000 notes)
        norms = [e.norm for e in choices]
        by_ratio, by_sort, by_set = (_scores(q, norms, scorer) for scorer in _SUGGEST_SCORERS)
        for k, e in enumerate(choices):
            words = e.words
            n_t = len(words) or 1
            # a link that dropped (or added) words scores by how much of the longer it covers,
            # counting only the words the two share (a title missing a word of the link is worse)
            shared = len(q_set.intersection(words))
            cover = shared / max(n_q, n_t)
            s = max(by_ratio[k], by_sort[k], by_set[k] * (0.5 + 0.5 * cover))
            if e.norm == q:
                s = 200.0
            if e.text == target:
                s = 300.0
            s -= 0.5 if e.alias else 0.0
            if s >= 60:
                scored.append(Ranked(e, s))
        scored.sort(key=lambda r: (-r.score, len(r.entry.norm), r.entry.text))
        out: list[str] = []
        for r in scored:
            if r.entry.text not in out:
                out.append(r.entry.text)
            if len(out) >= limit:
                break
        return out

    def _suggestion_candidates(self, qwords: list[str]) -> list[Entry]:
        """Entries sharing the most content words with the query (near spellings count)."""
        self._maybe_rebuild()
        common = max(50, self._indexed // COMMON_DIV)
        unique = list(dict.fromkeys(qwords))
        words = [w for w in unique if len(self._postings.get(w, ())) <= common] or unique
        # the rarest words say the most about which title was meant; misspelt words (not in
        # the vocabulary) are looked up by near spelling
        words.sort(key=lambda w: len(self._postings.get(w, ())) or common)
        groups: list[Sequence[int]] = []  # a word's entry ids, ascending; rarest word first
        for w in words[:RAREST_WORDS]:
            postings = self._postings.get(w)
            if postings is not None:
                groups.append(postings)
            elif len(w) >= 4:
                ids: set[int] = set()
                for v in self._near_words(w):
                    if len(self._postings[v]) <= common:
                        ids.update(self._postings[v])
                if ids:
                    groups.append(sorted(ids))
        extra: dict[int, int] = {}  # overlay entries (not in the postings): words held
        for i in range(self._indexed, len(self._entries)):
            if self._alive[i]:
                n = sum(1 for w in words[:RAREST_WORDS] if w in self._entries[i].words)
                if n:
                    extra[i] = n
        return [self._entries[i] for i in most_shared(groups, SUGGESTION_CANDIDATES, extra) if self._alive[i]]


_SUGGEST_SCORERS = (fuzz.ratio, fuzz.token_sort_ratio, fuzz.token_set_ratio)


def _scores(query: str, norms: list[str], scorer) -> list[float]:
    """scorer(query, t, score_cutoff=40) for each t of norms (0 below 40)."""
    out = [0.0] * len(norms)
    for _, score, k in process.extract(query, norms, scorer=scorer, score_cutoff=40, limit=None):
        out[k] = score
    return out


def most_shared(groups: list[Sequence[int]], k: int, extra: dict[int, int] | None = None) -> list[int]:
    """The k ids found in the most groups (each group ascending, without repeats), ties in
    order of first appearance: the ids of the first group, then the new ids of the next...,
    then those of extra (id -> count, ids above every group's). The same answer as
    Counter.most_common(k) over them all chained, without counting ids one by one in Python:
    a broken link's rarest words hold ~2,000 ids at 100,000 notes, and counting them took
    half of each suggestion. The ids in several groups come from set intersections, level
    by level; the rest count 1 and are taken in order until k are found."""
    extra = extra or {}
    sets = [set(g) for g in groups]
    at_least: dict[int, set[int]] = {  # c -> the ids in c groups or more (c >= 2)
        c: set().union(*(set.intersection(*combo) for combo in itertools.combinations(sets, c)))
        for c in range(2, len(sets) + 1)
    }
    none: set[int] = set()
    out: list[int] = []
    for c in range(max(len(sets), *extra.values(), 0), 0, -1):
        if c >= 2:
            left = at_least.get(c, none) - at_least.get(c + 1, none)
            for s in sets:  # in order of first appearance: by first group, then ascending
                if not left:
                    break
                part = left & s
                left -= part
                out += sorted(part)
        else:
            several = at_least.get(2, none)
            for g in groups:
                for i in g:
                    if i not in several:
                        out.append(i)
                        if len(out) >= k:
                            return out
        if extra:
            out += sorted(i for i, n in extra.items() if n == c)
        if len(out) >= k:
            return out[:k]
    return out


def _file_id(by_path: dict[str, int | list[int]], path: str, idx: int) -> None:
    """File an entry id under its note: one id as an int (most notes have no alias)."""
    found = by_path.get(path)
    if found is None:
        by_path[path] = idx
    elif isinstance(found, int):
        by_path[path] = [found, idx]
    else:
        found.append(idx)


def typo_fixes(word: str) -> list[str]:
    """What word may have meant with one typo undone: two neighbouring letters swapped back,
    or (in words of 5 letters or more) one letter too many dropped."""
    out: dict[str, None] = {}
    for i in range(len(word) - 1):
        if word[i] != word[i + 1]:
            out[word[:i] + word[i + 1] + word[i] + word[i + 2 :]] = None
    if len(word) >= 5:
        for i in range(len(word)):
            out[word[:i] + word[i + 1 :]] = None
    out.pop(word, None)
    return list(out)


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


__all__ = ["TitleRanker", "Entry", "Ranked", "normalize"]
