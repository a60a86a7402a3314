"""The text of a link: its parts (split_target), the key the index files it under, and,
inside a YAML-quoted frontmatter value, the text as YAML reads it (read_quoted)."""

from __future__ import annotations


def split_target(raw: str) -> tuple[str, str | None, str | None]:
    """'note#heading|shown' -> ('note', 'heading', 'shown'), trimmed, .md dropped."""
    shown: str | None = None
    if "|" in raw:
        raw, shown = raw.split("|", 1)
        if raw.endswith("\\"):  # [[a\|b]] inside a Markdown table
            raw = raw[:-1]
    heading: str | None = None
    if "#" in raw:
        raw, heading = raw.split("#", 1)
        heading = heading.strip()
    target = raw.strip()
    if target.lower().endswith(".md"):
        target = target[:-3].rstrip()
    return target, heading, shown


def lowered(text: str) -> str:
    """text lower-cased; text itself when it already is (most claim titles and links): the
    index holds one string instead of two."""
    low = text.lower()
    return text if low == text else low


def key_of_target(target: str) -> str:
    return lowered(target.rsplit("/", 1)[-1])


def link_key(raw: str) -> str:
    """Lower-cased last path part of a link's target: what the index files the link under."""
    if "|" in raw or "#" in raw or "/" in raw or raw[-3:].lower() == ".md" or raw != raw.strip():
        return key_of_target(split_target(raw)[0])
    return lowered(raw)  # the common plain [[title]]: the text lower-cased, nothing to split


# the escapes of a double-quoted YAML scalar, as the frontmatter's loader (libyaml or PyYAML) reads them
_YAML_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
    "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_YAML_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}
_HEX = frozenset("0123456789abcdefABCDEF")


def read_quoted(written: str, quote: str | None) -> tuple[str, list[int] | None]:
    r"""Link text inside YAML quotes as YAML reads it: inside '...', '' is one '; inside
    "...", the backslash escapes YAML defines (\" \\ \t \u00e9 ...). Also the column in
    written where each character read starts, then len(written), so that ranges stay on
    the characters in the file; None when the text reads as written (most links). An
    escape YAML would refuse is kept as written."""
    if quote == "'":
        if "''" not in written:
            return written, None
    elif quote != '"' or "\\" not in written:
        return written, None
    out: list[str] = []
    at: list[int] = []
    i, n = 0, len(written)
    while i < n:
        at.append(i)
        c = written[i]
        i += 1
        if quote == "'":
            if c == "'" and i < n and written[i] == "'":
                i += 1
        elif c == "\\" and i < n:
            e = written[i]
            if e in _YAML_ESCAPES:
                c = _YAML_ESCAPES[e]
                i += 1
            elif e in _YAML_HEX_DIGITS:
                digits = written[i + 1 : i + 1 + _YAML_HEX_DIGITS[e]]
                if len(digits) == _YAML_HEX_DIGITS[e] and _HEX.issuperset(digits):
                    code = int(digits, 16)
                    if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                        c = chr(code)
                        i += 1 + len(digits)
        out.append(c)
    at.append(n)
    return "".join(out), at


def target_bounds(text: str) -> tuple[int, int]:
    """Where the target part of a link's text is: up to the first | or #, without
    surrounding white space (an empty range where the target is empty)."""
    cut = len(text)
    for sep in ("|", "#"):
        pos = text.find(sep)
        if pos != -1 and pos < cut:
            cut = pos
    written = text[:cut]
    start = len(written) - len(written.lstrip())
    return start, max(start, len(written.rstrip()))
