"""Limits hold under concurrency: bursts fired with ``asyncio.gather`` at real
``storedesk-relay serve`` subprocesses (one on SQLite, two sharing PostgreSQL) never reach
the store, or check a pairing code, more often than the limit allows."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.relay import burst_helpers as burst
from tests.relay.process import RelayProcess, pair_and_publish, relay_env

ADDRESS_LIMIT = 10  # failed verifications per address per 15 minutes (the default)
CONVERSATION_LIMIT = 5  # wrong guesses per conversation (core.bot.verification)
PAIRING_LIMIT = 5  # wrong pairing codes per address per 10 minutes (the default)


@pytest.fixture
async def store() -> AsyncIterator[burst.CountingStore]:
    counting = burst.CountingStore()
    yield counting
    await counting.close()


async def _until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


def _numbers(first: int, count: int) -> list[str]:
    return [str(n) for n in range(first, first + count)]


async def test_a_burst_of_wrong_emails_reaches_the_store_at_most_the_limit(
    tmp_path: Path, store: burst.CountingStore
) -> None:
    url = await store.start()
    relay = RelayProcess(tmp_path / "relay", env=relay_env()).start()
    try:
        await pair_and_publish(relay, burst.bundle(url))
        async with aiohttp.ClientSession(base_url=relay.base_url) as session:
            chats = await asyncio.gather(*(burst.start_chat(session) for _ in range(31)))
            wrong = _numbers(1001, 30)
            store.gate.clear()  # lookups that reach the store wait there
            answered: list[dict[str, Any]] = []

            async def attempt(chat: dict[str, Any], number: str) -> dict[str, Any]:
                found = await burst.say(session, chat, burst.guess(number, "thief@example.com"))
                answered.append(found)
                return found

            flood = asyncio.gather(*(attempt(c, n) for c, n in zip(chats, wrong, strict=False)))
            await _until(lambda: store.total(wrong) + len(answered) >= len(wrong))
            # The address is at its limit (counting lookups in flight): a right guess now
            # must be refused too, however the race falls.
            right = asyncio.ensure_future(
                burst.say(session, chats[-1], burst.guess("2001", burst.OWNER))
            )
            await _until(lambda: right.done() or store.hits["2001"] > 0)
            store.gate.set()
            results = await flood
            correct = await right
    finally:
        relay.kill()
    assert correct["status"] == 200 and correct["cards"] == [], correct
    assert store.hits["2001"] == 0
    assert all(r["status"] == 200 for r in results), results
    assert store.total(wrong) <= ADDRESS_LIMIT, dict(store.hits)


async def _two_relays(tmp_path: Path, pg_url: str, store_url: str) -> tuple[RelayProcess, ...]:
    data_dir, env = tmp_path / "relay", relay_env(STOREDESK_RELAY_DATABASE_URL=pg_url)
    first = RelayProcess(data_dir, env=env).start()
    try:
        await pair_and_publish(first, burst.bundle(store_url))
        second = RelayProcess(data_dir, env=env).start()
    except BaseException:
        first.kill()
        raise
    return first, second


async def test_relays_sharing_postgresql_share_the_address_limit(
    tmp_path: Path, store: burst.CountingStore, relay_pg_url: str
) -> None:
    store.delay = 0.2
    relays = await _two_relays(tmp_path, relay_pg_url, await store.start())
    try:
        sessions = [aiohttp.ClientSession(base_url=r.base_url) for r in relays]
        try:
            chats = await asyncio.gather(*(burst.start_chat(sessions[0]) for _ in range(30)))
            wrong = _numbers(3001, 30)
            results = await asyncio.gather(
                *(
                    burst.say(sessions[i % 2], chat, burst.guess(n, "thief@example.com"))
                    for i, (chat, n) in enumerate(zip(chats, wrong, strict=True))
                )
            )
        finally:
            for session in sessions:
                await session.close()
    finally:
        for relay in relays:
            relay.kill()
    assert all(r["status"] == 200 for r in results), results
    assert store.total(wrong) <= ADDRESS_LIMIT, dict(store.hits)


async def test_relays_sharing_postgresql_share_the_conversation_limit(
    tmp_path: Path, store: burst.CountingStore, relay_pg_url: str
) -> None:
    store.delay = 0.2
    relays = await _two_relays(tmp_path, relay_pg_url, await store.start())
    try:
        sessions = [aiohttp.ClientSession(base_url=r.base_url) for r in relays]
        try:
            chat = await burst.start_chat(sessions[0])
            wrong = _numbers(4001, 16)  # within each relay's message burst (10)
            results = await asyncio.gather(
                *(
                    burst.say(sessions[i % 2], chat, burst.guess(n, "thief@example.com"))
                    for i, n in enumerate(wrong)
                )
            )
        finally:
            for session in sessions:
                await session.close()
    finally:
        for relay in relays:
            relay.kill()
    assert all(r["status"] == 200 for r in results), results
    assert store.total(wrong) <= CONVERSATION_LIMIT, dict(store.hits)


async def _pair(session: aiohttp.ClientSession, code: str) -> int:
    body = {"code": code, "public_key": "A" * 43 + "=", "name": "Mallory"}
    async with session.post("/v1/console/pair", json=body) as response:
        await response.read()
        return response.status


def _wrong_codes(count: int) -> list[str]:
    return [f"WRNG-{n:04d}".replace("0", "A").replace("1", "B") for n in range(count)]


async def test_a_burst_of_wrong_pairing_codes_is_checked_at_most_five_times(
    tmp_path: Path,
) -> None:
    relay = RelayProcess(tmp_path / "relay", env=relay_env()).start()
    try:
        async with aiohttp.ClientSession(base_url=relay.base_url) as session:
            statuses = await asyncio.gather(*(_pair(session, c) for c in _wrong_codes(40)))
    finally:
        relay.kill()
    assert set(statuses) <= {403, 429}, statuses
    assert statuses.count(403) <= PAIRING_LIMIT, statuses


async def test_relays_sharing_postgresql_share_the_pairing_limit(
    tmp_path: Path, relay_pg_url: str
) -> None:
    data_dir, env = tmp_path / "relay", relay_env(STOREDESK_RELAY_DATABASE_URL=relay_pg_url)
    relays = [RelayProcess(data_dir, env=env).start() for _ in range(2)]
    try:
        sessions = [aiohttp.ClientSession(base_url=r.base_url) for r in relays]
        try:
            codes = _wrong_codes(40)
            statuses = await asyncio.gather(
                *(_pair(sessions[i % 2], c) for i, c in enumerate(codes))
            )
        finally:
            for session in sessions:
                await session.close()
    finally:
        for relay in relays:
            relay.kill()
    assert set(statuses) <= {403, 429}, statuses
    assert statuses.count(403) <= PAIRING_LIMIT, statuses
