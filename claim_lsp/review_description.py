"""The review checklist's description check: does a claim's description add anything to
its title? (review.py runs it with the other checklist codes.)"""

from __future__ import annotations

import re
import unicodedata

from .model import Note, Problem, Span

# A description adding at most this many words to the title, besides common ones, adds (almost)
# nothing. The corpus's description closest to its title (a paraphrase of it) adds 5.
DESCRIPTION_NEW_WORDS = 2


# words a description may add without adding anything: articles, pronouns, auxiliaries,
# prepositions and conjunctions, and words about the note itself
_COMMON = frozenset(
    """a an the this that these those it its it's they them their there here we our you your i my
    is are was were be been being am has have had do does did will would can could may might must
    shall should of in on at to for from by with without into onto over under about as than then
    so and or but nor not no yes if when while because since also too very more most less least
    such same other another each every all any some both either neither which who whom whose what
    how why where claim note title description says states argues shows see""".split()
)
_SUFFIXES = ("ingly", "edly", "ing", "ed", "es", "s", "ly")
_ENDINGS = ("", *_SUFFIXES)


def _stem(word: str) -> str:
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"  # industries, industry
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def description_repeats_title(note: Note) -> list[Problem]:
    """A description that repeats the note's title (the file's, and a `title` field's) and adds
    at most DESCRIPTION_NEW_WORDS words to it, leaving out common words and comparing stems
    ("costs" and "cost" are one): the title again, cut short, or reworded."""
    description = note.meta.get("description")
    if not isinstance(description, str) or not description.strip():
        return []  # absent: missing-field's, when the type needs one
    named = note.meta.get("title")
    known = set(_words(note.title + " " + named if isinstance(named, str) else note.title))
    heads = {w[:3] for w in known}  # a word whose first letters start no title word is new
    new: list[str] = []
    repeated = False
    for word in _words(description):
        if word in _COMMON or word in new or len(word) < 2:
            continue
        if word in known:
            repeated = True
            continue
        if word[:3] in heads:
            stem = _stem(word)
            if any(stem + suffix in known for suffix in _ENDINGS):  # a title word of the same stem
                repeated = True
                continue
        new.append(word)
        if len(new) > DESCRIPTION_NEW_WORDS:
            return []  # (most descriptions: told within their first few words)
    if not repeated:
        return []  # a placeholder ("TBD", "A description"): it says nothing, but repeats nothing
    added = "nothing" if not new else "only " + ", ".join(f'"{w}"' for w in new)
    return [
        Problem(
            "description-repeats-title",
            "hint",
            f"The description adds {added} to the title",
            _key_span(note, "description"),
            {"field": "description", "new_words": new},
        )
    ]


_WORD = re.compile(r"[^\W_]+")
_ASCII_MARKS = bytes(c for c in range(128) if not chr(c).isalnum())
_MARKS_TO_SPACES = bytes.maketrans(_ASCII_MARKS, b" " * len(_ASCII_MARKS))


def _words(text: str) -> list[str]:
    """The words of a text, case-folded and without accents (an ASCII text, most titles and
    descriptions, as bytes: a third of the time)."""
    if text.isascii():
        return text.encode().lower().translate(_MARKS_TO_SPACES).decode().split()
    text = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    return _WORD.findall(text)


def _key_span(note: Note, key: str) -> Span:
    span = note.frontmatter.key_span(key)
    return span if span is not None else Span(0, 0, 0, 3)
