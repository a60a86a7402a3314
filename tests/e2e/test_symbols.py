"""Document symbols, workspace symbols and folding ranges through the real server."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.conftest import open_doc
from tests.helpers import claim

NOTE = claim(
    "An outline",
    "Intro 🚀 text.\n\n## Evidence\n\nSome.\n\n### Study A\n\nDetails.\n\n## Challenges\n\nFew.\n",
    title="outlined claim",
    extra="aliases: [the outline]\n",
)


@pytest.fixture(name="vault_files")
def symbol_vault_files() -> dict[str, str]:
    return {
        "claims/outlined claim.md": NOTE,
        "claims/prediction markets beat polls.md": claim("m", "Body.", title="prediction markets beat polls"),
        "other/markets need liquidity.md": claim("l", "Body.", title="markets need liquidity"),
    }


def names(symbols) -> list:
    return [(s.name, names(s.children or [])) for s in symbols]


async def test_document_symbols_tree(client: LanguageClient, vault):
    uri = open_doc(client, vault / "claims/outlined claim.md", NOTE)
    result = await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    lines = NOTE.split("\n")
    if isinstance(result[0], lsp.DocumentSymbol):
        fm, h1 = result
        assert fm.name == "frontmatter" and fm.range.start.line == 0 and fm.range.end.line == lines.index("---", 1)
        assert [c.name for c in fm.children] == [
            "type",
            "domain",
            "description",
            "confidence",
            "source",
            "created",
            "aliases",
        ]
        assert names([h1]) == [
            ("outlined claim", [("Evidence", [("Study A", [])]), ("Challenges", [])]),
        ]
        evidence = h1.children[0]
        assert evidence.range.start.line == lines.index("## Evidence")
        assert evidence.range.end.line == lines.index("Details.")
        assert evidence.selection_range.start.character == 3
        assert h1.range.end.line == lines.index("Few.")
    else:  # clients without hierarchical support get a flat list with containers
        flat = {(s.name, s.container_name) for s in result}
        assert ("Study A", "Evidence") in flat and ("Evidence", "outlined claim") in flat


async def test_workspace_symbols_by_title_and_alias(client: LanguageClient, vault):
    result = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="markets"))
    assert [s.name for s in result][:2] == ["markets need liquidity", "prediction markets beat polls"]
    assert result[0].location.uri == (vault / "other/markets need liquidity.md").as_uri()
    assert result[0].location.range.start.line == claim("l", "", title="x").split("\n").index("# x")
    alias = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="the outln"))
    assert alias[0].name == "the outline" and alias[0].container_name == "alias of outlined claim"
    typo = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="predction markts"))
    assert typo[0].name == "prediction markets beat polls"


async def test_folding_ranges(client: LanguageClient, vault):
    uri = open_doc(client, vault / "claims/outlined claim.md", NOTE)
    result = await client.text_document_folding_range_async(
        lsp.FoldingRangeParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    lines = NOTE.split("\n")
    got = sorted((r.start_line, r.end_line, r.kind) for r in result)
    assert got == sorted(
        [
            (0, lines.index("---", 1), lsp.FoldingRangeKind.Imports),
            (lines.index("# outlined claim"), lines.index("Few."), lsp.FoldingRangeKind.Region),
            (lines.index("## Evidence"), lines.index("Details."), lsp.FoldingRangeKind.Region),
            (lines.index("### Study A"), lines.index("Details."), lsp.FoldingRangeKind.Region),
            (lines.index("## Challenges"), lines.index("Few."), lsp.FoldingRangeKind.Region),
        ]
    )
