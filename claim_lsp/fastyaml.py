"""A fast path for the common frontmatter shape: flat `key: value` lines.

Most claim notes' frontmatter is a handful of `key: plain text`, `key: "quoted text"` and
`key: ["[[a]]", "[[b]]"]` lines. Loading those through PyYAML costs ~100-150 µs a note,
mostly in its Python-side constructor; reading them here costs a few µs. Anything this
module is not certain to read exactly as the YAML loader would (nesting, escapes, anchors,
numbers, booleans, nulls, multi-line values, comments, duplicate keys) returns None, and the
caller falls back to the YAML loader. tests/unit/test_fastyaml.py checks that both give the
same result on the shared corpus and on generated vaults.
"""

from __future__ import annotations

import re
import sys
from typing import Any

_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_\-]*): +(\S.*)$")
# A plain scalar read here: no YAML indicator first; then no ": ", " #", brackets or braces.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@` \t")
_BRACKETS = re.compile(r"[\[\]{}\t]")
# possessive `++`: an item runs to the next comma in one pass (a lazy `+?` was quadratic
# on a long run of spaces); its trailing spaces are stripped afterwards
_FLOW_ITEM = re.compile(r"""[ ]*("[^"\\]*"|'[^']*'|[^,"'\[\]{}]++)[ ]*(?:,|$)""")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DQ = re.compile(r'"([^"\\]*)"')
_SQ = re.compile(r"'([^']*)'")


_PLAIN_KEYS: set[str] = set()  # keys known to be plain strings for YAML


def _scalar(text: str, resolvers, flow: bool = False) -> tuple[bool, Any]:
    """(True, value) when text is a string scalar read exactly; (False, None) when unsure."""
    if not text:
        return False, None
    first = text[0]
    if first == '"':
        m = _DQ.fullmatch(text)
        return (True, m.group(1)) if m else (False, None)
    if first == "'":
        m = _SQ.fullmatch(text)
        return (True, m.group(1)) if m else (False, None)
    if (
        first in _INDICATORS
        or ": " in text
        or " #" in text
        or text.endswith(":")
        or _BRACKETS.search(text)
        or (flow and ("," in text or ":" in text))
    ):
        return False, None
    # No implicit type (number, boolean, null) has a space in it, and a YYYY-MM-DD date is
    # text here (the loader drops the timestamp type); only the rest needs YAML's resolvers.
    if " " not in text and not _DATE.fullmatch(text):
        for _tag, regexp in resolvers.get(first, ()):
            if regexp.match(text):
                return False, None  # a number, boolean, null...: let YAML decide
    return True, text


def is_plain_string(text: str, resolvers, flow: bool = False) -> bool:
    """Does text, written unquoted (inside [...] when flow), certainly read as this very string?"""
    return text == text.strip(" ") and text.isprintable() and _scalar(text, resolvers, flow) == (True, text)


def _flow_list(value: str, resolvers) -> tuple[bool, Any]:
    inner = value[1:-1]
    if not inner.strip(" "):
        return True, []
    items = []
    pos = 0
    while pos < len(inner):
        m = _FLOW_ITEM.match(inner, pos)
        if m is None or m.end() == pos:
            return False, None
        ok, item = _scalar(m.group(1).rstrip(" "), resolvers, flow=True)
        if not ok:
            return False, None
        items.append(item)
        pos = m.end()
    return True, items


def load_flat(source: str, resolvers, keys: list | None = None) -> dict[str, Any] | None:
    """The mapping of a flat frontmatter, or None when the YAML loader must decide. With
    keys, also appends (key, line, width) for each key, lines counted from 1 (the line
    after the opening ---), as model.Frontmatter.key_data holds them."""
    out: dict[str, Any] = {}
    for n, line in enumerate(source.split("\n"), 1):
        if not line:
            continue
        m = _KEY_LINE.match(line)
        if m is None:
            return None
        key, value = sys.intern(m.group(1)), m.group(2).rstrip(" \t")
        if key in out:
            return None  # duplicate keys
        if key not in _PLAIN_KEYS:
            if not _scalar(key, resolvers)[0]:
                return None  # a key YAML reads as a boolean or number
            if len(_PLAIN_KEYS) < 10_000:
                _PLAIN_KEYS.add(key)  # a vault uses a few dozen keys: each is checked once
        if value[0] == "[":
            if not value.endswith("]"):
                return None
            ok, parsed = _flow_list(value, resolvers)
        else:
            ok, parsed = _scalar(value, resolvers)
            if ok and len(parsed) <= 24:
                parsed = sys.intern(parsed)  # claim, likely, ai-alignment...: shared by thousands of notes
        if not ok:
            return None
        out[key] = parsed
        if keys is not None:
            keys += (key, n, len(key))
    return out
