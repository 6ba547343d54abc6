"""A store that times out, sends garbage or storms 5xx: the relay's circuit breaker opens
after a few failures, so shoppers get the polite "can't reach our shop system" answer at
once (no request waits on the store any more), never a 500; each failure is one log line;
after the cool-down one probe finds the store back and lookups work again.

The relay is the real app (``create_app``) with a clock the test moves; the store is a
merchant REST API on 127.0.0.1 (``tests.relay.burst_helpers``' mapping) that misbehaves.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web

from relay.app import create_app
from relay.keys import STORE
from tests.faults.shoppers import Chat, start_chat
from tests.relay import burst_helpers as burst
from tests.relay.conftest import SettingsFactory

THRESHOLD = 3  # consecutive failures that open the breaker (the default is 5)
COOLDOWN = 30.0
BUDGET = 0.3  # the lookup budget, seconds (3 s by default); a "hung" store sleeps past it
UNAVAILABLE = "I can't reach our shop system right now"


class Clock:
    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


class BadStore(burst.CountingStore):
    """Answers order lookups per ``mode``: ``ok``, ``hang`` (past the budget), ``garbage``
    (cut-off JSON), ``html`` (a 200 login page), ``storm`` (503 pages)."""

    mode = "ok"

    @property
    def reached(self) -> int:
        return sum(self.hits.values())

    async def _order(self, request: web.Request) -> web.Response:
        if self.mode == "ok":
            return await super()._order(request)
        self.hits[request.match_info["number"]] += 1
        if self.mode == "hang":
            await asyncio.sleep(BUDGET * 10)
        if self.mode == "garbage":
            return web.Response(body=b'{"data": {"id": "', content_type="application/json")
        if self.mode == "html":
            return web.Response(text="<html><body>Log in</body></html>", content_type="text/html")
        return web.Response(status=503, text="<h1>503 Service Unavailable</h1>")


@pytest.fixture
async def bad_store() -> AsyncIterator[BadStore]:
    store = BadStore()
    yield store
    await store.close()


async def _ask(client: Any, chat: Chat, number: int) -> tuple[int, str, list[Any]]:
    response = await client.post(
        f"/v1/conversations/{chat.conversation_id}/messages",
        json={"text": burst.guess(str(number), burst.OWNER)},
        headers=chat.auth,
    )
    body = await response.json()
    messages = body.get("messages", []) if response.status == 200 else []
    bot = [m for m in messages if m["role"] == "bot"]
    text = " ".join(m["text"] for m in bot)
    cards = [c for m in bot for c in m.get("cards", []) if c.get("type") == "order"]
    return response.status, text, cards


async def _lookups(client: Any, result: str) -> float:
    """The relay's own count of store lookups with this result (its /metrics)."""
    text = await (await client.get("/metrics")).text()
    found = re.search(rf'^storedesk_relay_lookups_total{{result="{result}"}} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


@pytest.mark.parametrize("mode", ["hang", "garbage", "html", "storm"])
async def test_a_failing_store_trips_the_breaker_and_shoppers_get_a_polite_answer(
    mode: str,
    aiohttp_client: Any,
    relay_settings: SettingsFactory,
    bad_store: BadStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    settings = relay_settings(
        now=clock,
        lookup_timeout=BUDGET,
        breaker_failures=THRESHOLD,
        breaker_open=COOLDOWN,
        ip_verification_failures=0,
    )
    client = await aiohttp_client(create_app(settings))
    await client.app[STORE].publish(burst.bundle(await bad_store.start()), dry_run=False)
    chats = [await start_chat(client, burst.WIDGET_KEY) for _ in range(THRESHOLD + 5)]
    bad_store.mode = mode
    caplog.set_level(logging.WARNING, logger="relay.services.lookups")

    for n, chat in enumerate(chats[:THRESHOLD]):
        status, text, cards = await _ask(client, chat, 1000 + n)
        assert status == 200 and UNAVAILABLE in text and not cards
    failures = [r for r in caplog.records if "Store lookup failed" in r.getMessage()]
    assert len(failures) == THRESHOLD
    assert "breaker open" in failures[-1].getMessage()

    for n, chat in enumerate(chats[THRESHOLD:-1]):  # the breaker is open: the store is left alone
        status, text, cards = await _ask(client, chat, 2000 + n)
        assert status == 200 and UNAVAILABLE in text and not cards
    assert await _lookups(client, "unavailable") == len(chats) - THRESHOLD - 1
    assert await _lookups(client, "error") == THRESHOLD
    reached = bad_store.reached
    assert reached <= THRESHOLD * 2  # each failed lookup tried at most twice (one quick retry)

    bad_store.mode = "ok"
    clock.advance(COOLDOWN)  # half-open: one probe goes out, finds the store back
    status, text, cards = await _ask(client, chats[-1], 3000)
    assert status == 200 and UNAVAILABLE not in text
    assert [c["number"] for c in cards] == ["3000"]
    assert bad_store.reached == reached + 1
