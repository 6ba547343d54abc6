"""Store webhook test helpers: a published WooCommerce and Shopify store with their
webhook secrets, signed deliveries, and the events the console would pull."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from relay.keys import STORE, WEBHOOKS
from relay.services.webhook_auth import sign
from tests.relay.console_helpers import Console, paired_console
from tests.woo_fixtures import WEBHOOK_SECRET

WOO_HOOK = "wh_test_hook_0001"
SHOP = "storedesk-demo.myshopify.com"
CLIENT_SECRET = "shpss_test_client_secret"
WOO_WIDGET = "wk_woo_widget_0001"
SHOPIFY_WIDGET = "wk_shopify_widget_0001"


def bundle(
    woo_url: str = "http://127.0.0.1:9",
    shopify_base: str | None = None,
    shopify_token: str = "shpat_" + "c" * 32,
) -> dict:
    shopify_settings: dict[str, Any] = {"shop": SHOP, "api_version": "2026-01"}
    if shopify_base:
        shopify_settings["base_url"] = shopify_base
    return {
        "stores": [
            {
                "id": "woo",
                "platform": "woocommerce",
                "settings": {"url": woo_url, "webhook_key": WOO_HOOK},
                "secrets": {
                    "key": "ck_" + "a" * 40,
                    "secret": "cs_" + "b" * 40,
                    "webhook_secret": WEBHOOK_SECRET,
                },
            },
            {
                "id": "sh",
                "platform": "shopify",
                "settings": shopify_settings,
                "secrets": {"token": shopify_token, "client_secret": CLIENT_SECRET},
            },
        ],
        "widgets": [
            {"key": WOO_WIDGET, "name": "Woo", "store": "woo", "config": {}},
            {"key": SHOPIFY_WIDGET, "name": "Shopify", "store": "sh", "config": {}},
        ],
    }


async def publish(client: TestClient, **options: Any) -> Console:
    await client.app[STORE].publish(bundle(**options))
    return await paired_console(client)


async def settled(client: TestClient) -> None:
    await client.app[WEBHOOKS].settled()


async def store_events(console: Console) -> list[dict[str, Any]]:
    status, body = await console.call("GET", "/v1/console/events?limit=1000")
    assert status == 200, body
    return [e for e in body["events"] if e["type"] == "store.changed"]


def shopify_headers(
    topic: str, body: bytes, *, webhook_id: str, secret: str = CLIENT_SECRET, shop: str = SHOP
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": sign(secret, body),
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-API-Version": "2026-01",
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Event-Id": "evt-" + webhook_id,
        "X-Shopify-Triggered-At": "2026-12-06T10:00:00.000000000Z",
    }
