"""The console outbox: read after the acknowledged cursor, acks only move forward."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.ids import new_id
from relay.storage import NewEvent, RelayStore
from relay.storage.models import events
from tests.relay.storage.conftest import T0, Clock, start_conversation


def event(at_minutes: int = 0, **data: object) -> NewEvent:
    return NewEvent(
        id=new_id("e"), type="message", at=T0 + timedelta(minutes=at_minutes), data=dict(data)
    )


async def test_events_come_oldest_first_after_the_cursor(store: RelayStore) -> None:
    console = await store.add_console(b"k" * 32, "Laptop")
    conversation_id = await start_conversation(store)
    for n in range(5):
        await store.add_turn(conversation_id, [], events=[event(n=n)])
    first = await store.events_after_ack(console.id, 3)
    assert [e.data["n"] for e in first] == [0, 1, 2]
    assert await store.pending_events(console.id) == 5
    assert await store.acked_cursor(console.id) == 0

    assert await store.ack(console.id, first[-1].seq) == first[-1].seq
    rest = await store.events_after_ack(console.id, 100)
    assert [e.data["n"] for e in rest] == [3, 4]
    assert await store.pending_events(console.id) == 2
    # Not acked yet: asked again, the same events come again (at least once).
    assert await store.events_after_ack(console.id, 100) == rest


async def test_acks_never_move_back_nor_past_the_newest_event(store: RelayStore) -> None:
    console = await store.add_console(b"k" * 32, "Laptop")
    conversation_id = await start_conversation(store)
    await store.add_turn(conversation_id, [], events=[event(n=1), event(n=2)])
    newest = (await store.events_after_ack(console.id, 10))[-1].seq
    assert await store.ack(console.id, newest + 1000) == newest
    assert await store.ack(console.id, 1) == newest
    await store.add_turn(conversation_id, [], events=[event(n=3)])
    assert [e.data["n"] for e in await store.events_after_ack(console.id, 10)] == [3]


async def test_each_console_has_its_own_cursor(store: RelayStore) -> None:
    laptop = await store.add_console(b"a" * 32, "Laptop")
    desk = await store.add_console(b"b" * 32, "Desk")
    conversation_id = await start_conversation(store)
    await store.add_turn(conversation_id, [], events=[event(n=1)])
    (only,) = await store.events_after_ack(laptop.id, 10)
    await store.ack(laptop.id, only.seq)
    assert await store.pending_events(laptop.id) == 0
    assert await store.pending_events(desk.id) == 1


async def test_old_events_every_console_acked_are_pruned(store: RelayStore, clock: Clock) -> None:
    laptop = await store.add_console(b"a" * 32, "Laptop")
    desk = await store.add_console(b"b" * 32, "Desk")
    conversation_id = await start_conversation(store)
    await store.add_turn(conversation_id, [], events=[event(0, n=1), event(0, n=2)])
    await store.add_turn(conversation_id, [], events=[event(60 * 24 * 8, n=3)])
    seqs = [e.seq for e in await store.events_after_ack(laptop.id, 10)]
    clock.advance(days=8)

    async def remaining() -> int:
        async with store._engines.read.connect() as connection:
            return int(
                (await connection.execute(select(func.count()).select_from(events))).scalar_one()
            )

    await store.ack(laptop.id, seqs[-1])
    assert await remaining() == 3  # the desk has not seen them
    await store.ack(desk.id, seqs[0])
    assert await remaining() == 2  # acked by both and older than 7 days
    await store.ack(desk.id, seqs[-1])
    assert await remaining() == 1  # the newest is younger than 7 days: kept
