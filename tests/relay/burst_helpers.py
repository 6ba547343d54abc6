"""For the burst tests: a merchant REST API on 127.0.0.1 that counts the order lookups that
reach it (and can hold them until released), and the bundle that connects a widget to it."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

WIDGET_KEY = "wk_burst_test_0001"
OWNER = "owner@example.com"
MAPPING = """
[auth]
type = "none"

[endpoints]
order_by_number = "/orders/{number}"

[orders]
root = "data"
[orders.fields]
id = "id"
number = "number"
status = "state"
total = "total"
currency = "currency"
created_at = "created"
email = "email"
"""


class CountingStore:
    """Every order exists and belongs to ``OWNER``; ``hits`` counts lookups per number.
    While ``gate`` is clear, lookups wait (up to 2 s, under the relay's 3 s budget)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.hits: Counter[str] = Counter()
        self.delay = delay
        self.gate = asyncio.Event()
        self.gate.set()
        self.server: TestServer | None = None

    async def _order(self, request: web.Request) -> web.Response:
        number = request.match_info["number"]
        self.hits[number] += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.gate.wait(), 2.0)
        order = {
            "id": number,
            "number": number,
            "state": "processing",
            "total": "19.90",
            "currency": "EUR",
            "created": "2026-01-05T10:00:00Z",
            "email": OWNER,
        }
        return web.json_response({"data": order})

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/orders/{number}", self._order)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        return str(self.server.make_url("")).rstrip("/")

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    def total(self, numbers: list[str]) -> int:
        return sum(self.hits[n] for n in numbers)


def bundle(store_url: str) -> dict[str, Any]:
    store = {
        "id": "burst",
        "platform": "rest",
        "settings": {"url": store_url, "mapping_toml": MAPPING},
        "secrets": {},
    }
    widget = {"key": WIDGET_KEY, "name": "Burst shop", "store": "burst", "config": {}}
    return {"stores": [store], "widgets": [widget]}


async def start_chat(session: aiohttp.ClientSession) -> dict[str, Any]:
    async with session.post(f"/v1/widgets/{WIDGET_KEY}/conversations", json={}) as response:
        assert response.status == 201, await response.text()
        return dict(await response.json())


async def say(session: aiohttp.ClientSession, chat: dict[str, Any], text: str) -> dict[str, Any]:
    """The relay's answer: ``{"status": …, "messages": […], "cards": [order cards]}``."""
    async with session.post(
        f"/v1/conversations/{chat['conversation_id']}/messages",
        json={"text": text},
        headers={"Authorization": f"Bearer {chat['token']}"},
    ) as response:
        body = await response.json()
        messages = body.get("messages", []) if response.status == 200 else []
    cards = [c for m in messages for c in m.get("cards", []) if c.get("type") == "order"]
    return {"status": response.status, "messages": messages, "cards": cards}


def guess(number: str, email: str) -> str:
    return f"Where is my order {number}? My email is {email}"
