"""Pairing codes (single use, expiring), paired consoles, and replayed nonces."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from core.signing import fingerprint
from relay.storage import RelayStore
from tests.relay.storage.conftest import Clock, Database


async def test_a_pairing_code_works_once(store: RelayStore, clock: Clock) -> None:
    await store.add_pairing_code("hash-1", clock() + timedelta(minutes=10))
    assert await store.use_pairing_code("hash-1", clock()) is True
    assert await store.use_pairing_code("hash-1", clock()) is False
    assert await store.use_pairing_code("hash-unknown", clock()) is False


async def test_a_pairing_code_used_twice_at_once_pairs_once(
    store: RelayStore, clock: Clock
) -> None:
    await store.add_pairing_code("hash-1", clock() + timedelta(minutes=10))
    results = await asyncio.gather(*(store.use_pairing_code("hash-1", clock()) for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]


async def test_a_pairing_code_expires(store: RelayStore, clock: Clock) -> None:
    await store.add_pairing_code("hash-1", clock() + timedelta(minutes=10))
    assert await store.use_pairing_code("hash-1", clock() + timedelta(minutes=10)) is False


async def test_a_paired_console_is_known_in_memory_and_after_a_restart(
    store: RelayStore, database: Database, clock: Clock
) -> None:
    public_key = bytes(range(32))
    console = await store.add_console(public_key, "Ana's laptop")
    assert console.id.startswith("cn_")
    assert console.fingerprint == fingerprint(public_key)
    assert store.console(console.fingerprint) == console
    assert store.console("SHA256:unknown") is None

    again = await store.add_console(public_key, "Renamed")  # pairing the same key again
    assert (again.id, again.name) == (console.id, "Renamed")

    reopened = await RelayStore.open(database.url, relay_key=store._key, now=clock)
    try:
        found = reopened.console(console.fingerprint)
        assert found is not None
        assert (found.id, found.name, found.public_key) == (console.id, "Renamed", public_key)
    finally:
        await reopened.close()


async def test_a_malformed_public_key_is_refused(store: RelayStore) -> None:
    with pytest.raises(ValueError, match="32 raw bytes"):
        await store.add_console(b"short", "x")


async def test_a_nonce_is_accepted_once_per_console(store: RelayStore, clock: Clock) -> None:
    expires = clock() + timedelta(minutes=10)
    assert await store.remember_nonce("SHA256:a", "n" * 32, expires) is True
    assert await store.remember_nonce("SHA256:a", "n" * 32, expires) is False  # replay
    assert await store.remember_nonce("SHA256:b", "n" * 32, expires) is True
    both = await asyncio.gather(
        *(store.remember_nonce("SHA256:a", "m" * 32, expires) for _ in range(2))
    )
    assert sorted(both) == [False, True]


async def test_expired_nonces_are_forgotten(store: RelayStore, clock: Clock) -> None:
    assert await store.remember_nonce("SHA256:a", "n" * 32, clock() + timedelta(minutes=10))
    clock.advance(minutes=11)
    assert await store.remember_nonce("SHA256:a", "n" * 32, clock() + timedelta(minutes=10))


async def test_a_console_paired_through_another_relay_is_found(
    store: RelayStore, database: Database, clock: Clock
) -> None:
    other = await RelayStore.open(database.url, relay_key=store._key, now=clock)
    try:
        console = await other.add_console(bytes(range(32)), "Paired elsewhere")
    finally:
        await other.close()
    found = await store.find_console(console.fingerprint)
    if database.backend == "postgresql":  # relays share the database: it is looked up there
        assert found is not None and found.id == console.id
        assert store.console(console.fingerprint) == found  # and remembered
    else:  # one relay per SQLite file: its memory is the truth
        assert found is None
    assert await store.find_console("SHA256:unknown") is None
