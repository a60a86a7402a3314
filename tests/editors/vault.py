"""The small claim vault every editor test opens, and where its interesting spots are.

Positions are found by searching the written text, so editing a note here cannot leave a
test pointing at the wrong column. Lines and characters are 0-based LSP positions (the
notes are ASCII, so UTF-16 columns equal code points).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

NOTES: dict[str, str] = {
    "Knowledge compounds through links": """\
---
type: claim
domain: collective-intelligence
description: Notes gain value with every link that connects them to the rest of the vault.
confidence: likely
source: "Ahrens, How to Take Smart Notes (2017)"
created: 2024-01-05
---
# Knowledge compounds through links

A note that links to others is found again; an isolated one is forgotten.
See [[Spaced repetition beats cramming]].
""",
    "Spaced repetition beats cramming": """\
---
type: claim
domain: collective-intelligence
description: Reviews spread over days retain more than the same time spent in one session.
confidence: proven
source: "Cepeda et al. (2006)"
created: 2024-01-06
---
# Spaced repetition beats cramming

The spacing effect is one of the most replicated results in memory research.
""",
    "Working memory holds about four chunks": """\
---
type: claim
domain: health
description: Adults keep roughly four meaningful chunks in mind at once, not seven.
confidence: likely
source: "Cowan (2001)"
created: 2024-01-07
---
# Working memory holds about four chunks

Chunking is why experts seem to remember more.
""",
    "Homework improves retention": """\
---
type: claim
domain: collective-intelligence
description: Practice at home after a lesson improves what is kept a week later.
confidence: speculative
source: "Cooper (1989)"
created: 2024-01-08
---
# Homework improves retention

Mostly through retrieval practice; see [[Spaced repetition beats cramming]].
""",
    "Learning map": """\
---
type: map
domain: collective-intelligence
description: Entry point to the notes on how people learn and remember.
confidence: likely
source: "own synthesis"
created: 2024-01-09
---
# Learning map

Why a vault of notes is worth it: [[Knowledge compounds through links]].
This one is missing: [[no such note here]].

Related:
""",
}

# The note the editors open, and what they do in it.
OPEN_NOTE = "Learning map"
BROKEN_LINK_TEXT = "[[no such note here]]"
HOVER_LINK_TITLE = "Knowledge compounds through links"
COMPLETION_PREFIX = "work"  # typed after "[[": matches "Working memory..." and "Homework..."
COMPLETION_EXPECTED = "Working memory holds about four chunks"
# typed after "[[" where the best title does not start with the text, nor with its last word
COMPLETION_FUZZY = "improves re"
COMPLETION_FUZZY_EXPECTED = "Homework improves retention"
# Sent as initializationOptions through each editor's own setting; the "map" type of the open
# note has no schema, so without these options the server would report `unknown-type` there.
INIT_OPTIONS = {"severity": {"unknown-type": "off"}}
SUPPRESSED_CODE = "unknown-type"


@dataclass
class Spec:
    """What a driver script needs: paths, the server command and the positions to use."""

    root: str
    file: str  # absolute path of the note to open
    server_cmd: list[str]
    init_options: dict  # initializationOptions, passed the way a user configures each editor
    suppressed_code: str  # a diagnostic code init_options turn off
    result: str  # where the driver writes its JSON observations
    artifacts: str
    timeout_ms: int
    broken_line: int  # 0-based line of the broken link
    broken_character: int  # column of its "[["
    broken_title: str
    hover_line: int  # a position inside [[HOVER_LINK_TITLE]]
    hover_character: int
    hover_title: str
    hover_description: str  # must appear in the hover text
    definition_file: str  # absolute path go-to-definition must land in
    completion_line: int  # 0-based line to which "[[" + prefix is appended
    completion_prefix: str
    completion_expected: str  # must be the first item offered
    completion_result_line: str  # the whole line after accepting the first item
    completion_fuzzy_prefix: str = COMPLETION_FUZZY  # typed instead, in a second completion
    completion_fuzzy_expected: str = COMPLETION_FUZZY_EXPECTED
    completion_fuzzy_result_line: str = ""
    # VS Code's graph view, shown for the note go-to-definition opened: the neighbour to click
    graph_click: str = "Spaced repetition beats cramming.md"

    def write(self, path: Path) -> Path:
        path.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")
        return path


def description_of(title: str) -> str:
    for line in NOTES[title].splitlines():
        if line.startswith("description: "):
            return line.removeprefix("description: ")
    raise KeyError(title)


def write_vault(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for title, text in NOTES.items():
        (root / f"{title}.md").write_text(text, encoding="utf-8")


def find(text: str, needle: str) -> tuple[int, int]:
    """0-based (line, character) of the first occurrence of needle."""
    for i, line in enumerate(text.splitlines()):
        col = line.find(needle)
        if col >= 0:
            return i, col
    raise ValueError(f"{needle!r} not in text")


def make_spec(root: Path, server_cmd: list[str], work: Path, artifacts: Path, timeout_ms: int) -> Spec:
    write_vault(root)
    text = NOTES[OPEN_NOTE]
    broken_line, broken_char = find(text, BROKEN_LINK_TEXT)
    hover_line, hover_char = find(text, f"[[{HOVER_LINK_TITLE}]]")
    completion_line, _ = find(text, "Related:")
    related = text.splitlines()[completion_line]
    return Spec(
        root=str(root),
        file=str(root / f"{OPEN_NOTE}.md"),
        server_cmd=server_cmd,
        init_options=INIT_OPTIONS,
        suppressed_code=SUPPRESSED_CODE,
        result=str(work / "result.json"),
        artifacts=str(artifacts),
        timeout_ms=timeout_ms,
        broken_line=broken_line,
        broken_character=broken_char,
        broken_title=BROKEN_LINK_TEXT[2:-2],
        hover_line=hover_line,
        hover_character=hover_char + 5,  # inside the title, not on the brackets
        hover_title=HOVER_LINK_TITLE,
        hover_description=description_of(HOVER_LINK_TITLE),
        definition_file=str(root / f"{HOVER_LINK_TITLE}.md"),
        completion_line=completion_line,
        completion_prefix=COMPLETION_PREFIX,
        completion_expected=COMPLETION_EXPECTED,
        completion_result_line=f"{related} [[{COMPLETION_EXPECTED}]]",
        completion_fuzzy_result_line=f"{related} [[{COMPLETION_FUZZY_EXPECTED}]]",
    )
