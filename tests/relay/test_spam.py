"""Spam rules on the relay: each kind of rule marks the conversation as spam, whose
messages then get a neutral reply and never reach the bot (no order data, no handoff, no
lead for the console); "Not spam" from the console restores it."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from core.spam import spam_from_json
from relay.app import create_app
from relay.keys import CONVERSATIONS, STORE
from relay.services.conversations import Vouched
from relay.services.spam import still_matches
from relay.storage.errors import BundleError
from tests.relay.console_helpers import paired_console
from tests.relay.public_helpers import WIDGET_KEY, Chat, demo_bundle, order_cards, start_chat

NEUTRAL = "Thanks for your message."


def spam_bundle(**rules: Any) -> dict[str, Any]:
    bundle = demo_bundle()
    bundle["widgets"][0]["config"]["spam"] = rules
    return bundle


@pytest.fixture
async def relay(aiohttp_client: Any, relay_settings: Any) -> Any:
    """``await relay(**rules)``: a client of a relay (behind a trusted proxy, so tests say
    which address a shopper writes from) whose demo widget has these spam rules."""

    async def make(**rules: Any) -> TestClient:
        settings = relay_settings(
            trust_forwarded=True, conversation_burst=100, conversation_messages_per_minute=600
        )
        client = await aiohttp_client(create_app(settings))
        await client.app[STORE].publish(spam_bundle(**rules), dry_run=False)
        return client

    return make


async def say(chat: Chat, text: str, address: str = "198.51.100.20") -> list[dict[str, Any]]:
    response = await chat.client.post(
        f"/v1/conversations/{chat.conversation_id}/messages",
        json={"text": text},
        headers=chat.auth | {"X-Forwarded-For": address},
    )
    body = await response.json()
    assert response.status == 200, body
    return list(body["messages"])


async def events(client: TestClient) -> list[dict[str, Any]]:
    store = client.app[STORE]
    console = await store.add_console(b"\x02" * 32, "spam test console")
    return [e.to_json() for e in await store.events_after_ack(console.id, 500)]


async def spam_of(client: TestClient, chat: Chat) -> str | None:
    conversation = await client.app[STORE].conversation(chat.conversation_id)
    assert conversation is not None
    return conversation.spam


def answered_by_bot(messages: list[dict[str, Any]]) -> bool:
    return messages[-1]["role"] == "bot" and messages[-1]["text"] != NEUTRAL


async def test_a_blocked_ipv4_range_gets_a_neutral_reply_and_never_order_data(relay: Any) -> None:
    client = await relay(ips=["203.0.113.0/24"])
    chat = await start_chat(client)
    first = await say(chat, "where is my order 1001", "203.0.113.77")
    assert [m["role"] for m in first] == ["shopper", "bot"] and first[-1]["text"] == NEUTRAL
    # the right email, which would prove the order to anyone else: still nothing
    second = await say(chat, "alice@example.com", "203.0.113.77")
    assert second[-1]["text"] == NEUTRAL and order_cards(first + second) == []
    assert await spam_of(client, chat) == "ip 203.0.113.0/24"
    found = await events(client)
    assert [e["data"] for e in found if e["type"] == "conversation.spam"] == [
        {"spam": "ip 203.0.113.0/24", "by": None}
    ]
    assert not [e for e in found if e["type"] in ("handoff.requested", "lead")]
    # the same questions from another address get the order
    other = await start_chat(client)
    await say(other, "where is my order 1001")
    assert order_cards(await say(other, "alice@example.com"))
    assert await spam_of(client, other) is None


async def test_an_ipv6_range_blocks_only_its_addresses(relay: Any) -> None:
    client = await relay(ips=["2001:db8:abcd::/48"])
    blocked, allowed = await start_chat(client), await start_chat(client)
    assert (await say(blocked, "hello", "2001:db8:abcd:12::1"))[-1]["text"] == NEUTRAL
    assert answered_by_bot(await say(allowed, "hello", "2001:db8:abce::1"))
    assert await spam_of(client, blocked) == "ip 2001:db8:abcd::/48"
    assert await spam_of(client, allowed) is None


async def test_a_blocked_word_matches_whole_words_in_any_case(relay: Any) -> None:
    client = await relay(words=["casino"])
    innocent = await start_chat(client)
    assert answered_by_bot(await say(innocent, "Is this a good gift for an occasion?"))
    spammer = await start_chat(client)
    assert (await say(spammer, "Best CASINO bonuses here"))[-1]["text"] == NEUTRAL
    assert await spam_of(client, spammer) == "word casino"
    # once spam, always spam: an innocent question afterwards is not answered either
    assert (await say(spammer, "What is your return policy?"))[-1]["text"] == NEUTRAL


async def test_a_regular_expression_marks_spam(relay: Any) -> None:
    client = await relay(regexes=[r"crypto\s+invest\w*"])
    chat = await start_chat(client)
    assert (await say(chat, "Great CRYPTO   investment offer"))[-1]["text"] == NEUTRAL
    assert await spam_of(client, chat) == r"regex crypto\s+invest\w*"


async def test_a_catastrophic_regular_expression_is_cut_short_and_the_shopper_answered(
    relay: Any,
) -> None:
    client = await relay(regexes=["(a+)+$"])
    chat = await start_chat(client)
    answer = await say(chat, "a" * 1999 + "!")  # the longest message a shopper may send
    assert answered_by_bot(answer)
    assert await spam_of(client, chat) is None


async def test_beyond_the_rate_a_conversation_and_its_address_are_spam(relay: Any) -> None:
    client = await relay(rate_per_minute=3)
    chat = await start_chat(client)
    for text in ("hello", "What is your return policy?", "How long does shipping take?"):
        assert answered_by_bot(await say(chat, text, "198.51.100.7"))
    assert (await say(chat, "hello again", "198.51.100.7"))[-1]["text"] == NEUTRAL
    assert await spam_of(client, chat) == "rate 3"
    # a new chat from the same address is still over the address's rate
    again = await start_chat(client)
    assert (await say(again, "hello", "198.51.100.7"))[-1]["text"] == NEUTRAL
    # another address is not
    fresh = await start_chat(client)
    assert answered_by_bot(await say(fresh, "hello", "198.51.100.8"))


async def test_a_filled_honeypot_takes_no_lead(relay: Any) -> None:
    client = await relay()
    chat = await start_chat(client)
    lead = {"name": "Bot", "email": "bot@example.com", "website": "http://spam.example"}
    status, body = await chat.post("lead", lead)
    assert status == 201 and [m["text"] for m in body["messages"]] == [NEUTRAL]
    assert await spam_of(client, chat) == "honeypot on"
    assert not [e for e in await events(client) if e["type"] == "lead"]
    # a person leaves it empty
    person = await start_chat(client)
    status, body = await person.post("lead", {"name": "Ann", "email": "ann@example.com"})
    assert status == 201 and body["messages"][0]["text"] != NEUTRAL
    assert [e["data"]["lead"]["id"] for e in await events(client) if e["type"] == "lead"] == [
        body["lead_id"]
    ]


async def test_the_honeypot_can_be_turned_off(relay: Any) -> None:
    client = await relay(honeypot=False)
    chat = await start_chat(client)
    lead = {"name": "Ann", "email": "ann@example.com", "website": "https://ann.example"}
    status, body = await chat.post("lead", lead)
    assert status == 201 and body["messages"][0]["text"] != NEUTRAL
    assert await spam_of(client, chat) is None


async def test_not_spam_from_the_console_lets_the_bot_answer_again(relay: Any) -> None:
    client = await relay(words=["casino"])
    chat = await start_chat(client)
    await say(chat, "casino")
    console = await paired_console(client)
    path = f"/v1/console/conversations/{chat.conversation_id}/spam"
    status, body = await console.call("POST", path, {"spam": False, "author": "Sam"})
    assert status == 200 and body == {
        "conversation_id": chat.conversation_id,
        "spam": None,
        "still_matches": {"kind": "word", "rule": "casino"},  # the console says so
    }
    assert answered_by_bot(await say(chat, "What is your return policy?"))
    status, body = await console.call("POST", path, {"spam": True, "author": "Sam"})
    assert status == 200 and body["spam"] == "marked Sam"
    assert (await say(chat, "What is your return policy?"))[-1]["text"] == NEUTRAL
    status, body = await console.call("POST", path, {"spam": "no"})
    assert status == 422 and "spam" in body["error"]["fields"]
    changes = [e["data"] for e in await events(client) if e["type"] == "conversation.spam"]
    assert changes == [
        {"spam": "word casino", "by": None},
        {"spam": None, "by": "Sam"},
        {"spam": "marked Sam", "by": "Sam"},
    ]


async def not_spam(client: TestClient, chat: Chat) -> dict[str, Any]:
    console = await paired_console(client)
    path = f"/v1/console/conversations/{chat.conversation_id}/spam"
    status, body = await console.call("POST", path, {"spam": False, "author": "Sam"})
    assert status == 200, body
    assert body["spam"] is None
    return dict(body)


async def test_not_spam_starts_the_message_rate_afresh(relay: Any) -> None:
    client = await relay(rate_per_minute=3)
    chat = await start_chat(client)
    for text in ("hello", "What is your return policy?", "How long does shipping take?"):
        assert answered_by_bot(await say(chat, text, "198.51.100.7"))
    assert (await say(chat, "hello again", "198.51.100.7"))[-1]["text"] == NEUTRAL
    assert await spam_of(client, chat) == "rate 3"

    restored = await not_spam(client, chat)
    assert "still_matches" not in restored  # nothing of the merchant's own catches it
    # the very next message, from the same address within the same minute, gets the bot;
    # so do the two after it (the bot's turns keep the restore) ...
    for text in ("Sorry, where is my parcel?", "What is your return policy?", "hello"):
        assert answered_by_bot(await say(chat, text, "198.51.100.7"))
    assert await spam_of(client, chat) is None
    # ... and the rate still applies from there on
    assert (await say(chat, "one more", "198.51.100.7"))[-1]["text"] == NEUTRAL
    assert await spam_of(client, chat) == "rate 3"


async def test_not_spam_on_a_blocked_address_says_the_rule_still_catches_it(
    relay: Any,
) -> None:
    client = await relay(ips=["203.0.113.0/24"], rate_per_minute=50)
    chat = await start_chat(client)
    assert (await say(chat, "hello", "203.0.113.77"))[-1]["text"] == NEUTRAL

    restored = await not_spam(client, chat)
    assert restored["still_matches"] == {"kind": "ip", "rule": "203.0.113.0/24"}
    # the merchant's block is not lifted behind their back: caught again at once
    assert (await say(chat, "hello?", "203.0.113.77"))[-1]["text"] == NEUTRAL
    assert await spam_of(client, chat) == "ip 203.0.113.0/24"
    # once the rule is gone (published), restoring it is enough
    await client.app[STORE].publish(spam_bundle(rate_per_minute=50), dry_run=False)
    assert "still_matches" not in await not_spam(client, chat)
    assert answered_by_bot(await say(chat, "What is your return policy?", "203.0.113.77"))


async def test_the_relay_status_counts_spam_apart_from_today_s_conversations(
    relay: Any,
) -> None:
    client = await relay(words=["casino"])
    await say(await start_chat(client), "What is your return policy?")
    spammer = await start_chat(client)
    await say(spammer, "casino bonus")
    await say(spammer, "casino bonus again")
    console = await paired_console(client)
    status, body = await console.call("GET", "/v1/console/status")
    assert status == 200
    # one conversation: its greeting, the question and the answer; the spam only as spam
    assert body["today"] == {
        "conversations": 1,
        "messages": 3,
        "leads": 0,
        "lookups": 0,
        "spam": 1,
    }


@pytest.mark.parametrize(
    ("reason", "rules", "still"),
    [
        ("ip 203.0.113.0/24", {"ips": ["203.0.113.0/24"]}, ("ip", "203.0.113.0/24")),
        ("ip 203.0.113.0/24", {"ips": ["198.51.100.0/24"]}, None),
        ("word casino", {"words": ["Casino"]}, ("word", "Casino")),
        (
            "regex crypto\\s+invest",
            {"regexes": ["crypto\\s+invest"]},
            ("regex", "crypto\\s+invest"),
        ),
        ("rate 3", {"rate_per_minute": 3}, None),
        ("honeypot on", {}, None),
        ("marked Sam", {"words": ["Sam"]}, None),
        (None, {"words": ["casino"]}, None),
    ],
)
def test_which_rules_still_catch_a_restored_conversation(
    reason: str | None, rules: dict[str, Any], still: tuple[str, str] | None
) -> None:
    found = still_matches(spam_from_json(rules), reason)
    assert (None if found is None else (found.kind, found.rule)) == still


async def test_channels_apply_the_word_rules_too(relay: Any) -> None:
    client = await relay(words=["casino"])
    service = client.app[CONVERSATIONS]
    started = await service.start_vouched(WIDGET_KEY, "api", None, Vouched(customer_id="42"))
    cid = started["conversation_id"]
    replies = await service.send(cid, None, "casino bonus", "api:key-1", trusted=True)
    assert replies[-1]["text"] == NEUTRAL
    conversation = await client.app[STORE].conversation(cid)
    assert conversation is not None and conversation.spam == "word casino"


async def test_a_regular_expression_that_does_not_compile_is_refused_at_publish(
    relay: Any,
) -> None:
    client = await relay()
    with pytest.raises(BundleError) as refused:
        await client.app[STORE].publish(spam_bundle(regexes=["(unclosed"]), dry_run=False)
    assert refused.value.field.endswith("config.spam.regexes")
    assert "does not compile" in str(refused.value)
