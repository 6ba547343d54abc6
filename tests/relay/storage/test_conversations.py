"""Conversations, messages, leads and feedback round trips."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from core.ids import new_id
from relay.storage import Feedback, NewEvent, NewLead, RelayStore, StorageError
from relay.storage.conversations import get_conversation
from relay.storage.models import knowledge_entries, leads
from tests.relay.storage.conftest import (
    RELAY_KEY,
    T0,
    Clock,
    Database,
    message,
    start_conversation,
)
from tests.relay.storage.test_publish import KEY_A, bundle


async def test_a_conversation_and_its_messages_round_trip(store: RelayStore, clock: Clock) -> None:
    conversation_id = await start_conversation(
        store, language="es", customer_email="ana@example.com", customer_name="Ana"
    )
    record = await store.conversation(conversation_id)
    assert record is not None
    assert (record.widget_key, record.status, record.channel) == ("wk_testwidget01", "open", "web")
    assert (record.language, record.customer_name, record.rating) == ("es", "Ana", None)
    assert record.started_at == T0 and record.bot_state == {}

    card = {"type": "order", "number": "1001", "total": "12.50", "items": [{"name": "Mug"}]}
    shopper = message(text="<script>alert(1)</script> ¿dónde está mi pedido?\n#1001")
    bot = message(
        "bot",
        "Your order shipped.",
        cards=(card,),
        suggestions=("Thanks",),
        form="lead",
        confidence=0.25,
        intent="order_status",
    )
    clock.advance(minutes=1)
    await store.add_turn(
        conversation_id, [shopper, bot], bot_state={"step": "verified"}, status="waiting"
    )

    found = await store.messages_after(conversation_id, None)
    assert [m.role for m in found] == ["bot", "shopper", "bot"]
    assert found[1].text == shopper.text
    last = found[2]
    assert last.cards == (card,) and last.suggestions == ("Thanks",)
    assert (last.form, last.confidence, last.intent, last.helpful) == (
        "lead",
        0.25,
        "order_status",
        None,
    )
    assert last.public_json() == bot.public_json()
    assert "knowledge_entry_id" not in last.public_json()
    assert last.event_json()["conversation_id"] == conversation_id
    assert [m.id for m in await store.messages_after(conversation_id, found[0].id)] == [
        shopper.id,
        bot.id,
    ]
    assert await store.messages_after(conversation_id, bot.id) == []
    assert len(await store.messages_after(conversation_id, None, limit=2)) == 2
    assert await store.message(conversation_id, bot.id) == last
    assert await store.message("c_other", bot.id) is None

    record = await store.conversation(conversation_id)
    assert record is not None
    assert record.bot_state == {"step": "verified"} and record.status == "waiting"
    assert record.updated_at == clock()
    assert await store.conversation("c_missing") is None
    assert await store.open_conversations() == 1


async def test_leads_are_stored_with_the_turn(store: RelayStore) -> None:
    conversation_id = await start_conversation(store)
    lead = NewLead(
        id=new_id("l"),
        kind="appointment",
        created_at=T0,
        name="Ana",
        email="ana@example.com",
        message="Call me",
        requested_time=T0.replace(day=10),
    )
    await store.add_turn(conversation_id, [message("bot", "Thanks!")], lead=lead)
    async with store._engines.read.connect() as connection:
        row = (await connection.execute(select(leads))).mappings().one()
    assert (row["kind"], row["name"], row["conversation_id"]) == (
        "appointment",
        "Ana",
        conversation_id,
    )
    assert row["requested_time"] == T0.replace(day=10)
    assert lead.to_json()["requested_time"] == "2026-03-10T10:00:00Z"


async def test_feedback_counts_per_entry_and_rating_goes_on_the_conversation(
    store: RelayStore,
) -> None:
    await store.publish(bundle(), dry_run=False)
    conversation_id = await start_conversation(store, KEY_A)
    answer = message("bot", "3 days.", knowledge_entry_id="1", confidence=0.8)
    other = message("bot", "30 days.", knowledge_entry_id="2", confidence=0.8)
    await store.add_turn(conversation_id, [answer, other])

    async def counters() -> dict[str, tuple[int, int, int]]:
        async with store._engines.read.connect() as connection:
            rows = await connection.execute(
                select(
                    knowledge_entries.c.id,
                    knowledge_entries.c.helpful,
                    knowledge_entries.c.unhelpful,
                    knowledge_entries.c.uses,
                )
            )
            return {r[0]: (r[1], r[2], r[3]) for r in rows}

    assert await counters() == {"1": (0, 0, 1), "2": (0, 0, 1)}
    for helpful in (True, True, False):  # a repeat changes nothing; a change moves the count
        await store.add_turn(
            conversation_id, [], feedback=Feedback(message_id=answer.id, helpful=helpful)
        )
    await store.add_turn(conversation_id, [], feedback=Feedback(message_id=other.id, helpful=True))
    assert await counters() == {"1": (0, 1, 1), "2": (1, 0, 1)}
    stored = await store.message(conversation_id, answer.id)
    assert stored is not None and stored.helpful is False

    await store.add_turn(conversation_id, [], feedback=Feedback(rating=4))
    record = await store.conversation(conversation_id)
    assert record is not None and record.rating == 4


async def test_events_are_written_with_the_turn(store: RelayStore) -> None:
    conversation_id = await start_conversation(store)
    event = NewEvent(
        id=new_id("e"),
        type="handoff.requested",
        at=T0,
        data={"reason": "asked"},
        conversation_id=conversation_id,
        widget_key="wk_testwidget01",
    )
    await store.add_turn(conversation_id, [message()], events=[event], status="waiting")
    (found,) = await store.events_after_ack("cn_1", 10)
    assert found.to_json() == {
        "seq": found.seq,
        "id": event.id,
        "type": "handoff.requested",
        "conversation_id": conversation_id,
        "widget_key": "wk_testwidget01",
        "at": "2026-03-03T10:00:00Z",
        "data": {"reason": "asked"},
    }


async def test_today_counts_start_at_midnight_utc(store: RelayStore) -> None:
    await start_conversation(store)  # started at T0 with a greeting
    conversation_id = await start_conversation(store)
    await store.add_turn(
        conversation_id,
        [message()],
        lead=NewLead(id=new_id("l"), kind="contact", created_at=T0, name="A", email="a@b.co"),
    )
    assert await store.today_counts(T0.replace(hour=23)) == {
        "conversations": 2,
        "messages": 3,
        "leads": 1,
        "lookups": 0,
        "spam": 0,
    }
    next_day = T0.replace(day=4, hour=1)
    assert (await store.today_counts(next_day))["messages"] == 0


async def test_today_counts_spam_apart(store: RelayStore) -> None:
    """A conversation taken for spam adds to ``spam`` only: not to the conversations, nor
    with its messages, order questions or lead (it was marked after the lead, by hand)."""
    kept = await start_conversation(store)
    await store.add_turn(kept, [message(intent="order_status")])
    spam = await start_conversation(store)
    lead = NewLead(id=new_id("l"), kind="contact", created_at=T0, name="A", email="a@b.co")
    await store.add_turn(spam, [message(intent="order_status")], lead=lead)
    await store.add_turn(spam, [message()], spam=("marked Sam",))
    assert await store.today_counts(T0.replace(hour=23)) == {
        "conversations": 1,
        "messages": 2,
        "leads": 0,
        "lookups": 1,
        "spam": 1,
    }
    await store.add_turn(spam, [], spam=(None,))  # "Not spam": counted as any other again
    assert await store.today_counts(T0.replace(hour=23)) == {
        "conversations": 2,
        "messages": 5,
        "leads": 1,
        "lookups": 2,
        "spam": 0,
    }


async def test_the_conversation_read_matches_the_database_under_concurrent_turns(
    store: RelayStore, database: Database, clock: Clock
) -> None:
    conversation_id = await start_conversation(store)
    # A second relay process on the same database would not share memory: a fresh store
    # reads the conversation first (a cache miss), then keeps up with its own writes.
    await store.close()
    store = await RelayStore.open(database.url, relay_key=RELAY_KEY, now=clock)
    try:
        calls: list[Any] = []
        for n in range(60):
            calls.append(store.add_turn(conversation_id, [message()], bot_state={"n": n}))
            calls.append(store.conversation(conversation_id))
        calls.append(
            store.add_turn(conversation_id, [], status="waiting", feedback=Feedback(rating=5))
        )
        await asyncio.gather(*calls)
        duplicate = message()
        await store.add_turn(conversation_id, [duplicate])
        with pytest.raises(StorageError):  # a failed write changes nothing, in memory either
            await store.add_turn(conversation_id, [duplicate], status="closed")
        seen = await store.conversation(conversation_id)
        async with store._engines.read.connect() as connection:
            stored = await get_conversation(connection, conversation_id)
        assert seen == stored
        assert seen is not None
        assert (seen.bot_state, seen.status, seen.rating) == ({"n": 59}, "waiting", 5)
    finally:
        await store.close()
