"""Tags on the shared corpus (run with `pytest -m corpus`): 25 of its 411 notes write
`tags: [...]` in their frontmatter (27 files hold such a line: two are examples in schemas/).
The index's counts must agree with the files read independently, and completion, hover and
references must answer from them."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from claim_lsp.frontmatter_edit import complete_frontmatter
from claim_lsp.hover import hover_tag
from claim_lsp.index import Vault
from claim_lsp.parse import parse_note
from claim_lsp.references import tag_references
from tests.helpers import CORPUS, corpus_vault

pytestmark = pytest.mark.corpus

FLOW_TAGS = re.compile(r"^tags:[ \t]*\[(.*)\][ \t]*$", re.M)


@pytest.fixture(scope="module")
def vault() -> Vault:
    return corpus_vault()


def written_tags() -> dict[str, set[str]]:
    """Each note's tags as its file writes them (every `tags:` line of the corpus is a flow
    list on one line, in the frontmatter), lower-cased."""
    out = {}
    for path in CORPUS.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            continue
        m = FLOW_TAGS.search(text[: text.find("\n---", 3)])
        if m:
            out[path.relative_to(CORPUS).as_posix()] = {t.strip().lower() for t in m.group(1).split(",") if t.strip()}
    return out


def test_the_index_counts_the_tags_the_files_write(vault: Vault):
    written = written_tags()
    assert len(written) == 25
    counts = Counter(t for tags in written.values() for t in tags)
    assert {key: count for key, (_, count) in vault.tag_counts().items()} == dict(counts)
    for tag in counts:
        assert vault.tagged(tag) == sorted(p for p, tags in written.items() if tag in tags)


def test_completion_hover_and_references_on_corpus_tags(vault: Vault):
    text = "---\ntype: musing\ntags: [solana, fut]\n---\n"
    note = parse_note("agents/vida/musings/new.md", text)
    vault.put(note)
    try:
        line = "tags: [solana, fut]"
        items = complete_frontmatter(vault, note, 2, line, line.index("fut") + 3, dt.date(2026, 3, 1))
        assert [i.label for i in items][:2] == ["futarchy", "futardio"]  # both start with it; the most used first
        assert items[0].detail == "used by 11 notes"
    finally:
        vault.remove(note.path)
    assert hover_tag(vault, "metadao").startswith("**#metadao** · used by 12 notes")
    found = tag_references(vault, "MetaDAO")
    assert len(found) == 12
    for src, span in found:
        line = (CORPUS / src.path).read_text(encoding="utf-8").splitlines()[span.line]
        assert line[span.col : span.end_col].lower() == "metadao"
