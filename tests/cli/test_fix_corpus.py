"""`claim-lsp check --fix` on a copy of the shared corpus (run with `pytest -m corpus`): no case
mismatch left, no new broken link, only files with a fixable problem changed, and a check
afterwards agrees with what the fix said. The certain suggestions it applies were each read
by hand (README "Command line"): a new one must be too."""

from __future__ import annotations

import json
import shutil
import stat
from collections import Counter
from pathlib import Path

import pytest

from claim_lsp.checks import check_links, check_note
from claim_lsp.code_actions import certain_suggestion
from claim_lsp.load import build_vault
from claim_lsp.parse import parse_note
from tests.cli.test_check import CORPUS, run

pytestmark = pytest.mark.corpus

# broken link (or relation item) -> how the title it is fixed to goes on: every one a title
# shortened in the link, broken in the full teleo-codex vault too, whose full title is the
# only one starting with its words; and one item written `real world` for `real-world`
SHORTENED = {
    "AI agent orchestration that routes data and tools between specialized models outperforms both single-model and "
    "human-coached approaches": " because the orchestrator contributes coordination not direction",
    "AI development is a critical juncture in institutional history": " where the mismatch between capabilities "
    "and governance creates a window for transformation",
    "Living Agents mirror biological Markov blanket organization": " with specialized domain boundaries and shared "
    "knowledge",
    "RLHF and DPO both fail at preference diversity": " because they assume a single reward function can capture "
    "context-dependent human values",
    "coordination protocol design produces larger capability gains than model scaling": " because the same AI model "
    "performed 6x better with structured exploration than with human coaching on the same problem",
    "deep technical expertise is a greater force multiplier when combined with AI agents": " because skilled "
    "practitioners delegate more effectively than novices",
    "democratic alignment assemblies produce constitutions as effective as expert-designed ones": " while better "
    "representing diverse populations",
    "designing coordination rules is categorically different from designing coordination outcomes": " as nine "
    "intellectual traditions independently confirm",
    "domain specialization with cross-domain synthesis produces better collective intelligence": " than generalist "
    "agents because specialists build deeper knowledge while a dedicated synthesizer finds connections they cannot "
    "see from within their territory",
    "economic forces push humans out of every cognitive loop where output quality is independently verifiable": " "
    "because human-in-the-loop is a cost that competitive markets eliminate",
    "equilibrium models of complex systems are fundamentally misleading": " because systems in balance cannot "
    "exhibit catastrophes fractals or history",
    "multi-model collaboration solved problems that single models could not": " because different AI architectures "
    "contribute complementary capabilities as the even-case solution to Knuths Hamiltonian decomposition required "
    "GPT and Claude working together",
    "no research group is building alignment through collective intelligence infrastructure": " despite the field "
    "converging on problems that require it",
    "pluralistic alignment must accommodate irreducibly diverse values simultaneously": " rather than converging on "
    "a single aligned state",
    "scalable oversight degrades rapidly as capability gaps grow": " with debate achieving only 50 percent success "
    "at moderate gaps",
    "structured exploration protocols reduce human intervention by 6x": " because the Residue prompt enabled 5 "
    "unguided AI explorations to solve what required 31 human-coached explorations",
    "subagent hierarchies outperform peer multi-agent architectures in practice": " because deployed systems "
    "consistently converge on one primary agent controlling specialized helpers",
    "the alignment tax creates a structural race to the bottom": " because safety training costs capability and "
    "rational competitors skip it",
    "voluntary safety pledges cannot survive competitive pressure": " because unilateral commitments are "
    "structurally punished when competitors advance without equivalent constraints",
}
REWORDED = {
    "the gap between theoretical AI capability and observed deployment is massive across all occupations because "
    "adoption lag not capability limits determines real world impact": "the gap between theoretical AI capability "
    "and observed deployment is massive across all occupations because adoption lag not capability limits "
    "determines real-world impact",
}
FIXABLE = {"case-mismatch", "broken-link", "broken-reference", "missing-field"}


