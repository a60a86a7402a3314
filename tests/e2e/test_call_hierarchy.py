"""The reasoning chain in the editor: call hierarchy, the code lens's counts and the hover on
a note's H1, through the real server."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.conftest import open_doc, position_of
from tests.helpers import claim

T = "markets 🚀 aggregate dispersed information"
B = "prices carry information"
TARGET = claim("m", f"Because 🚀 [[{B}]].\n\n## Evidence\n\nSome.", title=T, extra=f'depends_on: ["[[{B}]]"]\n')
BASE = claim("b", "Base.", title=B, confidence="speculative")
A = claim(
    "a",
    f"Body 🚀 [[{T}]] and [[{T}#Evidence]].",
    title="a",
    confidence="experimental",
    extra=f'depends_on: ["[[{T}]]"]\n',
)
CRITIC = claim("c", "Disagrees.", title="critic", extra=f'challenges: ["[[{T}]]"]\n')
SOURCE = f'---\ntype: source\nclaims_extracted:\n  - "[[{T}]]"\n---\n\n# src\n'


@pytest.fixture(name="vault_files")
def chain_vault_files() -> dict[str, str]:
    return {
        f"claims/{T}.md": TARGET,
        f"claims/{B}.md": BASE,
        "notes/a.md": A,
        "notes/critic.md": CRITIC,
        "sources/src.md": SOURCE,
    }


def span(text: str, needle: str, before: str = "") -> lsp.Range:
    return lsp.Range(
        start=position_of(text, before + needle, len(before)),
        end=position_of(text, before + needle, len(before) + len(needle)),
    )


async def prepare(client: LanguageClient, uri: str, position: lsp.Position):
    return await client.text_document_prepare_call_hierarchy_async(
        lsp.CallHierarchyPrepareParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position)
    )


async def test_prepare_anywhere_in_the_note_or_on_a_link(client: LanguageClient, vault):
    uri_t = open_doc(client, vault / f"claims/{T}.md", TARGET)
    for where in (position_of(TARGET, f"# {T}", 4), position_of(TARGET, "Some."), lsp.Position(line=0, character=0)):
        items = await prepare(client, uri_t, where)
        assert [(i.name, i.uri, i.detail) for i in items] == [(T, uri_t, "likely")]
        assert items[0].selection_range == span(TARGET, T, "# ")
        assert items[0].kind == lsp.SymbolKind.File
    uri_a = open_doc(client, vault / "notes/a.md", A)
    on_link = await prepare(client, uri_a, position_of(A, f"Body 🚀 [[{T}]]", 10))
    assert [(i.name, i.uri) for i in on_link] == [(T, uri_t)]
    on_broken = "# scratch\n\n[[no such note]]\n"
    uri_s = open_doc(client, vault / "scratch.md", on_broken)
    assert not await prepare(client, uri_s, position_of(on_broken, "[[no", 3))


async def test_incoming_and_outgoing_calls(client: LanguageClient, vault):
    uri_t = open_doc(client, vault / f"claims/{T}.md", TARGET)
    (item,) = await prepare(client, uri_t, position_of(TARGET, "Some."))
    incoming = await client.call_hierarchy_incoming_calls_async(lsp.CallHierarchyIncomingCallsParams(item=item))
    got = [(c.from_.name, c.from_.uri, c.from_.detail, list(c.from_ranges)) for c in incoming]
    assert got == [
        (
            "a",
            (vault / "notes/a.md").as_uri(),
            "depends_on, link · experimental",
            [span(A, f"[[{T}]]", 'depends_on: ["'), span(A, f"[[{T}]]", "Body 🚀 "), span(A, f"[[{T}#Evidence]]")],
        ),
        ("critic", (vault / "notes/critic.md").as_uri(), "challenges · likely", [span(CRITIC, f"[[{T}]]")]),
        ("src", (vault / "sources/src.md").as_uri(), "claims_extracted", [span(SOURCE, f"[[{T}]]")]),
    ]
    outgoing = await client.call_hierarchy_outgoing_calls_async(lsp.CallHierarchyOutgoingCallsParams(item=item))
    assert [(c.to.name, c.to.detail, list(c.from_ranges)) for c in outgoing] == [
        (
            B,
            "depends_on, link · speculative",
            [span(TARGET, f"[[{B}]]", 'depends_on: ["'), span(TARGET, f"[[{B}]]", "🚀 ")],
        )
    ]
    # and on from there: the callee's own callers
    callers = await client.call_hierarchy_incoming_calls_async(
        lsp.CallHierarchyIncomingCallsParams(item=outgoing[0].to)
    )
    assert [(c.from_.name, c.from_.detail) for c in callers] == [(T, "depends_on, link · likely")]


async def test_code_lens_counts_the_chain(client: LanguageClient, vault):
    uri_t = open_doc(client, vault / f"claims/{T}.md", TARGET)
    (lens,) = await client.text_document_code_lens_async(
        lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri_t))
    )
    resolved = await client.code_lens_resolve_async(lens)
    # a's three links, critic's and src's
    assert resolved.command.title == "5 backlinks from 3 notes · 1 depends on this · 1 challenges it"
    assert len(resolved.command.arguments[2]) == 5
    uri_b = open_doc(client, vault / f"claims/{B}.md", BASE)
    (lens_b,) = await client.text_document_code_lens_async(
        lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri_b))
    )
    assert (await client.code_lens_resolve_async(lens_b)).command.title == "2 backlinks from 1 note · 1 depends on this"


async def test_hover_on_the_h1_shows_the_chain(client: LanguageClient, vault):
    uri_t = open_doc(client, vault / f"claims/{T}.md", TARGET)
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri_t), position=position_of(TARGET, f"# {T}", 3))
    )
    value = hover.contents.value if isinstance(hover.contents, lsp.MarkupContent) else hover.contents
    assert "confidence: likely" in value
    assert f"Depends on:\n- {B} (speculative)" in value
    assert "Extracted from:\n- src" in value
    assert hover.range == span(TARGET, T, "# ")
