"""The webhook routes answer what the OpenAPI document says, for every kind of answer."""

from __future__ import annotations

import orjson
from aiohttp.test_utils import TestClient

from relay.app import create_app
from relay.services.webhook_auth import sign
from tests.relay.conftest import SettingsFactory
from tests.relay.test_openapi import conforms
from tests.relay.webhooks.helpers import WOO_HOOK, publish, shopify_headers
from tests.woo_fixtures import WEBHOOK_SECRET

WOO = f"/v1/webhooks/woocommerce/{WOO_HOOK}"


def _woo_headers(body: bytes, topic: str = "order.deleted") -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Delivery-ID": "0123456789abcdef0123456789abcdef",
        "X-WC-Webhook-ID": "3",
        "X-WC-Webhook-Signature": sign(WEBHOOK_SECRET, body),
    }


async def test_every_webhook_answer_matches_the_document(app_client: TestClient) -> None:
    await publish(app_client)
    body = b'{"id": 20}'
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    order = orjson.dumps({"id": 1})
    answers = [
        await app_client.post(WOO, data=b"webhook_id=7", headers=form),
        await app_client.post(WOO, data=body, headers=_woo_headers(body)),
        await app_client.post(WOO, data=body, headers=_woo_headers(body)),
        await app_client.post(WOO, data=body, headers=_woo_headers(body, "coupon.created")),
        await app_client.post(WOO, data=body, headers={"Content-Type": "application/json"}),
        await app_client.post(WOO, data=b"[]", headers=_woo_headers(b"[]")),
        await app_client.post(
            "/v1/webhooks/shopify",
            data=order,
            headers=shopify_headers("orders/paid", order, webhook_id="w", secret="wrong"),
        ),
    ]
    results = []
    for response in answers:
        payload = await conforms(response, method="post")
        results.append(payload.get("result") or payload["error"]["code"])
    assert [r.status for r in answers] == [200, 200, 200, 200, 401, 400, 401]
    assert results == ["ping", "accepted", "duplicate", "ignored", "bad_signature",
                       "bad_delivery", "bad_signature"]  # fmt: skip


async def test_a_body_over_the_limit_is_413(
    aiohttp_client: object, relay_settings: SettingsFactory
) -> None:
    client = await aiohttp_client(create_app(relay_settings(webhook_body_limit=1024)))  # type: ignore[operator]
    big = b'{"id": 1, "pad": "' + b"x" * 2000 + b'"}'
    response = await client.post(WOO, data=big, headers=_woo_headers(big))
    assert response.status == 413
    await conforms(response, method="post")
