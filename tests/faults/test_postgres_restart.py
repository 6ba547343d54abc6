"""PostgreSQL goes away under load: a ``storedesk-relay serve`` on its own database takes a
steady stream of shoppers while every one of its connections is terminated, three times
as a server restart does to its clients (new connections refused, ``pg_terminate_backend``
on the open ones, until shoppers noticed), without restarting the machine's shared server.
The relay answers 503 with ``Retry-After`` while the database is away, never 500, then
answers normally again, and loses no acknowledged message.

Skipped, saying why, where PostgreSQL does not run on 127.0.0.1:5432.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.faults.shoppers import Chat, Tally, lost_messages, say, start_chat
from tests.relay.conftest import PG_ADMIN, _postgres_answers
from tests.relay.console_helpers import WIDGET_KEY, small_bundle
from tests.relay.process import RelayProcess, pair_and_publish, relay_env

SHOPPERS = 12
MESSAGES_EACH = 9  # within the per-conversation burst (10)
TERMINATIONS = 3


@pytest.fixture
def database() -> Iterator[str]:
    """A database of its own (so terminating its connections touches nobody else's)."""
    if not _postgres_answers():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    import psycopg

    name = f"relay_fault_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _go_down(database: str) -> int:
    """What a restart does to the relay: new connections refused, every open one
    terminated. How many were terminated."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    return len(rows)


def _come_back(database: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')


async def _load(session: aiohttp.ClientSession, chats: list[Chat], tally: Tally) -> None:
    async def one(chat: Chat) -> None:
        for n in range(MESSAGES_EACH):
            await say(session, chat, f"When are you open? ({n})", tally)
            await asyncio.sleep(0.02)

    await asyncio.gather(*(one(chat) for chat in chats))


async def test_the_relay_rides_out_lost_postgresql_connections(
    tmp_path: Path, database: str
) -> None:
    env = relay_env(
        STOREDESK_RELAY_DATABASE_URL=f"postgresql://postgres@127.0.0.1:5432/{database}",
        STOREDESK_RELAY_REQUESTS_PER_MINUTE="0",
    )
    relay = RelayProcess(tmp_path / "relay", env=env).start()
    tally = Tally()
    try:
        await pair_and_publish(relay, small_bundle())
        async with aiohttp.ClientSession(base_url=relay.base_url) as session:
            chats = [await start_chat(session, WIDGET_KEY) for _ in range(SHOPPERS)]
            load = asyncio.ensure_future(_load(session, chats, tally))
            terminated = 0
            for round_ in range(1, TERMINATIONS + 1):
                while tally.statuses[200] < round_ * SHOPPERS * MESSAGES_EACH // 5:
                    assert not load.done(), tally.statuses
                    await asyncio.sleep(0.005)
                refused = tally.statuses[503] + tally.statuses[500]
                terminated += _go_down(database)
                while tally.statuses[503] + tally.statuses[500] == refused and not load.done():
                    await asyncio.sleep(0.005)  # down until shoppers noticed
                _come_back(database)
            await load
            assert terminated >= TERMINATIONS
            assert tally.statuses[503] >= TERMINATIONS, tally.statuses

            assert tally.statuses[500] == 0, tally.failures
            assert tally.statuses["lost"] == 0, tally.statuses
            for body in tally.failures:
                assert body["error"]["code"] == "database_unavailable", body
            after = Tally()  # recovered: everyone is answered again
            await asyncio.gather(*(say(session, chat, "Anyone there?", after) for chat in chats))
            assert after.statuses[200] == SHOPPERS, after.statuses
            assert await lost_messages(session, chats, tally) == {}
    finally:
        relay.kill()
    log = relay.log()
    assert "Unexpected error" not in log, log
