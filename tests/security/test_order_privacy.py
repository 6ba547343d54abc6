"""An unverified shopper cannot tell whether an order number exists: in every phrasing and
language (English, Spanish, French, German), through every endpoint (messages, polling,
the event stream, feedback, a lead, the API channel, WhatsApp through Twilio), the answers
about an existing order with the wrong proof and about an order that does not exist are
the same bytes once per-request ids and times are taken out; their response times are
alike; and the lockout after too many wrong guesses holds across conversations and against
a forged ``X-Forwarded-For``."""

from __future__ import annotations

import statistics
import time
from typing import Any

import httpx
import orjson
import pytest
from aiohttp.test_utils import TestClient

from relay.app import create_app
from relay.keys import WHATSAPP
from tests.emulators import twilio
from tests.relay.conftest import SettingsFactory
from tests.relay.console_helpers import paired_console
from tests.relay.public_helpers import WIDGET_KEY, order_cards, publish_demo, signed_customer
from tests.security.privacy_probe import Probe, normalised, probe

EXISTING, UNKNOWN = "1013", "9013"  # Bob's order; no order has this number
WRONG = "mallory@example.com"
OWNER = "bob@example.com"
PHRASINGS: dict[str, list[list[str]]] = {
    "en": [
        ["where is my order {n}", WRONG],
        ["order #{n} status, my email is " + WRONG],
        ["Has order {n} shipped?", "SW1A 2AA"],
        ["can you show me my orders?", "{n}", WRONG],
    ],
    "es": [
        ["¿Dónde está mi pedido {n}?", WRONG],
        ["estado del pedido #{n}, mi correo es " + WRONG],
    ],
    "fr": [["Où est ma commande {n} ?", WRONG], ["statut de la commande n° {n} " + WRONG]],
    "de": [
        ["Wo ist meine Bestellung {n}?", WRONG],
        ["Status der Bestellung Nr. {n}, meine E-Mail ist " + WRONG],
    ],
}
CASES = [(lang, steps) for lang, all_steps in PHRASINGS.items() for steps in all_steps]


def _steps(steps: list[str], number: str) -> list[str]:
    return [s.format(n=number) for s in steps]


@pytest.fixture
async def client(aiohttp_client: Any, relay_settings: SettingsFactory) -> TestClient:
    """The demo shop with limits raised: this module's many wrong guesses come from one
    address (the lockout itself is tested below with the default limits)."""
    settings = relay_settings(
        ip_verification_failures=100_000, ip_requests_per_minute=0, ip_burst=0
    )
    app_client: TestClient = await aiohttp_client(create_app(settings))
    await publish_demo(app_client)
    return app_client


def _same(existing: Probe, unknown: Probe) -> None:
    left, right = existing.normalised(EXISTING), unknown.normalised(UNKNOWN)
    assert [a[0] for a in left] == [a[0].replace(UNKNOWN, EXISTING) for a in right]
    for (what, *answer), (_, *other) in zip(left, right, strict=True):
        assert answer == other, f"{what}: an existing order reads differently:\n{answer}\n{other}"


