"""Hostile records from each kind of store, as the relay serves them to the widget: item
names and carriers reach the shopper as the same text (JSON strings, drawn with
``textContent``), and no tracking link other than https (or http to this computer) is
ever offered. The SQL shop is covered end to end in the browser (``test_widget_xss``);
here the Shopify and WooCommerce emulators and a merchant REST API."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from relay.keys import STORE
from tests.emulators import shopify, shopify_seed
from tests.emulators.woocommerce import DEFAULT_KEY, Running, ShopState, running
from tests.emulators.woocommerce_seed import Line, tracking_item
from tests.relay.public_helpers import start_chat
from tests.relay.webhooks.helpers import SHOPIFY_WIDGET, WOO_WIDGET, bundle
from tests.security.page_checks import safe_link
from tests.security.payloads import hostile_urls, xss_payloads

SAFE = "https://tracking.example.com/parcel/SAFE-1"
SHOPIFY_LINKS = hostile_urls()[:24]


def _cards(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for m in messages for c in m.get("cards") or [] if c["type"] == "order"]


def _check(card: dict[str, Any], names: list[str], carriers: list[str]) -> None:
    assert [i["name"].strip() for i in card["items"]] == [n.strip() for n in names]
    assert [t["carrier"].strip() for t in card["tracking"]] == [c.strip() for c in carriers]
    links = [t["url"] for t in card["tracking"] if t["url"]]
    assert SAFE in links, links
    assert [u for u in links if not safe_link(u)] == [], links


# -- WooCommerce -----------------------------------------------------------------------------


@pytest.fixture
async def woo() -> AsyncIterator[Running]:
    state = ShopState.seeded()
    order = state.by_id[19]
    products = []
    for n, payload in enumerate(xss_payloads()):
        spec = dataclasses.replace(state.catalog.products[order.lines[0].product_id],
                                   id=9000 + n, name=payload, sku=f"X-{n}")  # fmt: skip
        state.catalog.products[spec.id] = spec
        products.append(spec)
    shipped = datetime.now(UTC).replace(microsecond=0)
    tracking = [
        tracking_item("", f"T{n}", shipped, custom=payload, link=payload)
        for n, payload in enumerate(hostile_urls())
    ] + [tracking_item("", "SAFE-1", shipped, custom="Safe", link=SAFE)]
    state.replace_order(
        dataclasses.replace(
            order,
            status="completed",
            modified=shipped,
            lines=tuple(Line(p.id, 1) for p in products),
            tracking=tuple(tracking),
        )
    )
    async with running(state) as served:
        yield served


async def test_hostile_woocommerce_records(app_client: TestClient, woo: Running) -> None:
    published = bundle(woo_url=woo.url)
    published["stores"][0]["secrets"].update(key=DEFAULT_KEY.key, secret=DEFAULT_KEY.secret)
    await app_client.app[STORE].publish(published)
    chat = await start_chat(app_client, WOO_WIDGET)
    await chat.bot_says("where is my order 19")
    [card] = _cards(await chat.bot_says("alice@example.test"))
    _check(card, list(xss_payloads()), [*hostile_urls(), "Safe"])


# -- Shopify ----------------------------------------------------------------------------------


@pytest.fixture
async def shopify_url() -> AsyncIterator[str]:
    state = shopify_seed.seeded_shop()
    order = next(o for o in state.orders if o["name"] == "#1008")
    # the connector reads an order's first 50 lines and 5 × 5 parcels (GraphQL pages)
    order["lineItems"] = [
        shopify_seed._line(p, 1, f"X-{n}", "1.00") for n, p in enumerate(xss_payloads()[:50])
    ]
    parcels = [(p, f"T{n}", p) for n, p in enumerate(SHOPIFY_LINKS)] + [("Safe", "S1", SAFE)]
    order["fulfillments"] = [
        shopify_seed._fulfillment("2026-01-28T10:00:00Z", "IN_TRANSIT", *parcels[i : i + 5])
        for i in range(0, 25, 5)
    ]
    order["displayFulfillmentStatus"] = "FULFILLED"
    async with shopify.running(state) as url:
        yield url


async def test_hostile_shopify_records(app_client: TestClient, shopify_url: str) -> None:
    published = bundle(shopify_base=shopify_url, shopify_token=shopify_seed.TOKEN)
    await app_client.app[STORE].publish(published)
    chat = await start_chat(app_client, SHOPIFY_WIDGET)
    await chat.bot_says("where is my order 1008")
    email = next(o for o in shopify_seed.seeded_shop().orders if o["name"] == "#1008")["email"]
    [card] = _cards(await chat.bot_says(email))
    _check(card, list(xss_payloads()[:50]), [*SHOPIFY_LINKS, "Safe"])


# -- a merchant's REST API -------------------------------------------------------------------

REST_MAPPING = """
[auth]
type = "none"

[endpoints]
order_by_number = "/orders/{number}"

[orders]
root = "data"
items = "lines"
tracking = "parcels"
[orders.fields]
id = "id"
number = "number"
status = "state"
total = "total"
currency = "currency"
created_at = "created"
email = "email"
[orders.item_fields]
name = "title"
quantity = "qty"
[orders.tracking_fields]
number = "code"
carrier = "carrier"
url = "link"
"""


@pytest.fixture
async def rest_api() -> AsyncIterator[str]:
    order = {
        "id": "77",
        "number": "77",
        "state": "shipped",
        "total": "9.90",
        "currency": "EUR",
        "created": "2026-01-05T10:00:00Z",
        "email": "owner@example.com",
        "lines": [{"title": p, "qty": 1} for p in xss_payloads()],
        "parcels": [
            {"code": f"T{n}", "carrier": p, "link": p} for n, p in enumerate(xss_payloads())
        ]
        + [{"code": "SAFE-1", "carrier": "Safe", "link": SAFE}],
    }

    async def get_order(request: web.Request) -> web.Response:
        return web.json_response({"data": order})

    app = web.Application()
    app.router.add_get("/orders/{number}", get_order)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def test_hostile_rest_records(app_client: TestClient, rest_api: str) -> None:
    key = "wk_rest_hostile_0001"
    published = {
        "stores": [
            {
                "id": "api",
                "platform": "rest",
                "settings": {"url": rest_api, "mapping_toml": REST_MAPPING},
                "secrets": {},
            }
        ],
        "widgets": [{"key": key, "name": "REST", "store": "api", "config": {}}],
    }
    await app_client.app[STORE].publish(published)
    chat = await start_chat(app_client, key)
    await chat.bot_says("where is my order 77")
    [card] = _cards(await chat.bot_says("owner@example.com"))
    _check(card, list(xss_payloads()), [*xss_payloads(), "Safe"])
