"""A TCP proxy between the console and the relay that can stop a publish half-way: in
``"body"`` mode it forwards only the first half of the ``PUT /v1/console/publish`` body
(then stalls), in ``"answer"`` mode it forwards the whole request but holds the relay's
answer back. ``stalled`` is set once it stalls; ``mode = None`` passes everything."""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import Literal

Mode = Literal["body", "answer"] | None
PUBLISH = b"PUT /v1/console/publish"
_LENGTH = re.compile(rb"(?i)\r\ncontent-length:\s*(\d+)")


class PublishProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.mode: Mode = None
        self.stalled = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        self._writers += [writer, up_writer]
        published = asyncio.Event()  # the publish request went upstream (this connection)
        pumps = [
            asyncio.ensure_future(self._requests(reader, up_writer, published)),
            asyncio.ensure_future(self._answers(up_reader, writer, published)),
        ]
        self._tasks.update(pumps)
        await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        for pump in pumps:
            pump.cancel()
        for end in (writer, up_writer):
            end.close()

    async def _requests(
        self, reader: asyncio.StreamReader, up: asyncio.StreamWriter, published: asyncio.Event
    ) -> None:
        seen = bytearray()
        sent = 0
        limit: int | None = None  # bytes of this connection allowed through
        while data := await reader.read(65536):
            seen += data
            start = seen.find(PUBLISH)
            headers_end = seen.find(b"\r\n\r\n", start) if start >= 0 else -1
            if headers_end >= 0 and not published.is_set():
                match = _LENGTH.search(seen, start, headers_end + 2)
                assert match, "the publish request has no Content-Length"
                length = int(match.group(1))
                if self.mode == "body" and limit is None:
                    limit = headers_end + 4 + length // 2
                if len(seen) >= headers_end + 4 + length:
                    published.set()
            allowed = len(seen) if limit is None else min(len(seen), limit)
            if allowed > sent:
                up.write(bytes(seen[sent:allowed]))
                await up.drain()
                sent = allowed
            if limit is not None and sent >= limit:
                self.stalled.set()

    async def _answers(
        self, up: asyncio.StreamReader, writer: asyncio.StreamWriter, published: asyncio.Event
    ) -> None:
        while data := await up.read(65536):
            if self.mode == "answer" and published.is_set():
                self.stalled.set()  # the relay answered the publish; the console never hears
                await asyncio.Event().wait()
            writer.write(data)
            await writer.drain()

    async def drop_connections(self) -> None:
        """Close every connection (the relay sees its client go away)."""
        for task in list(self._tasks):
            task.cancel()
        for writer in self._writers:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
        self._tasks.clear()
        self._writers.clear()

    async def close(self) -> None:
        await self.drop_connections()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