@pytest.mark.parametrize(
    ("language", "steps"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
async def test_an_existing_and_an_unknown_order_read_the_same(
    client: TestClient, language: str, steps: list[str]
) -> None:
    existing = await probe(client, _steps(steps, EXISTING), language=language)
    unknown = await probe(client, _steps(steps, UNKNOWN), language=language)
    _same(existing, unknown)


@pytest.mark.parametrize("language", list(PHRASINGS))
async def test_the_owner_does_see_the_order_so_the_lookup_happened(
    client: TestClient, language: str
) -> None:
    """The same first phrasing with the owner's email shows the order: the comparisons
    above are between real lookups, not between two refusals that never looked."""
    steps = [s.replace(WRONG, OWNER) for s in _steps(PHRASINGS[language][0], EXISTING)]
    shown = await probe(client, steps, language=language)
    said = orjson.loads(shown.answers[-5][2])  # the last message's answer
    assert order_cards(said["messages"]), said


async def test_a_signed_in_shopper_asking_for_someone_elses_order(client: TestClient) -> None:
    alice = signed_customer("alice@example.com")
    other = await probe(client, ["where is order 1002?"], customer=alice)
    unknown = await probe(
        client, ["where is order 9002?"], customer=signed_customer("alice@example.com")
    )
    left = [normalised(b, "1002") for _, _, b in other.answers]
    right = [normalised(b, "9002") for _, _, b in unknown.answers]
    assert left == right


async def test_normalised_fields_are_per_request(client: TestClient) -> None:
    """What ``normalised`` takes out differs between two identical requests: it is made
    per request, and says nothing about the order."""
    first = await probe(client, _steps(PHRASINGS["en"][0], EXISTING))
    second = await probe(client, _steps(PHRASINGS["en"][0], EXISTING))
    raw = [a[2] for a in first.answers], [a[2] for a in second.answers]
    assert raw[0] != raw[1]
    assert [normalised(b, EXISTING) for b in raw[0]] == [normalised(b, EXISTING) for b in raw[1]]


# -- response times ------------------------------------------------------------------------


async def test_response_times_do_not_tell_an_existing_order(client: TestClient) -> None:
    """Many lookups of distinct existing and unknown numbers (no cache helps either side),
    interleaved so that load on the machine falls on both alike; the medians must be within
    a generous factor of each other (a store call made only for existing orders, or a
    sleep added to hide one, shows as a factor of several)."""

    async def ask(number: str) -> float:
        """The time the relay took to answer one guess (in a new conversation)."""
        response = await client.post(f"/v1/widgets/{WIDGET_KEY}/conversations", json={})
        chat = await response.json()
        auth = {"Authorization": f"Bearer {chat['token']}"}
        path = f"/v1/conversations/{chat['conversation_id']}/messages"
        text = f"where is order {number}? my email is {WRONG}"
        started = time.perf_counter()
        answer = await client.post(path, json={"text": text}, headers=auth)
        await answer.read()
        spent = time.perf_counter() - started
        assert answer.status == 200
        return spent

    await ask("1100")  # warm up: the store's connection, the bot
    existing, unknown = [], []
    for i in range(30):
        if i % 2:
            existing.append(await ask(str(1002 + i)))
            unknown.append(await ask(str(9100 + i)))
        else:
            unknown.append(await ask(str(9100 + i)))
            existing.append(await ask(str(1002 + i)))
    ratio = statistics.median(existing) / statistics.median(unknown)
    assert 0.5 < ratio < 2.0, (ratio, statistics.median(existing), statistics.median(unknown))


# -- the API channel and WhatsApp ------------------------------------------------------------


async def test_the_api_channel_answers_alike(client: TestClient) -> None:
    console = await paired_console(client)
    path = f"/v1/console/widgets/{WIDGET_KEY}/api-keys"
    status, created = await console.call("POST", path, {"name": "Help desk"})
    assert status == 201, created
    auth = {"Authorization": f"Bearer {created['key']}"}

    async def ask(number: str) -> list[bytes]:
        body = {"customer": {"email": WRONG}, "text": f"where is order {number}"}
        started = await client.post("/v1/api/conversations", json=body, headers=auth)
        raw = [await started.read()]
        chat = orjson.loads(raw[0])
        messages = f"/v1/api/conversations/{chat['conversation_id']}/messages"
        answer = await client.post(messages, json={"text": WRONG}, headers=auth)
        raw.append(await answer.read())
        raw.append(await (await client.get(messages, headers=auth)).read())
        return [normalised(b, number) for b in raw]

    assert await ask(EXISTING) == await ask(UNKNOWN)


async def test_whatsapp_answers_alike(aiohttp_client: Any, relay_settings: SettingsFactory) -> None:
    state = twilio.TwilioState()
    async with twilio.running(state) as url:
        settings = relay_settings(twilio_api_url=url, ip_verification_failures=100)
        relay: TestClient = await aiohttp_client(create_app(settings))
        await publish_demo(relay)
        console = await paired_console(relay)
        channel = {
            "account_sid": state.account_sid,
            "auth_token": state.auth_token,
            "number": "+1 415 523 8886",
        }
        path = f"/v1/console/widgets/{WIDGET_KEY}/whatsapp"
        assert (await console.call("PUT", path, channel))[0] == 200
        inbound = str(relay.make_url(f"/v1/channels/whatsapp/{WIDGET_KEY}"))
        answers: dict[str, list[bytes]] = {}
        async with httpx.AsyncClient(timeout=10) as http:
            for sender, number in (("+14155550100", EXISTING), ("+14155550101", UNKNOWN)):
                answers[number] = []
                for text in (f"Where is my order {number}?", WRONG):
                    form = twilio.inbound_form(state, sender=sender, body=text)
                    response = await twilio.post_signed(http, inbound, form, state.auth_token)
                    await relay.app[WHATSAPP].drain()
                    answers[number].append(normalised(response.content, number))
                sent = [m["body"] for m in state.messages if m["to"] == f"whatsapp:{sender}"]
                answers[number] += [normalised(b.encode(), number) for b in sent]
    assert len(answers[EXISTING]) == 4
    assert answers[EXISTING] == answers[UNKNOWN]


# -- the lockout -----------------------------------------------------------------------------

FORGED = ("X-Forwarded-For", "X-Real-IP", "Forwarded", "True-Client-IP", "CF-Connecting-IP")


async def _guess(client: TestClient, number: str, email: str, n: int, via: str | None) -> Any:
    """One guess in a new conversation, each with a different forged client address."""
    forged = f"198.51.100.{n % 250}"
    headers = {name: forged for name in FORGED} | {"Forwarded": f"for={forged}"}
    if via is not None:  # a trusted proxy appends the address it saw
        headers["X-Forwarded-For"] = f"{forged}, {via}"
    response = await client.post(
        f"/v1/widgets/{WIDGET_KEY}/conversations", json={}, headers=headers
    )
    chat = await response.json()
    headers["Authorization"] = f"Bearer {chat['token']}"
    path = f"/v1/conversations/{chat['conversation_id']}/messages"
    text = f"where is order {number}? my email is {email}"
    answer = await client.post(path, json={"text": text}, headers=headers)
    assert answer.status == 200
    return (await answer.json())["messages"]


@pytest.mark.parametrize("trusted", [False, True], ids=["direct", "behind-a-trusted-proxy"])
async def test_the_lockout_holds_across_conversations_and_forged_addresses(
    aiohttp_client: Any, relay_settings: SettingsFactory, trusted: bool
) -> None:
    settings = relay_settings(trust_forwarded=trusted, ip_requests_per_minute=0, ip_burst=0)
    client: TestClient = await aiohttp_client(create_app(settings))
    await publish_demo(client)
    via = "203.0.113.7" if trusted else None
    for n in range(10):  # the default limit: 10 wrong guesses per address
        await _guess(client, str(1002 + n), WRONG, n, via)
    refused = await _guess(client, EXISTING, OWNER, 99, via)
    assert order_cards(refused) == [], "the right guess got through the lockout"
    if trusted:  # another shopper behind the same proxy is not locked out
        other = await _guess(client, EXISTING, OWNER, 98, "203.0.113.8")
        assert order_cards(other), other
