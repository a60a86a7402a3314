"""In-memory vaults for unit tests of the refactoring modules, and applying a VaultChange
to their texts (code-point spans), each replacement checked against the text as the server
checks it (edits.stale_replacement)."""

from __future__ import annotations

from claim_lsp.edits import VaultChange, stale_replacement
from claim_lsp.index import Vault
from claim_lsp.parse import parse_note
from claim_lsp.text import line_starts, split_lines


def make_vault(files: dict[str, str]) -> Vault:
    vault = Vault()
    for path, text in files.items():
        vault.put(parse_note(path, text))
    return vault


def apply_change(files: dict[str, str], change: VaultChange) -> dict[str, str]:
    out = dict(files)
    for path, text in change.creates:
        assert path not in out, f"would overwrite {path}"
        out[path] = text
    for path, edits in change.edits.items():
        text = out[path]
        # what the server checks before it sends an edit: each replacement reads what it changes
        assert stale_replacement(split_lines(text), edits) is None, (
            f"{path}: {stale_replacement(split_lines(text), edits)}"
        )
        assert all(e.reads is not None for e in edits if e.span[:2] != e.span[2:]), (
            f"{path}: a replacement reads nothing"
        )
        starts = line_starts(text)
        spans = sorted(
            ((starts[e.span.line] + e.span.col, starts[e.span.end_line] + e.span.end_col, e.new_text) for e in edits),
            reverse=True,
        )
        for a, b, new in spans:
            text = text[:a] + new + text[b:]
        out[path] = text
    for old, new in change.renames:
        out[new] = out.pop(old)
    return out
