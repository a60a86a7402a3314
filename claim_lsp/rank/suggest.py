"""Broken-link suggestions: the titles sharing the most of a link's rarest words (near
spellings count), scored for typos, case changes and dropped, added or swapped words."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from .normalize import normalize
from .score import Ranked
from .words import Entry, near_words

if TYPE_CHECKING:
    from .ranker import TitleRanker

RAREST_WORDS = 4  # of a broken link's words, how many pick the candidates
SUGGESTION_CANDIDATES = 30  # titles sharing the most content words; only these are scored
COMMON_DIV = 50  # a word in more than 1/COMMON_DIV of the titles is too common to pick suggestions


def suggest(ranker: TitleRanker, target: str, limit: int = 5) -> list[str]:
    """Titles a broken link most likely meant, best first: typos, case changes,
    dropped, added or swapped words. Weak look-alikes are left out."""
    q = normalize(target)
    if not q:
        return []
    qwords = q.split()
    choices = _suggestion_candidates(ranker, qwords)
    if not choices:
        alive, norms = ranker._alive_norms()
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


def _suggestion_candidates(ranker: TitleRanker, qwords: list[str]) -> list[Entry]:
    """Entries sharing the most content words with the query (near spellings count)."""
    ranker._maybe_rebuild()
    postings, entries, alive = ranker._postings, ranker._entries, ranker._alive
    common = max(50, ranker._indexed // COMMON_DIV)
    unique = list(dict.fromkeys(qwords))
    words = [w for w in unique if len(postings.get(w, ())) <= common] or unique
    # the rarest words say the most about which title was meant; misspelt words (not in
    # the vocabulary) are looked up by near spelling
    words.sort(key=lambda w: len(postings.get(w, ())) or common)
    groups: list[Sequence[int]] = []  # a word's entry ids, ascending; rarest word first
    for w in words[:RAREST_WORDS]:
        found = postings.get(w)
        if found is not None:
            groups.append(found)
        elif len(w) >= 4:
            ids: set[int] = set()
            for v in near_words(ranker, w):
                if len(postings[v]) <= common:
                    ids.update(postings[v])
            if ids:
                groups.append(sorted(ids))
    extra: dict[int, int] = {}  # overlay entries (not in the postings): words held
    for i in range(ranker._indexed, len(entries)):
        if alive[i]:
            n = sum(1 for w in words[:RAREST_WORDS] if w in entries[i].words)
            if n:
                extra[i] = n
    return [entries[i] for i in most_shared(groups, SUGGESTION_CANDIDATES, extra) if alive[i]]


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


# A plain item of a relation field that names no note is either prose (counter-evidence, a
# note, a source) or a near miss of a title. Measured on the shared corpus and on generated
# vaults: prose (descriptions, sources, body sentences, challenged_by evidence) scores at most
# ~82 against its best suggestion, with short titles (2 words) the exception; typos, slug
# forms and dropped, swapped or changed words score 88 and above (README "Relation fields").
NEAR_SCORE = 88
NEAR_MIN_WORDS = 3  # shorter items are another word as often as a typo ("The Clinic", "Tael Clinic")
NEAR_PREFIX_WORDS = 5  # an item this long that starts a title names it (a title that grew)


def nearly_names(written: str, title: str) -> bool:
    """Does written, which names no note, nearly name title? The same words in another form
    (dashes or underscores for spaces, punctuation, case); a typo or a few words dropped,
    swapped or changed (rapidfuzz ratio or token-sort ratio of the normalised texts at least
    NEAR_SCORE, for items of NEAR_MIN_WORDS words or more); or the start of the title."""
    q, t = normalize(written), normalize(title)
    if not q:
        return False
    if q == t:
        return True
    words = q.count(" ") + 1
    if words < NEAR_MIN_WORDS:
        return False
    if words >= NEAR_PREFIX_WORDS and t.startswith(q + " "):
        return True
    return max(fuzz.ratio(q, t), fuzz.token_sort_ratio(q, t)) >= NEAR_SCORE


# A broken link fixed without a person looking (`claim-lsp check --fix`) must name its note
# beyond doubt. The suggestion scores cannot say so: on the shared corpus the right titles of
# shortened links score 64-85 while wrong look-alikes score 61-73 ("market dynamics" ->
# "attractor dynamics"), and a path link's same-named note in another folder 300. What names a
# note beyond doubt is the same words, in full or as their start (README "Command line"):
# in the full teleo-codex vault (1,228 notes), no title is the start of another but for dated
# slugs and titles of four words, and the only two titles of the same words but for
# punctuation are one claim filed twice.
SURE_MIN_WORDS = 3  # a typo is undone in links of this many words (not digits) or more
SURE_WORD_LEN = 4  # ... in a word of this many letters or more ("belief" and "beliefs" are two notes)


def surely_names(written: str, title: str) -> bool:
    """Does written, which names no note, name title beyond doubt? The same words in another
    form (case, punctuation, dashes or underscores for spaces); the title's first words, at
    least NEAR_PREFIX_WORDS of them not numbers (a title shortened in the link); or the same
    words with one of them misspelt by one letter (added, dropped, changed or two swapped),
    in a word of SURE_WORD_LEN letters or more without digits. Dates and numbers never
    differ: `proposal 13` and `proposal 14` are two notes."""
    q, t = normalize(written), normalize(title)
    if not q:
        return False
    if q == t:
        return True
    qw, tw = q.split(), t.split()
    words = sum(1 for w in qw if not _has_digit(w))
    if len(qw) < len(tw):
        return tw[: len(qw)] == qw and words >= NEAR_PREFIX_WORDS
    if len(qw) != len(tw) or words < SURE_MIN_WORDS:
        return False
    differ = [(a, b) for a, b in zip(qw, tw) if a != b]
    if len(differ) != 1:
        return False
    a, b = differ[0]
    return min(len(a), len(b)) >= SURE_WORD_LEN and not _has_digit(a + b) and _one_letter_apart(a, b)


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def _one_letter_apart(a: str, b: str) -> bool:
    """One letter added, dropped or changed, or two neighbours swapped (a != b)."""
    if len(a) == len(b):
        at = [i for i in range(len(a)) if a[i] != b[i]]
        return len(at) == 1 or (len(at) == 2 and at[1] == at[0] + 1 and a[at[0]] == b[at[1]] and a[at[1]] == b[at[0]])
    if abs(len(a) - len(b)) != 1:
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i in range(len(short)) if short[i] != long[i]), len(short))
    return short[i:] == long[i + 1 :]
