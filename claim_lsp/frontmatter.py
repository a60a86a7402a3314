"""Split the YAML frontmatter off a note and parse it safely.

- Only the safe loader is used (the C one when PyYAML has it): tags such as
  `!!python/object` are errors, never constructed.
- Timestamps are not resolved: `created: 2026-02-00` stays the text "2026-02-00", so an
  impossible date is a checkable value instead of a parser crash.
- Alias bombs are bounded: after loading, the values are counted with a budget and a
  frontmatter that expands past it is rejected.
- Every failure becomes a Problem at the line and column YAML reported.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import yaml

from .config import DEFAULT_LIMITS
from .fastyaml import is_plain_string, load_flat
from .model import ERROR, WARNING, Fields, Frontmatter, Problem, Span, shared

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that leaves dates as text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

# The unquoted forms are possessive (`*+`): the key runs to the first colon anyway, and the
# lazy `*?` they replace took quadratic time on a long line of spaces.
_TOP_KEY = re.compile(r"""^("[^"\n]*"|'[^'\n]*'|[^\s#:'"\-?][^:\n]*+|-[^\s:][^:\n]*+)[ \t]*:(?:[ \t]|$)""")


def reads_unquoted(text: str, flow: bool = False) -> bool:
    """Can text be written as an unquoted YAML value (an item of [...] when flow) and be read
    back as itself? No when unsure: `a: b`, `#x`, `yes`, `1.5` and the like need quotes."""
    return is_plain_string(text, _Loader.yaml_implicit_resolvers, flow)


def find_frontmatter(lines: list[str]) -> tuple[int, int] | None | str:
    """(0, closing_line) when the note opens with a closed frontmatter block;
    None when it has none; "unclosed" when it opens one and never closes it."""
    if not lines or lines[0].lstrip("\ufeff").rstrip() != "---":
        return None
    for n in range(1, len(lines)):
        stripped = lines[n].rstrip()
        if stripped == "---" or stripped == "...":
            return (0, n)
    return "unclosed"


def count_values(value: Any, budget: int) -> int:
    """Number of values reachable from value, counting shared ones every time they are
    reached (as any consumer would), stopping once past budget."""
    count = 0
    stack = [value]
    while stack:
        item = stack.pop()
        count += 1
        if count > budget:
            return count
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return count


def parse_frontmatter(
    lines: list[str],
    max_bytes: int = DEFAULT_LIMITS.max_yaml_bytes,
    max_values: int = DEFAULT_LIMITS.max_yaml_values,
) -> Frontmatter:
    found = find_frontmatter(lines)
    if found is None:
        return Frontmatter(data=None, span=None)
    if found == "unclosed":
        span = Span(0, 0, 0, len(lines[0]))
        problem = Problem(
            "yaml-error",
            ERROR,
            "Frontmatter opened here is never closed with a '---' line",
            span,
        )
        return Frontmatter(data=None, span=None, problems=[problem])
    _, close = found
    span = shared(Span(0, 0, close, len(lines[close])))
    fm = Frontmatter(data=None, span=span, body_line=close + 1)
    body = lines[1:close]
    source = "\n".join(body)
    if len(source) > max_bytes:
        fm.key_data, duplicates = _top_level_keys(body)
        _add_duplicates(fm, duplicates)
        fm.problems.append(
            Problem("yaml-error", ERROR, f"Frontmatter is larger than {max_bytes} bytes; not parsed", Span(0, 0, 0, 3))
        )
        return fm
    keys: list = []
    flat = load_flat(source, _Loader.yaml_implicit_resolvers, keys)
    if flat is not None:  # no duplicate keys, and the keys are the ones _top_level_keys finds
        fm.data = Fields.of(flat)
        fm.key_data = shared(tuple(keys))
        return fm
    fm.key_data, duplicates = _top_level_keys(body)
    fm.key_data = shared(fm.key_data)
    _add_duplicates(fm, duplicates)
    try:
        data = yaml.load(source, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        fm.problems.append(_yaml_problem(exc, body))
        return fm
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError) as exc:
        fm.problems.append(Problem("yaml-error", ERROR, f"Frontmatter does not parse: {exc}", Span(0, 0, 0, 3)))
        return fm
    if data is None:
        fm.data = Fields((), ())
        return fm
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        fm.problems.append(
            Problem(
                "yaml-error", ERROR, f"Frontmatter must be a mapping of keys to values, not {kind}", Span(0, 0, 0, 3)
            )
        )
        return fm
    if count_values(data, max_values) > max_values:
        fm.problems.append(
            Problem(
                "yaml-error",
                ERROR,
                f"Frontmatter expands to more than {max_values} values (YAML aliases?); not used",
                Span(0, 0, 0, 3),
            )
        )
        return fm
    fm.data = Fields.of({str(k): v for k, v in data.items()})
    return fm


def _add_duplicates(fm: Frontmatter, duplicates: list[tuple[str, Span]]) -> None:
    for key, key_span in duplicates:
        fm.problems.append(
            Problem("duplicate-key", WARNING, f"Key '{key}' appears more than once; the last one wins", key_span)
        )


def _top_level_keys(body: list[str]) -> tuple[tuple, list[tuple[str, Span]]]:
    """The top-level keys packed (see model.KEY_FIELDS), and the repeated ones."""
    keys: list = []
    seen: set[str] = set()
    duplicates: list[tuple[str, Span]] = []
    for n, line in enumerate(body, start=1):
        m = _TOP_KEY.match(line)
        if not m:
            continue
        raw = m.group(1)
        if raw[:1] not in "\"'":
            raw = raw.rstrip()
        key = sys.intern(raw[1:-1] if raw[:1] in "\"'" else raw)
        if key in seen:
            duplicates.append((key, Span(n, 0, n, len(raw))))
        seen.add(key)
        keys += (key, n, len(raw))
    return tuple(keys), duplicates


def _yaml_problem(exc: yaml.MarkedYAMLError, body: list[str]) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    if (
        exc.context_mark is not None
        and mark is not None
        and mark.line >= len(body) - 1
        and mark.index >= len("\n".join(body))
    ):
        # "found unexpected end of stream": the useful place is where the construct began
        mark = exc.context_mark
    line, col = (mark.line, mark.column) if mark is not None else (0, 0)
    line = min(line, max(len(body) - 1, 0))
    text = body[line] if body else ""
    col = min(col, len(text))
    end = len(text) if col >= len(text) else col + 1
    if col >= len(text) and text:
        col = max(len(text) - 1, 0)
    parts = [p for p in (exc.context, exc.problem) if p]
    message = "Frontmatter does not parse: " + ("; ".join(parts) if parts else str(exc))
    return Problem("yaml-error", ERROR, message, Span(line + 1, col, line + 1, end))
