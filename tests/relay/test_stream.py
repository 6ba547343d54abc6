"""Server-sent events: agent replies reach the shopper live, a reconnect resumes from
``Last-Event-ID``, idle streams ping, and every stream ends when the relay shuts down."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from relay.app import create_app
from relay.keys import BROKER, CONVERSATIONS
from relay.services.broker import Broker
from tests.relay.public_helpers import Chat, publish_demo, start_chat


@pytest.fixture
async def client(aiohttp_client: Any, relay_settings: Any) -> TestClient:
    client = await aiohttp_client(create_app(relay_settings()))
    await publish_demo(client)
    return client


async def next_block(response: ClientResponse) -> dict[str, str]:
    """The next SSE block as {field: value}; a comment line is returned as {"": text}."""
    block: dict[str, str] = {}
    async with asyncio.timeout(5):
        while True:
            line = (await response.content.readline()).decode()
            if line == "":
                raise EOFError("the stream ended")
            line = line.rstrip("\n")
            if not line:
                if block:
                    return block
                continue
            name, _, value = line.partition(":")
            block[name] = value.removeprefix(" ")


async def next_message(response: ClientResponse) -> dict[str, Any]:
    while True:
        block = await next_block(response)
        if block.get("event") == "message":
            message = orjson.loads(block["data"])
            assert block["id"] == message["id"]
            return dict(message)


async def open_stream(chat: Chat, **headers: str) -> ClientResponse:
    response = await chat.client.get(
        f"/v1/conversations/{chat.conversation_id}/stream?token={chat.token}", headers=headers
    )
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    return response


async def test_an_agent_reply_reaches_the_open_stream(client: TestClient) -> None:
    chat = await start_chat(client)
    stream = await open_stream(chat)
    greeting = await next_message(stream)  # the backlog first
    assert greeting["id"] == chat.greeting[0]["id"]
    reply = await client.app[CONVERSATIONS].agent_reply(
        chat.conversation_id, "Hi, this is Sam from the shop.", "Sam"
    )
    live = await next_message(stream)
    assert live == reply
    assert live["role"] == "agent" and live["text"] == "Hi, this is Sam from the shop."
    assert live["author"] == "Sam" and greeting["author"] is None
    assert (await chat.history())[-1] == reply  # polling sees it too
    stream.close()


async def test_the_shoppers_own_turns_are_streamed_once(client: TestClient) -> None:
    chat = await start_chat(client)
    stream = await open_stream(chat, **{"Last-Event-ID": chat.greeting[-1]["id"]})
    sent = await chat.say("How long does shipping take?")
    received = [await next_message(stream) for _ in sent]
    assert [m["id"] for m in received] == [m["id"] for m in sent]
    stream.close()


async def test_a_reconnect_resumes_after_last_event_id(client: TestClient) -> None:
    chat = await start_chat(client)
    first = await chat.say("How long does shipping take?")
    second = await chat.say("What is your return policy?")
    stream = await open_stream(chat, **{"Last-Event-ID": first[-1]["id"]})
    received = [await next_message(stream) for _ in second]
    assert received == second
    stream.close()
    bearer = await client.get(
        f"/v1/conversations/{chat.conversation_id}/stream?after={second[0]['id']}",
        headers=chat.auth,
    )
    assert (await next_message(bearer))["id"] == second[1]["id"]
    bearer.close()


async def test_an_idle_stream_pings(client: TestClient) -> None:
    client.app[BROKER].ping_interval = 0.02
    chat = await start_chat(client)
    stream = await open_stream(chat)
    await next_message(stream)
    assert await next_block(stream) == {"": "ping"}
    stream.close()


async def test_streams_end_when_the_relay_shuts_down(client: TestClient) -> None:
    chat = await start_chat(client)
    stream = await open_stream(chat)
    await next_message(stream)
    async with asyncio.timeout(5):
        await client.server.close()  # on_shutdown ends every stream; no 60 s wait
    with pytest.raises((EOFError, ConnectionError)):
        await next_block(stream)


async def test_broker_drops_a_reader_that_falls_behind() -> None:
    broker = Broker(queue_size=2)
    slow = broker.subscribe("c_1")
    fast = broker.subscribe("c_1")
    broker.publish("c_1", [{"id": "m_1"}])
    assert (await fast.get(0.1)) == {"id": "m_1"}
    broker.publish("c_1", [{"id": "m_2"}, {"id": "m_3"}])
    assert broker.listeners("c_1") == 1  # slow overflowed and was dropped
    assert (await fast.get(0.1)) == {"id": "m_2"}
    with pytest.raises(StopAsyncIteration):
        while True:
            await slow.get(0.1)
    assert await fast.get(0.01) == {"id": "m_3"}
    assert await fast.get(0.01) is None
    fast.unsubscribe()
    assert broker.listeners("c_1") == 0


async def test_a_closed_broker_ends_every_subscription() -> None:
    broker = Broker()
    before = broker.subscribe("c_1")
    broker.close()
    after = broker.subscribe("c_2")
    for subscription in (before, after):
        with pytest.raises(StopAsyncIteration):
            await subscription.get(1)
    assert broker.publish("c_1", [{"id": "m_1"}]) == 0
