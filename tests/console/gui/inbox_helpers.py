"""For the Inbox tests: the demo set up against a live test relay, a shopper speaking the
widget's HTTP API (with its live SSE stream), and a proxy that can drop the relay mid-reply."""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar

import httpx

from console.context import ConsoleContext
from console.demo_setup import DemoReady, set_up_demo
from tests.console.gui.helpers import pairing_code
from tests.relay.live import LiveRelay


class RelayForDemo:
    """What ``set_up_demo`` needs of a local relay, for a live test relay (or a proxy to it)."""

    def __init__(self, relay: LiveRelay, url: str | None = None) -> None:
        self._relay = relay
        self.url = url or relay.base_url

    async def start(self, http: httpx.AsyncClient) -> str:
        return self.url

    async def pairing_code(self) -> str:
        return await asyncio.to_thread(pairing_code, self._relay)


async def demo_on(ctx: ConsoleContext, relay: LiveRelay, url: str | None = None) -> DemoReady:
    """The demo shop synced, its widget published to ``relay`` (through ``url`` if given);
    without the demo month, so the Inbox holds only what the test's shoppers write."""
    relay_ = RelayForDemo(relay, url)
    return await set_up_demo(ctx.session, ctx.http, relay_, month=False)  # type: ignore[arg-type]


@dataclass
class Shopper:
    """A shopper on the storefront, through the public widget API."""

    http: httpx.AsyncClient
    base: str
    origin: str
    conversation_id: str = ""
    token: str = ""
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _stream: asyncio.Task[None] | None = None
    listening: ClassVar[list[Shopper]] = []

    @property
    def headers(self) -> dict[str, str]:
        return {"Origin": self.origin, "Authorization": f"Bearer {self.token}"}

    async def start(self, widget_key: str, page_url: str | None = None) -> None:
        response = await self.http.post(
            f"{self.base}/v1/widgets/{widget_key}/conversations",
            json={"page_url": page_url} if page_url else {},
            headers={"Origin": self.origin},
        )
        assert response.status_code == 201, response.text
        data = response.json()
        self.conversation_id, self.token = data["conversation_id"], data["token"]

    async def say(self, text: str) -> list[dict[str, Any]]:
        response = await self.post("messages", {"text": text})
        assert response.status_code == 200, response.text
        return list(response.json()["messages"])

    async def post(self, what: str, body: Any = None) -> httpx.Response:
        return await self.http.post(
            f"{self.base}/v1/conversations/{self.conversation_id}/{what}",
            json=body,
            headers=self.headers,
        )

    async def history(self) -> list[dict[str, Any]]:
        response = await self.http.get(
            f"{self.base}/v1/conversations/{self.conversation_id}/messages", headers=self.headers
        )
        return list(response.json()["messages"])

    def listen(self) -> None:
        """Follow the conversation's SSE stream, as the widget does, into ``received``."""
        self._stream = asyncio.ensure_future(self._listen())
        Shopper.listening.append(self)

    async def _listen(self) -> None:
        url = f"{self.base}/v1/conversations/{self.conversation_id}/stream?token={self.token}"
        timeout = httpx.Timeout(5.0, read=None)
        async with self.http.stream("GET", url, headers=self.headers, timeout=timeout) as response:
            event, data = "message", ""
            async for line in response.aiter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()
                elif not line and data:
                    self.received.append((event, json.loads(data)))
                    event, data = "message", ""

    def messages(self, role: str) -> list[dict[str, Any]]:
        return [d for e, d in self.received if e == "message" and d.get("role") == role]

    async def stop(self) -> None:
        if self in Shopper.listening:
            Shopper.listening.remove(self)
        if self._stream is not None:
            self._stream.cancel()
            with contextlib.suppress(BaseException):
                await self._stream


class FlakyProxy:
    """A TCP proxy to the relay. ``mode``: "pass" forwards; "swallow" forwards the request but
    drops the relay's answer (the relay did the work, the console never hears it); "refuse"
    closes connections at once."""

    def __init__(self, upstream: str) -> None:
        host, port = upstream.removeprefix("http://").split(":")
        self._upstream = (host, int(port))
        self.mode = "pass"
        self.url = ""
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            if self.mode == "refuse":
                return
            up_reader, up_writer = await asyncio.open_connection(*self._upstream)
            swallow = self.mode == "swallow"
            to_relay = asyncio.ensure_future(_pipe(reader, up_writer))
            if swallow:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(up_reader.read(65536), 5)  # the answer, dropped
                to_relay.cancel()
            else:
                await _pipe(up_reader, writer)
                to_relay.cancel()
            up_writer.close()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
