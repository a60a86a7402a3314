"""The vault's review checklist as rules: what its reviewers check by hand for every proposed
claim (the contributor guide's "Review checklist"), told for one note and its vault.

- duplicate-claim: another note of the same type has the same title (any case);
- near-duplicate: another note of the same type has nearly the same title (rank.similar);
- description-repeats-title: the description adds (almost) nothing to the title;
- confidence-exceeds-support: rated more confident than every claim it depends on;
- unacknowledged-challenge: a likely or proven claim that another note challenges, which
  does not name it in its `challenged_by` (nor link to it in a Challenges section);
- forbidden-link: a link or reference between types the configuration forbids.

checks.check_note calls check_review, so the server and `claim-lsp check` agree. All but
description-repeats-title look at other notes: they wait, as links do, until every note of
the vault has been read (Vault.indexed).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from .config import Config
from .index import Vault
from .linktext import link_key, lowered
from .model import Note, Problem, Span
from .rank import normalize, prepare_similar, preparing_similar, similar_titles, similarity
from .review_description import description_repeats_title
from .schema import schemas_of

REVIEW_CODES = (
    "duplicate-claim", "near-duplicate", "description-repeats-title", "confidence-exceeds-support",
    "unacknowledged-challenge", "forbidden-link",
)  # fmt: skip

# Two titles of the same type at least this alike (rank.similar.similarity: rapidfuzz ratio or
# token-sort ratio of the normalised titles) are near duplicates. Measured: distinct claims of
# the shared corpus score at most ~65 against one another, and of generated vaults (titles
# from one template and a small vocabulary) at most ~87 at 100,000 notes; a typo, a word
# dropped, added or changed, or two words swapped in a corpus title score 90 and above in 98
# to 100 cases of 100 (README "The review checklist").
NEAR_DUPLICATE_SCORE = 90

# the claims' confidence scale (schemas/claim.md), least to most confident
CONFIDENCE = ("speculative", "experimental", "likely", "proven")
_RANK = {c: i for i, c in enumerate(CONFIDENCE)}
CHALLENGED = ("likely", "proven")  # "for claims rated likely or higher" (the checklist)
DEPENDS_ON, CHALLENGES, CHALLENGED_BY = "depends_on", "challenges", "challenged_by"
# a section acknowledging counter-evidence: "## Challenges", "## Challenges Considered",
# "## The strongest counterarguments" (the corpus's headings)
_CHALLENGE_HEADINGS = ("challeng", "counter")


def check_review(note: Note, vault: Vault) -> list[Problem]:
    """The review checklist's problems of one note; codes switched off are not looked for."""
    config = vault.config
    on = {code for code in REVIEW_CODES if config.severity_of(code) is not None}
    if not on:
        return []
    type_name = note.meta.get("type")
    if not isinstance(type_name, str):
        return []  # plain notes (maps, READMEs, an agent's identity) are not reviewed
    out: list[Problem] = []
    if "description-repeats-title" in on:
        out.extend(description_repeats_title(note))
    if not vault.indexed:
        return out
    if "duplicate-claim" in on:
        out.extend(duplicate_claim(note, vault, type_name))
    if "near-duplicate" in on:
        out.extend(near_duplicate(note, vault, type_name))
    confidence = _text(note.meta.get("confidence"))
    if "confidence-exceeds-support" in on and confidence in _RANK and DEPENDS_ON in note.meta:
        out.extend(confidence_exceeds_support(note, vault, confidence))
    if "unacknowledged-challenge" in on and confidence in CHALLENGED:
        out.extend(unacknowledged_challenge(note, vault))
    if "forbidden-link" in on:
        out.extend(forbidden_links(note, vault, type_name))
    return out


def _text(value: object) -> str | None:
    """A frontmatter value that is a string (a `type` or `confidence` may be anything YAML
    reads: a list, a table), else None."""
    return value if isinstance(value, str) else None


