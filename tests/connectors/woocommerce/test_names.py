"""Names WooCommerce sends HTML-escaped reach merchants and shoppers as typed, unescaped
exactly once: in the workspace after a sync, in the relay's order lookups and bot cards."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from connectors.base import ConnectorContext
from connectors.woocommerce import create
from core.bot.cards import order_card, product_card
from core.workspace import Workspace
from core.workspace.models import OrderItemRow, ProductRow
from core.workspace.stores import StoreEntry
from relay.services.lookups import LookupSettings, StoreLookup
from tests.connectors.sync_helpers import new_store, sync_twice
from tests.emulators.woocommerce import DEFAULT_KEY, Running

NAME = "Stickers & Badges"  # saved by WordPress as "Stickers &amp; Badges"


@pytest.fixture
def store(workspace: Workspace) -> StoreEntry:
    return new_store(workspace, "woocommerce")


def builder(shop: Running, http: httpx.AsyncClient) -> Any:
    keys = {"key": DEFAULT_KEY.key, "secret": DEFAULT_KEY.secret}
    return lambda: create({"url": shop.url}, keys, ConnectorContext(http=http))


async def test_the_store_sends_the_name_escaped(shop: Running, http: httpx.AsyncClient):
    connector = builder(shop, http)()
    product = (await connector._client.get("products/14")).data
    order = (await connector._client.get("orders/20")).data
    assert product["name"] == order["line_items"][0]["name"] == "Stickers &amp; Badges"


async def test_synced_items_and_products_keep_the_name_as_typed(
    shop: Running, http: httpx.AsyncClient, workspace: Workspace, store: StoreEntry
):
    await sync_twice(workspace, store, builder(shop, http))
    with workspace.session() as session:
        items = set(session.scalars(select(OrderItemRow.name)).all())
        titles = set(session.scalars(select(ProductRow.title)).all())
    assert NAME in items and NAME in titles
    assert not any("&amp;" in name for name in items | titles)


async def test_relay_lookups_and_bot_cards_show_the_name_once(
    shop: Running, http: httpx.AsyncClient
):
    lookup = StoreLookup(builder(shop, http), LookupSettings(), lambda: datetime.now(UTC))
    try:
        order = await lookup.get_order("20")  # three packs of stickers
        assert order is not None
        assert [item["name"] for item in order_card(order)["items"]] == [NAME]
        [product] = await lookup.search_products("STICKERS")
        assert product_card(product)["title"] == NAME
    finally:
        await lookup.aclose()
