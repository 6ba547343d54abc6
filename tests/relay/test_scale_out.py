"""Three ``storedesk-relay serve`` processes on this machine's PostgreSQL and Redis, as
behind a load balancer: what one relay is told, the others act on at once.

Each run has a fresh PostgreSQL schema (so a fresh relay id, which also names the run's
Redis keys and channel). Skipped, saying why, where PostgreSQL or Redis is not running.
"""

from __future__ import annotations

import asyncio
import base64
import os
import random
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest

from tests.relay.conftest import PG_ADMIN, PG_SERVER
from tests.relay.console_helpers import ORIGIN, WIDGET_KEY, Console, small_bundle
from tests.relay.process import RelayProcess, pair_and_publish, relay_env, run_relay
from tests.relay.webhooks.helpers import WOO_HOOK, WOO_WIDGET
from tests.relay.webhooks.helpers import bundle as webhook_bundle
from tests.woo_fixtures import recorded_delivery

REDIS = ("127.0.0.1", 6379)


def _answers(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def shared_pg_url() -> Iterator[str]:
    """A PostgreSQL schema for this module's relays (the three are started once)."""
    if not _answers(("127.0.0.1", 5432)):
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    if not _answers(REDIS):
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    import psycopg

    schema = f"relay_scale_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="module")
def relay_env_shared(shared_pg_url: str) -> dict[str, str]:
    key = base64.b64encode(os.urandom(32)).decode()
    return relay_env(
        STOREDESK_RELAY_DATABASE_URL=shared_pg_url,
        STOREDESK_RELAY_REDIS_URL="redis://127.0.0.1:6379/0",
        STOREDESK_RELAY_KEY=key,
        STOREDESK_RELAY_TRUST_PROXY="1",
    )


@pytest.fixture(scope="module")
def relays(
    tmp_path_factory: pytest.TempPathFactory, relay_env_shared: dict[str, str]
) -> Iterator[list[RelayProcess]]:
    folder = tmp_path_factory.mktemp("relays")
    started: list[RelayProcess] = []
    try:
        for name in "abc":
            started.append(RelayProcess(folder / name, env=relay_env_shared).start())
        yield started
    finally:
        for relay in started:
            relay.kill()


@pytest.fixture
async def sessions(relays: list[RelayProcess]) -> AsyncIterator[list[aiohttp.ClientSession]]:
    opened = [aiohttp.ClientSession(base_url=r.base_url) for r in relays]
    yield opened
    for session in opened:
        await session.close()


async def _eventually(check: Callable[[], Awaitable[bool]], within: float = 3.0) -> float:
    """Seconds until ``check()`` held (fails after ``within``)."""
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < within, "not within the time allowed"
        await asyncio.sleep(0.02)
    return time.monotonic() - started


async def _config(
    session: aiohttp.ClientSession, key: str = WIDGET_KEY
) -> tuple[int, dict[str, Any]]:
    async with session.get(f"/v1/widgets/{key}/config", headers={"Origin": ORIGIN}) as r:
        return r.status, (await r.json()) if r.status == 200 else {}


def _console_on(session: aiohttp.ClientSession, paired: Any) -> Console:
    """The console paired through one relay, speaking to another."""
    return Console(session, private_key=paired.private_key)


async def test_a_publish_through_one_relay_is_served_by_the_others_at_once(
    relays: list[RelayProcess], sessions: list[aiohttp.ClientSession]
) -> None:
    a, b, c = sessions
    key = f"wk_scale_{uuid.uuid4().hex[:12]}"
    assert (await _config(b, key))[0] == 404
    paired = await pair_and_publish(relays[0], small_bundle(key=key))
    for session in (b, c):
        await _eventually(lambda s=session: _served(s, "Test shop", key))
    # a second publish (through B this time) changes what A and C serve
    console = _console_on(b, paired)
    bundle = small_bundle(key=key)
    bundle["widgets"][0]["config"]["title"] = "Hello from B"
    status, body = await console.call("PUT", "/v1/console/publish", bundle)
    assert status == 200, body
    for session in (a, c):
        await _eventually(lambda s=session: _served(s, "Hello from B", key))


async def _served(session: aiohttp.ClientSession, title: str, key: str = WIDGET_KEY) -> bool:
    status, body = await _config(session, key)
    return status == 200 and (title == "Test shop" or body.get("title") == title)


async def _sse_message(response: aiohttp.ClientResponse) -> dict[str, Any]:
    block: dict[str, str] = {}
    async with asyncio.timeout(5):
        while True:
            line = (await response.content.readline()).decode()
            assert line, "the stream ended"
            line = line.rstrip("\n")
            if line:
                name, _, value = line.partition(":")
                block[name] = value.removeprefix(" ")
            elif block.get("event") == "message":
                return dict(orjson.loads(block["data"]))
            else:
                block = {}


async def test_an_agent_reply_sent_to_one_relay_reaches_a_stream_held_by_another(
    relays: list[RelayProcess], sessions: list[aiohttp.ClientSession]
) -> None:
    a, b, c = sessions
    paired = await pair_and_publish(relays[0], small_bundle())
    await _eventually(lambda: _served(b, "Test shop"))
    async with b.post(f"/v1/widgets/{WIDGET_KEY}/conversations", json={}) as made:
        assert made.status == 201
        chat = await made.json()
    conversation, token = chat["conversation_id"], chat["token"]
    await _eventually(lambda: _served(c, "Test shop"))
    async with c.get(f"/v1/conversations/{conversation}/stream?token={token}") as stream:
        assert stream.status == 200
        greeting = await _sse_message(stream)  # the backlog was read: what follows is live
        assert greeting["role"] == "bot"
        console = _console_on(a, paired)
        status, body = await console.call(
            "POST", f"/v1/console/conversations/{conversation}/reply", {"text": "On its way!"}
        )
        assert status == 201, body
        live = await _sse_message(stream)
    assert live["text"] == "On its way!" and live["role"] == "agent"


async def _sse_block(response: aiohttp.ClientResponse) -> dict[str, str]:
    """The next server-sent event that is not a ping: its fields."""
    block: dict[str, str] = {}
    async with asyncio.timeout(5):
        while True:
            line = (await response.content.readline()).decode()
            assert line, "the stream ended"
            line = line.rstrip("\n")
            if line and not line.startswith(":"):
                name, _, value = line.partition(":")
                block[name] = value.removeprefix(" ")
            elif not line and block.get("event") not in (None, "ping"):
                return block
            elif not line:
                block = {}


async def test_a_console_stream_held_by_one_relay_hears_what_shoppers_did_on_another(
    relays: list[RelayProcess], sessions: list[aiohttp.ClientSession]
) -> None:
    a, b, c = sessions
    paired = await pair_and_publish(relays[0], small_bundle())
    await _eventually(lambda: _served(b, "Test shop"))
    console = _console_on(c, paired)
    headers = console.headers("GET", "/v1/console/stream", b"")
    async with c.get("/v1/console/stream", headers=headers) as stream:
        assert stream.status == 200
        assert (await _sse_block(stream))["event"] == "events"  # pull at once on connect
        async with b.post(f"/v1/widgets/{WIDGET_KEY}/conversations", json={}) as made:
            assert made.status == 201
            chat = await made.json()
        assert (await _sse_block(stream))["event"] == "events"  # a new conversation, on B
        auth = {"Authorization": f"Bearer {chat['token']}"}
        path = f"/v1/conversations/{chat['conversation_id']}/typing"
        async with a.post(path, headers=auth) as typed:
            assert typed.status == 200
        block = await _sse_block(stream)
    assert block["event"] == "typing"
    assert orjson.loads(block["data"]) == {"conversation_id": chat["conversation_id"]}


async def test_rate_limits_and_lockouts_count_what_every_relay_received(
    relays: list[RelayProcess], sessions: list[aiohttp.ClientSession]
) -> None:
    a, b, _ = sessions
    address = f"203.0.113.{random.randint(1, 254)}"
    headers = {"X-Forwarded-For": address}

    async def get(session: aiohttp.ClientSession) -> int:
        async with session.get("/v1/widgets/wk_nobody/config", headers=headers) as response:
            return response.status

    # 100 requests through each relay: under one relay's burst of 120, over two together
    statuses = await asyncio.gather(*(get(s) for s in (a, b) for _ in range(100)))
    refused = statuses.count(429)
    assert refused >= 40, statuses
    assert set(statuses) == {404, 429}
    # another address is not limited by that one
    async with b.get(
        "/v1/widgets/wk_nobody/config", headers={"X-Forwarded-For": "198.51.100.7"}
    ) as r:
        assert r.status == 404

    # wrong pairing codes: five per address, wherever they arrive
    guessers = {"X-Forwarded-For": f"192.0.2.{random.randint(1, 254)}"}
    body = {"code": "AAAA-AAAA", "public_key": "x" * 43 + "=", "name": "Guess"}
    codes = []
    for session in (a, b, a, b, a, b):
        async with session.post("/v1/console/pair", json=body, headers=guessers) as response:
            codes.append(response.status)
    assert codes[:5].count(429) == 0 and codes[5] == 429, codes


async def test_a_console_seen_by_one_relay_shows_online_through_all(
    tmp_path: Path,
    relays: list[RelayProcess],
    sessions: list[aiohttp.ClientSession],
    relay_env_shared: dict[str, str],
) -> None:
    alone_env = {k: v for k, v in relay_env_shared.items() if k != "STOREDESK_RELAY_REDIS_URL"}
    alone = RelayProcess(tmp_path / "alone", env=alone_env).start()
    try:
        await pair_and_publish(relays[0], small_bundle())  # signed requests through A
        for session in sessions:
            await _eventually(lambda s=session: _online(s))
        async with aiohttp.ClientSession(base_url=alone.base_url) as session:
            await _eventually(lambda: _served(session, "Test shop"))
            assert not await _online(session)  # shares the database, not the presence
    finally:
        alone.kill()


async def _online(session: aiohttp.ClientSession) -> bool:
    status, body = await _config(session)
    return status == 200 and body.get("online") is True


async def test_readyz_names_what_the_relays_share(
    relays: list[RelayProcess], sessions: list[aiohttp.ClientSession]
) -> None:
    for session in sessions:
        async with session.get("/readyz") as response:
            body = await response.json()
            assert body.pop("alerts")["state"] in ("ok", "alert")  # each relay's own window
            assert body == {"status": "ready", "redis": "connected", "publishes": "listening"}
    printed = run_relay("serve", "--redis-url", "http://nowhere", env=relays[0].env)
    assert printed.returncode == 2
    assert "--redis-url like redis://" in printed.stderr


async def test_a_store_webhook_delivered_to_several_relays_is_processed_once(
    relays: list[RelayProcess], sessions: list[aiohttp.ClientSession]
) -> None:
    paired = await pair_and_publish(relays[0], webhook_bundle())
    for session in sessions:
        await _eventually(lambda s=session: _has_widget(s, WOO_WIDGET))
    recorded = recorded_delivery("delivery_03_order_updated")
    headers = {
        k: v
        for k, v in recorded.headers.items()
        if k.lower() not in ("host", "content-length", "connection")
    }
    path = f"/v1/webhooks/woocommerce/{WOO_HOOK}"

    async def deliver(session: aiohttp.ClientSession, delivery_id: str) -> int:
        sent = headers | {"X-WC-Webhook-Delivery-ID": delivery_id}
        async with session.post(path, data=recorded.body, headers=sent) as response:
            return response.status

    run = uuid.uuid4().hex[:8]
    # the same delivery to every relay at once, then ten others spread over them
    copies = [deliver(session, f"{run}-same") for session in sessions]
    others = [deliver(sessions[n % 3], f"{run}-{n}") for n in range(10)]
    assert set(await asyncio.gather(*copies, *others)) == {200}
    console = _console_on(sessions[1], paired)

    async def changes() -> list[str]:
        status, body = await console.call("GET", "/v1/console/events?limit=1000")
        assert status == 200, body
        return [e["data"]["delivery"] for e in body["events"] if e["type"] == "store.changed"]

    async def all_in() -> bool:
        return len(await changes()) >= 11

    await _eventually(all_in, within=10.0)
    await asyncio.sleep(1.0)  # time for a second processing, were there one
    delivered = await changes()
    assert sorted(delivered) == sorted([f"{run}-same", *(f"{run}-{n}" for n in range(10))])


async def _has_widget(session: aiohttp.ClientSession, key: str) -> bool:
    return (await _config(session, key))[0] == 200
