from __future__ import annotations

from claim_lsp.inlay_hints import confidence_hints
from tests.unit.vaults import make_vault


def test_hint_after_each_resolved_link_with_a_confidence():
    vault = make_vault(
        {
            "n.md": '---\nx: "[[a]]"\n---\n🚀 [[a|A]] [[b]] [[gone]] [[#h]]\n',
            "a.md": "---\nconfidence: likely\n---\n",
            "b.md": "# b\n",
        }
    )
    hints = confidence_hints(vault, vault.notes["n.md"])
    assert [(h.line, h.col, h.label) for h in hints] == [(1, 9, "· likely"), (3, 9, "· likely")]
    assert [h.line for h in confidence_hints(vault, vault.notes["n.md"], 2, 5)] == [3]
