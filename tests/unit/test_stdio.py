"""lsp/stdio.py: the one-hop message reader reads exactly what pygls' own reader reads."""

from __future__ import annotations

import asyncio
import io
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from pygls.io_ import StdinAsyncReader, run_async

from claim_lsp.lsp.stdio import MessageReader


def framed(obj, headers: bytes = b"") -> bytes:
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n" % len(body) + headers + b"\r\n" + body


class Recorder:
    """The two members of a pygls protocol that run_async uses."""

    def __init__(self) -> None:
        self.messages: list = []

    @staticmethod
    def structure_message(data):
        return data

    def handle_message(self, message) -> None:
        self.messages.append(message)


def messages_read(reader_cls, data: bytes) -> list:
    recorder = Recorder()
    with ThreadPoolExecutor(1) as executor:
        reader = reader_cls(io.BytesIO(data), executor)
        asyncio.run(run_async(threading.Event(), reader, recorder))
    return recorder.messages


STREAMS = {
    "two messages": framed({"id": 1, "method": "a"}) + framed({"id": 2, "method": "b", "params": {"x": "é🚀"}}),
    "another header": framed({"id": 1}, b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"),
    "a blank line with no length first": b"\r\n" + framed({"id": 3}),
    "a header that is not a length": b"X-Thing: 1\r\n\r\n" + framed({"id": 4}),
    "a body cut short": framed({"id": 5}) + b'Content-Length: 40\r\n\r\n{"id": 6',
    "headers cut short": framed({"id": 7}) + b"Content-Length: 4",
    "a body that is not JSON": b"Content-Length: 3\r\n\r\n{{{" + framed({"id": 8}),
    "nothing": b"",
}


@pytest.mark.parametrize("name", STREAMS)
def test_messages_read_as_pygls_reads_them(name):
    data = STREAMS[name]
    assert messages_read(MessageReader, data) == messages_read(StdinAsyncReader, data)


def test_a_whole_message_is_read_in_one_hop():
    data = framed({"id": 1}) + framed({"id": 2})
    reader = MessageReader(io.BytesIO(data))
    hops = 0
    read = reader._read_message

    def counted():
        nonlocal hops
        hops += 1
        return read()

    reader._read_message = counted
    recorder = Recorder()
    asyncio.run(run_async(threading.Event(), reader, recorder))
    assert [m["id"] for m in recorder.messages] == [1, 2]
    assert hops == 3  # one a message, and one that meets the end of the stream