class _WholeVault:
    """What the rules would look up for each note, found once for a whole vault's check."""

    def __init__(self, vault: Vault) -> None:
        config = vault.config
        if config.severity_of("near-duplicate") is not None:
            prepare_similar(vault.ranker, NEAR_DUPLICATE_SCORE)
        # forbidden-link: for each type that may not link to some others, the paths of the notes
        # holding a link under a name of a note of those types (the index's backlink table)
        self.linking: dict[str, set[str]] = {}
        targets = {to for _, to in config.forbidden_links}
        if targets and config.severity_of("forbidden-link") is not None:
            names: dict[str, set[str]] = {t: set() for t in targets}
            for note in vault.notes.values():
                kind = _text(note.meta.get("type"))
                if kind in names:
                    names[kind] |= vault.names_of(note)
            for source in {s for s, _ in config.forbidden_links}:
                keys = set().union(*(names[to] for to in _banned_targets(config, source)))
                self.linking[source] = vault.linkers_of_names(keys)
        # unacknowledged-challenge: each challenged note's challengers, from the few notes that
        # have a `challenges` or `challenged_by` (rather than each claim's backlinks read)
        self.challengers: dict[str, dict[str, str]] = {}
        if config.severity_of("unacknowledged-challenge") is not None:
            for src in vault.notes.values():
                meta = src.meta
                if CHALLENGES not in meta and CHALLENGED_BY not in meta:
                    continue
                for link in src.links:
                    if link.fm_key in (CHALLENGES, CHALLENGED_BY):
                        target = vault.resolve(link.target, src.path).note
                        if target is not None and target.path != src.path:
                            self.challengers.setdefault(target.path, {}).setdefault(src.path, link.fm_key)


_WHOLE: weakref.WeakKeyDictionary[Vault, _WholeVault] = weakref.WeakKeyDictionary()


@contextmanager
def whole_vault(vault: Vault) -> Iterator[None]:
    """While every note of a vault is checked and the vault does not change (the CLI's check):
    the near duplicates of every title found in one pass (rank.similar: a query for each of
    100,000 titles took ~20 s), and the notes linking to a type others may not link to found
    from the index's backlinks (the title table asked about each link took ~10 µs a note)."""
    _WHOLE[vault] = _WholeVault(vault)
    try:
        yield
    finally:
        _WHOLE.pop(vault, None)


def preparing(vault: Vault) -> Iterator[None]:
    """What whole_vault() finds at once that stays right while the vault changes, a step at a
    time (a generator: the server checking every note runs it between requests): the near
    duplicates of every title, kept until a title is added or removed."""
    if vault.config.severity_of("near-duplicate") is not None:
        yield from preparing_similar(vault.ranker, NEAR_DUPLICATE_SCORE)


# ---- duplicates ----------------------------------------------------------------------------
def _title_span(note: Note) -> Span:
    h1 = note.h1
    return h1.span if h1 is not None else Span(0, 0, 0, 0)


def _listed(paths: list[str]) -> str:
    return ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def duplicate_claim(note: Note, vault: Vault, type_name: str) -> list[Problem]:
    """Other notes of the same type with the same title, any case (in other folders; or in
    this one, spelt in another case): the index's title table, one lookup."""
    others = [
        p for p in vault.titled(lowered(note.title)) if p != note.path and vault.notes[p].meta.get("type") == type_name
    ]
    if not others:
        return []
    what = "Another " + type_name if len(others) == 1 else f"{len(others)} other {type_name}s"
    return [
        Problem(
            "duplicate-claim",
            "warning",
            f"{what} {'has' if len(others) == 1 else 'have'} this title: {_listed(others)}",
            _title_span(note),
            {"others": others},
        )
    ]


