"""The SQL connector against real SQLite, MariaDB and PostgreSQL databases."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from connectors import sql
from connectors.base import Connector
from connectors.errors import ConfigError, IntegrationError
from tests.connectors.sql.conftest import T0, Shop, quick_context


def connect(shop: Shop, **replace: str) -> sql.SqlConnector:
    return sql.create(shop.settings(**replace), {"url": shop.url}, quick_context())


async def test_is_a_connector_and_test_reports_the_database(shop: Shop) -> None:
    conn = connect(shop)
    try:
        assert isinstance(conn, Connector)
        info = await conn.test()
    finally:
        await conn.aclose()
    assert info.platform == "sql"
    assert info.version and info.version.lower().startswith(shop.backend)
    assert info.warnings == ()


async def test_customer_columns_become_a_customer(shop: Shop) -> None:
    conn = connect(shop)
    customer = await conn.get_customer(email="ALICE@example.com ")
    by_id = await conn.get_customer(id="2")
    by_phone = await conn.get_customer(phone="+44 20 7946 0018")
    missing = await conn.get_customer(email="nobody@example.com")
    await conn.aclose()
    assert customer is not None
    assert (customer.name, customer.total_orders, customer.lifetime_value) == (
        "Alice Martin",
        5,
        Decimal("199.90"),
    )
    assert by_id is not None and by_id.name == "Zoë Müller"
    assert by_phone is not None and by_phone.id == "1"
    assert missing is None


@pytest.mark.parametrize("spelling", ["1001", "#1001", "order 1001", " No. 1001 ", "SD-1001"])
async def test_get_order_accepts_usual_spellings(shop: Shop, spelling: str) -> None:
    conn = connect(shop)
    order = await conn.get_order(spelling)
    await conn.aclose()
    assert order is not None
    assert order.number == "1001"
    assert order.status == "shipped"  # "Sent to courier" through the mapping's status table
    assert order.total == Decimal("10.50")
    assert order.currency == "EUR"
    assert order.created_at == T0
    assert order.updated_at == T0 + timedelta(hours=1)
    assert order.customer.email == "alice@example.com"
    assert order.customer.name == "Alice Martin"
    assert order.billing_postcode == "SW1A 1AA"
    assert [(i.name, i.quantity, i.sku, i.price) for i in order.items] == [
        ("Gooseneck Kettle", 1, "KET-1", Decimal("59.00")),
        ("Mug", 2, "MUG-1", Decimal("18.00")),
    ]
    assert [(t.carrier, t.number) for t in order.tracking] == [("UPS", "1Z999AA10123456784")]


@pytest.mark.parametrize("number", ["9999", "#abc", "", "1001; DROP TABLE x"])
async def test_unknown_order_is_none(shop: Shop, number: str) -> None:
    conn = connect(shop)
    assert await conn.get_order(number) is None
    await conn.aclose()


async def test_guest_order_and_tracking_table(shop: Shop) -> None:
    conn = connect(shop)
    guest = await conn.get_order("1004")
    split = await conn.get_order("1007")
    await conn.aclose()
    assert guest is not None and guest.status == "pending"
    assert guest.customer.id is None
    assert (guest.customer.email, guest.customer.name) == ("guest@example.org", "Łukasz Wójcik")
    assert split is not None and split.status == "partially_shipped"
    assert [(t.carrier, t.number, t.url) for t in split.tracking] == [
        ("DHL", "1234567890", "https://dhl.example/1234567890"),
        ("Royal Mail", "AB123456789GB", None),
    ]


async def test_find_orders_most_recent_first(shop: Shop) -> None:
    conn = connect(shop)
    alice = await conn.find_orders(email="alice@example.com")
    limited = await conn.find_orders(customer_id="1", limit=2)
    guest = await conn.find_orders(email="guest@example.org")
    nothing = await conn.find_orders()
    await conn.aclose()
    # order 6 has no total: it is left out, the others still come back
    assert [o.number for o in alice] == ["1007", "1005", "1003", "1001"]
    assert alice[1].currency == "USD"
    assert [o.number for o in limited] == ["1007", "1005"]
    assert [o.number for o in guest] == ["1004"]
    assert nothing == []


async def test_search_products(shop: Shop) -> None:
    conn = connect(shop)
    mugs = await conn.search_products("100%")
    kettle = await conn.search_products("ket-1")
    await conn.aclose()
    assert [(p.title, p.price, p.in_stock) for p in mugs] == [
        ("Stoneware Mug 100% clay", Decimal("18.00"), True)
    ]
    assert [(p.sku, p.in_stock, p.inventory) for p in kettle] == [("KET-1", False, 0)]


async def test_changed_orders_pages_by_keyset_in_update_order(shop: Shop) -> None:
    conn = connect(shop)
    conn.page_size = 2  # orders 2, 3 and 4 share one updated_at across a page boundary
    pages = [page async for page in conn.changed_orders(None)]
    later = [page async for page in conn.changed_orders(T0 + timedelta(hours=2))]
    await conn.aclose()
    numbers = [o.number for page in pages for o in page.records]
    assert numbers == ["1001", "1002", "1003", "1004", "1005", "1007"]
    assert [len(p.records) + len(p.errors) for p in pages] == [2, 2, 2, 1]
    assert {p.total for p in pages} == {7}
    errors = [e for page in pages for e in page.errors]
    assert [e.external_id for e in errors] == ["6"]
    assert "total" in errors[0].message
    # the cursor's own instant is read again: rows saved in it later are not passed over
    assert [o.number for page in later for o in page.records] == [
        "1002",
        "1003",
        "1004",
        "1005",
        "1007",
    ]


async def test_changed_customers_and_products(shop: Shop) -> None:
    conn = connect(shop)
    customers = [c.name async for page in conn.changed_customers(None) for c in page.records]
    since = T0 + timedelta(hours=3)  # Alice's own updated_at: read again, and what came later
    recent = [c.id async for page in conn.changed_customers(since) for c in page.records]
    products = [p.sku async for page in conn.changed_products(None) for p in page.records]
    await conn.aclose()
    assert customers == ["Alice Martin", "Zoë Müller"]
    assert recent == ["1", "2"]
    assert products == ["MUG-1", "KET-1"]


async def test_missing_column_is_named_at_test_time(shop: Shop) -> None:
    conn = connect(shop, **{'phone = "phone"': 'phone = "telephone"'})
    with pytest.raises(ConfigError) as caught:
        await conn.test()
    await conn.aclose()
    assert "'telephone'" in caught.value.message
    assert f"{shop.prefix}customers" in caught.value.message


async def test_missing_table_is_named(shop: Shop) -> None:
    conn = connect(shop, **{f'"{shop.prefix}parcels"': '"shipments"'})
    with pytest.raises(ConfigError) as caught:
        await conn.test()
    assert "'shipments'" in caught.value.message
    with pytest.raises(ConfigError) as during_lookup:
        await conn.get_order("1007")
    await conn.aclose()
    assert "shipments" in during_lookup.value.message


async def test_sessions_are_read_only(shop: Shop) -> None:
    conn = connect(shop)
    client = conn._client
    table = sa.table(f"{shop.prefix}customers", sa.column("first_name"))
    with pytest.raises(IntegrationError):
        client.run(lambda c: c.execute(table.update().values(first_name="Mallory")))
    customer = await conn.get_customer(id="1")
    await conn.aclose()
    assert customer is not None and customer.name == "Alice Martin"
