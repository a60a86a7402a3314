"""Plain-title items of relation fields through the real server: definition, hover,
references, code lens, diagnostics and quick fixes, rename, completion without `[[`."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.apply_edit import apply_workspace_edit, read_file
from tests.e2e.conftest import open_doc, position_of
from tests.helpers import claim

T = "cheap launch 🚀 unlocks every downstream orbital industry"
NEW = "@launch, the variable 🚀 that unlocks orbit"  # a plain item starting with @ needs quotes
PROSE = "The thesis assumes demand keeps growing; if it plateaus the argument weakens"
NEAR = "cheap-launch-🚀-unlocks-every-downstream-orbital-industry"
TARGET = claim("Launch prices gate everything", "Body.", title=T)
SOURCE = (
    "---\ntype: source\ntitle: a source\n"
    "claims_extracted:\n"
    f'  - "{T}"\n'
    f"  - {T}\n"
    f"challenged_by: ['{T}', {PROSE}]\n"
    f'enrichments: ["{NEAR}"]\n'
    "---\n# a source\n\nBody.\n"
)


@pytest.fixture(name="vault_files")
def relation_vault_files() -> dict[str, str]:
    return {f"claims/{T}.md": TARGET, "sources/a source.md": SOURCE}


def doc(uri: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri)


def item_range(text: str, needle: str, before: str) -> tuple:
    start = position_of(text, before + needle, len(before))
    end = position_of(text, before + needle, len(before) + len(needle))
    return (start.line, start.character, end.line, end.character)


def rng(r: lsp.Range) -> tuple:
    return (r.start.line, r.start.character, r.end.line, r.end.character)


ITEMS = [('  - "', T), ("  - ", T), ("challenged_by: ['", T)]  # (what comes before, the item)


async def test_definition_hover_references_and_lens(client: LanguageClient, vault):
    uri = open_doc(client, vault / "sources/a source.md", SOURCE)
    target_uri = (vault / f"claims/{T}.md").as_uri()
    for before, item in ITEMS:
        at = position_of(SOURCE, before + item, len(before) + 3)
        [found] = await client.text_document_definition_async(lsp.DefinitionParams(text_document=doc(uri), position=at))
        assert found.uri == target_uri and found.range.start.line == TARGET.split("\n").index(f"# {T}")
        hover = await client.text_document_hover_async(lsp.HoverParams(text_document=doc(uri), position=at))
        assert "Launch prices gate everything" in (hover.contents.value if hasattr(hover.contents, "value") else "")
        assert rng(hover.range) == item_range(SOURCE, item, before)
    on_prose = position_of(SOURCE, PROSE, 5)
    assert (
        await client.text_document_definition_async(lsp.DefinitionParams(text_document=doc(uri), position=on_prose))
        is None
    )
    assert await client.text_document_hover_async(lsp.HoverParams(text_document=doc(uri), position=on_prose)) is None
    h1 = position_of(TARGET, f"# {T}", 3)
    found = await client.text_document_references_async(
        lsp.ReferenceParams(
            text_document=doc(target_uri), position=h1, context=lsp.ReferenceContext(include_declaration=False)
        )
    )
    assert sorted((r.uri, rng(r.range)) for r in found) == sorted(
        (uri, item_range(SOURCE, item, before)) for before, item in ITEMS
    )
    open_doc(client, vault / f"claims/{T}.md", TARGET)
    [lens] = await client.text_document_code_lens_async(lsp.CodeLensParams(text_document=doc(target_uri)))
    assert (await client.code_lens_resolve_async(lens)).command.title == "3 backlinks from 1 note"


async def test_near_miss_is_reported_and_fixed_prose_is_not(client: LanguageClient, vault):
    uri = open_doc(client, vault / "sources/a source.md", SOURCE)
    report = await client.text_document_diagnostic_async(lsp.DocumentDiagnosticParams(text_document=doc(uri)))
    codes = sorted(d.code for d in report.items if d.code != "missing-field")
    assert codes == ["broken-reference"]
    [near] = [d for d in report.items if d.code == "broken-reference"]
    assert near.severity == lsp.DiagnosticSeverity.Warning
    assert near.data == {"target": NEAR, "suggestions": [T]}
    assert rng(near.range) == item_range(SOURCE, NEAR, 'enrichments: ["')
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=doc(uri), range=near.range, context=lsp.CodeActionContext(diagnostics=[near])
        )
    )
    [fix] = [a for a in actions if a.title == f'Replace with "{T}"']
    apply_workspace_edit(fix.edit, buffers := {uri: SOURCE})
    assert f'enrichments: ["{T}"]\n' in buffers[uri]


async def test_rename_rewrites_plain_items_with_their_quoting(client: LanguageClient, vault):
    ws = client.capabilities.workspace if client.capabilities else None
    ops = ws.workspace_edit.resource_operations if ws and ws.workspace_edit else None
    assert ops and lsp.ResourceOperationKind.Rename in ops  # (the `client` profile renames files; eglot's
    # refusal of note renames is tested in test_rename.py)
    uri = open_doc(client, vault / "sources/a source.md", SOURCE)
    at = position_of(SOURCE, f"  - {T}", 6)  # from the unquoted item
    prepared = await client.text_document_prepare_rename_async(
        lsp.PrepareRenameParams(text_document=doc(uri), position=at)
    )
    assert prepared.placeholder == T
    edit = await client.text_document_rename_async(lsp.RenameParams(text_document=doc(uri), position=at, new_name=NEW))
    apply_workspace_edit(edit, buffers := {uri: SOURCE})
    assert buffers[uri].split("\n")[3:7] == [
        "claims_extracted:",
        f'  - "{NEW}"',
        f'  - "{NEW}"',  # quoted now: YAML reserves a leading @
        f"challenged_by: ['{NEW}', {PROSE}]",
    ]
    assert read_file(vault / f"claims/{NEW}.md").startswith("---\ntype: claim")


async def test_completion_in_a_relation_field_without_brackets(client: LanguageClient, vault):
    text = "---\ntype: claim\ndepends_on:\n  - cheap lau\n  - 'cheap\n---\n# scratch\n"
    uri = open_doc(client, vault / "scratch.md", text)
    result = await client.text_document_completion_async(
        lsp.CompletionParams(text_document=doc(uri), position=position_of(text, "cheap lau", 9))
    )
    first = result.items[0]
    assert first.label == T and first.text_edit.new_text == T
    assert rng(first.text_edit.range) == item_range(text, "cheap lau", "  - ")
    result = await client.text_document_completion_async(
        lsp.CompletionParams(text_document=doc(uri), position=position_of(text, "'cheap", 6))
    )
    assert result.items[0].text_edit.new_text == T + "'"  # closes the quote