def near_duplicate(note: Note, vault: Vault, type_name: str) -> list[Problem]:
    """Other notes of the same type whose title is nearly this one's: the same words in another
    form (a slug's dashes or underscores, punctuation), or, where titles are claims (not the
    dates and slugs sources, entities and musings are named by), a similarity of at least
    NEAR_DUPLICATE_SCORE. Same titles any case are duplicate-claim's."""
    schema = schemas_of(vault.config).get(type_name)
    by_title = schema is None or schema.file_named_by_title
    same = lowered(note.title)
    others: list[str] = []
    for path, score in similar_titles(vault.ranker, note.path, NEAR_DUPLICATE_SCORE):
        other = vault.notes.get(path)
        if other is None or other.meta.get("type") != type_name or lowered(other.title) == same:
            continue
        if score < 100 and not by_title:
            continue
        others.append(path)
    if not others:
        return []
    first = vault.notes[others[0]].title
    more = f" (and {len(others) - 1} more)" if len(others) > 1 else ""
    return [
        Problem(
            "near-duplicate",
            "information",
            f'Nearly the same title as the {type_name} "{first}"{more}: {_listed(others)}',
            _title_span(note),
            {"others": others},
        )
    ]


def _key_span(note: Note, key: str) -> Span:
    span = note.frontmatter.key_span(key)
    return span if span is not None else Span(0, 0, 0, 3)


# ---- confidence and counter-evidence ----------------------------------------------------
def _resolved(vault: Vault, note: Note, field: str) -> list[Note]:
    """The notes the items of one relation field name (links and plain titles that resolve)."""
    out: dict[str, Note] = {}
    for link in note.links:
        if link.fm_key != field:
            continue
        target = vault.resolve(link.target, note.path).note
        if target is not None and target.path != note.path:
            out.setdefault(target.path, target)
    return list(out.values())


def confidence_exceeds_support(note: Note, vault: Vault, confidence: str) -> list[Problem]:
    """A claim rated more confident than every claim it depends on that has a confidence of
    the claims' scale (`likely` resting only on `experimental` or `speculative` claims)."""
    support = [(n, n.meta.get("confidence")) for n in _resolved(vault, note, DEPENDS_ON)]
    rated = [(n, c) for n, c in support if _text(c) in _RANK]
    if not rated:
        return []
    best = max(_RANK[c] for _, c in rated)
    if _RANK[confidence] <= best:
        return []
    top = CONFIDENCE[best]
    return [
        Problem(
            "confidence-exceeds-support",
            "hint",
            f"Rated {confidence}, but the claims it depends on are rated {top} at most",
            _key_span(note, "confidence"),
            {"confidence": confidence, "support": top, "depends_on": [n.path for n, _ in rated]},
        )
    ]


def challengers(note: Note, vault: Vault) -> dict[str, str]:
    """The notes challenging this one, path -> the field that says so: those whose `challenges`
    names it, and those naming it in their own `challenged_by` (a tension either side records
    is one both sides should acknowledge). From the index's backlink table, reading the links
    only of the notes that have either field."""
    whole = _WHOLE.get(vault)
    if whole is not None:
        found = whole.challengers.get(note.path, {})
        return {path: found[path] for path in sorted(found)}
    names = vault.names_of(note)
    out: dict[str, str] = {}
    for path in sorted(vault.linkers_of_names(names)):
        src = vault.notes.get(path)
        if src is None or path == note.path:
            continue
        meta = src.meta
        if CHALLENGES not in meta and CHALLENGED_BY not in meta:
            continue  # (most linkers: no link object built)
        for link in src.links:
            if link.fm_key not in (CHALLENGES, CHALLENGED_BY) or link.key not in names or path in out:
                continue
            target = vault.resolve(link.target, path).note
            if target is not None and target.path == note.path:
                out[path] = link.fm_key
    return out


