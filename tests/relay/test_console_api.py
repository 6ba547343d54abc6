"""The console API: pairing with a one-time code, then signed requests only."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient

from core import signing
from relay.app import create_app
from relay.keys import STORE
from relay.services import pairing
from tests.relay.console_helpers import (
    WIDGET_KEY,
    Console,
    new_code,
    paired_console,
    small_bundle,
)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


# -- pairing ---------------------------------------------------------------------------------


def test_codes_read_well_and_forgive_typing() -> None:
    code = pairing.new_code()
    assert len(code) == 9 and code[4] == "-"
    assert set(code.replace("-", "")) <= set(pairing.ALPHABET)
    assert pairing.normalise(code.lower().replace("-", " ")) == code.replace("-", "")
    assert pairing.normalise("ABCD-EFG0") is None  # 0 is not in the alphabet
    assert pairing.normalise("ABC") is None


async def test_pairing_registers_the_key_once(app_client: TestClient) -> None:
    code = await new_code(app_client)
    console = Console(app_client)
    status, body = await console.pair(code.lower())
    assert status == 201
    assert body["fingerprint"] == signing.fingerprint(console.public_key)
    assert body["relay_id"] and body["version"]
    team_status, team = await console.call("GET", "/v1/console/team")
    assert team_status == 200 and body["console_id"] == team["you"]  # "You" from the start
    again, refused = await Console(app_client).pair(code)
    assert again == 403 and refused["error"]["code"] == "pairing_refused"


async def test_pairing_codes_expire_after_ten_minutes(
    aiohttp_client: Any, relay_settings: Any
) -> None:
    clock = Clock()
    client = await aiohttp_client(create_app(relay_settings(now=clock)))
    code = await new_code(client)
    clock.now += timedelta(minutes=10, seconds=1)
    status, body = await Console(client).pair(code)
    assert status == 403
    assert "expired" in body["error"]["message"]


async def test_five_wrong_codes_lock_the_address(app_client: TestClient) -> None:
    code = await new_code(app_client)
    for _ in range(5):
        status, _ = await Console(app_client).pair("ZZZZ-ZZZZ")
        assert status == 403
    status, body = await Console(app_client).pair(code)  # even the right one, for now
    assert status == 429 and body["error"]["code"] == "rate_limited"


async def test_pairing_checks_the_public_key(app_client: TestClient) -> None:
    code = await new_code(app_client)
    response = await app_client.post(
        "/v1/console/pair", json={"code": code, "public_key": "c2hvcnQ="}
    )
    body = await response.json()
    assert response.status == 422 and "public_key" in body["error"]["fields"]
    status, _ = await Console(app_client).pair(code)  # a malformed request spent nothing
    assert status == 201


# -- signatures ------------------------------------------------------------------------------


async def test_signed_requests_are_accepted(app_client: TestClient) -> None:
    console = await paired_console(app_client)
    status, body = await console.call("GET", "/v1/console/status")
    assert status == 200
    assert body["widgets"] == 0 and body["events_pending"] == 0
    assert set(body["today"]) >= {"conversations", "messages", "leads", "lookups"}


async def test_unsigned_and_unknown_keys_are_refused(app_client: TestClient) -> None:
    await paired_console(app_client)
    response = await app_client.get("/v1/console/status")
    assert response.status == 401
    assert (await response.json())["error"]["code"] == "unauthorized"
    stranger = Console(app_client)  # never paired
    status, body = await stranger.call("GET", "/v1/console/status")
    assert status == 401 and "not paired" in body["error"]["message"]


@pytest.mark.parametrize("tamper", ["body", "path", "method", "signature"])
async def test_tampered_requests_are_refused(app_client: TestClient, tamper: str) -> None:
    console = await paired_console(app_client)
    body = orjson.dumps({"cursor": 0})
    headers = console.headers("POST", "/v1/console/events/ack", body)
    method, path = "POST", "/v1/console/events/ack"
    if tamper == "body":
        body = orjson.dumps({"cursor": 1})
    elif tamper == "path":
        path = "/v1/console/events/ack?x=1"
    elif tamper == "method":
        headers = console.headers("PUT", "/v1/console/events/ack", body)
    else:
        headers[signing.HEADER_SIGNATURE] = signing.b64(b"\0" * 64)
    response = await app_client.request(method, path, data=body, headers=headers)
    assert response.status == 401
    assert "signature" in (await response.json())["error"]["message"]


async def test_stale_and_replayed_requests_are_refused(app_client: TestClient) -> None:
    console = await paired_console(app_client)
    stale = Console(app_client, console.private_key, clock=lambda: 1_000_000_000)
    status, body = await stale.call("GET", "/v1/console/status")
    assert status == 401 and "5 minutes" in body["error"]["message"]
    headers = console.headers("GET", "/v1/console/status", b"")
    first = await app_client.get("/v1/console/status", headers=headers)
    replay = await app_client.get("/v1/console/status", headers=headers)
    assert first.status == 200
    assert replay.status == 401 and "replay" in (await replay.json())["error"]["message"]


# -- publish, events, replies ----------------------------------------------------------------


async def test_publish_reports_changes_and_replaces_everything(app_client: TestClient) -> None:
    console = await paired_console(app_client)
    status, body = await console.call("PUT", "/v1/console/publish", small_bundle())
    assert status == 200
    changes = body["changes"]
    assert changes["widgets"]["added"] == [WIDGET_KEY]
    assert changes["knowledge"]["added"] == 2
    assert app_client.app[STORE].widget(WIDGET_KEY) is not None
    status, body = await console.call("PUT", "/v1/console/publish", small_bundle())
    assert body["changes"]["widgets"]["unchanged"] == 1
    status, body = await console.call(
        "PUT", "/v1/console/publish", {"stores": [], "widgets": [], "dry_run": True}
    )
    assert body["changes"]["widgets"]["removed"] == [WIDGET_KEY]
    assert app_client.app[STORE].widget(WIDGET_KEY) is not None  # a dry run changes nothing
    await console.call("PUT", "/v1/console/publish", {"stores": [], "widgets": []})
    assert app_client.app[STORE].widget(WIDGET_KEY) is None


async def test_a_scoped_partial_publish_over_the_api_removes_that_scope_only(
    app_client: TestClient,
) -> None:
    console = await paired_console(app_client)
    acme = small_bundle()
    acme["widgets"][0]["scope"] = "acme"
    await console.call("PUT", "/v1/console/publish", acme)
    empty_beta = {"stores": [], "widgets": [], "partial": True, "scope": "beta"}
    status, body = await console.call("PUT", "/v1/console/publish", empty_beta)
    assert status == 200 and body["changes"]["widgets"]["removed"] == []
    empty_acme = {**empty_beta, "scope": "acme", "dry_run": True}
    status, body = await console.call("PUT", "/v1/console/publish", empty_acme)
    assert body["changes"]["widgets"]["removed"] == [WIDGET_KEY]
    assert app_client.app[STORE].widget(WIDGET_KEY) is not None
    status, body = await console.call(
        "PUT", "/v1/console/publish", {**empty_acme, "dry_run": False}
    )
    assert status == 200 and app_client.app[STORE].widget(WIDGET_KEY) is None


@pytest.mark.parametrize(
    ("bundle", "field"),
    [
        (small_bundle(config={"color": "red"}), "widgets[0].config.color"),
        (
            small_bundle(knowledge=[{"id": "a", "question": "Q?", "answer": " "}]),
            "widgets[0].knowledge[0].answer",
        ),
        ({"stores": [{"id": "s", "platform": "magento"}], "widgets": []}, "stores[0].platform"),
        (small_bundle(store="missing"), "widgets[0].store"),
        ({"widgets": {}}, "widgets"),
        ({"widgets": [], "dry_run": "yes"}, "dry_run"),
        ({"widgets": [], "partial": 1}, "partial"),
        ({"widgets": [], "scope": "acme"}, "scope"),
        ({"widgets": [], "partial": True, "scope": 7}, "scope"),
        ({"widgets": [], "partial": True, "keep": [""]}, "keep"),
    ],
)
async def test_publish_names_the_first_bad_field(
    app_client: TestClient, bundle: dict[str, Any], field: str
) -> None:
    console = await paired_console(app_client)
    status, body = await console.call("PUT", "/v1/console/publish", bundle)
    assert status == 422, body
    assert field in body["error"]["fields"]
    assert app_client.app[STORE].widget_count() == 0


async def test_events_start_empty_and_ack_validates(app_client: TestClient) -> None:
    console = await paired_console(app_client)
    status, body = await console.call("GET", "/v1/console/events?limit=10")
    assert status == 200 and body == {"events": [], "cursor": 0}
    status, body = await console.call("POST", "/v1/console/events/ack", {"cursor": -1})
    assert status == 422 and "cursor" in body["error"]["fields"]
    status, body = await console.call("GET", "/v1/console/events?limit=0")
    assert status == 422
    status, body = await console.call("POST", "/v1/console/events/ack", {"cursor": 0})
    assert status == 200 and body == {"ok": True}


async def test_reply_to_an_unknown_conversation_is_404(app_client: TestClient) -> None:
    console = await paired_console(app_client)
    status, body = await console.call(
        "POST", "/v1/console/conversations/c_nothing/reply", {"text": "Hello", "author": "Ann"}
    )
    assert status == 404 and body["error"]["code"] == "not_found"


async def test_only_a_paired_console_may_send_a_large_publish(app_client: TestClient) -> None:
    big = orjson.dumps({"widgets": [], "padding": "x" * 1_000_000})
    response = await app_client.put(
        "/v1/console/publish", data=io.BytesIO(big), headers={"Content-Type": "application/json"}
    )
    assert response.status == 401
    console = await paired_console(app_client)
    status, body = await console.call("PUT", "/v1/console/publish", {"widgets": [], "pad": "x"})
    assert status == 200
    too_big = {"widgets": [], "padding": "x" * (8 * 1024 * 1024)}
    status, body = await console.call("PUT", "/v1/console/publish", too_big)
    assert status == 413 and body["error"]["code"] == "too_large"


async def test_status_counts_todays_order_lookups(app_client: TestClient) -> None:
    from tests.relay.public_helpers import order_cards, publish_demo, start_chat

    await publish_demo(app_client)
    console = await paired_console(app_client)
    chat = await start_chat(app_client)
    await chat.bot_says("What is your return policy?")
    await chat.bot_says("where is my order 1001")
    assert order_cards(await chat.bot_says("alice@example.com"))  # one lookup, two messages
    status, body = await console.call("GET", "/v1/console/status")
    assert status == 200
    assert body["today"]["lookups"] == 1 and body["today"]["conversations"] == 1
