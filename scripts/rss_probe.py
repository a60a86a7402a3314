"""The server's memory once a vault is indexed: start `python -m claim_lsp` (claim_lsp imported
from the current folder, so that a checkout of another commit is measured with the same
interpreter), index VAULT, print the notes, the time and VmHWM / VmRSS; then wait WAIT seconds
(default 8) for the disk cache to be written, so that a second run is a warm start.

    python scripts/rss_probe.py VAULT CACHE_HOME            # cold (an empty CACHE_HOME), then
    WAIT=0.5 python scripts/rss_probe.py VAULT CACHE_HOME   # warm

How the 100k memory growth since 5ef70f9 was bisected (closing note of issue 18): run from a
worktree at each commit, on /tmp/claim-bench/bench-v100k (bench/bench.py makes it). Linux only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


class Server:
    def __init__(self, cache_home: str) -> None:
        env = dict(os.environ, XDG_CACHE_HOME=cache_home)
        argv = [sys.executable, "-m", "claim_lsp"]
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
        )
        self.next_id = 1

    def send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def receive(self) -> dict:
        length = 0
        while True:
            line = self.proc.stdout.readline()
            if line in (b"\r\n", b""):
                break
            if line.lower().startswith(b"content-length"):
                length = int(line.split(b":")[1])
        return json.loads(self.proc.stdout.read(length))

    def request(self, method: str, params: dict):
        ident = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == ident and "method" not in message:
                return message.get("result")
            if "method" in message and "id" in message:  # a request of the server's: answered
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})

    def memory_mb(self) -> dict[str, int]:
        with open(f"/proc/{self.proc.pid}/status") as status:
            fields = dict(line.split(":", 1) for line in status if line.startswith(("VmHWM", "VmRSS")))
        return {key: int(value.split()[0]) // 1024 for key, value in fields.items()}


def main() -> int:
    vault, cache_home = sys.argv[1], sys.argv[2]
    uri = "file://" + os.path.abspath(vault)
    began = time.time()
    server = Server(cache_home)
    capabilities = {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}}
    server.request(
        "initialize",
        {
            "processId": None,
            "rootUri": uri,
            "capabilities": capabilities,
            "workspaceFolders": [{"uri": uri, "name": "v"}],
        },
    )
    server.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    while True:
        status = server.request("claim-lsp/status", {})
        if status and not status.get("indexing") and status.get("notes"):
            break
        time.sleep(0.05)
    memory = server.memory_mb()
    print(
        f"{status['notes']} notes in {time.time() - began:.2f} s; "
        f"VmHWM {memory['VmHWM']} MB, VmRSS {memory['VmRSS']} MB"
    )
    time.sleep(float(os.environ.get("WAIT", "8")))  # the disk cache is written meanwhile
    server.proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
