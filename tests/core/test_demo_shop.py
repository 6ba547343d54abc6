"""The demo shop, read through the SQL connector exactly as a merchant's database would be."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

from connectors import sql
from connectors.base import ConnectorContext
from core.demo import demo_database_path, demo_database_url, demo_mapping_path
from core.demo.build import build
from core.records import ORDER_STATUSES, Order


def demo() -> sql.SqlConnector:
    settings = {"mapping_toml": demo_mapping_path().read_text(encoding="utf-8")}
    return sql.create(settings, {"url": demo_database_url()}, ConnectorContext())


async def all_orders() -> list[Order]:
    conn = demo()
    orders = [o async for page in conn.changed_orders(None) for o in page.records]
    await conn.aclose()
    return orders


def dump(path: Path) -> list[str]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def test_committed_file_is_what_the_generator_builds(tmp_path: Path) -> None:
    fresh = build(tmp_path / "shop.sqlite")
    assert dump(fresh) == dump(demo_database_path())
    assert demo_database_path().stat().st_size < 2_000_000


async def test_mapping_matches_the_schema() -> None:
    conn = demo()
    info = await conn.test()
    await conn.aclose()
    assert info.currency == "EUR" and info.warnings == ()


async def test_order_1001_is_alices_shipped_ups_order() -> None:
    conn = demo()
    order = await conn.get_order("#1001")
    alice = await conn.find_orders(email="alice@example.com")
    await conn.aclose()
    assert order is not None
    assert (order.status, order.customer.email, order.billing_postcode) == (
        "shipped",
        "alice@example.com",
        "SW1A 1AA",
    )
    assert order.customer.name == "Alice Martin"
    assert [(t.carrier, t.number) for t in order.tracking] == [("UPS", "1Z999AA10123456784")]
    assert str(order.total) == "95.00" and order.currency == "EUR"
    assert "1001" in [o.number for o in alice]


async def test_every_status_guests_and_tracking_are_present() -> None:
    orders = await all_orders()
    assert len(orders) == 120
    statuses = Counter(o.status for o in orders)
    assert set(statuses) == set(ORDER_STATUSES)
    guests = [o for o in orders if o.customer.id is None]
    assert guests and all(o.customer.email and o.customer.name for o in guests)
    carriers = {t.carrier for o in orders for t in o.tracking}
    assert carriers == {"UPS", "DHL", "USPS", "Royal Mail"}
    assert any(len(o.tracking) == 2 for o in orders)
    assert all(o.tracking for o in orders if o.status in ("shipped", "partially_shipped"))
    assert not any(o.tracking for o in orders if o.status in ("pending", "cancelled", "failed"))
    assert all(o.items and o.total > 0 for o in orders)
    assert all(o.updated_at >= o.created_at for o in orders)


async def test_customers_carry_unicode_names_and_totals() -> None:
    conn = demo()
    names = [c.name async for page in conn.changed_customers(None) for c in page.records]
    zoe = await conn.get_customer(email="zoe.mueller@example.de")
    jose = await conn.get_customer(email="jose.alvarez@example.com")
    products = await conn.search_products("mug")
    await conn.aclose()
    assert len(names) == 40
    assert {"Zoë Müller", "Łukasz Wójcik", "Siobhán O'Connor", "José Álvarez"} <= set(names)
    assert zoe is not None and zoe.name == "Zoë Müller"
    assert jose is not None and jose.total_orders and jose.lifetime_value
    assert {p.title for p in products} == {"Stoneware Mug, Sand", "Stoneware Mug, Slate"}
