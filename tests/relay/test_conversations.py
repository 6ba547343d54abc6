"""ConversationService behind the public API: what each turn stores and tells the console,
per-IP verification limits, agent replies, republished widgets and concurrent turns."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from relay.app import create_app
from relay.keys import CONVERSATIONS, STORE
from relay.responses import ApiError
from tests.relay.public_helpers import (
    KNOWLEDGE,
    WIDGET_KEY,
    demo_bundle,
    order_cards,
    publish_demo,
    start_chat,
)


@pytest.fixture
async def client(aiohttp_client: Any, relay_settings: Any) -> TestClient:
    settings = relay_settings(conversation_burst=100, conversation_messages_per_minute=600)
    client = await aiohttp_client(create_app(settings))
    await publish_demo(client)
    return client


async def console_events(client: TestClient) -> list[dict[str, Any]]:
    store = client.app[STORE]
    console = await store.add_console(b"\x01" * 32, "test console")
    return [e.to_json() for e in await store.events_after_ack(console.id, 500)]


async def test_a_turn_is_stored_with_its_events(client: TestClient) -> None:
    chat = await start_chat(client, page_url="https://shop.example.com/cart")
    sent = await chat.say("What is your return policy?")
    events = await console_events(client)
    assert [e["type"] for e in events] == ["conversation.created"] + ["message"] * (
        len(chat.greeting) + len(sent)
    )
    created = events[0]["data"]["conversation"]
    assert created["id"] == chat.conversation_id and created["widget_key"] == WIDGET_KEY
    assert created["page_url"] == "https://shop.example.com/cart"
    answer = events[-1]["data"]["message"]
    assert answer["id"] == sent[-1]["id"] and answer["conversation_id"] == chat.conversation_id
    assert answer["knowledge_entry_id"] == "kb-returns"
    assert answer["intent"] and events[-2]["data"]["message"]["intent"] == answer["intent"]
    assert all(e["conversation_id"] == chat.conversation_id for e in events)


async def test_asking_for_a_human_requests_a_handoff(client: TestClient) -> None:
    chat = await start_chat(client)
    await chat.say("I want to talk to a human")
    conversation = await client.app[STORE].conversation(chat.conversation_id)
    assert conversation is not None and conversation.status == "waiting"
    events = await console_events(client)
    assert {"reason": "asked"} in [e["data"] for e in events if e["type"] == "handoff.requested"]


async def test_lead_and_feedback_reach_the_console(client: TestClient) -> None:
    chat = await start_chat(client)
    [answer] = await chat.bot_says("How long does shipping take?")
    await chat.post("feedback", {"message_id": answer["id"], "helpful": False})
    status, lead = await chat.post("lead", {"name": "Ann", "email": "ann@example.com"})
    assert status == 201
    events = await console_events(client)
    feedback = [e["data"] for e in events if e["type"] == "feedback"]
    assert feedback == [{"message_id": answer["id"], "helpful": False}]
    [lead_event] = [e["data"]["lead"] for e in events if e["type"] == "lead"]
    assert lead_event["id"] == lead["lead_id"] and lead_event["kind"] == "contact"
    assert lead_event["email"] == "ann@example.com"


async def test_an_agent_reply_is_stored_announced_and_checked(client: TestClient) -> None:
    chat = await start_chat(client)
    service = client.app[CONVERSATIONS]
    reply = await service.agent_reply(chat.conversation_id, "  Hello from Sam  ", "Sam")
    assert reply["role"] == "agent" and reply["text"] == "Hello from Sam"
    assert (await chat.history())[-1] == reply
    events = await console_events(client)
    [event] = [e for e in events if e["data"].get("message", {}).get("role") == "agent"]
    assert event["data"]["message"]["author"] == "Sam"
    with pytest.raises(ApiError) as missing:
        await service.agent_reply("c_NOPE", "Hello", "Sam")
    assert missing.value.status == 404
    with pytest.raises(ApiError) as too_long:
        await service.agent_reply(chat.conversation_id, "x" * 2001, "Sam")
    assert too_long.value.status == 422


async def test_failed_verifications_from_one_address_lock_lookups(client: TestClient) -> None:
    for _ in range(2):  # two conversations, five wrong guesses each: ten from this address
        chat = await start_chat(client)
        for attempt in range(5):
            await chat.say("where is my order 1001")
            await chat.say(f"guess{attempt}@example.com")
    fresh = await start_chat(client)
    await fresh.say("where is my order 1001")
    replies = await fresh.say("alice@example.com")
    assert order_cards(replies) == []
    metrics = await (await client.get("/metrics")).text()
    assert 'storedesk_relay_lookups_total{result="locked"}' in metrics


async def test_a_republished_widget_answers_from_its_new_knowledge(client: TestClient) -> None:
    chat = await start_chat(client)
    before = await chat.say("Do you gift wrap?")
    assert "ribbon" not in before[-1]["text"]
    entry = {
        "id": "kb-gift",
        "question": "Do you gift wrap?",
        "answer": "Yes, every order can be gift wrapped with a ribbon for free.",
        "keywords": ["gift", "wrap"],
    }
    await client.app[STORE].publish(demo_bundle(knowledge=[*KNOWLEDGE, entry]), dry_run=False)
    after = await chat.say("Do you gift wrap?")
    assert "ribbon" in after[-1]["text"]
    metrics = await (await client.get("/metrics")).text()
    assert "storedesk_relay_bot_intents_total{intent=" in metrics


async def test_concurrent_messages_in_one_conversation_are_all_kept(client: TestClient) -> None:
    chat = await start_chat(client)
    questions = [f"How long does shipping take? ({i})" for i in range(6)]
    answers = await asyncio.gather(*(chat.say(q) for q in questions))
    history = await chat.history()
    assert len(history) == len(chat.greeting) + sum(len(a) for a in answers)
    shopper = [m["text"] for m in history if m["role"] == "shopper"]
    assert sorted(shopper) == sorted(questions)
    ids = [m["id"] for m in history]
    assert ids == sorted(ids)


async def test_shoppers_who_proved_their_order_are_not_held_back_by_the_limit(
    client: TestClient,
) -> None:
    """Twelve verified shoppers behind one address ask at once: no attempt is counted for an
    order a conversation already proved, so none of them is refused."""
    chats = []
    for _ in range(12):  # each right guess is refunded: the address never nears its limit
        chat = await start_chat(client)
        await chat.say("where is my order 1001")
        assert order_cards(await chat.say("alice@example.com"))
        chats.append(chat)
    answers = await asyncio.gather(*(c.say("where is my order 1001") for c in chats))
    assert all(order_cards(a) for a in answers)
