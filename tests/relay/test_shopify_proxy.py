"""The Shopify app proxy route: Shopify's signature checked before anything else, the
signed-in customer looked up in the widget's store, and a signed identity the relay itself
accepts when the conversation starts."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestClient

from connectors.shopify.app_proxy import proxy_message, sign_proxy, verify_proxy
from relay.routes.shopify_proxy import proxy_secret
from relay.storage.records import PublishedStore
from tests.relay.conftest import SettingsFactory
from tests.relay.public_helpers import WIDGET_KEY, publish_demo, start_chat

APP_SECRET = b"shpss_app-client-secret-for-tests"
PATH = f"/v1/shopify/proxy/{WIDGET_KEY}/identity"


def proxied(customer_id: str = "1", *, secret: bytes = APP_SECRET, **extra: str) -> dict[str, str]:
    """The query Shopify adds when it forwards /apps/storedesk/identity, signed."""
    query = {
        "shop": "northwind.myshopify.com",
        "logged_in_customer_id": customer_id,
        "path_prefix": "/apps/storedesk",
        "timestamp": str(int(time.time())),
    } | extra
    return query | {"signature": sign_proxy(secret, list(query.items()))}


async def client(aiohttp_client: Any, relay_settings: SettingsFactory, **kw: Any) -> TestClient:
    from relay.app import create_app

    app_client: TestClient = await aiohttp_client(create_app(relay_settings(**kw)))
    await publish_demo(app_client)
    return app_client


def test_the_signed_text_is_shopifys() -> None:
    """Shopify's documented example: sorted key=value pairs, repeated keys joined by commas,
    concatenated without a separator."""
    pairs = [("extra", "1"), ("extra", "2"), ("shop", "shop-name.myshopify.com"),
             ("logged_in_customer_id", "1"), ("path_prefix", "/apps/awesome_reviews"),
             ("timestamp", "1317327555"), ("signature", "ignored")]  # fmt: skip
    assert proxy_message(pairs) == (
        "extra=1,2logged_in_customer_id=1path_prefix=/apps/awesome_reviews"
        "shop=shop-name.myshopify.comtimestamp=1317327555"
    )


async def test_a_signed_in_customer_gets_an_identity_the_relay_accepts(
    aiohttp_client: Any, relay_settings: SettingsFactory
) -> None:
    app = await client(aiohttp_client, relay_settings, shopify_proxy_secret=APP_SECRET)
    response = await app.get(PATH, params=proxied("1"))
    assert response.status == 200
    assert "no-store" in response.headers["Cache-Control"]
    identity = (await response.json())["identity"]
    assert identity["email"] == "alice@example.com"
    assert abs(identity["ts"] - time.time()) < 60

    chat = await start_chat(app, customer=identity)
    cards = [c for m in await chat.say("Where are my orders?") for c in m.get("cards", [])]
    assert "1001" in [card.get("number") for card in cards]


async def test_a_guest_gets_no_identity(
    aiohttp_client: Any, relay_settings: SettingsFactory
) -> None:
    app = await client(aiohttp_client, relay_settings, shopify_proxy_secret=APP_SECRET)
    for customer_id in ("", "999999"):  # logged out; an id the store does not know
        response = await app.get(PATH, params=proxied(customer_id))
        assert response.status == 200
        assert await response.json() == {"identity": None}


async def test_a_wrong_or_stale_signature_is_refused(
    aiohttp_client: Any, relay_settings: SettingsFactory
) -> None:
    app = await client(aiohttp_client, relay_settings, shopify_proxy_secret=APP_SECRET)
    forged = proxied("1", secret=b"another app's secret")
    tampered = proxied("2") | {"logged_in_customer_id": "1"}
    stale = proxied("1", timestamp=str(int(time.time()) - 3600))
    unsigned = {k: v for k, v in proxied("1").items() if k != "signature"}
    for query in (forged, tampered, stale, unsigned):
        response = await app.get(PATH, params=query)
        assert response.status == 401, query
        body = await response.json()
        assert body["error"]["code"] == "bad_signature"
        assert "alice" not in await response.text()


async def test_without_an_app_secret_there_is_no_proxy(
    aiohttp_client: Any, relay_settings: SettingsFactory
) -> None:
    app = await client(aiohttp_client, relay_settings)
    response = await app.get(PATH, params=proxied("1"))
    assert response.status == 404


def test_a_repeated_signature_or_timestamp_is_not_trusted() -> None:
    now = time.time()
    pairs = list(proxied("1").items())
    moment = datetime.fromtimestamp(now, UTC)
    assert verify_proxy(APP_SECRET, pairs, now=moment)
    assert not verify_proxy(APP_SECRET, [*pairs, ("signature", "0" * 64)], now=moment)
    assert not verify_proxy(APP_SECRET, [*pairs, ("timestamp", "1")], now=moment)
    assert not verify_proxy(None, pairs, now=moment)


def test_a_shopify_stores_published_client_secret_comes_first() -> None:
    shopify = PublishedStore("s", "shopify", {}, {"client_secret": "from-the-store"})
    sql = PublishedStore("d", "sql", {}, {"client_secret": "not-a-shopify-app"})
    assert proxy_secret(shopify, b"relay-wide") == b"from-the-store"
    assert proxy_secret(sql, b"relay-wide") == b"relay-wide"
    assert proxy_secret(PublishedStore("e", "shopify", {}, {}), None) is None
