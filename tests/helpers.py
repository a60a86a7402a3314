"""Small vaults written by the tests themselves."""

from __future__ import annotations

from pathlib import Path


def claim(description: str, body: str, *, title: str, confidence: str = "likely", extra: str = "") -> str:
    return (
        "---\n"
        "type: claim\n"
        "domain: ai-alignment\n"
        f'description: "{description}"\n'
        f"confidence: {confidence}\n"
        'source: "test suite"\n'
        "created: 2026-03-01\n"
        f"{extra}"
        "---\n\n"
        f"# {title}\n\n"
        f"{body}\n"
    )


def write_vault(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    return root


SPEC = "the specification trap means values encoded at training time become unstable"
COORD = "AI alignment is a coordination problem not a technical problem"
EMOJI = "emoji 🚀 titles work too"

SMALL_VAULT = {
    f"domains/ai/{SPEC}.md": claim(
        "Fixed values drift as the world changes around them",
        "Values written down once cannot follow a changing world.\nSee [[#Evidence]].\n\n## Evidence\n\nSome.\n\n## Challenges\n\nFew.",
        title=SPEC,
    ),
    f"domains/ai/{COORD}.md": claim(
        "Alignment fails between actors, not inside one model",
        f"Because of [[{SPEC}]] and [[{SPEC}#Evidence|the evidence]], coordination matters.\n"
        "A broken one: [[no such claim here]].\n"
        f"Case only: [[{COORD.upper()}]].\n"
        "`[[inline code is not a link]]`\n\n"
        "```\n[[fenced code is not a link]]\n```\n",
        title=COORD,
        extra=f'depends_on: ["[[{SPEC}]]"]\n',
    ),
    f"domains/ai/{EMOJI}.md": claim(
        "Astral characters take two UTF-16 units",
        f"Émigré 🚀🚀 text then [[{SPEC}]] and [[missing 🚀 note]].",
        title=EMOJI,
    ),
    "maps/_map.md": "# Map\n\n- [[_map]]\n",
    "domains/ai/_map.md": "# AI map\n\n- [[" + SPEC + "]]\n",
}


# the shared sample vault beside the clone (../shared/corpus): the `corpus`-marked tests read it
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "teleo-codex-sample"


def corpus_vault():
    """The shared sample vault, indexed as `claim-lsp check` indexes it; a missing corpus fails
    the test (never a skip: .ci/run puts it beside the clone)."""
    from claim_lsp.load import build_vault

    assert CORPUS.is_dir(), f"the shared corpus is missing: {CORPUS} (these tests need it; never skipped)"
    vault = build_vault(CORPUS)
    assert len(vault) > 300, f"expected the ~400-note sample at {CORPUS}, found {len(vault)} notes"
    return vault
