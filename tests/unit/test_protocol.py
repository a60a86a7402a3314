"""lsp/protocol.py: ClaimProtocol driven directly, message by message, without a client."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from claim_lsp.lsp.server import create_server
from tests.helpers import write_vault


class Sink:
    """A pygls writer keeping what the server writes."""

    def __init__(self) -> None:
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def close(self) -> None:
        pass


def replies(sink: Sink) -> list[dict]:
    out = []
    for data in sink.written:
        message = json.loads(data.split(b"\r\n\r\n", 1)[1])
        if "id" in message and "method" not in message:
            out.append(message)
    return out


async def test_notifications_leave_no_future_behind(tmp_path: Path):
    """pygls 2.1 kept the Future of every notification handled by a generator (didOpen,
    didChange, didClose, initialized) in _request_futures for good."""
    vault = write_vault(tmp_path / "vault", {"a.md": "# a\n\n[[b]]\n", "b.md": "# b\n"})
    ls = create_server()
    protocol = ls.protocol
    sink = Sink()
    protocol.set_writer(sink)

    def send(method: str, params: dict, msg_id: int | None = None) -> None:
        message = {"jsonrpc": "2.0", "method": method, "params": params}
        if msg_id is not None:
            message["id"] = msg_id
        protocol.handle_message(protocol.structure_message(message))

    send("initialize", {"processId": None, "rootUri": vault.as_uri(), "capabilities": {}}, msg_id=1)
    assert [r["id"] for r in replies(sink)] == [1]
    before = len(protocol._request_futures)
    try:
        send("initialized", {})
        uri = (vault / "a.md").as_uri()
        document = {"uri": uri, "languageId": "markdown", "version": 1, "text": "# a\n"}
        send("textDocument/didOpen", {"textDocument": document})
        for version in range(2, 202):
            send(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": f"# a\n\n{version}\n"}]},
            )
        assert ls.workspace.get_text_document(uri).version == 201  # (every change was handled)
        send("textDocument/didClose", {"textDocument": {"uri": uri}})
        assert len(protocol._request_futures) == before
    finally:
        ls.stop_background_work()
        await asyncio.sleep(0)  # (the cancelled indexing task ends)


async def test_cancelling_an_answered_request_is_no_warning(caplog):
    """A $/cancelRequest crossing the answer on the wire is routine: pygls warned about it
    ("Cancel notification for unknown message id") in the editor's output every time."""
    protocol = create_server().protocol
    protocol.set_writer(Sink())
    cancel = {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 7}}
    with caplog.at_level("DEBUG"):
        protocol.handle_message(protocol.structure_message(cancel))
    assert not [r for r in caplog.records if r.levelno >= 30], caplog.text
    assert "answered already" in caplog.text
    # a request still running is cancelled as before
    pending = asyncio.get_running_loop().create_future()
    protocol._request_futures[8] = pending
    protocol.handle_message(protocol.structure_message({**cancel, "params": {"id": 8}}))
    assert pending.cancelled() and 8 not in protocol._request_futures
