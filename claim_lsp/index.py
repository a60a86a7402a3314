"""The vault: every note's title, aliases, headings and links; resolution; backlinks.

All lookups are by dictionary: a change to one note touches only that note's entries,
never the rest of the vault. Resolution rules (the contract, also in the README):

1. split off `|shown` and `#heading`; trim; an optional `.md` is ignored;
2. a target with `/` matches the vault-relative path (exact, then a suffix of path parts;
   `./` and `../` are relative to the linking note's folder and may not leave the vault);
3. otherwise the filename stem, then aliases;
4. failing an exact match, a case-insensitive match resolves too, reported as case-mismatch;
5. several matches: the note in the linking note's own folder wins, then the one sharing
   the longest folder prefix; still tied is ambiguous.

A plain item of a relation field (Link.bare) resolves by the same rules; one that names no
note is not a broken link but text (link_at leaves it out), unless it nearly names a title
(near_miss).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

from .config import Config
from .linktext import link_key, lowered
from .model import NO_PROBLEMS, Frontmatter, Link, Note
from .parse import intro_of, title_of
from .rank import TitleRanker, nearly_names
from .resolve import (
    AMBIGUOUS,
    BROKEN,
    CASE_MISMATCH,
    EMPTY,
    OK,
    Resolution,
    folder_parts,
    pick_nearest,
    shared_prefix,
    stem_path,
)
from .sharing import share_name
from .stamps import FileStamps
from .tables import Paths, add_path, paths_in, remove_path, tag_counts, tag_table, tagged

_UNREAD = Frontmatter(None, None, problems=NO_PROBLEMS)  # of every note filed before it is read


class Vault:
    """One workspace folder's notes."""

    def __init__(
        self,
        root: Path | None = None,
        config: Config | None = None,
        read_file: Callable[[Path, int], str] | None = None,
    ) -> None:
        self.root = root
        self.config = config or Config()
        # a file's text, read up to so many bytes ('' when it cannot be): the disk layer's
        # (scan.file_text), for hovers; without one the index reads no files
        self.read_file = read_file
        self.notes: dict[str, Note] = {}
        self._by_stem: dict[str, Paths] = {}  # lower-cased title -> paths (see tables.add_path)
        self._by_alias: dict[str, Paths] = {}
        self._inbound: dict[str, Paths] = {}  # link key -> paths of notes with such links
        self._by_tag: dict[str, Paths] = {}  # tag as written -> paths of the notes holding it
        self.ranker = TitleRanker()
        self._attachment_paths: set[str] = set()  # lower-cased vault-relative paths of non-notes
        self._attachment_names: set[str] = set()  # their lower-cased file names
        self._suggest_cache: dict[tuple[str, str, int], list[str]] = {}
        self._suggest_generation = -1
        self._folders: dict[str, list[str]] = {}  # see folders()
        self._folders_generation = -1
        # False while notes are still being read (the server's background indexing): titles
        # may be filed, but aliases and headings of unread notes are not known yet
        self.indexed = True
        # the text of an open note by vault-relative path, or None (set by the workspace)
        self.open_text: Callable[[str], str | None] = lambda rel: None
        # the stamp of the file each note was read from (the loader and the workspace record them)
        self.stamps = FileStamps()

    # ---- saved with the disk cache ---------------------------------------------------
    def snapshot(self) -> VaultSnapshot:
        """The notes and every table built from them, as plain values: restored, they spare
        a restart filing each note again (~25 µs a note)."""
        return VaultSnapshot(self.notes, self._by_stem, self._by_alias, self._inbound, self.ranker.snapshot())

    def restore(self, state: VaultSnapshot) -> None:
        """Take the tables of a snapshot (of this vault's folder, from the disk cache)."""
        tables = (state.notes, state.by_stem, state.by_alias, state.inbound)
        if not all(isinstance(t, dict) for t in tables):
            raise ValueError("not a vault snapshot")
        self.ranker.restore(state.ranker)
        self.notes, self._by_stem, self._by_alias, self._inbound = tables
        self._by_tag = tag_table(self.notes)
        self._suggest_cache.clear()

    # ---- maintenance -------------------------------------------------------------
    def put(self, note: Note) -> Note | None:
        """Add or replace a note. Returns the note it replaced."""
        old = self.notes.get(note.path)
        same_names = old is not None and old.title == note.title and old.aliases == note.aliases
        if old is not None:
            self._unlink(old, keep_names=same_names)
        self.notes[note.path] = note
        for key in note.link_keys():
            add_path(self._inbound, key, note.path)
        for tag in note.tags():
            add_path(self._by_tag, tag, note.path)
        if same_names:
            return old  # a keystroke that left title and aliases alone: names stay filed
        add_path(self._by_stem, lowered(note.title), note.path)
        for alias in note.aliases:
            add_path(self._by_alias, lowered(alias), note.path)
        self.ranker.add(note.title, note.path)
        for alias in note.aliases:
            self.ranker.add(alias, note.path, alias=True)
        return old

    def set_attachments(self, paths: set[str]) -> None:
        """The vault's other files (images, PDFs, canvases): `![[diagram.png]]` is not broken."""
        self._attachment_paths = {p.lower() for p in paths}
        self._attachment_names = {p.rsplit("/", 1)[-1].lower() for p in paths}

    def has_attachment(self, target: str) -> bool:
        """Does a link target (with its extension) name one of the vault's other files?"""
        want = target.replace("\\", "/").strip("/").lower()
        if "." not in want.rsplit("/", 1)[-1]:
            return False
        if "/" not in want:
            return want in self._attachment_names
        return want in self._attachment_paths or any(p.endswith("/" + want) for p in self._attachment_paths)

    def text_of(self, note: Note) -> str | None:
        """The note's text: the editor's, when it is open, else the file's."""
        text = self.open_text(note.path)
        if text is None and self.root is not None and self.read_file is not None:
            text = self.read_file(self.root / note.path, self.config.max_file_bytes) or None
        return text

    def intro_of(self, note: Note) -> str:
        """The opening paragraph of the note, read when asked (hovers): keeping it for every
        note cost ~300 bytes a note."""
        text = self.text_of(note)
        return intro_of(text, self.config.limits) if text else ""

    def put_placeholders(self, paths: Iterable[str]) -> None:
        """File notes by their titles before they are read: links to them resolve and
        completion offers them at once; the parsed notes replace them later. (Vault.put for
        notes with a title and nothing else, in bulk: a third of the time at 100,000 notes.)"""
        notes, by_stem = self.notes, self._by_stem
        new = list(dict.fromkeys(path for path in paths if path not in notes))
        # shared as parsed notes' titles are: one string for the placeholder and the note
        titles = list(map(share_name, map(title_of, new)))
        notes.update(zip(new, map(Note, new, titles, repeat(0), repeat(_UNREAD))))
        keys = list(map(lowered, titles))
        if by_stem.keys().isdisjoint(keys) and len(set(keys)) == len(keys):
            by_stem.update(zip(keys, new))  # (each key new, with one path: what add_path would file)
        else:
            for key, path in zip(keys, new):
                add_path(by_stem, key, path)
        self.ranker.add_titles(list(zip(titles, new)))

    @contextmanager
    def filing_in_bulk(self) -> Iterator[None]:
        """While a vault's titles are filed in batches, with requests answered between them:
        completions between two batches search the titles filed so far as one text, rather
        than rebuild the word index each time; it is built once, by the first query after
        them or by ranker.prepare() once the vault is read (built as this ends, it held up
        the indexing by ~0.3 s at 100,000 notes)."""
        self.ranker.deferred = True
        try:
            yield
        finally:
            self.ranker.deferred = False

    def remove(self, path: str) -> Note | None:
        old = self.notes.pop(path, None)
        if old is not None:
            self._unlink(old)
            self.stamps.forget(path)
        return old

    def _unlink(self, note: Note, keep_names: bool = False) -> None:
        for key in note.link_keys():
            remove_path(self._inbound, key, note.path)
        for tag in note.tags():
            remove_path(self._by_tag, tag, note.path)
        if keep_names:
            return
        remove_path(self._by_stem, note.title.lower(), note.path)
        for alias in note.aliases:
            remove_path(self._by_alias, alias.lower(), note.path)
        self.ranker.remove(note.title, note.path)
        for alias in note.aliases:
            self.ranker.remove(alias, note.path, alias=True)

    def __len__(self) -> int:
        return len(self.notes)

    def titled(self, lowered: str) -> Sequence[str]:
        """Paths of the notes whose title, lower-cased, is lowered."""
        return paths_in(self._by_stem, lowered)

    def aliased(self, lowered: str) -> Sequence[str]:
        """Paths of the notes with such an alias (lower-cased)."""
        return paths_in(self._by_alias, lowered)

    def names_of(self, note: Note) -> set[str]:
        """Lower-cased keys under which links can reach the note."""
        return {note.title.lower(), *(a.lower() for a in note.aliases)}

    # ---- resolution --------------------------------------------------------------
    def names_one_note(self, target: str) -> bool:
        """Does a link's target, as written (before any | or #), name exactly one note by
        its title in its own spelling? resolve() would say OK with nothing to report: the
        common [[title]], told without splitting the link or building a Resolution."""
        if not target or "#" in target or "/" in target or "\\" in target or target != target.strip():
            return False
        if target[-3:].lower() == ".md":
            return False
        found = self._by_stem.get(target.lower())
        return type(found) is str and self.notes[found].title == target

    def resolve(self, target: str, from_path: str) -> Resolution:
        target = target.strip()
        if not target:
            return Resolution(EMPTY)
        if "/" in target or "\\" in target:
            return self._resolve_path(target.replace("\\", "/"), from_path)
        lowered = target.lower()
        stems = [self.notes[p] for p in self.titled(lowered)]
        exact = [n for n in stems if n.title == target]
        if exact:
            return pick_nearest(exact, from_path, OK)
        aliased = [self.notes[p] for p in self.aliased(lowered)]
        exact_alias = [n for n in aliased if target in n.aliases]
        if exact_alias:
            res = pick_nearest(exact_alias, from_path, OK)
            res.via_alias = True
            return res
        if stems:
            return pick_nearest(stems, from_path, CASE_MISMATCH)
        if aliased:
            res = pick_nearest(aliased, from_path, CASE_MISMATCH)
            res.via_alias = True
            return res
        return Resolution(BROKEN)

    def _resolve_path(self, target: str, from_path: str) -> Resolution:
        if target.startswith("./") or target.startswith("../"):
            parts = folder_parts(from_path)
            for part in target.split("/"):
                if part in ("", "."):
                    continue
                if part == "..":
                    if not parts:
                        return Resolution(BROKEN)  # would leave the vault
                    parts.pop()
                else:
                    parts.append(part)
            exact_only = True
        else:
            parts = [p for p in target.split("/") if p not in ("", ".")]
            if ".." in parts:
                return Resolution(BROKEN)
            exact_only = False
        if not parts:
            return Resolution(EMPTY)
        want = "/".join(parts)
        candidates = [self.notes[p] for p in self.titled(parts[-1].lower())]

        def matches(note: Note, fold: bool) -> tuple[bool, bool]:
            have = stem_path(note.path)
            a, b = (have.lower(), want.lower()) if fold else (have, want)
            return a == b, (not exact_only) and a.endswith("/" + b)

        for fold, status in ((False, OK), (True, CASE_MISMATCH)):
            full = [n for n in candidates if matches(n, fold)[0]]
            if full:
                return pick_nearest(full, from_path, status)
            suffix = [n for n in candidates if matches(n, fold)[1]]
            if suffix:
                return pick_nearest(suffix, from_path, status)
        return Resolution(BROKEN)

    def link_at(self, note: Note, line: int, col: int) -> Link | None:
        """The link under the cursor, or the plain item of a relation field when it names a
        note (one that names none is text: prose, or a near miss the diagnostics report)."""
        link = note.link_at(line, col)
        if link is not None and link.bare and self.resolve(link.target, note.path).status in (BROKEN, EMPTY):
            return None
        return link

    def near_miss(self, target: str, from_path: str) -> list[str]:
        """For a plain item that names no note: the titles it nearly names (rank.nearly_names),
        best first, then the other suggestions; [] when it nearly names none (prose)."""
        suggestions = self.suggest(target, from_path)
        near = [s for s in suggestions if nearly_names(target, s)]
        return near + [s for s in suggestions if s not in near] if near else []

    # ---- backlinks ---------------------------------------------------------------
    def inbound(
        self, note: Note, heading: str | None = None
    ) -> tuple[list[tuple[Note, Link]], list[tuple[Note, Link]]]:
        """The links to note (and, if given, to that heading), in two lists: those that
        resolve to it (its backlinks), and the ambiguous links that name it among others
        (possible backlinks: resolution cannot choose, so neither can this); plain-title
        references in relation fields included (Link.bare)."""
        sure: list[tuple[Note, Link]] = []
        maybe: list[tuple[Note, Link]] = []
        keys = self.names_of(note)
        sources: set[str] = set()
        for key in keys:
            sources |= self._linkers(key)
        # A link resolves the same from every note of a folder (resolve.pick_nearest), and a
        # note named by many (`_map`: 18,583 linkers at 20k) is linked by one text from most of
        # them: resolved once per folder, and Links built only for the links under these keys,
        # its hover went from 0.49 to 0.09 s there.
        resolved: dict[tuple[str, str], Resolution] = {}
        for src_path in sorted(sources):
            src = self.notes.get(src_path)
            if src is None:
                continue
            folder = src_path.rpartition("/")[0]
            for n, raw in enumerate(src.raw_links()):
                if link_key(raw) not in keys:
                    continue
                link = src.link(n)
                res = resolved.get((link.target, folder))
                if res is None:
                    res = resolved[link.target, folder] = self.resolve(link.target, src.path)
                if res.status == AMBIGUOUS:
                    if not any(n.path == note.path for n in res.notes):
                        continue
                    found = maybe
                elif res.note is None or res.note.path != note.path:
                    continue
                else:
                    found = sure
                if heading is not None:
                    if link.heading is None or link.heading.casefold() != heading.casefold():
                        continue
                found.append((src, link))
        return sure, maybe

    def backlinks(self, note: Note, heading: str | None = None) -> list[tuple[Note, Link]]:
        """Every link in the vault that resolves to note (and, if given, to that heading)."""
        return self.inbound(note, heading)[0]

    def possible_backlinks(self, note: Note, heading: str | None = None) -> list[tuple[Note, Link]]:
        """The ambiguous links that name note among other candidates."""
        return self.inbound(note, heading)[1]

    def backlink_count(self, note: Note) -> int:
        return len({src.path for src, _ in self.backlinks(note)})

    def linkers_of_names(self, names: set[str]) -> set[str]:
        """Paths of notes holding a link under any of these lower-cased keys."""
        out: set[str] = set()
        for name in names:
            out |= self._linkers(name.rsplit("/", 1)[-1])
        return out

    def inbound_estimate(self, note: Note) -> int:
        return sum(len(self._linkers(k)) for k in self.names_of(note))

    def _linkers(self, key: str) -> set[str]:
        found = self._inbound.get(key)
        if found is None:
            return set()
        if isinstance(found, str):
            return {found}
        return set(found) if isinstance(found, tuple) else found  # callers only read it

    # ---- tags --------------------------------------------------------------------------
    def tag_counts(self) -> dict[str, tuple[str, int]]:
        """Every tag, lower-cased (a tag is one whatever its case, as Obsidian reads them) ->
        (the spelling most notes use, how many notes hold it)."""
        return tag_counts(self._by_tag)

    def tagged(self, tag: str) -> list[str]:
        """Paths of the notes holding the tag (any case, with or without `#`), sorted."""
        return tagged(self._by_tag, tag)

    # ---- folders ----------------------------------------------------------------------
    def folders(self) -> dict[str, list[str]]:
        """Each folder holding notes ('' for the vault's root) -> the paths of its notes. Made
        when asked (path completion) and kept until a note is added or removed: the ranker's
        generation changes then, and not while a note is edited."""
        if self._folders_generation != self.ranker.generation:
            folders: dict[str, list[str]] = {}
            for path in self.notes:
                folders.setdefault(path.rpartition("/")[0], []).append(path)
            self._folders = folders
            self._folders_generation = self.ranker.generation
        return self._folders

    # ---- fuzzy ----------------------------------------------------------------------
    def suggest(self, target: str, from_path: str, limit: int = 5) -> list[str]:
        """Titles (or paths, for path links) a broken link most likely meant. Answers are
        cached until a title or alias changes, so re-checking a note while typing is cheap."""
        if self._suggest_generation != self.ranker.generation:
            self._suggest_cache.clear()
            self._suggest_generation = self.ranker.generation
        key = (target, from_path.rsplit("/", 1)[0] if "/" in target else "", limit)
        cached = self._suggest_cache.get(key)
        if cached is None:
            cached = self._suggest(target, from_path, limit)
            if len(self._suggest_cache) > 20_000:
                self._suggest_cache.clear()
            self._suggest_cache[key] = cached
        return list(cached)

    def _suggest(self, target: str, from_path: str, limit: int) -> list[str]:
        if "/" in target:
            stem = target.rstrip("/").rsplit("/", 1)[-1]
            same_stem = [self.notes[p] for p in self.titled(stem.lower())]
            here = folder_parts(from_path)
            want = target.lower().strip("/").split("/")
            same_stem.sort(
                key=lambda n: (
                    -shared_prefix(list(reversed(want)), list(reversed(stem_path(n.path).lower().split("/")))),
                    -shared_prefix(here, folder_parts(n.path)),
                    n.path,
                )
            )
            paths = [stem_path(n.path) for n in same_stem]
            rest = [t for t in self.ranker.suggest(stem, limit) if t.lower() != stem.lower()]
            return (paths + rest)[:limit]
        return self.ranker.suggest(target, limit)

    def refresh_popularity(self) -> None:
        """Backlink estimates for ranking ties (cheap: sizes of the inbound sets)."""
        notes = self.notes
        self.ranker.set_popularity(lambda path: self.inbound_estimate(notes[path]) if path in notes else 0)


class VaultSnapshot(NamedTuple):
    """A vault's notes and the tables built from them (Vault.snapshot). The disk cache saves
    it as a plain tuple, the notes as their paths (its unpickler builds only listed classes)."""

    notes: dict[str, Note]  # by vault-relative path, in the vault's order
    by_stem: dict[str, Paths]
    by_alias: dict[str, Paths]
    inbound: dict[str, Paths]
    ranker: tuple  # TitleRanker.snapshot
