"""Long fuzz runs (issue 6), outside the default test run: `scripts/fuzz.sh` (FUZZ_MINUTES,
default 5) or `python -m pytest -m fuzz tests/fuzz`.

Each target runs hypothesis rounds of many examples, with fresh random seeds, until its
share of the time is used up; a failure is shrunk and reported as usual.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claim_lsp.checks import check_note
from claim_lsp.config import Config
from claim_lsp.load import build_vault
from claim_lsp.parse import parse_note
from claim_lsp.scan import decode
from tests.unit.test_properties import assert_inside, assert_note_inside, frontmatter_text, lines_of, note_text

pytestmark = pytest.mark.fuzz

MINUTES = float(os.environ.get("FUZZ_MINUTES", "5"))
TARGETS = 2
ROUND = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES_PER_ROUND", "2000")),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def run_for(seconds: float, round_fn) -> int:
    rounds = 0
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        round_fn()
        rounds += 1
    return rounds


any_text = note_text | frontmatter_text | st.text(max_size=2000)


@ROUND
@given(any_text)
def parse_round(text):
    assert_note_inside(parse_note("fuzz/note.md", text), text)


def test_fuzz_parse_note():
    rounds = run_for(MINUTES * 60 / TARGETS, parse_round)
    print(f"parse_note: {rounds} rounds of {ROUND.max_examples} examples")


names = st.sampled_from(["a", "b", "A", "d/a", "d/e/b", "é 🚀", "x y", "_map", "d/_map", "%20", "c#d"])
contents = (
    any_text.map(lambda t: t.encode("utf-8"))
    | st.binary(max_size=300)
    | any_text.map(lambda t: ("\ufeff" + t).encode("utf-16"))
)


@settings(ROUND, max_examples=max(ROUND.max_examples // 10, 10))
@given(st.dictionaries(names, contents, max_size=8), st.sampled_from([None, "[limits]\nmax_links = 3\n"]))
def vault_round(files, config_text):
    root = Path(tempfile.mkdtemp(prefix="claim-lsp-fuzz-"))
    try:
        for name, data in files.items():
            path = root / f"{name}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        config = Config()
        if config_text:
            (root / ".claim-lsp.toml").write_text(config_text)
            config = None
        vault = build_vault(root, config)
        assert len(vault) == len(files)
        for note in vault.notes.values():
            text = (root / note.path).read_bytes()
            problems = check_note(note, vault)
            if not any(p.code == "unreadable-file" for p in problems):
                lines = lines_of(decode(text).text)
                for p in problems:
                    assert_inside(lines, p.span)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_fuzz_check_vault():
    rounds = run_for(MINUTES * 60 / TARGETS, vault_round)
    print(f"check vault: {rounds} rounds")
