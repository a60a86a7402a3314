"""Reading the client's messages from standard input, one thread hop a message.

pygls' stdin reader hands each read to a thread and resumes on the event loop when it is
done: one hop for each header line and one for the body, three a message. A hop resumes
only at the loop's next turn, and while the server indexes a vault its loop turns once a
batch of notes (tens of ms at 100,000 notes): a completion asked during indexing waited
three batches before it was even read. This reader reads a whole message in one hop and
serves the header lines and the body from what it read, without waiting for the loop.
"""

from __future__ import annotations

import asyncio
import re
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import BinaryIO

# what pygls' run_async takes for the length: the same test, so both agree on where a body is
_CONTENT_LENGTH = re.compile(rb"^Content-Length: (\d+)\r\n$")


class MessageReader:
    """pygls' AsyncReader over a binary stream (stdin): readline() and readexactly(n)
    return what run_async asks for, as pygls' StdinAsyncReader would."""

    def __init__(self, stream: BinaryIO, executor: ThreadPoolExecutor | None = None) -> None:
        self.stream = stream
        self.executor = executor
        self._ahead: deque[bytes] = deque()  # header lines, then the body, read but not taken

    def _read_message(self) -> list[bytes]:
        """(in a thread) The header lines up to the blank one, then the body when a
        Content-Length came before it; what there is at the end of the stream."""
        parts: list[bytes] = []
        length = 0
        while True:
            line = self.stream.readline()
            parts.append(line)
            if not line:
                return parts  # end of the stream
            if not length:
                m = _CONTENT_LENGTH.fullmatch(line)
                if m:
                    length = int(m.group(1))
            if length and not line.strip():
                parts.append(self.stream.read(length))
                return parts

    async def _next(self) -> bytes:
        if not self._ahead:
            loop = asyncio.get_running_loop()
            self._ahead.extend(await loop.run_in_executor(self.executor, self._read_message))
        return self._ahead.popleft()

    async def readline(self) -> bytes:
        return await self._next()

    async def readexactly(self, n: int) -> bytes:
        return await self._next()
