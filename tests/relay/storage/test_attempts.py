"""Attempts counted against limits: reserved before, refunded after, expiring, shared by two
relays on one database, and never more than the limit even when reserved all at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from relay.storage import AttemptLimit, RelayStore
from relay.storage.models import attempts
from tests.relay.storage.conftest import RELAY_KEY, Clock, Database

WINDOW = timedelta(minutes=15)


def limit(key: str = "203.0.113.9", n: int = 3) -> AttemptLimit:
    return AttemptLimit("verify-address", key, n, WINDOW)


async def test_the_limit_refuses_then_expires(store: RelayStore, clock: Clock) -> None:
    for _ in range(3):
        assert (await store.reserve_attempt(limit())).granted
    refused = await store.reserve_attempt(limit())
    assert not refused.granted and refused.ids == ()
    assert 899 <= refused.retry_after <= 900
    assert (await store.reserve_attempt(limit("203.0.113.10"))).granted
    clock.advance(minutes=15, seconds=1)
    assert (await store.reserve_attempt(limit())).granted


async def test_a_refunded_attempt_does_not_count(store: RelayStore) -> None:
    for _ in range(10):
        reservation = await store.reserve_attempt(limit())
        assert reservation.granted
        await store.refund_attempt(reservation)
    assert (await store.reserve_attempt(limit())).granted


async def test_every_limit_counts_or_none_does(store: RelayStore) -> None:
    tight = AttemptLimit("verify-conversation", "c_1", 1, WINDOW)
    assert (await store.reserve_attempt(limit(), tight)).granted
    assert not (await store.reserve_attempt(limit(), tight)).granted
    # the refused attempt was not counted against the address either
    other = AttemptLimit("verify-conversation", "c_2", 1, WINDOW)
    assert (await store.reserve_attempt(limit(), other)).granted
    assert (await store.reserve_attempt(limit())).granted  # the address's third
    assert not (await store.reserve_attempt(limit())).granted


async def test_a_limit_of_zero_is_no_limit(store: RelayStore) -> None:
    off = limit(n=0)
    assert all([(await store.reserve_attempt(off)).granted for _ in range(20)])


async def test_a_burst_of_reservations_gets_exactly_the_limit(
    database: Database, clock: Clock
) -> None:
    """Two relays on one database, reserving at once: the limit holds between them."""
    relays = [await RelayStore.open(database.url, relay_key=RELAY_KEY, now=clock) for _ in "ab"]
    await relays[0].migrate()
    try:
        results = await asyncio.gather(
            *(relays[i % 2].reserve_attempt(limit(n=5)) for i in range(30))
        )
    finally:
        for relay in relays:
            await relay.close()
    assert sum(r.granted for r in results) == 5


async def test_addresses_are_kept_only_as_keyed_hashes_and_pruned(
    store: RelayStore, database: Database, clock: Clock
) -> None:
    await store.reserve_attempt(limit("198.51.100.7"))
    clock.advance(minutes=16)
    await store.reserve_attempt(limit("198.51.100.8"))
    async with store._engines.read.connect() as connection:
        buckets = list((await connection.execute(select(attempts.c.bucket))).scalars())
    assert len(buckets) == 1  # the expired attempt of the other address is gone
    assert "198.51.100" not in buckets[0] and len(buckets[0]) == 64
