"""The review checklist through the real server: an open claim's problems that depend on other
notes follow those notes as they change, in the editor or on disk."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.conftest import change_doc, open_doc, wait_diagnostics
from tests.helpers import claim

LAUNCH = "cheap launch is the variable that unlocks every downstream orbital industry"
RIVAL = "launch cost is not what holds back orbital industry demand is"
BASE = "reusable rockets cut the marginal cost of a launch by an order of magnitude"
MUSING = "research-2026-03-10"

SUBJECT = claim(
    "Launch prices gate satellites, stations and manufacturing alike",
    "Body.",
    title=LAUNCH,
    extra=f'depends_on: ["{BASE}"]\n',
)


def rival(challenges: bool) -> str:
    extra = f'challenges: ["{LAUNCH}"]\n' if challenges else ""
    return claim("Demand, not price, is the bottleneck", "Body.", title=RIVAL, confidence="experimental", extra=extra)


def base(confidence: str) -> str:
    return claim("Falcon 9 reuse data, 2015-2024", "Body.", title=BASE, confidence=confidence)


@pytest.fixture(name="vault_files")
def review_vault_files() -> dict[str, str]:
    return {
        f"domains/space/{LAUNCH}.md": SUBJECT,
        f"domains/space/{RIVAL}.md": rival(False),
        f"domains/space/{BASE}.md": base("likely"),
        f"agents/astra/musings/{MUSING}.md": "---\ntype: musing\n---\n# Research\n",
    }


def codes(diagnostics) -> set[str]:
    return {d.code for d in diagnostics}


async def test_an_open_claim_follows_the_notes_it_is_reviewed_against(push_client: LanguageClient, vault):
    subject = open_doc(push_client, vault / f"domains/space/{LAUNCH}.md")
    await wait_diagnostics(push_client, subject, lambda d: codes(d) == set())

    # another note starts challenging it (in the editor), then stops
    path = vault / f"domains/space/{RIVAL}.md"
    other = open_doc(push_client, path)
    change_doc(push_client, other, rival(True), 2)
    diags = await wait_diagnostics(push_client, subject, lambda d: "unacknowledged-challenge" in codes(d))
    [d] = [d for d in diags if d.code == "unacknowledged-challenge"]
    assert d.data == {"others": [f"domains/space/{RIVAL}.md"], "fields": ["challenges"]}
    change_doc(push_client, other, rival(False), 3)
    await wait_diagnostics(push_client, subject, lambda d: codes(d) == set())

    # on disk, with the editor closed on it
    push_client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=other)))
    path.write_text(rival(True), encoding="utf-8")
    push_client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=other, type=lsp.FileChangeType.Changed)])
    )
    await wait_diagnostics(push_client, subject, lambda d: "unacknowledged-challenge" in codes(d))
    # acknowledged in its own challenged_by
    acknowledged = SUBJECT.replace("depends_on:", f'challenged_by: ["{RIVAL}"]\ndepends_on:')
    change_doc(push_client, subject, acknowledged, 2)
    await wait_diagnostics(push_client, subject, lambda d: codes(d) == set())

    # what it depends on loses confidence, then regains it
    support = open_doc(push_client, vault / f"domains/space/{BASE}.md")
    change_doc(push_client, support, base("experimental"), 2)
    diags = await wait_diagnostics(push_client, subject, lambda d: "confidence-exceeds-support" in codes(d))
    [d] = [d for d in diags if d.code == "confidence-exceeds-support"]
    assert d.data["support"] == "experimental"
    change_doc(push_client, support, base("proven"), 3)
    await wait_diagnostics(push_client, subject, lambda d: codes(d) == set())


async def test_an_open_claim_follows_titles_and_types(push_client: LanguageClient, vault):
    text = SUBJECT.replace("Body.", f"Body, and my notes: [[{MUSING}]].")
    subject = open_doc(push_client, vault / f"domains/space/{LAUNCH}.md", text)
    await wait_diagnostics(push_client, subject, lambda d: codes(d) == {"forbidden-link"})

    # the linked note stops being a musing, then is one again
    path = vault / f"agents/astra/musings/{MUSING}.md"
    musing = open_doc(push_client, path)
    change_doc(push_client, musing, "---\ntype: claim\n---\n# Research\n", 2)
    await wait_diagnostics(push_client, subject, lambda d: codes(d) == set())
    change_doc(push_client, musing, "---\ntype: musing\n---\n# Research\n", 3)
    await wait_diagnostics(push_client, subject, lambda d: codes(d) == {"forbidden-link"})

    # a claim of the same title appears in another folder, and one of nearly the same
    twin = open_doc(push_client, vault / f"core/{LAUNCH}.md", SUBJECT)
    diags = await wait_diagnostics(push_client, subject, lambda d: "duplicate-claim" in codes(d))
    assert [d.data for d in diags if d.code == "duplicate-claim"] == [{"others": [f"core/{LAUNCH}.md"]}]
    push_client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=twin)))
    await wait_diagnostics(push_client, subject, lambda d: "duplicate-claim" not in codes(d))
    slug = LAUNCH.replace(" ", "-")
    open_doc(push_client, vault / f"inbox/{slug}.md", claim("x", "Body.", title=slug))
    diags = await wait_diagnostics(push_client, subject, lambda d: "near-duplicate" in codes(d))
    assert [d.data for d in diags if d.code == "near-duplicate"] == [{"others": [f"inbox/{slug}.md"]}]
