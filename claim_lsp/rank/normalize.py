"""What titles and typed text are compared as: normalised (case-folded, accents and
punctuation gone), and, for typed text, what it may have meant with one typo undone."""

from __future__ import annotations

import re
import unicodedata

_SPLIT = re.compile(r"[\s\-_/.,;:!?()\[\]{}\"'`*+=|\\<>~^&%$#@]+")


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
