"""The real WooCommerce 9.4.3 deliveries, replayed byte for byte: pings are answered and
change nothing, signed deliveries reach the console once, and anything tampered with,
unsigned or malformed is refused and changes nothing."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from relay.keys import STORE
from relay.services.webhook_auth import sign
from tests.relay.webhooks.helpers import WOO_HOOK, publish, settled, store_events
from tests.woo_fixtures import DELIVERIES, WEBHOOK_SECRET, recorded_delivery

PATH = f"/v1/webhooks/woocommerce/{WOO_HOOK}"
SKIP = ("host", "content-length", "connection")


async def replay(client: TestClient, name: str, path: str = PATH) -> tuple[int, dict]:
    recorded = recorded_delivery(name)
    headers = {
        k: v
        for k, v in recorded.headers.items()
        if k.lower() not in ("host", "content-length", "connection")
    }
    response = await client.post(path, data=recorded.body, headers=headers)
    return response.status, await response.json()


def test_the_recorded_signatures_are_the_hmac_the_relay_computes() -> None:
    for name in DELIVERIES:
        recorded = recorded_delivery(name)
        assert (
            sign(WEBHOOK_SECRET, recorded.body)
            == recorded.check["expected_hmac_sha256_b64_of_raw_body"]
        )
        assert len(recorded.body) == recorded.check["body_len"]


async def test_every_recorded_delivery_is_accepted_and_reaches_the_console_once(
    app_client: TestClient,
) -> None:
    console = await publish(app_client)
    results = [await replay(app_client, name) for name in DELIVERIES]
    assert [status for status, _ in results] == [200] * 5
    assert [body["result"] for _, body in results] == [
        "ping",
        "ping",
        "accepted",
        "accepted",
        # same delivery id as delivery 03 (WooCommerce makes it from the webhook id and the
        # second), but another order: not a duplicate
        "accepted",
    ]
    await settled(app_client)
    events = await store_events(console)
    assert [(e["data"]["topic"], e["data"]["ref"]["number"]) for e in events] == [
        ("order.updated", "26"),
        ("order.created", "33"),
        ("order.updated", "33"),
    ]
    first = events[0]["data"]
    assert first["store"] == "woo" and first["kind"] == "order" and first["action"] == "upsert"
    assert first["record"]["status"] == "completed"
    assert first["record"]["customer"]["email"] == "guest.buyer@example.test"
    assert first["record"]["total"] == "24.99"

    again = [await replay(app_client, name) for name in DELIVERIES[2:]]
    assert [body["result"] for _, body in again] == ["duplicate"] * 3
    await settled(app_client)
    assert len(await store_events(console)) == 3


async def test_pings_are_answered_even_before_the_store_is_published(
    app_client: TestClient,
) -> None:
    status, body = await replay(
        app_client, "delivery_01_noheader", "/v1/webhooks/woocommerce/wh_unknown"
    )
    assert (status, body["result"]) == (200, "ping")


@pytest.mark.parametrize(
    "change",
    ["tampered", "unsigned", "wrong-secret", "unknown-hook"],
)
async def test_unverified_deliveries_are_refused_and_change_nothing(
    app_client: TestClient, change: str
) -> None:
    console = await publish(app_client)
    recorded = recorded_delivery("delivery_03_order_updated")
    headers = {
        k: v
        for k, v in recorded.headers.items()
        if k.lower() not in ("host", "content-length", "connection")
    }
    body, path = recorded.body, PATH
    if change == "tampered":
        body = body.replace(b'"total":"24.99"', b'"total":"0.01"')
    elif change == "unsigned":
        del headers["X-WC-Webhook-Signature"]
    elif change == "wrong-secret":
        headers["X-WC-Webhook-Signature"] = sign("another secret", body)
    else:
        path = "/v1/webhooks/woocommerce/wh_not_a_store"
    response = await app_client.post(path, data=body, headers=headers)
    assert response.status == 401
    assert (await response.json())["error"]["code"] == "bad_signature"
    await settled(app_client)
    assert await store_events(console) == []
    assert await app_client.app[STORE].webhook_counts() == {}


@pytest.mark.parametrize(
    ("body", "drop", "message"),
    [
        (b"{not json", None, "not valid JSON"),
        (b"[1, 2]", None, "JSON object"),
        (b'{"id": 1}', "X-WC-Webhook-Delivery-ID", "X-WC-Webhook-Delivery-ID"),
        (b'{"id": 1}', "X-WC-Webhook-Topic", "X-WC-Webhook-Topic"),
    ],
)
async def test_signed_but_malformed_deliveries_are_400_and_change_nothing(
    app_client: TestClient, body: bytes, drop: str | None, message: str
) -> None:
    console = await publish(app_client)
    headers = {
        "Content-Type": "application/json",
        "X-WC-Webhook-Topic": "order.updated",
        "X-WC-Webhook-Delivery-ID": "d" * 32,
        "X-WC-Webhook-ID": "1",
        "X-WC-Webhook-Signature": sign(WEBHOOK_SECRET, body),
    }
    if drop:
        del headers[drop]
    response = await app_client.post(PATH, data=body, headers=headers)
    assert response.status == 400
    assert message in (await response.json())["error"]["message"]
    assert await store_events(console) == []
    assert await app_client.app[STORE].webhook_counts() == {}


async def test_a_signature_header_with_odd_characters_is_just_wrong(
    app_client: TestClient,
) -> None:
    await publish(app_client)
    recorded = recorded_delivery("delivery_03_order_updated")
    headers = {k: v for k, v in recorded.headers.items() if k.lower() not in SKIP}
    headers["X-WC-Webhook-Signature"] = "ADQszJl5EskdzpuyabWHPXcE/knMBdBX7kYATiFJv0€="
    response = await app_client.post(PATH, data=recorded.body, headers=headers)
    assert response.status == 401
