"""Browsing synced orders and customers a page at a time (the console's lazy tables)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from core.records import Customer, CustomerRef, Order, OrderStatus
from core.workspace import Workspace
from core.workspace.browse import CustomerBrowser, OrderBrowser
from core.workspace.catalog_writes import write_orders
from core.workspace.customer_writes import write_customers
from core.workspace.models import StoreRow

START = datetime(2025, 3, 1, tzinfo=UTC)
STATUSES: list[OrderStatus] = ["processing", "shipped", "delivered", "cancelled", "refunded"]
ORDERS = 230


def _store(workspace: Workspace, name: str) -> int:
    with workspace.engine.begin() as connection:
        values = {"name": name, "platform": "sql", "settings": {}, "created_at": START}
        key = connection.execute(insert(StoreRow).values(values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def _customers(count: int) -> list[Customer]:
    return [
        Customer(
            "sql",
            f"c{i}",
            email=f"Shopper{i}@Example.com",
            name=f"Shopper {i:03d}",
            phone=f"+4930{i:05d}",
            lifetime_value=Decimal(i * 7 % 50) + Decimal("0.99"),
            currency="EUR",
            created_at=START + timedelta(days=i),
            updated_at=START,
        )
        for i in range(count)
    ]


def _order(i: int) -> Order:
    who = i % 23
    return Order(
        "sql",
        f"o{i}",
        str(990 + i),  # 990 … 1219: numbers of three and four digits
        STATUSES[i % len(STATUSES)],
        Decimal(i * 37 % 101) + Decimal("0.5"),
        "EUR",
        START + timedelta(hours=i * 7 % 113),
        START + timedelta(minutes=i * 13 % 97),
        customer=CustomerRef(
            id=f"c{who}", email=f"Shopper{who}@Example.com", name=f"Shopper {who:03d}"
        ),
    )


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[Workspace, int, int]]:
    workspace = Workspace.open(tmp_path / "ws")
    store, other = _store(workspace, "shop"), _store(workspace, "other")
    with workspace.engine.begin() as connection:
        write_customers(connection, store, _customers(23))
        write_orders(connection, store, [_order(i) for i in range(ORDERS)])
        write_orders(connection, other, [_order(i) for i in range(5)])
    yield workspace, store, other
    workspace.close()


def _all(browser: Any, size: int, **query: Any) -> list[Any]:
    rows: list[Any] = []
    total = browser.count(query.get("search", ""))
    for offset in range(0, total, size):
        rows += browser.page(offset, size, total=total, **query)
    return rows


ORDER_KEYS = {
    "number": lambda o: int(o.number),
    "placed": lambda o: o.created_at,
    "updated": lambda o: o.updated_at,
    "status": lambda o: o.status,
    "customer": lambda o: o.customer_name.lower(),
    "email": lambda o: o.customer_email.lower(),
    "total": lambda o: o.total,
}


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", sorted(ORDER_KEYS))
def test_pages_list_every_order_once_in_order(
    shop: tuple[Workspace, int, int], sort: str, descending: bool
) -> None:
    workspace, store, _other = shop
    rows = _all(OrderBrowser(workspace, store), 40, sort=sort, descending=descending)
    assert len(rows) == ORDERS
    assert len({row.id for row in rows}) == ORDERS
    keys = [ORDER_KEYS[sort](row) for row in rows]
    assert keys == sorted(keys, reverse=descending)


def test_a_far_page_reads_the_same_rows_from_either_end(shop: tuple[Workspace, int, int]) -> None:
    workspace, store, _other = shop
    browser = OrderBrowser(workspace, store)
    for sort in ("updated", "email"):  # the orderings read by OFFSET
        from_start = browser.page(ORDERS - 30, 100, sort=sort, descending=True)
        from_end = browser.page(ORDERS - 30, 100, sort=sort, descending=True, total=ORDERS)
        assert [r.id for r in from_end] == [r.id for r in from_start]
        assert len(from_end) == 30


def test_only_this_stores_orders_are_counted(shop: tuple[Workspace, int, int]) -> None:
    workspace, store, other = shop
    assert OrderBrowser(workspace, store).count() == ORDERS
    assert OrderBrowser(workspace, other).count() == 5
    assert CustomerBrowser(workspace, other).count() == 0


def test_search_by_number_email_or_name(shop: tuple[Workspace, int, int]) -> None:
    workspace, store, _other = shop
    browser = OrderBrowser(workspace, store)
    by_number = browser.page(0, 50, search="#1200")
    assert [o.number for o in by_number] == ["1200"]
    by_email = _all(browser, 7, search="shopper5@example.COM")
    assert {o.customer_email for o in by_email} == {"Shopper5@Example.com"}
    assert browser.count("shopper5@example.COM") == len(by_email) == 10
    assert browser.count("Shopper 02") == 30  # Shopper 020, 021 and 022
    assert browser.count("100%") == 0  # a percent sign is text, not "anything"
    assert browser.count("  ") == ORDERS


def test_a_customers_orders(shop: tuple[Workspace, int, int]) -> None:
    workspace, store, _other = shop
    customer = CustomerBrowser(workspace, store).page(0, 1, search="shopper7@")[0]
    orders = OrderBrowser(workspace, store, customer_id=customer.id)
    listed = _all(orders, 3)
    assert len(listed) == orders.count() == 10
    assert {o.customer_email for o in listed} == {"Shopper7@Example.com"}


def test_customers_sorted_by_what_they_spent_and_searched_by_phone(
    shop: tuple[Workspace, int, int],
) -> None:
    workspace, store, _other = shop
    browser = CustomerBrowser(workspace, store)
    spent = [c.lifetime_value for c in _all(browser, 5, sort="spent", descending=True)]
    assert len(spent) == 23
    assert spent == sorted(spent, reverse=True)
    names = [c.name for c in _all(browser, 6)]
    assert names == sorted(names)
    assert [c.name for c in browser.page(0, 5, search="493000012")] == ["Shopper 012"]


def test_rows_changed_since_are_seen_after_forget(shop: tuple[Workspace, int, int]) -> None:
    workspace, store, _other = shop
    browser = OrderBrowser(workspace, store)
    assert browser.page(0, 1, sort="total", descending=True)[0].total == Decimal("100.5")
    with workspace.engine.begin() as connection:
        write_orders(connection, store, [_order(ORDERS + 1)])
    browser.forget()
    assert browser.count() == ORDERS + 1
    assert len(_all(browser, 50, sort="total")) == ORDERS + 1