def _acknowledged(note: Note, vault: Vault) -> set[str]:
    """Paths of the notes this one names in its `challenged_by`, or links to in a section
    about challenges or counter-arguments."""
    sections = []
    headings = note.headings
    for k, h in enumerate(headings):
        if h.level >= 2 and any(word in h.text.casefold() for word in _CHALLENGE_HEADINGS):
            end = next((g.span.line for g in headings[k + 1 :] if g.level <= h.level), note.text_lines)
            sections.append((h.span.line, end))
    out: set[str] = set()
    for link in note.links:
        if link.fm_key == CHALLENGED_BY or (link.fm_key is None and any(a < link.span.line < b for a, b in sections)):
            target = vault.resolve(link.target, note.path).note
            if target is not None:
                out.add(target.path)
    return out


def unacknowledged_challenge(note: Note, vault: Vault) -> list[Problem]:
    """A likely or proven claim that another note challenges, not naming it in challenged_by."""
    found = challengers(note, vault)
    if not found:
        return []
    known = _acknowledged(note, vault)
    missing = [p for p in found if p not in known]
    if not missing:
        return []
    first = vault.notes[missing[0]].title
    more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
    span = note.frontmatter.key_span(CHALLENGED_BY) or _key_span(note, "confidence")
    return [
        Problem(
            "unacknowledged-challenge",
            "information",
            f'"{first}"{more} challenges this {note.meta.get("confidence")} claim, '
            f"but its challenged_by does not name it",
            span,
            {"others": missing, "fields": [found[p] for p in missing]},
        )
    ]


# ---- link direction --------------------------------------------------------------------------
def forbidden_links(note: Note, vault: Vault, type_name: str) -> list[Problem]:
    """Links and references from this note to notes of a type its own may not link to
    (Config.forbidden_links: claims never link to musings)."""
    banned = _banned_targets(vault.config, type_name)
    if not banned:
        return []
    whole = _WHOLE.get(vault)
    if whole is not None and note.path not in whole.linking.get(type_name, ()):
        return []
    notes, titled, aliased = vault.notes, vault.titled, vault.aliased
    # the link keys (last path parts, any case) under which a note of a banned type is filed:
    # most notes have none, told from the title and alias tables without resolving a link
    suspects = {
        key
        for key in note.link_keys()
        if any(_text(notes[p].meta.get("type")) in banned for p in titled(key))
        or any(_text(notes[p].meta.get("type")) in banned for p in aliased(key))
    }
    if not suspects:
        return []
    out: list[Problem] = []
    for n, raw in enumerate(note.raw_links()):
        if link_key(raw) not in suspects:
            continue
        link = note.link(n)
        target = vault.resolve(link.target, note.path).note if link.target else None
        if target is None or target.path == note.path or _text(target.meta.get("type")) not in banned:
            continue
        target_type = target.meta.get("type")
        out.append(
            Problem(
                "forbidden-link",
                "warning",
                f"{_article(type_name)} {type_name} must not link to {_article(target_type).lower()} {target_type}"
                f' ("{target.title}")',
                link.target_span,
                {"target": link.target, "type": type_name, "target_type": target_type, "path": target.path},
            )
        )
    return out


def _banned_targets(config: Config, type_name: str) -> frozenset[str]:
    return frozenset(to for source, to in config.forbidden_links if source == type_name)


def _article(word: str) -> str:
    return "An" if word[:1].lower() in "aeiou" else "A"


# ---- what a change to another note touches (the server's re-checks) -----------------------------
def challenge_keys(note: Note | None) -> set[str]:
    """The link keys of the note's `challenges` and `challenged_by` items."""
    if note is None or (CHALLENGES not in note.meta and CHALLENGED_BY not in note.meta):
        return set()
    return {link.key for link in note.links if link.fm_key in (CHALLENGES, CHALLENGED_BY)}


def titles_collide(title: str, names: set[str]) -> bool:
    """Could a note of this title be a duplicate or near duplicate of a note of one of these
    (lower-cased) names?"""
    if not names:
        return False
    if lowered(title) in names:
        return True
    norm = normalize(title)
    return any(similarity(norm, normalize(name)) >= NEAR_DUPLICATE_SCORE for name in names)
