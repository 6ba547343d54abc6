"""Change streams: cursor pagination, incremental sync, bad records, protected data."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from connectors.base import Page
from connectors.shopify import ShopifyConnector
from tests.connectors.shopify.conftest import MakeConnector
from tests.emulators.shopify_seed import ShopState


async def collect(pages: AsyncIterator[Page[Any]]) -> list[Page[Any]]:
    return [page async for page in pages]


async def test_all_orders_arrive_in_small_pages_oldest_change_first(
    make_connector: MakeConnector, shop: ShopState
) -> None:
    connector = await make_connector(page_size=2)
    pages = await collect(connector.changed_orders(None))
    orders = [o for page in pages for o in page.records]
    assert len(pages) == 7 and all(len(p.records) <= 2 for p in pages)
    assert len(orders) == len({o.id for o in orders}) == len(shop.orders) == 13
    assert [o.updated_at for o in orders] == sorted(o.updated_at for o in orders)
    assert len(shop.requests) == 1 + 7  # the count, then the pages
    assert all(p.errors == () for p in pages)


async def test_streams_are_lazy_page_by_page(
    make_connector: MakeConnector, shop: ShopState
) -> None:
    connector = await make_connector(page_size=2)
    stream = connector.changed_customers(None)
    first = await anext(stream)
    assert len(first.records) == 2 and len(shop.requests) == 2  # the count and one page
    rest = await collect(stream)
    assert sum(len(p.records) for p in rest) == 3 and len(shop.requests) == 4


async def test_default_order_pages_fit_shopifys_query_cost_limit(
    connector: ShopifyConnector, shop: ShopState
) -> None:
    pages = await collect(connector.changed_orders(None))
    assert sum(len(p.records) for p in pages) == 13  # the emulator refused no page as too costly
    page_requests = [r for r in shop.requests if "first" in r["variables"]]
    assert page_requests and all(r["variables"]["first"] == 14 for r in page_requests)


async def test_incremental_sync_from_the_cursor_and_again(
    make_connector: MakeConnector,
) -> None:
    connector = await make_connector(page_size=2)
    since = datetime(2026, 2, 3, 8, 30, tzinfo=UTC)
    first = [c for p in await collect(connector.changed_customers(since)) for c in p.records]
    again = [c for p in await collect(connector.changed_customers(since)) for c in p.records]
    assert [c.id for c in first] == ["7002", "7003", "7004", "7005"]
    assert again == first
    cursor = max(c.updated_at for c in first if c.updated_at)
    latest = [c for p in await collect(connector.changed_customers(cursor)) for c in p.records]
    assert [c.id for c in latest] == ["7005"]


async def test_incremental_orders_and_products(connector: ShopifyConnector) -> None:
    since = datetime(2026, 1, 31, tzinfo=UTC)
    orders = [o for p in await collect(connector.changed_orders(since)) for o in p.records]
    assert [o.number for o in orders] == ["10010", "SD1012", "SD-1013"]
    products = [
        x
        for p in await collect(connector.changed_products(datetime(2026, 1, 8, tzinfo=UTC)))
        for x in p.records
    ]
    assert [x.title for x in products] == [
        "Leather Wallet – Cognac",
        "Linen Tote Bag",
        "抹茶 Matcha 100g",
    ]


async def test_nothing_changed_is_one_empty_page(connector: ShopifyConnector) -> None:
    pages = await collect(connector.changed_products(datetime(2030, 1, 1, tzinfo=UTC)))
    assert [p.records for p in pages] == [()]


async def test_one_bad_record_does_not_kill_the_page(
    make_connector: MakeConnector, shop: ShopState
) -> None:
    shop.orders[0]["totalPriceSet"] = {"shopMoney": {"amount": "n/a", "currencyCode": "EUR"}}
    connector = await make_connector(page_size=5)
    pages = await collect(connector.changed_orders(None))
    errors = [e for p in pages for e in p.errors]
    assert len(errors) == 1 and errors[0].external_id == "gid://shopify/Order/5001"
    assert "total" in errors[0].message
    assert sum(len(p.records) for p in pages) == 12


async def test_protected_customer_data_nulls_give_orders_with_a_warning(
    connector: ShopifyConnector, shop: ShopState, caplog: Any
) -> None:
    shop.protected_customer_data = True
    order = await connector.get_order("#1001")
    assert order is not None
    assert order.status == "delivered" and order.total == 118
    assert order.customer.id is None and order.customer.email is None
    assert order.customer.name is None and order.billing_postcode is None
    assert len(order.warnings) == 1 and "protected customer data" in order.warnings[0]
    assert "withheld" in caplog.text
    pages = await collect(connector.changed_orders(None))
    orders = [o for p in pages for o in p.records]
    assert len(orders) == 13 and all(o.warnings for o in orders)
