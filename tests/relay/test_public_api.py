"""The public widget API as a shopper's browser uses it, on the real app with the demo shop
published: answers, verified order tracking, leads, feedback, polling, a store that is down,
and every kind of bad input (a clear 4xx, never a 5xx, nothing half-written)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from relay.app import create_app
from relay.keys import LOOKUPS, STORE
from tests.relay.public_helpers import (
    DOWN_WIDGET_KEY,
    ORIGIN,
    WIDGET_KEY,
    Chat,
    order_cards,
    publish_demo,
    signed_customer,
    start_chat,
    texts,
)


@pytest.fixture
async def client(aiohttp_client: Any, relay_settings: Any) -> TestClient:
    settings = relay_settings(conversation_burst=100, conversation_messages_per_minute=600)
    client = await aiohttp_client(create_app(settings))
    await publish_demo(client, with_down_store=True)
    return client


async def test_config_is_public_and_holds_no_secrets(client: TestClient) -> None:
    response = await client.get(f"/v1/widgets/{WIDGET_KEY}/config", headers={"Origin": ORIGIN})
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    config = await response.json()
    assert config["key"] == WIDGET_KEY and config["version"] >= 1
    assert config["language"] == "en" and config["appointment_form"] is True
    text = await response.text()
    for secret in ("allowed_origins", "identity", "store", "mapping", "sqlite"):
        assert secret not in text
    missing = await client.get("/v1/widgets/wk_nope_nope_nope/config")
    assert missing.status == 404
    assert (await missing.json())["error"]["code"] == "not_found"


async def test_config_is_revalidated_and_an_unchanged_one_is_a_304(client: TestClient) -> None:
    url = f"/v1/widgets/{WIDGET_KEY}/config"
    first = await client.get(url, headers={"Origin": ORIGIN})
    assert first.headers["Cache-Control"] == "no-cache"  # a publish shows at the next load
    etag = first.headers["ETag"]
    again = await client.get(url, headers={"Origin": ORIGIN, "If-None-Match": etag})
    assert again.status == 304 and await again.read() == b""
    assert again.headers["ETag"] == etag
    stale = await client.get(url, headers={"If-None-Match": '"an-older-config"'})
    assert stale.status == 200 and (await stale.json())["key"] == WIDGET_KEY


async def test_a_faq_is_answered_with_confidence(client: TestClient) -> None:
    chat = await start_chat(client)
    assert chat.greeting and chat.greeting[0]["role"] == "bot"
    replies = await chat.bot_says("What is your return policy?")
    assert "30 days" in replies[0]["text"]
    assert replies[0]["confidence"] is not None and replies[0]["confidence"] > 0.35
    assert "knowledge_entry_id" not in replies[0] and "intent" not in replies[0]


async def test_order_tracking_needs_the_right_email(client: TestClient) -> None:
    chat = await start_chat(client)
    asked = await chat.bot_says("where is my order 1001")
    assert "email" in texts(asked).lower()
    assert order_cards(asked) == []
    answer = await chat.bot_says("alice@example.com")
    [card] = order_cards(answer)
    assert card["number"] == "1001" and card["status"] == "shipped"
    assert card["tracking"][0]["carrier"] == "UPS"
    assert card["tracking"][0]["number"] == "1Z999AA10123456784"
    assert "1Z999AA10123456784" in texts(answer)


async def test_a_wrong_email_reads_exactly_like_a_missing_order(client: TestClient) -> None:
    async def attempt(number: str) -> list[str]:
        chat = await start_chat(client)
        first = await chat.bot_says(f"where is my order {number}")
        second = await chat.bot_says("mallory@example.com")
        assert order_cards(first + second) == []
        return [m["text"].replace(number, "N") for m in first + second]

    assert await attempt("1001") == await attempt("9001")  # 9001 does not exist


async def test_five_wrong_emails_lock_the_conversation(client: TestClient) -> None:
    chat = await start_chat(client)
    for attempt in range(5):
        await chat.bot_says("where is my order 1001")
        await chat.bot_says(f"guess{attempt}@example.com")
    await chat.bot_says("where is my order 1001")
    locked = await chat.bot_says("alice@example.com")
    assert order_cards(locked) == []


async def test_a_signed_shopper_is_greeted_and_sees_recent_orders(client: TestClient) -> None:
    chat = await start_chat(client, customer=signed_customer("alice@example.com"))
    assert "Alice" in texts(chat.greeting)
    replies = await chat.bot_says("my recent orders")
    assert any(card["number"] == "1001" for card in order_cards(replies))


async def test_a_bad_signature_is_an_anonymous_chat(client: TestClient) -> None:
    customer = signed_customer("alice@example.com") | {"signature": "0" * 64}
    chat = await start_chat(client, customer=customer)
    assert "Alice" not in texts(chat.greeting)
    assert order_cards(await chat.bot_says("my recent orders")) == []


async def test_lead_is_checked_field_by_field_then_confirmed(client: TestClient) -> None:
    chat = await start_chat(client)
    status, body = await chat.post(
        "lead", {"kind": "contact", "name": "x" * 201, "email": "not-an-email", "phone": "12"}
    )
    assert status == 422
    fields = body["error"]["fields"]
    assert set(fields) == {"name", "email", "phone"}
    assert fields["email"] == "Enter a valid email address."
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    status, body = await chat.post(
        "lead",
        {"kind": "appointment", "name": "Ann", "email": "ann@example.com", "requested_time": past},
    )
    assert status == 422 and set(body["error"]["fields"]) == {"requested_time"}
    assert await chat.history() == chat.greeting  # nothing was written

    status, body = await chat.post(
        "lead",
        {
            "kind": "contact",
            "name": "Ann Lee",
            "email": "ann@example.com",
            "message": "Call me about a bulk order.",
        },
    )
    assert status == 201
    assert body["lead_id"].startswith("l_")
    assert body["messages"][0]["role"] == "bot"
    soon = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    status, body = await chat.post(
        "lead",
        {"kind": "appointment", "name": "Ann", "phone": "+44 20 7946 0018", "requested_time": soon},
    )
    assert status == 201


@pytest.mark.parametrize(
    "requested",
    [
        "9999-12-31T23:59:59-23:59",  # past the end of time once in UTC
        "0001-01-01T00:00:00+05:00",  # before the start of time once in UTC
        "9999-12-31T23:59:59",
        "2026-02-30T10:00:00Z",
        "tomorrow at ten",
        "2026-03-14T10:30:00+99:00",
    ],
)
async def test_an_impossible_appointment_time_is_a_422_naming_the_field(
    client: TestClient, requested: str
) -> None:
    chat = await start_chat(client)
    lead = {"kind": "appointment", "name": "Ann", "email": "ann@example.com"}
    status, body = await chat.post("lead", lead | {"requested_time": requested})
    assert status == 422, body
    assert set(body["error"]["fields"]) == {"requested_time"}
    assert await chat.history() == chat.greeting


async def test_feedback_on_an_answer_and_a_rating(client: TestClient) -> None:
    chat = await start_chat(client)
    [answer] = await chat.bot_says("How long does shipping take?")
    assert (await chat.post("feedback", {"message_id": answer["id"], "helpful": True})) == (
        200,
        {"ok": True},
    )
    assert (await chat.post("feedback", {"rating": 5}))[0] == 200
    for bad in (
        {"rating": 6},
        {"rating": True},
        {"message_id": answer["id"]},
        {"message_id": "m_unknown", "helpful": False},
        {},
    ):
        status, body = await chat.post("feedback", bad)
        assert status == 422, bad
        assert body["error"]["fields"]


async def test_poll_after_an_id_returns_what_came_later(client: TestClient) -> None:
    chat = await start_chat(client)
    sent = await chat.say("How long does shipping take?")
    everything = await chat.history()
    assert [m["id"] for m in everything] == [m["id"] for m in chat.greeting + sent]
    later = await chat.history(after=chat.greeting[-1]["id"])
    assert [m["id"] for m in later] == [m["id"] for m in sent]
    assert await chat.history(after=sent[-1]["id"]) == []


async def test_a_store_that_is_down_gets_a_polite_answer_and_the_breaker_opens(
    client: TestClient,
) -> None:
    for _ in range(5):
        chat = await start_chat(client, DOWN_WIDGET_KEY)
        await chat.bot_says("where is my order 1001")
        replies = await chat.bot_says("alice@example.com")
        assert order_cards(replies) == []
        assert any(m["form"] == "lead" for m in replies)
    store = client.app[STORE].store("down")
    assert client.app[LOOKUPS].lookup_for(store).breaker.state == "open"


# -- bad input -------------------------------------------------------------------------------


async def assert_unchanged(chat: Chat, before: list[dict[str, Any]]) -> None:
    assert await chat.history() == before


async def test_malformed_and_misdeclared_bodies(client: TestClient) -> None:
    chat = await start_chat(client)
    url = f"/v1/conversations/{chat.conversation_id}/messages"
    cases = [
        ({"data": b"{not json", "headers": {"Content-Type": "application/json"}}, 400),
        ({"data": b'{"text": "\\ud800"}', "headers": {"Content-Type": "application/json"}}, 400),
        ({"data": b"hello", "headers": {"Content-Type": "text/plain"}}, 415),
        ({"json": ["text"]}, 422),
        ({"json": "text"}, 422),
        ({"json": {"text": 5}}, 422),
        ({"json": {"text": None}}, 422),
        ({"json": {}}, 422),
        ({"data": b"", "headers": {"Content-Type": "application/json"}}, 400),
        (
            {"data": b"{" + b" " * 20000 + b"}", "headers": {"Content-Type": "application/json"}},
            413,
        ),
    ]
    for kwargs, status in cases:
        headers = chat.auth | kwargs.pop("headers", {})
        response = await client.post(url, headers=headers, **kwargs)
        assert response.status == status, (kwargs, await response.text())
        assert "error" in await response.json()
    await assert_unchanged(chat, chat.greeting)
    start = await client.post(
        f"/v1/widgets/{WIDGET_KEY}/conversations",
        data=b"{oops",
        headers={"Content-Type": "application/json"},
    )
    assert start.status == 400
    typed = await client.post(f"/v1/widgets/{WIDGET_KEY}/conversations", json={"customer": 5})
    assert typed.status == 422


async def test_text_limits_and_control_characters(client: TestClient) -> None:
    chat = await start_chat(client)
    for bad in ("", "   \n ", "x" * 2001, "bell\x07", "nul\x00", "esc\x1b[31m", "c1\x85c1"):
        status, body = await chat.post("messages", {"text": bad})
        assert status == 422, repr(bad)
        assert body["error"]["fields"]["text"]
    await assert_unchanged(chat, chat.greeting)
    assert len((await chat.say("y" * 2000))[0]["text"]) == 2000
    assert (await chat.say("line one\n\tline two"))[0]["text"] == "line one\n\tline two"


async def test_unicode_and_html_are_kept_verbatim_as_json_text(client: TestClient) -> None:
    chat = await start_chat(client)
    for text in ("¿Dónde está mi pedido? 山田 太郎 🚚", "<script>alert('x')</script><b>hi</b>"):
        response = await client.post(
            f"/v1/conversations/{chat.conversation_id}/messages",
            json={"text": text},
            headers=chat.auth,
        )
        assert response.status == 200
        assert response.content_type == "application/json"
        assert (await response.json())["messages"][0]["text"] == text
    stored = [m["text"] for m in await chat.history() if m["role"] == "shopper"]
    assert stored[-1] == "<script>alert('x')</script><b>hi</b>"


async def test_unknown_ids_and_wrong_tokens(client: TestClient) -> None:
    chat = await start_chat(client)
    other = await start_chat(client)
    base = f"/v1/conversations/{chat.conversation_id}"
    assert (await client.post("/v1/widgets/wk_missing_widget/conversations")).status == 404
    for method, path in (
        ("POST", "/messages"),
        ("GET", "/messages"),
        ("POST", "/lead"),
        ("POST", "/feedback"),
        ("GET", "/stream"),
    ):
        body = {"text": "hi"} if method == "POST" else None
        unknown = await client.request(
            method, f"/v1/conversations/c_UNKNOWN{path}", json=body, headers=chat.auth
        )
        assert unknown.status == 404, path
        wrong = await client.request(method, base + path, json=body, headers=other.auth)
        assert wrong.status == 401, path
        missing = await client.request(method, base + path, json=body)
        assert missing.status == 401, path
        assert (await wrong.json())["error"]["code"] == "unauthorized"
    weird = await client.get(f"{base}/messages?after=../../etc", headers=chat.auth)
    assert weird.status == 422
    await assert_unchanged(chat, chat.greeting)
