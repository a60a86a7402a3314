"""Requests editors send that the server must accept, over a raw stdio connection.

Not an editor run: a JSON-RPC exchange with exactly the bytes a client library produces,
for cases the editor tests work around (so they stay green) but users' own configs hit.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from .conftest import isolated_env
from .vault import NOTES, write_vault

pytestmark = pytest.mark.editors


class Connection:
    def __init__(self, cmd: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.proc.stdin
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def response(self, request_id: int) -> dict:
        """The response to request_id (notifications and server requests are skipped)."""
        assert self.proc.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                chunk = self.proc.stdout.read(1)
                if not chunk:
                    raise EOFError("server closed stdout")
                header += chunk
            length = int(header.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            message = json.loads(self.proc.stdout.read(length))
            if message.get("id") == request_id and "method" not in message:
                return message

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(5)


@pytest.fixture
def connection(tmp_path: Path, server_cmd: list[str]):
    root = tmp_path / "vault"
    write_vault(root)
    conn = Connection(server_cmd, root, isolated_env(tmp_path))  # the server's caches stay in tmp_path
    conn.send(
        {
            "id": 1,
            "method": "initialize",
            "params": {
                "processId": None,
                "rootUri": root.as_uri(),
                "capabilities": {},
                "workspaceFolders": [{"uri": root.as_uri(), "name": "vault"}],
            },
        }
    )
    assert "result" in conn.response(1)
    conn.send({"method": "initialized", "params": {}})
    yield conn
    conn.close()


def test_status_with_empty_params(connection: Connection) -> None:
    """What the VS Code extension and the Neovim module send."""
    connection.send({"id": 2, "method": "claim-lsp/status", "params": {}})
    reply = connection.response(2)
    assert "result" in reply, reply
    assert set(reply["result"]) >= {"vaults", "notes", "indexing", "version"}


def test_status_without_params(connection: Connection) -> None:
    connection.send({"id": 2, "method": "claim-lsp/status"})
    reply = connection.response(2)
    assert "result" in reply, reply
    assert reply["result"]["notes"] in (0, len(NOTES))  # 0 while the first indexing runs
