"""Fuzzy lookup of note titles (and aliases): completion ranking, broken-link
suggestions and near-duplicate titles.

Plain WRatio over every title ranks typed prefixes badly and costs ~100 ms at 10k titles.
So a cheap pass picks candidates from a word index (each query word as a prefix of a
title word, or a near spelling of one, found with rapidfuzz over the vocabulary), and
only those are scored, combining prefix, word-boundary, substring and typo-tolerant
scores. The index is built once and then patched: additions and removals go to a small
overlay that is folded into a rebuild only after it grows, so typing never rebuilds it.

normalize.py: what titles and typed text are compared as; words.py: the entries and the
candidates; score.py: completion ranking; suggest.py: broken-link suggestions;
similar.py: near-duplicate titles; ranker.py: TitleRanker, which keeps the entries and the
word index and answers the others.
"""

from .normalize import normalize, normalize_many, typo_fixes
from .ranker import OVERLAY_LIMIT, TitleRanker
from .score import Ranked
from .similar import Similar, similar_titles, similarity
from .similar import prepare as prepare_similar
from .similar import preparing as preparing_similar
from .suggest import most_shared, nearly_names, surely_names
from .words import SCAN_OVERLAY, Entry

__all__ = [
    "TitleRanker",
    "Entry",
    "Ranked",
    "normalize",
    "normalize_many",
    "typo_fixes",
    "most_shared",
    "nearly_names",
    "surely_names",
    "Similar",
    "similar_titles",
    "similarity",
    "prepare_similar",
    "preparing_similar",
    "OVERLAY_LIMIT",
    "SCAN_OVERLAY",
]