@pytest.fixture(scope="module")
def vault_copy(tmp_path_factory) -> Path:
    assert CORPUS.is_dir(), f"the shared corpus is missing at {CORPUS}"
    root = tmp_path_factory.mktemp("corpus") / "vault"
    shutil.copytree(CORPUS, root)
    for path in [root, *root.rglob("*")]:  # (the shared copy is read-only)
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return root


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _items(root: Path) -> list[dict]:
    result = run("check", ".", "--format", "json", cwd=root)
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)


def test_the_certain_suggestions_are_those_read_by_hand():
    vault = build_vault(CORPUS)
    fixes: Counter = Counter()
    for note in vault.notes.values():
        for p in check_note(note, vault):
            if p.code in ("broken-link", "broken-reference"):
                title = certain_suggestion(vault, note, p)
                if title is not None:
                    fixes[p.data["target"], title] += 1
    expected = {target: target + rest for target, rest in SHORTENED.items()} | REWORDED
    assert dict(fixes.keys()) == expected
    assert sum(fixes.values()) == 32


def test_a_title_taken_away_is_never_replaced_by_another():
    """The corpus as a partial checkout of itself: each note taken away in turn, a link to it is
    broken, and no other note may be its certain suggestion (the full teleo-codex vault gives
    two, a claim filed twice under the same words)."""
    vault = build_vault(CORPUS)
    wrong = []
    for path in sorted(vault.notes):
        note = vault.remove(path)
        probe = parse_note("zz/probe.md", f"# probe\n\n[[{note.title}]]\n")
        for p in check_links(probe, vault):
            if p.code == "broken-link" and certain_suggestion(vault, probe, p) is not None:
                wrong.append((note.title, certain_suggestion(vault, probe, p)))
        vault.put(note)
    assert wrong == []


def test_fix_on_the_corpus(vault_copy):
    before_tree = _tree(vault_copy)
    before = _items(vault_copy)
    counts = Counter(i["code"] for i in before)
    assert counts["case-mismatch"] == 32 and counts["broken-link"] == 736

    preview = run("check", ".", "--diff", cwd=vault_copy)
    assert preview.returncode == 1
    assert preview.stderr == (
        "Would fix 64 problems in 19 files (776 left); would add 12 empty fields to 7 notes, to fill in.\n"
    )
    assert _tree(vault_copy) == before_tree  # --diff writes nothing

    result = run("check", ".", "--fix", cwd=vault_copy)
    assert result.returncode == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[-1] == "Fixed 64 problems in 19 files (776 left); added 12 empty fields to 7 notes, to fill in."
    said = [line for line in lines if ": fixed " in line or ": added empty " in line]
    fixed = Counter()
    for line in said:
        for part in line.split(": fixed ", 1)[-1].split("; added empty")[0].split(", "):
            if " " in part and part.split(" ", 1)[0].isdigit():
                n, code = part.split(" ", 1)
                fixed[code] += int(n)
    assert fixed == {"case-mismatch": 32, "broken-link": 30, "broken-reference": 2}

    after_tree = _tree(vault_copy)
    assert after_tree.keys() == before_tree.keys()  # no file made, none removed
    changed = {rel for rel in before_tree if after_tree[rel] != before_tree[rel]}
    assert changed == {line.split(": ", 1)[0] for line in said} and len(changed) == 24
    had_fixable = {i["file"] for i in before if i["code"] in FIXABLE}
    assert changed <= had_fixable

    after = _items(vault_copy)
    assert len(after) == 776  # as the fix said (4 of them duplicate-claim)
    assert not [i for i in after if i["code"] == "case-mismatch"]

    def broken(items):
        return Counter(
            (i["file"], i["data"]["target"]) for i in items if i["code"] in ("broken-link", "broken-reference")
        )

    assert not broken(after) - broken(before)  # no new broken link
    assert sum((broken(before) - broken(after)).values()) == 32
    # everything else is as it was (places aside: fields added above move the lines below)
    rest = Counter((i["file"], i["code"], i["message"]) for i in after if i["code"] not in FIXABLE)
    assert rest == Counter((i["file"], i["code"], i["message"]) for i in before if i["code"] not in FIXABLE)
    assert Counter(i["code"] for i in after if i["code"] == "missing-field") == {"missing-field": 8}

    again = run("check", ".", "--diff", cwd=vault_copy)
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "No safe fixes (776 left).\n")
