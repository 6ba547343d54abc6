"""WhatsApp through Twilio against the Twilio emulator: signed webhooks in, the same bot,
the shopper recognised by phone, replies out through the Messages API with status
callbacks; bad signatures, duplicates and malformed posts are refused and change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp.test_utils import TestClient

from relay.app import create_app
from relay.keys import STORE, WHATSAPP
from relay.storage.models import channel_messages
from tests.emulators import twilio
from tests.relay.conftest import SettingsFactory
from tests.relay.console_helpers import Console, paired_console
from tests.relay.public_helpers import WIDGET_KEY, publish_demo

ALICE = "+442079460018"  # the demo shop's Alice Martin, +44 20 7946 0018
STRANGER = "+14155550100"


@pytest.fixture
async def twilio_state() -> AsyncIterator[tuple[twilio.TwilioState, str]]:
    state = twilio.TwilioState()
    async with twilio.running(state) as url:
        yield state, url


@pytest.fixture
async def relay(
    aiohttp_client: Any, relay_settings: SettingsFactory, twilio_state: Any
) -> TestClient:
    client: TestClient = await aiohttp_client(
        create_app(relay_settings(twilio_api_url=twilio_state[1]))
    )
    await publish_demo(client)
    return client


@pytest.fixture
async def console(relay: TestClient, twilio_state: Any) -> Console:
    console = await paired_console(relay)
    state = twilio_state[0]
    body = {
        "account_sid": state.account_sid,
        "auth_token": state.auth_token,
        "number": "+1 415 523 8886",
    }
    status, answer = await console.call("PUT", f"/v1/console/widgets/{WIDGET_KEY}/whatsapp", body)
    assert status == 200, answer
    assert answer["webhook_url"].endswith(f"/v1/channels/whatsapp/{WIDGET_KEY}")
    assert state.auth_token not in str(answer)
    return console


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


def _url(relay: TestClient, path: str = "") -> str:
    return str(relay.make_url(f"/v1/channels/whatsapp/{WIDGET_KEY}{path}"))


async def _say(
    relay: TestClient, http: httpx.AsyncClient, state: twilio.TwilioState, sender: str, text: str
) -> httpx.Response:
    form = twilio.inbound_form(state, sender=sender, body=text)
    response = await twilio.post_signed(http, _url(relay), form, state.auth_token)
    await relay.app[WHATSAPP].drain()
    return response


async def _statuses(relay: TestClient) -> dict[str, str]:
    async def read(connection: Any) -> Any:
        rows = await connection.execute(channel_messages.select())
        return {row.sid: row.status for row in rows}

    found: dict[str, str] = await relay.app[STORE].read(read)
    return found


async def test_alice_gets_her_order_by_her_phone_number(
    relay: TestClient, console: Console, twilio_state: Any, http: httpx.AsyncClient
) -> None:
    state: twilio.TwilioState = twilio_state[0]
    response = await _say(relay, http, state, ALICE, "Where is my order 1001?")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    assert "<Response></Response>" in response.text
    [sent] = state.messages
    assert sent["to"] == f"whatsapp:{ALICE}" and sent["from"] == "whatsapp:+14155238886"
    assert "1Z999AA10123456784" in sent["body"]  # shown without asking for an email
    assert "Order #1001:" in sent["body"]  # the order card written out as text

    delivered = await twilio.deliver(http, state, sent, "delivered")
    assert delivered.status_code == 204
    assert (await _statuses(relay))[sent["sid"]] == "delivered"

    await _say(relay, http, state, ALICE, "thanks!")
    assert len(state.messages) == 2  # the same conversation: no second greeting
    _, events = await console.call("GET", "/v1/console/events")
    created = [e for e in events["events"] if e["type"] == "conversation.created"]
    assert len(created) == 1 and created[0]["data"]["conversation"]["channel"] == "whatsapp"


async def test_a_stranger_asking_for_alices_order_sees_nothing(
    relay: TestClient, console: Console, twilio_state: Any, http: httpx.AsyncClient
) -> None:
    state: twilio.TwilioState = twilio_state[0]
    await _say(relay, http, state, STRANGER, "Where is my order 1001?")
    [sent] = state.messages
    assert "1Z999AA10123456784" not in sent["body"]
    assert "Order #1001" not in sent["body"]


async def test_bad_signatures_duplicates_and_malformed_posts_change_nothing(
    relay: TestClient, console: Console, twilio_state: Any, http: httpx.AsyncClient
) -> None:
    state: twilio.TwilioState = twilio_state[0]
    form = twilio.inbound_form(state, sender=ALICE, body="where is my order 1001")
    url = _url(relay)
    forged = await http.post(url, data=form, headers={"X-Twilio-Signature": "AAAA"})
    assert forged.status_code == 401
    unsigned = await http.post(url, data=form)
    assert unsigned.status_code == 401
    other_token = await twilio.post_signed(http, url, form, "0" * 32)
    assert other_token.status_code == 401
    tampered = {**form, "Body": "something else"}
    signature = twilio.twilio_signature(state.auth_token, url, form)
    response = await http.post(url, data=tampered, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 401
    wrong_account = {**form, "AccountSid": "AC" + "1" * 32}
    assert (await twilio.post_signed(http, url, wrong_account, state.auth_token)).status_code == 401
    no_sender = {k: v for k, v in form.items() if k != "From"}
    assert (await twilio.post_signed(http, url, no_sender, state.auth_token)).status_code == 400
    as_json = await http.post(url, json=form, headers={"X-Twilio-Signature": signature})
    assert as_json.status_code == 401
    unknown = str(relay.make_url("/v1/channels/whatsapp/wk_nope"))
    assert (await twilio.post_signed(http, unknown, form, state.auth_token)).status_code == 404
    await relay.app[WHATSAPP].drain()
    assert state.messages == [] and await _statuses(relay) == {}
    _, events = await console.call("GET", "/v1/console/events")
    assert events["events"] == []

    first = await twilio.post_signed(http, url, form, state.auth_token)
    again = await twilio.post_signed(http, url, form, state.auth_token)
    await relay.app[WHATSAPP].drain()
    assert first.status_code == 200 and again.status_code == 400
    assert len(state.messages) == 1


async def test_twilio_outages_are_retried_and_agent_replies_go_out_too(
    relay: TestClient, console: Console, twilio_state: Any, http: httpx.AsyncClient
) -> None:
    state: twilio.TwilioState = twilio_state[0]
    state.failures.append(503)
    await _say(relay, http, state, ALICE, "hello, I need a person")
    assert state.requests == 2 and len(state.messages) == 1
    _, events = await console.call("GET", "/v1/console/events")
    conversation = next(
        e["conversation_id"] for e in events["events"] if e["type"] == "conversation.created"
    )
    status, _ = await console.call(
        "POST",
        f"/v1/console/conversations/{conversation}/reply",
        {"text": "Hi Alice, Sam here.", "author": "Sam"},
    )
    assert status == 201
    await relay.app[WHATSAPP].drain()
    assert state.messages[-1]["body"] == "Hi Alice, Sam here."
    assert state.messages[-1]["to"] == f"whatsapp:{ALICE}"


async def test_the_channel_settings_are_checked_and_can_be_removed(
    relay: TestClient, console: Console
) -> None:
    path = f"/v1/console/widgets/{WIDGET_KEY}/whatsapp"
    bad = {"account_sid": "AC123", "auth_token": "x", "number": "0800"}
    status, body = await console.call("PUT", path, bad)
    assert status == 422 and "account_sid" in body["error"]["fields"]
    assert (await console.call("DELETE", path))[0] == 200
    assert (await console.call("DELETE", path))[0] == 404
