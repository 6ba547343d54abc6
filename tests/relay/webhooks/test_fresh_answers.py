"""A shopper asking right after a change sees it: the WooCommerce emulator registers the
relay's webhooks (its ping answered), ships an order and delivers ``order.updated`` signed
like WooCommerce; the relay forgets the cached order at once, so the next question gets
the tracking number, through the public messages API."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from aiohttp.test_utils import TestClient

from connectors.base import ConnectorContext
from connectors.woocommerce import create
from relay.keys import STORE
from tests.emulators.woocommerce import DEFAULT_KEY, Running, ShopState, running
from tests.emulators.woocommerce_seed import order_json, tracking_item
from tests.relay.public_helpers import start_chat, texts
from tests.relay.webhooks.helpers import WOO_HOOK, WOO_WIDGET, bundle, settled
from tests.woo_fixtures import WEBHOOK_SECRET


@pytest.fixture
async def shop() -> AsyncIterator[Running]:
    async with running(ShopState.seeded()) as served:
        yield served


def _bundle(shop: Running) -> dict:
    published = bundle(woo_url=shop.url)
    woo = published["stores"][0]
    woo["secrets"].update(key=DEFAULT_KEY.key, secret=DEFAULT_KEY.secret)
    return published


async def _order_card(chat: object, text: str) -> dict:
    messages = await chat.bot_says(text)  # type: ignore[attr-defined]
    cards = [c for m in messages for c in m.get("cards") or [] if c["type"] == "order"]
    assert cards, texts(messages)
    return cards[0]


async def test_a_shipment_shows_at_the_next_question(app_client: TestClient, shop: Running) -> None:
    await app_client.app[STORE].publish(_bundle(shop))
    address = str(app_client.make_url(f"/v1/webhooks/woocommerce/{WOO_HOOK}"))
    async with httpx.AsyncClient() as http:
        woo = create(
            {"url": shop.url},
            {"key": DEFAULT_KEY.key, "secret": DEFAULT_KEY.secret},
            ConnectorContext(http=http),
        )
        registration = await woo.webhooks().register(address, WEBHOOK_SECRET)
    assert len(registration.created) == 9
    assert [s.status for s in shop.hooks.sent] == [200] * 9  # every ping answered

    chat = await start_chat(app_client, WOO_WIDGET)
    await chat.bot_says("where is my order 19")
    before = await _order_card(chat, "alice@example.test")
    assert before["status"] == "processing" and before["tracking"] == []

    state = shop.state
    shipped = dataclasses.replace(
        state.by_id[19],
        status="completed",
        modified=datetime.now(UTC).replace(microsecond=0),
        completed=datetime.now(UTC).replace(microsecond=0),
        tracking=(tracking_item("ups", "1Z999AA10123456784", datetime.now(UTC)),),
    )
    state.replace_order(shipped)
    cached = await _order_card(chat, "where is my order 19")
    assert cached["status"] == "processing"  # the relay's lookup cache still holds it

    payload = order_json(shipped, state.catalog, state.home_url)
    assert await shop.hooks.deliver("order.updated", payload, state.home_url) == [200]
    await settled(app_client)

    fresh = await _order_card(chat, "where is my order 19")
    assert fresh["status"] == "completed"
    assert [t["number"] for t in fresh["tracking"]] == ["1Z999AA10123456784"]
