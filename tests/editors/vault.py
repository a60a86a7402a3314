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


# ---- which notes start the server (the editors' vault detection) ----------------------------

# A map note as vaults have them: no frontmatter, only links; one of them broken.
MAP_NOTE = "Reading list"
MAP_TEXT = """\
# Reading list

Start with [[Knowledge compounds through links]].
Still to write: [[a note nobody wrote yet]].
"""
MAP_BROKEN_TITLE = "a note nobody wrote yet"
# A folder of Markdown that is no claim vault: frontmatter without `type:`, or none.
PLAIN_NOTES: dict[str, str] = {
    "README": "# A project\n\nSee [[the guide]] and docs/guide.md.\n",
    "docs/guide": "---\ntitle: Guide\ntags: [docs]\n---\n# Guide\n\nInstall it, then [[run it]].\n",
    "docs/changelog": "# Changelog\n\n- first release\n",
}
ROOT_MARKERS = (".claim-lsp.toml", ".obsidian", ".git")


def write_marked_vault(root: Path) -> None:
    """A claim vault marked as git repositories are (an empty .git folder), laid out as real
    ones are: a README without frontmatter at the top, claims in a folder, maps in another."""
    (root / ".git").mkdir(parents=True)
    (root / "README.md").write_text("# My vault\n\nStart at the maps.\n", encoding="utf-8")
    for title, text in NOTES.items():
        if "\ntype: claim\n" in text:
            (root / "claims").mkdir(exist_ok=True)
            (root / "claims" / f"{title}.md").write_text(text, encoding="utf-8")
    (root / "maps").mkdir()
    (root / "maps" / f"{MAP_NOTE}.md").write_text(MAP_TEXT, encoding="utf-8")


def write_loose_vault(root: Path) -> None:
    """Claim notes and two maps in a folder with no root marker at or above it."""
    root.mkdir(parents=True)
    for title, text in NOTES.items():
        (root / f"{title}.md").write_text(text, encoding="utf-8")
    (root / f"{MAP_NOTE}.md").write_text(MAP_TEXT, encoding="utf-8")
    (root / "Index.md").write_text("# Index\n\n- [[Reading list]]\n", encoding="utf-8")
    above = [p for p in [root, *root.parents] for m in ROOT_MARKERS if (p / m).exists()]
    if above:  # the test would then see a marked vault
        raise RuntimeError(f"{root} is inside a folder with a root marker: {above}")


def write_plain_folder(root: Path) -> None:
    """Markdown files under a .git folder, none with a `type:` field."""
    (root / ".git").mkdir(parents=True)
    for name, text in PLAIN_NOTES.items():
        (root / f"{name}.md").parent.mkdir(parents=True, exist_ok=True)
        (root / f"{name}.md").write_text(text, encoding="utf-8")


@dataclass
class DetectSpec:
    """For a driver's "opens" run: the notes opened one after the other, in one editor session,
    and for each, whether the test expects the server (so the driver knows how long to wait)."""

    root: str  # the editor's working folder
    server_cmd: list[str]
    init_options: dict
    result: str
    artifacts: str
    timeout_ms: int
    opens: list[dict]  # {"file", "attach": bool, "broken_line", "broken_title"}

    def write(self, path: Path) -> Path:
        path.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")
        return path


def map_open(path: Path) -> dict:
    """An entry of DetectSpec.opens: the map note, which gets the server and its broken link."""
    line, _ = find(MAP_TEXT, f"[[{MAP_BROKEN_TITLE}]]")
    return {"file": str(path), "attach": True, "broken_line": line, "broken_title": MAP_BROKEN_TITLE}


def note_open(path: Path, attach: bool) -> dict:
    return {"file": str(path), "attach": attach, "broken_line": None, "broken_title": None}
