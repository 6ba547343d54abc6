"""Change streams announce their size: Shopify's count fields, asked before the first page."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from connectors.shopify import ShopifyConnector
from tests.connectors.shopify.conftest import MakeConnector
from tests.emulators.shopify_seed import ShopState


async def test_every_page_of_a_full_sync_carries_the_total(
    make_connector: MakeConnector, shop: ShopState
) -> None:
    connector = await make_connector(page_size=2)
    orders = [p async for p in connector.changed_orders(None)]
    customers = [p async for p in connector.changed_customers(None)]
    products = [p async for p in connector.changed_products(None)]
    assert {p.total for p in orders} == {13} and len(orders) == 7
    assert {p.total for p in customers} == {5}
    assert {p.total for p in products} == {7}


async def test_an_incremental_total_counts_only_what_changed(
    connector: ShopifyConnector, shop: ShopState
) -> None:
    since = datetime(2026, 1, 31, tzinfo=UTC)
    pages = [p async for p in connector.changed_orders(since)]
    assert [p.total for p in pages] == [3]
    assert sum(len(p.records) for p in pages) == 3
    count, page = shop.requests
    assert "ordersCount(" in count["query"] and "limit: null" in count["query"]
    assert count["variables"]["query"] == page["variables"]["query"]


async def test_the_first_page_waits_for_the_count_then_streams(
    make_connector: MakeConnector, shop: ShopState
) -> None:
    connector = await make_connector(page_size=2)
    stream = connector.changed_customers(None)
    first = await anext(stream)
    assert first.total == 5 and len(shop.requests) == 2
    await stream.aclose()


async def test_a_failed_count_leaves_the_total_unknown_but_syncs(
    make_connector: MakeConnector, shop: ShopState, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="connectors.shopify.connector")
    connector = await make_connector(page_size=2, attempts=1)
    shop.failures.append(500)  # only the count query meets it
    pages = [p async for p in connector.changed_products(None)]
    assert [p.total for p in pages] == [None] * 4
    assert sum(len(p.records) for p in pages) == 7
    assert "did not count the products" in caplog.text
