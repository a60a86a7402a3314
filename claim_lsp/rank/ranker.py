"""TitleRanker: the titles and aliases of a vault, and the word index built from them. The
index is built once and then patched: additions and removals go to a small overlay that is
folded into a rebuild only after it grows, so typing never rebuilds it. Its attributes are
the package's: words.py, score.py and suggest.py read them."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Collection

from . import score, suggest
from .normalize import normalize_many
from .score import Ranked
from .words import Entry, tiebreak

OVERLAY_LIMIT = 512
AMONG_SCORED = 2000  # more notes than this to rank among: the vault's ranking, filtered
AMONG_WIDEN = 10  # ... taking this many times the answers wanted


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
        # while True, queries search the overlay as text (words._overlay_texts) rather than fold it
        # into the word index: set while a vault's titles are filed in batches, so that a query
        # between two batches does not rebuild the index (at 100,000 notes, ~1 s of rebuilds)
        self.deferred = False
        self._scan_texts: list[tuple[int, str, array]] = []  # see words._overlay_texts

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
        entries.sort(key=lambda e: -tiebreak(e))
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

    # ---- queries -------------------------------------------------------------------
    def rank(self, query: str, limit: int = 50, exclude: str | None = None) -> list[Ranked]:
        """Best matches for what was typed, best first (score.py)."""
        return score.rank(self, query, limit, exclude)

    def rank_among(self, query: str, paths: Collection[str], limit: int = 50) -> list[Ranked]:
        """Best matches for what was typed among the titles of the given notes (score.py).
        Many notes (a flat vault's one folder): those among the vault's best few hundred, as
        scoring each of their titles would cost up to ~2 µs a note at each keystroke."""
        if len(paths) > AMONG_SCORED:
            among = paths if isinstance(paths, (set, frozenset)) else set(paths)
            found = [r for r in self.rank(query, AMONG_WIDEN * limit) if not r.entry.alias and r.entry.path in among]
            return found[:limit]
        entries = self._entries
        titles = []
        for path in paths:
            found = self._by_path.get(path)
            for i in (found,) if isinstance(found, int) else found or ():
                if not entries[i].alias:
                    titles.append(entries[i])
        return score.rank_titles(titles, query, limit)

    def suggest(self, target: str, limit: int = 5) -> list[str]:
        """Titles a broken link most likely meant, best first (suggest.py)."""
        return suggest.suggest(self, target, limit)


def _file_id(by_path: dict[str, int | list[int]], path: str, idx: int) -> None:
    """File an entry id under its note: one id as an int (most notes have no alias)."""
    found = by_path.get(path)
    if found is None:
        by_path[path] = idx
    elif isinstance(found, int):
        by_path[path] = [found, idx]
    else:
        found.append(idx)
