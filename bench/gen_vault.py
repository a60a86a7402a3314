#!/usr/bin/env python3
"""Deterministic generator of realistic claim-note vaults for benchmarks.

    python bench/gen_vault.py OUT_DIR --notes 10000 [--seed 1]

or, from Python, ``generate_vault(out_dir, notes, seed) -> stats``. The same (notes, seed,
GENERATOR_VERSION) always produces byte-identical files. Standard library only. See
bench/README.md for the shape of the vault and the format of OUT_DIR/.bench.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

try:
    from . import vocabulary as vocab
except ImportError:  # run as a script, or imported with bench/ on sys.path
    import vocabulary as vocab

GENERATOR_VERSION = 1
MANIFEST = ".bench.json"

# Shares of the regular notes (everything but _map.md files and maps/) by type.
SOURCE_SHARE, ENTITY_SHARE, MUSING_SHARE = 0.05, 0.03, 0.02

# Kinds of a planned link that targets a note, with their probability for ordinary links.
# Hub links, map listings and "Relevant Notes:" repeats are always exact, so these are set
# above the wanted shares of all links: broken ~3% (half nonexistent titles, half typos of
# real ones), case-only ~2%, |alias ~10%.
LINK_KIND_WEIGHTS = [
    ("missing", 0.0185), ("typo", 0.0185), ("case_only", 0.025), ("alias", 0.125),
    ("heading", 0.03), ("embed", 0.01), ("exact", 0.773),
]
RESOLVING_KINDS = ("exact", "alias", "heading", "embed")
BROKEN_KINDS = ("missing", "typo")

# Characters a title (a filename stem) must not contain: path separators, link syntax,
# characters Windows and macOS filesystems reject.
TITLE_FORBIDDEN = set('/\\:|#[]^*?"<>')
MAX_TITLE_BYTES = 200
SENTENCES_PER_DOMAIN = 1200
CLAUSES_PER_DOMAIN = 600

FIRST_DAY = dt.date(2025, 6, 1).toordinal()
LAST_DAY = dt.date(2026, 3, 15).toordinal()


# ---------------------------------------------------------------------------------------------
# Words and sentences


def third_person(verb: str) -> str:
    head, _, rest = verb.partition(" ")
    if head == "have":
        head = "has"
    elif head == "do":
        head = "does"
    elif head.endswith("y") and head[-2:-1] not in "aeiou":
        head = head[:-1] + "ies"
    elif head.endswith(("s", "x", "z", "ch", "sh", "o")):
        head += "es"
    else:
        head += "s"
    return f"{head} {rest}" if rest else head


def gerund(verb: str) -> str:
    if verb in vocab.GERUND_EXCEPTIONS:
        return vocab.GERUND_EXCEPTIONS[verb]
    head, _, rest = verb.partition(" ")
    if head.endswith("ie"):
        head = head[:-2] + "ying"
    elif head.endswith("e") and not head.endswith("ee"):
        head = head[:-1] + "ing"
    else:
        head += "ing"
    return f"{head} {rest}" if rest else head


IRREGULAR_PLURALS = {"person": "people", "analysis": "analyses", "crisis": "crises",
                     "hypothesis": "hypotheses", "diagnosis": "diagnoses", "axiom": "axioms"}


def plural(noun: str) -> str:
    head, sep, last = noun.rpartition(" ")
    if last in IRREGULAR_PLURALS:
        last = IRREGULAR_PLURALS[last]
    elif last.isupper():  # acronyms: DAOs, EHRs
        last += "s"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        last += "es"
    else:
        last += "s"
    return head + sep + last


def article(word: str) -> str:
    return "an" if word[0].lower() in "aeiou" else "a"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


class Lexicon:
    """Phrase and sentence makers for one domain, drawing on that domain's words and the
    general vocabulary. Every method consumes the shared random stream, so call order matters
    for determinism."""

    def __init__(self, rng: random.Random, domain: dict):
        self.rng = rng
        self.domain = domain
        self.nouns = domain["nouns"]
        self.names = domain["names"]

    def noun(self) -> str:
        rng = self.rng
        return rng.choice(self.nouns) if rng.random() < 0.55 else rng.choice(vocab.GENERAL_NOUNS)

    def noun_phrase(self, allow_plural: bool = True) -> tuple[str, bool]:
        """A noun phrase and whether it is plural (for verb agreement)."""
        rng = self.rng
        noun = self.noun()
        is_plural = allow_plural and noun not in vocab.MASS_NOUNS and rng.random() < 0.4
        words = []
        roll = rng.random()
        if is_plural:
            if roll < 0.2:
                words.append(rng.choice(vocab.PLURAL_QUANTIFIERS))
        elif noun not in vocab.MASS_NOUNS:
            words.append("the" if roll < 0.6 else ("a" if roll < 0.85 else "each"))
        elif roll < 0.15:
            words.append("the")
        if rng.random() < 0.45:
            words.append(rng.choice(vocab.ADJECTIVES))
        words.append(plural(noun) if is_plural else noun)
        if words[0] == "a":
            words[0] = article(words[1])
        if rng.random() < 0.22:
            words.append(rng.choice(("of", "in", "for", "across", "between")))
            words.append(self.noun())
        return " ".join(words), is_plural

    def subject(self) -> tuple[str, bool]:
        if self.rng.random() < 0.08:
            return self.rng.choice(self.names), False
        return self.noun_phrase()

    def verb_phrase(self, is_plural: bool) -> str:
        rng = self.rng
        verb = rng.choice(vocab.VERBS)
        roll = rng.random()
        if roll < 0.15:
            modal = rng.choice(vocab.MODALS)
            if is_plural:
                modal = modal.replace("is likely", "are likely").replace("tends", "tend")
                modal = modal.replace("fails", "fail")
            return f"{modal} {verb}"
        if roll < 0.22:
            return f"{rng.choice(vocab.ADVERBS)} {verb if is_plural else third_person(verb)}"
        return verb if is_plural else third_person(verb)

    def clause(self) -> str:
        subject, is_plural = self.subject()
        obj, _ = self.noun_phrase()
        text = f"{subject} {self.verb_phrase(is_plural)} {obj}"
        if self.rng.random() < 0.3:
            tail, _ = self.noun_phrase()
            text += f" {self.rng.choice(('through', 'by', 'for', 'across', 'without'))} {tail}"
        return text

    def title(self) -> str:
        """A prose claim title of 8-25 words: 'X does Y because Z does W' and relatives."""
        rng = self.rng
        while True:
            template = rng.random()
            if template < 0.30:
                text = f"{self.clause()} {rng.choice(vocab.CONNECTORS)} {self.clause()}"
            elif template < 0.42:
                subject, is_plural = self.subject()
                text = (f"{subject} {'are' if is_plural else 'is'} "
                        f"{rng.choice(vocab.ADJECTIVES)} because {self.clause()}")
            elif template < 0.52:
                obj, _ = self.noun_phrase()
                text = f"{self.clause()} rather than {gerund(rng.choice(vocab.VERBS))} {obj}"
            elif template < 0.62:
                obj, _ = self.noun_phrase()
                text = f"{self.clause()} by {gerund(rng.choice(vocab.VERBS))} {obj}"
            elif template < 0.70:
                subject, is_plural = self.subject()
                obj, _ = self.noun_phrase()
                text = (f"{subject} {self.verb_phrase(is_plural)} "
                        f"{rng.choice(vocab.PERCENTS)} percent of {obj} but {self.clause()}")
            elif template < 0.78:
                subject, is_plural = self.subject()
                a, _ = self.noun_phrase(allow_plural=False)
                b, _ = self.noun_phrase(allow_plural=False)
                adjective = rng.choice(vocab.ADJECTIVES)
                text = (f"{subject} {'are' if is_plural else 'is'} {article(adjective)} "
                        f"{adjective} problem of {a} not of {b}")
            elif template < 0.86:
                obj, _ = self.noun_phrase()
                text = f"{self.clause()} making {obj} {rng.choice(vocab.ADJECTIVES)}"
            elif template < 0.93:
                subject, is_plural = self.subject()
                obj, _ = self.noun_phrase()
                text = (f"{subject} {'cannot' if rng.random() < 0.5 else 'only'} "
                        f"{rng.choice(vocab.VERBS)} {obj} without "
                        f"{gerund(rng.choice(vocab.VERBS))} {self.noun_phrase()[0]}")
            else:
                text = f"{self.clause()} and {self.clause()}"
            n_words = text.count(" ") + 1
            if (8 <= n_words <= 25 and len(text.encode()) <= MAX_TITLE_BYTES
                    and not TITLE_FORBIDDEN.intersection(text)):
                return text

    def sentence(self) -> str:
        """A sentence of prose for note bodies."""
        return capitalise(self._sentence())

    def _sentence(self) -> str:
        rng = self.rng
        c = self.clause
        roll = rng.random()
        if roll < 0.18:
            return capitalise(c()) + "."
        if roll < 0.30:
            return f"{capitalise(c())} because {c()}."
        if roll < 0.38:
            return f"When {c()}, {c()}."
        if roll < 0.44:
            return f"This is why {c()}."
        if roll < 0.50:
            a, _ = self.noun_phrase(allow_plural=False)
            b, _ = self.noun_phrase(allow_plural=False)
            return f"The {rng.choice(vocab.ADJECTIVES)} {self.noun()} is not {a} but {b}."
        if roll < 0.57:
            return (f"In {rng.choice(vocab.YEARS)}, {rng.choice(self.names)} found that {c()}, "
                    f"a {rng.choice(vocab.PERCENTS)} percent change over "
                    f"{rng.choice(vocab.PERIOD_COUNTS)} {rng.choice(vocab.PERIODS)}.")
        if roll < 0.64:
            return f"{capitalise(c())} — {c()}."
        if roll < 0.69:
            return f"What matters is whether {c()}."
        if roll < 0.76:
            return f"{capitalise(c())}, which means {c()}."
        if roll < 0.80:
            return f"Three effects follow: (1) {c()}, (2) {c()}, and (3) {c()}."
        if roll < 0.85:
            subject, is_plural = self.noun_phrase()
            obj, _ = self.noun_phrase()
            return (f"{rng.choice(self.names)} estimates that {subject} "
                    f"{self.verb_phrase(is_plural)} roughly {rng.choice(vocab.PERCENTS)} percent"
                    f" of {obj}.")
        if roll < 0.89:
            adjective = rng.choice(vocab.ADJECTIVES)
            return f"The *{adjective}* version of this argument is stronger: {c()}."
        if roll < 0.92:
            return f"Put differently, {c()}."
        if roll < 0.96:
            obj, _ = self.noun_phrase()
            return f"**{capitalise(self.noun())}** → {obj}; {c()}."
        return f"If {c()}, then {c()}."


def date_text(rng: random.Random) -> str:
    return dt.date.fromordinal(rng.randint(FIRST_DAY, LAST_DAY)).isoformat()


def slug(text: str) -> str:
    return "-".join("".join(ch for ch in w.lower() if ch.isalnum()) for w in text.split())


# ---------------------------------------------------------------------------------------------
# The plan: every note, its title and path, its outgoing links, its anomalies


class Note:
    __slots__ = ("idx", "kind", "title", "folder", "domain", "path", "headings", "size",
                 "inline", "related", "depends_on", "anomaly", "h1")

    def __init__(self, idx, kind, title, folder, domain):
        self.idx = idx
        self.kind = kind        # claim | source | entity | musing | map | topic-map
        self.title = title      # the filename stem
        self.folder = folder
        self.domain = domain    # a DOMAINS entry
        self.path = f"{folder}/{title}.md"
        self.headings: tuple[str, ...] = ()
        self.size = 0           # target size in bytes of the note's prose
        self.inline: list[tuple[int | None, str, str]] = []   # (target, kind, markup) in prose
        self.related: list[tuple[int | None, str, str]] = []  # ... in "Relevant Notes:"
        self.depends_on: list[int] = []
        self.anomaly = ""
        self.h1 = title


class VaultPlan:
    def __init__(self, notes_total: int, seed: int):
        if notes_total < 100:
            raise ValueError("--notes must be at least 100")
        self.rng = random.Random(seed)
        self.seed = seed
        self.total = notes_total
        rng = self.rng
        self.lexicons = {d["name"]: Lexicon(rng, d) for d in vocab.DOMAINS}
        self.sentences: dict[str, list[str]] = {}
        self.clauses: dict[str, list[str]] = {}
        self.mean_sentence: dict[str, float] = {}
        for name, lex in self.lexicons.items():
            self.sentences[name] = [lex.sentence() for _ in range(SENTENCES_PER_DOMAIN)]
            self.clauses[name] = [lex.clause() for _ in range(CLAUSES_PER_DOMAIN)]
            self.mean_sentence[name] = (sum(len(s) + 1 for s in self.sentences[name])
                                        / SENTENCES_PER_DOMAIN)
        self.notes: list[Note] = []
        self.lower_titles: set[str] = set()
        self.folders: list[str] = []
        self.folder_members: dict[str, list[int]] = {}

    # -- titles ---------------------------------------------------------------------------------

    def _unique(self, make, *args) -> str:
        while True:
            title = make(*args)
            key = title.lower()
            if key not in self.lower_titles and key != "_map":
                self.lower_titles.add(key)
                return title

    def _source_stem(self, domain: dict) -> str:
        """Like the corpus's inbox: `2025-12-00-org-topic-words` (day 00 = sometime that month)."""
        rng = self.rng
        lex = self.lexicons[domain["name"]]
        words = slug(lex.noun_phrase()[0] + " " + lex.noun()).split("-")
        org = slug(rng.choice(vocab.ORGS + domain["names"])).split("-")[-1]
        day = rng.choice(("00", "05", "11", "17", "23"))
        return f"{date_text(rng)[:8]}{day}-{org}-" + "-".join(words[:6])

    def _entity_name(self) -> str:
        rng = self.rng
        stem = "".join(rng.choice(vocab.ENTITY_SYLLABLES) for _ in range(rng.randint(2, 3)))
        return f"{stem.capitalize()} {rng.choice(vocab.ENTITY_SUFFIXES)}"

    def _musing_stem(self, domain: dict) -> str:
        rng = self.rng
        lex = self.lexicons[domain["name"]]
        topic = "-".join(slug(lex.noun_phrase(allow_plural=False)[0]).split("-")[-3:])
        return rng.choice((f"research-{date_text(rng)}-{topic}", topic + "-notes",
                           f"research-{date_text(rng)}"))

    def _add(self, kind: str, title: str, folder: str, domain: dict) -> Note:
        note = Note(len(self.notes), kind, title, folder, domain)
        self.notes.append(note)
        self.folder_members.setdefault(folder, []).append(note.idx)
        return note

    def plan_notes(self) -> None:
        rng = self.rng
        n_topic_maps = len(vocab.TOPIC_MAP_TITLES)
        domains = {d["name"]: d for d in vocab.DOMAINS}
        entity_folders = [(f"entities/{d}", domains[d]) for d in vocab.ENTITY_TYPES]
        musing_folders = [("agents/theseus/musings", domains["ai-alignment"]),
                          ("agents/vida/musings", domains["health"]),
                          ("agents/rio/musings", domains["internet-finance"])]
        self.folders = ([d["folder"] for d in vocab.DOMAINS] + ["inbox/archive"]
                        + [f for f, _ in entity_folders] + [f for f, _ in musing_folders])
        regular = self.total - len(self.folders) - n_topic_maps
        n_sources = round(regular * SOURCE_SHARE)
        n_entities = round(regular * ENTITY_SHARE)
        n_musings = round(regular * MUSING_SHARE)
        n_claims = regular - n_sources - n_entities - n_musings

        claim_counts = apportion(n_claims, [d["weight"] for d in vocab.DOMAINS])
        for domain, count in zip(vocab.DOMAINS, claim_counts):
            lex = self.lexicons[domain["name"]]
            for _ in range(count):
                self._add("claim", self._unique(lex.title), domain["folder"], domain)

        source_domains = [domains[n] for n in ("internet-finance", "ai-alignment", "health",
                                               "entertainment", "space-development")]
        for _ in range(n_sources):
            domain = rng.choice(source_domains)
            stem = self._unique(self._source_stem, domain)
            self._add("source", stem, "inbox/archive", domain)

        for (folder, domain), count in zip(entity_folders, apportion(n_entities, [6, 4])):
            for _ in range(count):
                self._add("entity", self._unique(self._entity_name), folder, domain)

        for (folder, domain), count in zip(musing_folders, apportion(n_musings, [4, 3, 3])):
            for _ in range(count):
                self._add("musing", self._unique(self._musing_stem, domain), folder, domain)

        self.first_map = len(self.notes)
        for folder in self.folders:
            domain = next((d for d in vocab.DOMAINS if d["folder"] == folder), None)
            if domain is None:
                domain = domains[{"inbox/archive": "internet-finance",
                                  "entities/internet-finance": "internet-finance",
                                  "entities/health": "health",
                                  "agents/theseus/musings": "ai-alignment",
                                  "agents/vida/musings": "health",
                                  "agents/rio/musings": "internet-finance"}[folder]]
            note = Note(len(self.notes), "map", "_map", folder, domain)
            self.notes.append(note)
        for title in vocab.TOPIC_MAP_TITLES:
            self.lower_titles.add(title.lower())
            self._add("topic-map", title, "maps", rng.choice(vocab.DOMAINS))

        for note in self.notes:
            self._plan_shape(note)

    def _plan_shape(self, note: Note) -> None:
        """Headings (so heading links can point at headings that exist) and target size."""
        rng = self.rng
        if note.kind == "claim":
            headings = []
            if rng.random() < 0.45:
                headings.append(rng.choice(vocab.SECTION_HEADINGS))
            headings.append("Evidence")
            if rng.random() < 0.5:
                headings.append("Challenges")
            note.headings = tuple(headings)
            note.size = clamp(int(rng.lognormvariate(8.5, 0.45)), 1500, 40000)
        elif note.kind == "source":
            note.headings = ("Summary", "Key Points", "Agent Notes")
            note.size = clamp(int(rng.lognormvariate(8.6, 0.5)), 1500, 40000)
        elif note.kind == "entity":
            note.headings = ("Overview", "Timeline", "Relationship to KB")
            note.size = clamp(int(rng.lognormvariate(7.9, 0.4)), 800, 20000)
        elif note.kind == "musing":
            note.headings = ("Research Question", "What I Found", "Follow-up Directions")
            note.size = clamp(int(rng.lognormvariate(8.8, 0.45)), 2000, 40000)

    # -- links ----------------------------------------------------------------------------------

    def plan_links(self) -> None:
        rng = self.rng
        notes = self.notes
        regular = notes[:self.first_map]
        claims = [n.idx for n in regular if n.kind == "claim"]
        core_claims = [i for i in claims if notes[i].folder.startswith(("core/", "foundations/"))]
        self.hub = notes[rng.choice(core_claims)]
        hub_backlinks = min(500, self.total // 20)

        self.linkable_by_folder = {f: [i for i in self.folder_members.get(f, ())
                                       if i != self.hub.idx] for f in self.folders}
        self.linkable = [n.idx for n in regular if n.idx != self.hub.idx]

        for note in regular:
            if note.kind == "claim":
                n_inline = rng.choice((0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6))
                n_related = rng.choice((0, 1, 1, 1, 2, 2, 2, 3))
                repeat_share = 0.3
            elif note.kind == "musing":
                n_inline, n_related, repeat_share = rng.randint(3, 8), 0, 0.0
            elif note.kind == "entity":
                n_inline, n_related, repeat_share = 0, rng.randint(1, 5), 0.0
            else:  # source
                n_inline, n_related, repeat_share = rng.randint(0, 3), 0, 0.0
            for _ in range(n_inline):
                target = self._pick_target(note)
                note.inline.append(self._link(target, self._ordinary_kind(inline=True)))
            for target, kind, _ in list(note.inline):
                if kind in RESOLVING_KINDS and rng.random() < repeat_share:
                    note.related.append(self._link(target, "exact"))
            for _ in range(n_related):
                note.related.append(self._link(self._pick_target(note),
                                               self._ordinary_kind(inline=False)))
            if note.kind == "claim" and rng.random() < 0.12:
                pool = self.linkable_by_folder[note.folder]
                note.depends_on = [t for t in rng.sample(pool, min(len(pool), rng.randint(1, 3)))
                                   if t != note.idx]

        # The primary hub: exactly `hub_backlinks` notes link to it, with links that resolve
        # exactly (plain, |alias or #heading), so references and rename have a known answer.
        sources = [i for i in claims + [n.idx for n in regular if n.kind == "musing"]
                   if i != self.hub.idx]
        for src in rng.sample(sources, hub_backlinks):
            self._add_hub_link(notes[src], self.hub.idx, ("exact", "exact", "exact", "exact",
                               "exact", "exact", "exact", "exact", "alias", "alias", "heading"))
        # Secondary hubs: a long tail of popular notes with ordinary (sometimes case-only or
        # aliased) links on top of their background backlinks.
        self.secondary_hubs = [notes[i] for i in rng.sample(
            [c for c in claims if c != self.hub.idx], max(5, self.total // 2000))]
        for hub in self.secondary_hubs:
            count = rng.randint(max(5, hub_backlinks // 5), max(10, hub_backlinks * 3 // 5))
            for src in rng.sample(sources, count):
                if src != hub.idx:
                    kind = self._ordinary_kind(inline=False)
                    self._add_hub_link(notes[src], hub.idx, (kind if kind not in BROKEN_KINDS
                                                             else "exact",))

    def _add_hub_link(self, note: Note, target: int, kinds: tuple[str, ...]) -> None:
        rng = self.rng
        where = rng.random()
        link = self._link(target, rng.choice(kinds))
        if where < 0.65:
            note.inline.insert(rng.randint(0, len(note.inline)), link)
            if rng.random() < 0.35:
                note.related.insert(0, self._link(target, "exact"))
        else:
            note.related.insert(rng.randint(0, len(note.related)), link)

    def _pick_target(self, note: Note) -> int:
        """Mostly the same folder, skewed so a few notes in each folder collect many links."""
        rng = self.rng
        while True:
            pool = self.linkable_by_folder[note.folder] if rng.random() < 0.6 else self.linkable
            target = pool[int(len(pool) * rng.random() ** 1.6)]
            if target != note.idx:
                return target

    def _ordinary_kind(self, inline: bool) -> str:
        roll = self.rng.random()
        for kind, weight in LINK_KIND_WEIGHTS:
            if roll < weight:
                return "exact" if (kind == "embed" and not inline) else kind
            roll -= weight
        return "exact"

    def _link(self, target: int, kind: str) -> tuple[int | None, str, str]:
        rng = self.rng
        note = self.notes[target]
        title = note.title
        if kind == "heading" and not note.headings:
            kind = "exact"
        if kind == "exact":
            return target, kind, f"[[{title}]]"
        if kind == "alias":
            words = title.split()
            if len(words) < 4:  # slug or name: show it as words
                shown = title.replace("-", " ")
            else:
                start = rng.randint(0, max(0, len(words) - 3))
                shown = " ".join(words[start:start + rng.randint(2, 5)])
            return target, kind, f"[[{title}|{shown}]]"
        if kind == "heading":
            return target, kind, f"[[{title}#{rng.choice(note.headings)}]]"
        if kind == "embed":
            return target, kind, f"![[{title}]]"
        if kind == "case_only":
            return target, kind, f"[[{case_variant(rng, title)}]]"
        if kind == "typo":
            while True:
                typo = misspell(rng, title)
                if typo.lower() not in self.lower_titles and not TITLE_FORBIDDEN.intersection(typo):
                    return None, kind, f"[[{typo}]]"
        # missing: a plausible title nobody wrote
        lex = self.lexicons[note.domain["name"]]
        while True:
            made_up = lex.title()
            if made_up.lower() not in self.lower_titles:
                return None, kind, f"[[{made_up}]]"

    # -- anomalies ------------------------------------------------------------------------------

    def plan_anomalies(self) -> None:
        """A few notes with the problems real vaults have. Disjoint, hubs excluded."""
        rng = self.rng
        hubs = {self.hub.idx} | {h.idx for h in self.secondary_hubs}
        candidates = [n.idx for n in self.notes[:self.first_map]
                      if n.kind == "claim" and n.idx not in hubs]
        few = max(2, self.total // 2000)
        wanted = [("yaml_unclosed_quote", few), ("yaml_tab_indent", few),
                  ("yaml_colon_in_value", few), ("bad_date", few),
                  ("missing_fields", max(3, self.total // 1000)), ("bad_enum", few),
                  ("h1_mismatch", few)]
        chosen = rng.sample(candidates, sum(n for _, n in wanted))
        pos = 0
        for name, count in wanted:
            for idx in chosen[pos:pos + count]:
                note = self.notes[idx]
                note.anomaly = name
                if name == "h1_mismatch":  # the H1 drifted from the filename after an edit
                    note.h1 = (note.title + " revisited" if note.title[:1].isupper()
                               else capitalise(note.title))
            pos += count
        # Pseudo-links inside code: not links at all; one note in a hundred.
        self.code_links = set(rng.sample(candidates, max(1, len(candidates) // 100)))


def clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def apportion(total: int, weights: list[int]) -> list[int]:
    """Split `total` by `weights` (largest remainder), every share at least 1 when possible."""
    scale = sum(weights)
    raw = [total * w / scale for w in weights]
    shares = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True):
        if sum(shares) >= total:
            break
        shares[i] += 1
    return shares


def case_variant(rng: random.Random, title: str) -> str:
    """The title with one word's case changed, so it matches only case-insensitively."""
    words = title.split(" ")
    order = list(range(len(words)))
    rng.shuffle(order)
    for i in order:
        w = words[i]
        if any(ch.isalpha() for ch in w):
            if w != w.lower():
                changed = w.lower()
            else:
                changed = capitalise(w) if rng.random() < 0.7 else w.upper()
            if changed != w:
                words[i] = changed
                return " ".join(words)
    return title.swapcase()


def misspell(rng: random.Random, title: str) -> str:
    """A one-edit typo inside a word of at least four letters."""
    words = title.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()] or [0]
    i = rng.choice(long_words)
    w = words[i]
    p = rng.randint(1, max(1, len(w) - 2))
    op = rng.random()
    if op < 0.4 and len(w) > 2:
        w = w[:p - 1] + w[p] + w[p - 1] + w[p + 1:]           # swap neighbours
    elif op < 0.7:
        w = w[:p] + w[p + 1:]                                  # drop a letter
    else:
        w = w[:p] + w[p] + w[p:]                               # double a letter
    words[i] = w
    return " ".join(words)


# ---------------------------------------------------------------------------------------------
# Rendering


class Renderer:
    def __init__(self, plan: VaultPlan):
        self.plan = plan
        self.rng = plan.rng
        self.dates = [dt.date.fromordinal(d).isoformat() for d in range(FIRST_DAY, LAST_DAY + 1)]
        # Links the plan does not hold: folder-map links and links inside frontmatter.
        self.map_links = 0
        self.frontmatter_links = 0

    def _date(self) -> str:
        return self.rng.choice(self.dates)

    def _prose(self, note: Note, n_bytes: int, links: list[str]) -> list[str]:
        """Sentences filling about `n_bytes`, with link sentences mixed in at random places."""
        rng = self.rng
        name = note.domain["name"]
        count = max(3, round(n_bytes / self.plan.mean_sentence[name]))
        sentences = rng.choices(self.plan.sentences[name], k=count)
        clauses = self.plan.clauses[name]
        for markup in links:
            if markup.startswith("!"):
                sentences.insert(rng.randint(0, len(sentences)), "\n" + markup + "\n")
                continue
            clause = rng.choice(clauses)
            frame = rng.choice(vocab.LINK_FRAMES)
            sentences.insert(rng.randint(0, len(sentences)),
                             frame.format(L=markup, c=clause, C=capitalise(clause)))
        return sentences

    def _paragraphs(self, sentences: list[str]) -> list[str]:
        rng = self.rng
        paragraphs, i = [], 0
        while i < len(sentences):
            step = rng.randint(2, 6)
            chunk = sentences[i:i + step]
            i += step
            text = " ".join(chunk)
            # An embed stands on its own line, as Obsidian users write it.
            paragraphs.append(text.replace(" \n", "\n\n").replace("\n ", "\n\n").strip())
        return paragraphs

    def _description(self, note: Note) -> str:
        clauses = self.plan.clauses[note.domain["name"]]
        text = capitalise(self.rng.choice(clauses))
        while len(text) < 110:
            joint = self.rng.choice((" -- ", ", and ", " because ", "; "))
            text += joint + self.rng.choice(clauses)
        return text

    def _source_attribution(self, note: Note) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.45:
            first, second = rng.sample(vocab.WORK_WORDS, 2)
            return f"{rng.choice(vocab.AUTHORS)}, {first} and {second} ({rng.choice(vocab.YEARS)})"
        if roll < 0.75:
            return (f"{capitalise(rng.choice(vocab.ORGS))} report on "
                    f"{self.plan.lexicons[note.domain['name']].noun()} "
                    f"({rng.choice(vocab.MONTHS)} {rng.choice(vocab.YEARS[-3:])})")
        return (f"{rng.choice(note.domain['names'])}, original analysis; "
                f"{rng.choice(vocab.AUTHORS)} ({rng.choice(vocab.YEARS)})")

    def _related(self, note: Note) -> str:
        rng = self.rng
        lines = ["---", "", "Relevant Notes:"]
        for _, _, markup in note.related:
            if rng.random() < 0.8:
                gloss = rng.choice(vocab.GLOSSES)
                lines.append(f"- {markup} {'—' if rng.random() < 0.5 else '--'} {gloss}")
            else:
                lines.append(f"- {markup}")
        lines += ["", "Topics:"]
        if rng.random() < 0.25:
            other = rng.choice(self.plan.folders)
            if other != note.folder:
                lines.append(f"- [[{other}/_map]]")
                self.map_links += 1
        if rng.random() < 0.05:
            lines.append(f"- {note.domain['display'].lower()} overview")
        lines.append("- [[_map]]")
        self.map_links += 1
        return "\n".join(lines) + "\n"

    # -- one function per note type ---------------------------------------------------------

    def claim(self, note: Note) -> str:
        rng = self.rng
        plan = self.plan
        anomaly = note.anomaly
        fm: list[tuple[str, str]] = [("type", "claim"), ("domain", note.domain["name"])]
        if rng.random() < 0.15:
            others = rng.sample([d["name"] for d in vocab.DOMAINS], rng.randint(1, 3))
            fm.append(("secondary_domains", "[" + ", ".join(others) + "]"))
        description = self._description(note)
        if anomaly == "yaml_unclosed_quote":
            fm.append(("description", f'"{description}'))
        elif anomaly == "yaml_colon_in_value":
            fm.append(("description", f"Note: {description}"))
        elif rng.random() < 0.85:
            fm.append(("description", f'"{description}"'))
        else:
            fm.append(("description", description))
        confidence = rng.choices(("proven", "likely", "experimental", "speculative"),
                                 (10, 40, 35, 15))[0]
        fm.append(("confidence", rng.choice(("high", "medium", "Likely"))
                   if anomaly == "bad_enum" else confidence))
        fm.append(("source", f'"{self._source_attribution(note)}"'))
        created = self._date()
        if anomaly == "bad_date":
            created = created[:8] + rng.choice(("00", "00", "00", "31", "30"))
            if created.endswith(("30", "31")):
                created = created[:5] + "02" + created[7:]
        fm.append(("created", created))
        if rng.random() < 0.1:
            fm.append(("last_evaluated", self._date()))
        if note.folder.startswith("foundations/") and rng.random() < 0.4:
            noun = plan.lexicons[note.domain["name"]].noun()
            fm.append(("tradition", f'"{rng.choice(vocab.ADJECTIVES)} {noun}"'))
        depends = [plan.notes[t].title for t in note.depends_on]
        if anomaly == "yaml_tab_indent" and not depends:
            depends = [plan.notes[rng.choice(plan.linkable_by_folder[note.folder])].title]
        if depends:
            style = ("tab" if anomaly == "yaml_tab_indent"
                     else rng.choice(("flow", "flow", "block", "plain")))
            if style != "plain":
                self.frontmatter_links += len(depends)
            if style == "flow":
                fm.append(("depends_on", "[" + ", ".join(f'"[[{t}]]"' for t in depends) + "]"))
            elif style == "plain":
                fm.append(("depends_on", "".join(f'\n  - "{t}"' for t in depends)))
            else:
                indent = "\t" if style == "tab" else "  "
                fm.append(("depends_on", "".join(f'\n{indent}- "[[{t}]]"' for t in depends)))
        if rng.random() < 0.04:
            if rng.random() < 0.5:
                fm.append(("challenged_by", "[]"))
            else:
                t = plan.notes[rng.choice(plan.linkable_by_folder[note.folder])].title
                fm.append(("challenged_by", f'["[[{t}]]"]'))
                self.frontmatter_links += 1
        if anomaly == "missing_fields":
            drop = set(rng.sample(("description", "confidence", "source", "created"),
                                  rng.randint(1, 2)))
            fm = [kv for kv in fm if kv[0] not in drop]
        if rng.random() < 0.3:  # authors do not keep a fixed key order
            fm.sort(key=lambda kv: kv[0] != "description")

        frontmatter = "---\n" + "\n".join(
            f"{k}:{v}" if v.startswith("\n") else f"{k}: {v}" for k, v in fm) + "\n---"

        related = self._related(note)
        prose_bytes = max(600, note.size - len(frontmatter) - len(related) - len(note.title))
        sentences = self._prose(note, prose_bytes, [m for _, _, m in note.inline])
        n_bullets = rng.randint(3, 6)
        bullets = sentences[-n_bullets:]
        body = sentences[:-n_bullets]
        challenges = []
        if "Challenges" in note.headings:
            k = min(len(body) // 3, rng.randint(2, 4))
            challenges, body = body[-k:] if k else [], body[:-k] if k else body
        paragraphs = self._paragraphs(body)
        custom = [h for h in note.headings if h not in ("Evidence", "Challenges")]
        if custom:
            at = max(1, len(paragraphs) // 2)
            paragraphs.insert(at, f"## {custom[0]}")
        parts = [frontmatter, f"# {note.h1}", *paragraphs, "## Evidence",
                 "\n".join("- " + b.strip() for b in bullets)]
        if "Challenges" in note.headings:
            parts += ["## Challenges", " ".join(challenges) or "None known yet."]
        if note.idx in plan.code_links:
            parts.append(self._code_with_pseudo_links(note))
        return "\n\n".join(parts) + "\n\n" + related

    def _code_with_pseudo_links(self, note: Note) -> str:
        """Link syntax inside code: not links. Counted in stats as pseudo_links_in_code."""
        rng = self.rng
        title = self.plan.notes[rng.choice(self.plan.linkable)].title
        if rng.random() < 0.6:
            return ("```markdown\n"
                    f"Write links as [[not a link]] or [[{title}]].\n"
                    "```")
        return "Link syntax is `[[not a link]]`; the link text is the target's title."

    def source(self, note: Note) -> str:
        rng = self.rng
        lex = self.plan.lexicons[note.domain["name"]]
        title = capitalise(lex.clause())
        status = rng.choice(("processed", "processed", "unprocessed", "null-result"))
        lines = ["---", "type: source", f'title: "{title}"',
                 f'author: "{rng.choice(vocab.AUTHORS)}"',
                 f"url: https://example.org/{note.title}",
                 f"date: {note.title[:8]}{note.title[8:10].replace('00', '01')}",
                 f"domain: {note.domain['name']}",
                 f"format: {rng.choice(('essay', 'report', 'thread', 'paper', 'news', 'data'))}",
                 f"status: {status}"]
        if status == "processed":
            lines += [f"processed_by: {rng.choice(('rio', 'vida', 'theseus', 'clay'))}",
                      f"processed_date: {self._date()}"]
            extracted = [self.plan.notes[t].title for t, _, _ in note.inline if t is not None]
            if extracted:
                lines.append("claims_extracted:")
                lines += [f'  - "{t}"' for t in extracted]
        tags = [slug(lex.noun()) for _ in range(rng.randint(2, 4))]
        lines.append("tags: [" + ", ".join(tags) + "]")
        lines.append("---")
        frontmatter = "\n".join(lines)
        sentences = self._prose(note, max(600, note.size - len(frontmatter)), [])
        third = max(1, len(sentences) // 3)
        agent_notes = [rng.choice(vocab.LINK_FRAMES).format(
            L=m, c=rng.choice(self.plan.clauses[note.domain["name"]]),
            C=capitalise(rng.choice(self.plan.clauses[note.domain["name"]])))
            for _, _, m in note.inline]
        parts = [frontmatter, "## Summary", *self._paragraphs(sentences[:2 * third]),
                 "## Key Points", "\n".join("- " + s.strip() for s in sentences[2 * third:]),
                 "## Agent Notes", " ".join(agent_notes) or "No new claims; archived for context."]
        return "\n\n".join(parts) + "\n"

    def entity(self, note: Note) -> str:
        rng = self.rng
        domain = note.domain["name"]
        lines = ["---", "type: entity",
                 f"entity_type: {rng.choice(vocab.ENTITY_TYPES[domain])}",
                 f'name: "{note.title}"', f"domain: {domain}",
                 f'handles: ["@{slug(note.title).replace("-", "")}"]',
                 f"website: https://{slug(note.title)}.example",
                 f"status: {rng.choice(('active', 'active', 'emerging', 'inactive', 'acquired'))}",
                 f"tracked_by: {vocab.AGENTS[domain]}",
                 f"created: {self._date()}", f"last_updated: {self._date()}", "---"]
        frontmatter = "\n".join(lines)
        sentences = self._prose(note, max(400, note.size - len(frontmatter) - 400), [])
        half = max(1, len(sentences) // 2)
        timeline = "\n".join(f"- **{self._date()}** — {s}" for s in sentences[half:])
        related = "\n".join(f"- {m} — {rng.choice(vocab.GLOSSES)}" for _, _, m in note.related)
        parts = [frontmatter, f"# {note.title}", "## Overview", *self._paragraphs(sentences[:half]),
                 "## Timeline", timeline, "## Relationship to KB", related or "- none yet",
                 "Topics:\n- [[_map]]"]
        self.map_links += 1
        return "\n\n".join(parts) + "\n"

    def musing(self, note: Note) -> str:
        rng = self.rng
        lex = self.plan.lexicons[note.domain["name"]]
        agent = note.folder.split("/")[1]
        heading = " ".join(w.capitalize() for w in lex.noun_phrase(allow_plural=False)[0].split())
        lines = ["---", f"status: {rng.choice(('seed', 'developing', 'ready-to-extract'))}",
                 "type: musing", f"agent: {agent}", f'title: "{heading}"',
                 f"created: {self._date()}", f"updated: {self._date()}",
                 "tags: [" + ", ".join(slug(lex.noun()) for _ in range(rng.randint(2, 5))) + "]",
                 "---"]
        frontmatter = "\n".join(lines)
        sentences = self._prose(note, max(800, note.size - len(frontmatter)),
                                [m for _, _, m in note.inline])
        question = capitalise(rng.choice(self.plan.clauses[note.domain["name"]]))
        cut = max(1, len(sentences) * 4 // 5)
        parts = [frontmatter, f"# Research Session: {heading}", "## Research Question",
                 f"**Is it true that {question[0].lower() + question[1:]}?**", "## What I Found",
                 *self._paragraphs(sentences[:cut]), "## Follow-up Directions",
                 "\n".join(["- " + s.strip() for s in sentences[cut:]]
                           + [f"- Revisit {m} against this session" for _, _, m in note.related])]
        return "\n\n".join(parts) + "\n"

    def folder_map(self, note: Note, members: list[int]) -> str:
        """`_map.md`: a heading, an intro, and sections listing some of the folder's notes."""
        rng = self.rng
        plan = self.plan
        listed = [i for i in members if i != plan.hub.idx]
        keep = min(150, max(10, len(listed) // 4))
        if len(listed) > keep:
            listed = sorted(rng.sample(listed, keep))
        title = note.domain["display"] if note.folder.count("/") == 1 else note.folder
        intro = " ".join(rng.choices(plan.sentences[note.domain["name"]], k=3))
        parts = [f"# {title} — Map", intro]
        n_sections = clamp(len(listed) // 25 + 1, 1, 6)
        per = max(1, -(-len(listed) // n_sections))
        for s in range(n_sections):
            chunk = listed[s * per:(s + 1) * per]
            if not chunk:
                break
            parts.append(f"## {rng.choice(vocab.SECTION_HEADINGS)} {s + 1}")
            parts.append("\n".join(f"- [[{plan.notes[i].title}]] — {rng.choice(vocab.GLOSSES)}"
                                   for i in chunk))
            note.inline += [(i, "exact", "") for i in chunk]
        return "\n\n".join(parts) + "\n"

    def topic_map(self, note: Note) -> str:
        rng = self.rng
        plan = self.plan
        parts = [f"# {capitalise(note.title)}",
                 " ".join(rng.choices(plan.sentences[note.domain["name"]], k=4)), "## Folders"]
        folders = rng.sample(plan.folders, 6)
        parts.append("\n".join(f"- [[{f}/_map]] — start here" for f in folders))
        parts.append("## Key Claims")
        picks = [i for i in rng.sample(plan.linkable, min(30, len(plan.linkable)))]
        parts.append("\n".join(f"- [[{plan.notes[i].title}]]" for i in picks))
        note.inline += [(i, "exact", "") for i in picks]
        self.map_links += len(folders)
        return "\n\n".join(parts) + "\n"


# ---------------------------------------------------------------------------------------------
# Writing and statistics


def generate_vault(out_dir: Path, notes: int, seed: int = 1) -> dict:
    """Write a vault of `notes` Markdown files into `out_dir` and return its statistics (also
    written to out_dir/.bench.json). `out_dir` must be missing, empty, or a vault this
    generator wrote earlier (it is then replaced); anything else is refused."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    prepare_out_dir(out_dir)

    plan = VaultPlan(notes, seed)
    plan.plan_notes()
    plan.plan_links()
    plan.plan_anomalies()
    render = Renderer(plan)

    for folder in plan.folders + ["maps"]:
        os.makedirs(os.path.join(out_dir, folder), exist_ok=True)
    total_bytes = 0
    members = plan.folder_members
    root = str(out_dir)
    for note in plan.notes:
        if note.kind == "map":
            text = render.folder_map(note, members.get(note.folder, []))
        elif note.kind == "topic-map":
            text = render.topic_map(note)
        else:
            text = getattr(render, note.kind)(note)
        data = text.encode("utf-8")
        total_bytes += len(data)
        with open(os.path.join(root, note.path), "wb") as f:
            f.write(data)

    stats = collect_stats(plan, render, total_bytes)
    with open(out_dir / MANIFEST, "w", encoding="utf-8") as f:
        json.dump(stats, f, indent=1, ensure_ascii=False)
        f.write("\n")
    stats["elapsed_s"] = round(time.perf_counter() - started, 2)
    return stats


def ensure_vault(out_dir: Path, notes: int, seed: int = 1) -> dict:
    """Reuse out_dir if it already holds this exact vault (same notes, seed and generator
    version), else generate it. For benchmarks that should not pay for generation each run."""
    manifest = Path(out_dir) / MANIFEST
    try:
        stats = json.loads(manifest.read_text(encoding="utf-8"))
        if (stats.get("generator_version"), stats.get("notes"), stats.get("seed")) == \
                (GENERATOR_VERSION, notes, seed):
            return stats
    except (OSError, ValueError):
        pass
    return generate_vault(out_dir, notes, seed)


def prepare_out_dir(out_dir: Path) -> None:
    if out_dir.exists():
        if not out_dir.is_dir():
            raise SystemExit(f"{out_dir} exists and is not a directory")
        if any(out_dir.iterdir()):
            if not (out_dir / MANIFEST).is_file():
                raise SystemExit(f"{out_dir} is not empty and was not written by this generator;"
                                 " refusing to overwrite it")
            shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)


def collect_stats(plan: VaultPlan, render: Renderer, total_bytes: int) -> dict:
    notes = plan.notes
    kinds = {k: 0 for k in ("exact", "alias", "heading", "embed", "case_only", "missing", "typo")}
    backlinks: dict[int, set[int]] = {}
    references: dict[int, int] = {}
    for note in notes:
        for target, kind, _ in note.inline + note.related:
            kinds[kind] += 1
            if kind in RESOLVING_KINDS:
                backlinks.setdefault(target, set()).add(note.idx)
                references[target] = references.get(target, 0) + 1
    note_links = sum(kinds.values())
    broken = kinds["missing"] + kinds["typo"]

    def describe(idx: int) -> dict:
        n = notes[idx]
        return {"title": n.title, "path": n.path, "type": n.kind,
                "backlinks": len(backlinks.get(idx, ())), "references": references.get(idx, 0)}

    regular = [n.idx for n in notes[:plan.first_map]]
    sample_rng = random.Random(plan.seed * 7919 + 17)
    samples = [describe(i) for i in sorted(sample_rng.sample(regular, min(200, len(regular))))]
    top = sorted(backlinks, key=lambda i: (-len(backlinks[i]), i))[:10]
    anomalies: dict[str, list[str]] = {}
    for n in notes:
        if n.anomaly:
            anomalies.setdefault(n.anomaly, []).append(n.path)
    anomalies["pseudo_links_in_code"] = sorted(notes[i].path for i in plan.code_links)
    by_type: dict[str, int] = {}
    for n in notes:
        by_type[n.kind] = by_type.get(n.kind, 0) + 1
    return {
        "generator_version": GENERATOR_VERSION,
        "notes": plan.total,
        "seed": plan.seed,
        "files": len(notes),
        "bytes": total_bytes,
        "avg_note_bytes": round(total_bytes / len(notes)),
        "folders": sorted(plan.folders + ["maps"]),
        "by_type": by_type,
        "links": {
            "note_links": note_links,
            "per_note": round(note_links / len(notes), 2),
            "by_kind": kinds,
            "broken": broken,
            "broken_share": round(broken / note_links, 4),
            "case_only_share": round(kinds["case_only"] / note_links, 4),
            "alias_share": round(kinds["alias"] / note_links, 4),
            "map_links": render.map_links,
            "frontmatter_links": render.frontmatter_links,
        },
        "hub": describe(plan.hub.idx),
        "top_backlinked": [describe(i) for i in top],
        "samples": samples,
        "anomalies": anomalies,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="directory to write the vault into")
    parser.add_argument("--notes", type=int, default=10000, help="number of .md files (>= 100)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.notes < 100:
        parser.error("--notes must be at least 100")
    stats = generate_vault(args.out_dir, args.notes, args.seed)
    links = stats["links"]
    print(f"{stats['files']} notes, {stats['bytes'] / 1e6:.1f} MB "
          f"(avg {stats['avg_note_bytes']} B) in {stats['elapsed_s']} s -> {args.out_dir}")
    print(f"note links {links['note_links']} ({links['per_note']}/note), broken "
          f"{links['broken']} ({links['broken_share']:.1%}), "
          f"case-only {links['case_only_share']:.1%}, alias {links['alias_share']:.1%}")
    print(f"hub: {stats['hub']['backlinks']} backlinks, {stats['hub']['references']} references:"
          f" {stats['hub']['path']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
