from __future__ import annotations

import datetime as dt

from claim_lsp.config import Config
from claim_lsp.frontmatter_edit import complete_frontmatter, describe_key, hover_key, key_at
from claim_lsp.schema import schemas_of
from tests.unit.vaults import make_vault

TODAY = dt.date(2026, 3, 4)
TEXT = "---\ntype: claim\nconfidence: li\nsecondary_domains:\n  - \ncreated:\n\n---\n# n\n"


def items(text: str, line: int, col: int, extra: dict | None = None):
    vault = make_vault({"n.md": text, **(extra or {})})
    note = vault.notes["n.md"]
    return complete_frontmatter(vault, note, line, text.split("\n")[line], col, TODAY)


def test_keys_the_type_allows_but_lacks():
    got = items(TEXT, 6, 0)
    labels = [i.label for i in got]
    assert labels[:4] == ["domain", "description", "source", "last_evaluated"]
    assert not {"type", "confidence", "created", "secondary_domains"} & set(labels)
    assert got[0].detail == "required · claim" and got[0].new_text == "domain: "
    typed = items(TEXT.replace("created:\n\n", "created:\ndesc\n"), 6, 4)
    assert typed[0].start == 0 and typed[0].end == 4


def test_values():
    conf = items(TEXT, 2, 14)
    assert [i.label for i in conf] == ["proven", "likely", "experimental", "speculative"]
    assert (conf[0].start, conf[0].end) == (12, 14)
    assert [i.label for i in items(TEXT, 5, 8)] == ["2026-03-04"]
    assert "ai-alignment" in [i.label for i in items(TEXT, 4, 4)]  # list item under secondary_domains
    assert items(TEXT, 8, 2) == []  # the body


def test_domains_come_from_the_vault_without_a_configured_set():
    text = "---\ntype: memo\ndomain: \n---\n"
    got = items(text, 2, 8, {"a.md": "---\ndomain: zoo\n---\n", "b.md": "---\ndomain: art\n---\n"})
    assert [i.label for i in got] == ["art", "zoo"]


def test_key_hover():
    config = Config()
    vault = make_vault({"n.md": TEXT})
    note = vault.notes["n.md"]
    assert key_at(note, 2, 3) == "confidence" and key_at(note, 8, 0) is None
    text = hover_key(config, note, "confidence")
    assert "required for `claim`" in text and "`speculative`" in text
    assert "optional" in hover_key(config, note, "depends_on")
    assert "not part of" in hover_key(config, note, "tags")
    assert "Known types" in describe_key(config, None, "type")
    src = describe_key(config, schemas_of(config)["source"], "url")
    assert "or source" in src
