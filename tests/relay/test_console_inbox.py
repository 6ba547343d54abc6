"""The console's inbox routes: replies with cards and a ref (sent twice, posted once),
close / reopen / assign with a notice to the shopper, typing both ways, and the live
console stream that wakes the console when events wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from relay.app import create_app
from tests.relay.console_helpers import Console, paired_console
from tests.relay.public_helpers import Chat, publish_demo, start_chat
from tests.relay.team_helpers import console_as
from tests.relay.test_stream import next_block, next_message, open_stream


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


CARD = {
    "type": "order",
    "number": "1001",
    "status": "shipped",
    "total": "42.00",
    "currency": "EUR",
    "items": [{"name": "Mug", "quantity": 2}],
    "tracking": [],
}


@pytest.fixture
async def client(aiohttp_client: Any, relay_settings: Any) -> TestClient:
    client = await aiohttp_client(create_app(relay_settings()))
    await publish_demo(client)
    return client


async def pull(console: Console) -> list[dict[str, Any]]:
    status, body = await console.call("GET", "/v1/console/events?limit=500")
    assert status == 200, body
    await console.call("POST", "/v1/console/events/ack", {"cursor": body["cursor"]})
    return list(body["events"])


def path(chat: Chat, what: str) -> str:
    return f"/v1/console/conversations/{chat.conversation_id}/{what}"


async def test_a_reply_sent_twice_with_its_ref_is_posted_once(client: TestClient) -> None:
    console = await paired_console(client)
    chat = await start_chat(client)
    body = {"text": "Here is your order.", "author": "Sam", "ref": "r_1", "cards": [CARD]}
    first = await console.call("POST", path(chat, "reply"), body)
    again = await console.call("POST", path(chat, "reply"), body)
    assert first[0] == again[0] == 201 and first[1] == again[1]
    agent = [m for m in await chat.history() if m["role"] == "agent"]
    assert len(agent) == 1 and agent[0]["cards"][0]["number"] == "1001"
    events = [e for e in await pull(console) if e["type"] == "message"]
    assert events[-1]["data"]["message"]["ref"] == "r_1"


async def test_a_reply_names_its_console_to_consoles_only(client: TestClient) -> None:
    owner = await paired_console(client)
    sam = await console_as(client, "agent", "Sam")
    chat = await start_chat(client)
    status, sent = await sam.call("POST", path(chat, "reply"), {"text": "Hi!", "author": "Sam"})
    _, sams = await sam.call("GET", "/v1/console/status")
    assert status == 201 and sent["message"]["console_id"] == sams["console"]["id"]
    events = [e for e in await pull(owner) if e["type"] == "message"]
    said = events[-1]["data"]["message"]
    assert said["author"] == "Sam" and said["console_id"] == sams["console"]["id"]
    # the shopper's side: the name, never the console
    shopper = [m for m in await chat.history() if m["role"] == "agent"]
    assert shopper[0]["author"] == "Sam" and "console_id" not in shopper[0]
    assert sams["console"]["id"] not in orjson.dumps(await chat.history()).decode()


@pytest.mark.parametrize(
    "cards",
    [[{"type": "product", "title": "x"}], [CARD] * 4, [{**CARD, "total": 42}], "order"],
)
async def test_only_small_order_cards_can_be_sent(client: TestClient, cards: Any) -> None:
    console = await paired_console(client)
    chat = await start_chat(client)
    status, body = await console.call(
        "POST", path(chat, "reply"), {"text": "See", "author": "Sam", "cards": cards}
    )
    assert status == 422 and "cards" in body["error"]["fields"]


async def test_close_asks_for_a_rating_and_reopen_and_assign_are_told(client: TestClient) -> None:
    console = await paired_console(client)
    chat = await start_chat(client)
    await chat.say("I want to talk to a human")
    await pull(console)
    status, joined = await console.call("POST", path(chat, "assign"), {"assignee": "Sam"})
    assert status == 200 and joined["message"]["text"] == "Sam joined the chat."
    status, closed = await console.call(
        "POST", path(chat, "status"), {"status": "closed", "author": "Sam"}
    )
    assert closed["message"]["role"] == "system" and closed["message"]["form"] == "rating"
    status, _ = await chat.post("feedback", {"rating": 5})
    assert status == 200
    events = await pull(console)
    kinds = [(e["type"], e["data"]) for e in events if e["type"].startswith("conversation.")]
    assert kinds == [
        ("conversation.assigned", {"assignee": "Sam"}),
        ("conversation.status", {"status": "closed", "by": "Sam"}),
    ]
    assert any(e["type"] == "feedback" and e["data"] == {"rating": 5} for e in events)
    await chat.say("One more question")  # a closed chat the shopper comes back to reopens
    reopened = [e["data"] for e in await pull(console) if e["type"] == "conversation.status"]
    assert reopened == [{"status": "open", "by": None}]


async def test_status_routes_refuse_unknown_conversations_and_bad_values(
    client: TestClient,
) -> None:
    console = await paired_console(client)
    chat = await start_chat(client)
    bad = await console.call("POST", path(chat, "status"), {"status": "archived"})
    assert bad[0] == 422
    nameless = await console.call("POST", path(chat, "assign"), {"assignee": " "})
    assert nameless[0] == 422
    status, body = await console.call(
        "POST", "/v1/console/conversations/c_unknown/status", {"status": "closed"}
    )
    assert status == 404 and body["error"]["message"] == "There is no such conversation."


async def test_agent_typing_reaches_the_shoppers_stream(client: TestClient) -> None:
    console = await paired_console(client)
    chat = await start_chat(client)
    stream = await open_stream(chat)
    await next_message(stream)  # the greeting
    status, _ = await console.call("POST", path(chat, "typing"), {"author": "Sam"})
    assert status == 200
    block = await _skip_pings(stream)
    assert block["event"] == "typing" and orjson.loads(block["data"]) == {"name": "Sam"}
    assert "id" not in block  # not a message: a reconnect does not resume from it
    stream.close()


async def _skip_pings(stream: ClientResponse) -> dict[str, str]:
    while True:
        block = await next_block(stream)
        if "" not in block and "retry" not in block:
            return block


async def test_the_console_stream_wakes_the_console_and_shows_shopper_typing(
    client: TestClient,
) -> None:
    console = await paired_console(client)
    chat = await start_chat(client)
    headers = console.headers("GET", "/v1/console/stream", b"")
    stream = await client.get("/v1/console/stream", headers=headers)
    assert stream.status == 200
    assert (await _skip_pings(stream))["event"] == "events"  # pull at once on (re)connect
    typing = await client.post(
        f"/v1/conversations/{chat.conversation_id}/typing", headers=chat.auth
    )
    assert typing.status == 200
    block = await _skip_pings(stream)
    assert block["event"] == "typing"
    assert orjson.loads(block["data"]) == {"conversation_id": chat.conversation_id}
    await chat.say("Hello?")
    assert (await _skip_pings(stream))["event"] == "events"
    stream.close()


async def test_the_console_stream_needs_a_signature(client: TestClient) -> None:
    response = await client.get("/v1/console/stream")
    assert response.status == 401


async def test_shopper_typing_needs_the_token(client: TestClient) -> None:
    chat = await start_chat(client)
    response = await client.post(f"/v1/conversations/{chat.conversation_id}/typing")
    assert response.status == 401


async def test_the_bot_keeps_out_of_a_conversation_a_person_is_answering(
    aiohttp_client: Any, relay_settings: Any
) -> None:
    clock = Clock()
    client = await aiohttp_client(create_app(relay_settings(now=clock)))
    await publish_demo(client)
    console = await paired_console(client)
    chat = await start_chat(client)
    await chat.say("I want to talk to a human")
    status, _ = await console.call("POST", path(chat, "assign"), {"assignee": "Sam"})
    assert status == 200
    await pull(console)
    answer = await chat.say("How long does shipping take?")
    assert [m["role"] for m in answer] == ["shopper"]  # Sam answers, not the bot
    told = [e for e in await pull(console) if e["type"] == "message"]
    assert [e["data"]["message"]["text"] for e in told] == ["How long does shipping take?"]
    await console.call("POST", path(chat, "reply"), {"text": "2 to 4 days.", "author": "Sam"})
    assert [m["role"] for m in await chat.say("Thanks!")] == ["shopper"]

    clock.now += timedelta(minutes=31)  # Sam went quiet: the bot helps again
    assert "bot" in [m["role"] for m in await chat.say("How long does shipping take?")]


async def test_the_bot_answers_again_once_the_person_closed_the_chat(client: TestClient) -> None:
    console = await paired_console(client)
    chat = await start_chat(client)
    await console.call("POST", path(chat, "reply"), {"text": "Hello, Sam here.", "author": "Sam"})
    assert [m["role"] for m in await chat.say("What is your return policy?")] == ["shopper"]
    await console.call("POST", path(chat, "status"), {"status": "closed", "author": "Sam"})
    assert "bot" in [m["role"] for m in await chat.say("What is your return policy?")]
