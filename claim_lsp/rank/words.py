"""The ranker's entries, and the cheap pass that picks the candidates to score: the titles
holding each query word (as a prefix of a title word, or a near spelling of one) and those
starting with the query, in the word index and in the overlay not folded into it yet."""

from __future__ import annotations

import heapq
import itertools
import math
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from .normalize import typo_fixes

if TYPE_CHECKING:
    from .ranker import TitleRanker

COMMON_WORD_IDS = 2000  # titles taken for a word all of whose matches are too many
SCAN_OVERLAY = 2000  # a larger overlay (titles filed in bulk, not indexed yet) is searched as one text
SCANNED_STARTS = 2000  # of its titles starting with a query, how many are taken


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


def tiebreak(e: Entry) -> float:
    """Between equal scores: popular notes, then shorter titles, then titles before aliases."""
    return min(math.log1p(e.pop), 5) * 0.2 - len(e.norm) / 1000 - (0.5 if e.alias else 0.0)


def _overlay_texts(ranker: TitleRanker) -> list[tuple[int, str, array]]:
    """The overlay's normalised titles as texts, a line each, every word after a space
    ("\\n title words\\n title words"), with the first entry id of each and where each
    line starts. One text for each stretch of titles added between two queries (a batch),
    made once and kept until the index is rebuilt (not a text of every title, up to
    10 MB, made again at each query)."""
    texts = ranker._scan_texts
    end = texts[-1][0] + len(texts[-1][2]) - 1 if texts else ranker._indexed
    if end < len(ranker._entries):
        norms = [e.norm for e in itertools.islice(ranker._entries, end, None)]
        starts = array("i", itertools.accumulate((len(n) + 2 for n in norms), initial=1))
        texts.append((end, "\n " + "\n ".join(norms) + "\n", starts))
    return texts


def _overlay_matching(
    ranker: TitleRanker, text: str, word_start: bool, first: int, more_than: int = 0
) -> tuple[list[int], int]:
    """Ids of the live overlay entries whose normalised title starts with text, or (when
    word_start) has a word starting with it, ascending, and how many they are. When they
    are more than both first and more_than, only the first `first` are listed and the
    rest are counted in C (a common word's thousands of titles are not listed). Substring
    searches over the overlay's texts (~6 ms for 100,000 titles) instead of a test per
    title."""
    alive = ranker._alive
    needle = (" " if word_start else "\n ") + text
    out: list[int] = []
    texts = _overlay_texts(ranker)
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


def scans_overlay(ranker: TitleRanker) -> bool:
    return len(ranker._entries) - ranker._indexed > SCAN_OVERLAY


def _word_lists(ranker: TitleRanker, prefix: str, budget: int) -> tuple[list, int]:
    """Ascending id lists of the entries with a word starting with prefix, and how many
    they are: the word index's postings and, for a large overlay, its matches (when they
    are more than budget, only the first few are listed: enough for a word that is
    common in every title typed, see candidates)."""
    lists: list = [ranker._postings[v] for v in prefix_words(ranker, prefix)]
    size = sum(map(len, lists))
    if scans_overlay(ranker):
        found, count = _overlay_matching(ranker, prefix, True, 3 * COMMON_WORD_IDS, budget - size)
        lists.append(found)
        size += count
    return lists, size


def prefix_words(ranker: TitleRanker, prefix: str) -> list[str]:
    vocab = ranker._vocab
    lo = bisect_left(vocab, prefix)
    out = []
    for i in range(lo, len(vocab)):
        w = vocab[i]
        if not w.startswith(prefix):
            break
        out.append(w)
    return out


def near_words(ranker: TitleRanker, word: str) -> list[str]:
    if len(word) < 3 or not ranker._vocab:
        return []
    cutoff = 80 if len(word) < 6 else 75
    found = process.extract(word, ranker._vocab, scorer=fuzz.ratio, score_cutoff=cutoff, limit=8)
    return [w for w, _, _ in found]


def candidates(ranker: TitleRanker, words: list[str], fuzzy_words: bool) -> tuple[Counter[int], int]:
    """Entry ids with how many query words they match (prefix or near spelling), and how
    many words took part (a title matching that many holds every one). A word
    matching a large share of the titles ("the", "a", a typo of "the") stands aside
    when another word picks fewer; if every word is that common, only the first
    COMMON_WORD_IDS of its titles in tie-break order are taken."""
    hits: Counter[int] = Counter()
    per_word: list[tuple[int, list]] = []
    postings = ranker._postings
    budget = max(ranker._live // 4, 2000)
    for w in dict.fromkeys(words):
        lists, size = _word_lists(ranker, w, budget)
        if fuzzy_words and size < 20:
            lists += [postings[v] for v in near_words(ranker, w)]
            # a typo in a typed prefix ("teh", "reputaiton"): the words starting with it
            # undone (edit-distance scores rate a swap of two letters poorly)
            # (not searched in a large overlay: a pass over its text for each)
            for fixed in typo_fixes(w):
                lists += [postings[v] for v in prefix_words(ranker, fixed)]
            size = sum(map(len, lists))
        per_word.append((size, lists))
    used = [pw for pw in per_word if pw[0] <= budget]
    if not used and per_word:
        size, lists = min(per_word, key=lambda pw: pw[0])
        # posting lists ascend in tie-break order: their first ids are the titles to show
        used = [(COMMON_WORD_IDS, [list(itertools.islice(heapq.merge(*lists), COMMON_WORD_IDS * 3))])]
    for _, lists in used:
        hits.update(set().union(*lists))
    if scans_overlay(ranker):
        return hits, len(used)  # (matched above)
    # the overlay is small: match it directly
    entries, alive = ranker._entries, ranker._alive
    for i in range(ranker._indexed, len(entries)):
        if not alive[i]:
            continue
        ws = entries[i].words
        n = sum(1 for w in words if any(t.startswith(w) for t in ws))
        if n or fuzzy_words:
            hits[i] += n
    return hits, len(used)


def starting_with(ranker: TitleRanker, text: str) -> list[int]:
    """Ids of the live entries whose normalised title starts with text, in title order
    (the word index's by bisection, then the overlay's)."""
    norms = ranker._sorted_norms
    lo = bisect_left(norms, text)
    hi = bisect_left(norms, text[:-1] + chr(min(ord(text[-1]) + 1, 0x10FFFF)), lo) if text else len(norms)
    alive = ranker._alive
    out = [i for i in ranker._sorted_ids[lo:hi] if alive[i]]
    if scans_overlay(ranker):
        return out + _overlay_matching(ranker, text, False, SCANNED_STARTS)[0]  # (the first ones)
    entries = ranker._entries
    for i in range(ranker._indexed, len(entries)):
        if alive[i] and entries[i].norm.startswith(text):
            out.append(i)
    return out
