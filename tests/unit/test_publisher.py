"""lsp/diagnostics.py's Publisher: what is pushed to a client, and when nothing is."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp

from claim_lsp.config import Config
from claim_lsp.lsp.capabilities import ClientSupport
from claim_lsp.lsp.diagnostics import Publisher
from claim_lsp.lsp.workspace_diagnostics import WholeVault
from claim_lsp.workspace import Workspace


class Server:
    """What the publisher uses of the server: the workspace, the client's support, the wire."""

    client_support = ClientSupport()  # (pushes)

    def __init__(self, root: Path) -> None:
        self.state = Workspace()
        self.vault = self.state.add_vault(root, Config())
        self.sent: list[lsp.PublishDiagnosticsParams] = []
        self.whole_vault = WholeVault(self)  # (told of changes; pushes nothing at scope "open")

    def text_document_publish_diagnostics(self, params: lsp.PublishDiagnosticsParams) -> None:
        self.sent.append(params)


def opened(server: Server, publisher: Publisher, path: Path, text: str, version: int) -> None:
    server.state.set_text(path, text)
    publisher.set_version(path, version)


def test_only_changes_are_published(tmp_path: Path):
    server = Server(tmp_path)
    publisher = Publisher(server)
    path = tmp_path / "a.md"
    opened(server, publisher, path, "# a\n\nSee [[b]].\n", 1)
    publisher.publish(path)
    assert [(p.version, [d.code for d in p.diagnostics]) for p in server.sent] == [(1, ["broken-link"])]
    publisher.publish(path)  # (another note changed, say, and nothing here did)
    assert len(server.sent) == 1
    opened(server, publisher, path, "# a\n\nSee [[b]].\n", 2)  # the same text again: a new version
    publisher.publish(path)
    opened(server, publisher, path, "# a\n\nSee [[a]].\n", 2)
    publisher.publish(path)
    assert [(p.version, [d.code for d in p.diagnostics]) for p in server.sent][1:] == [(2, ["broken-link"]), (2, [])]
    publisher.publish(path)
    assert len(server.sent) == 3


def test_the_first_publish_after_open_is_sent_even_if_empty(tmp_path: Path):
    server = Server(tmp_path)
    publisher = Publisher(server)
    path = tmp_path / "a.md"
    for _ in range(2):  # opened, closed (nothing shown: nothing to clear), opened again
        opened(server, publisher, path, "# a\n", 1)
        publisher.publish(path)
        publisher.close(path)
        server.state.close(path)
    assert [(p.version, p.diagnostics) for p in server.sent] == [(1, []), (1, [])]


def test_sent_again_once_links_are_checked(tmp_path: Path):
    """While the vault is read, links are not checked: the same diagnostics once they are
    tell the client that the answer is complete."""
    server = Server(tmp_path)
    server.vault.indexed = False
    publisher = Publisher(server)
    path = tmp_path / "a.md"
    opened(server, publisher, path, "# a\n", 1)
    publisher.publish(path)
    server.vault.indexed = True
    publisher.publish(path)
    publisher.publish(path)
    assert [(p.version, p.diagnostics) for p in server.sent] == [(1, []), (1, [])]


def test_closing_clears_what_was_shown(tmp_path: Path):
    server = Server(tmp_path)
    publisher = Publisher(server)
    path = tmp_path / "a.md"
    opened(server, publisher, path, "# a\n\nSee [[b]].\n", 1)
    publisher.publish(path)
    publisher.close(path)
    server.state.close(path)
    assert [len(p.diagnostics) for p in server.sent] == [1, 0]
    assert server.sent[1].uri == server.sent[0].uri
