"""The Orders and Customers browsers' lazy models, without a window."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from console.models.customers import CustomersModel
from console.models.orders import OrdersModel
from console.models.rows import ROW_ROLE
from core.workspace.browse import CustomerLine, OrderLine

START = datetime(2025, 1, 1, tzinfo=UTC)
KEYS = {
    "number": lambda o: int(o.number),
    "updated": lambda o: o.updated_at,
    "total": lambda o: o.total,
    "customer": lambda o: o.customer_name,
    "name": lambda c: c.name,
}


def _line(i: int) -> OrderLine:
    return OrderLine(
        id=i,
        number=str(1000 + i),
        created_at=START + timedelta(minutes=i),
        updated_at=START + timedelta(minutes=i),
        status="shipped" if i % 2 else "processing",
        customer_name="Alice Martin" if i % 1000 == 7 else f"Shopper {i}",
        customer_email=f"s{i}@example.com",
        total=Decimal(i % 1000) + Decimal("0.25"),
        currency="EUR",
        customer_id=None,
    )


@dataclass
class ListSource:
    """The page-source protocol over a list, remembering every question asked of it."""

    rows: Sequence[Any]
    asked: list[tuple[int, int, str, str, bool]] = field(default_factory=list)
    counted: list[str] = field(default_factory=list)

    def _matching(self, search: str) -> list[Any]:
        return [r for r in self.rows if search.lower() in r.customer_name.lower()]

    def count(self, search: str = "") -> int:
        self.counted.append(search)
        return len(self._matching(search))

    def page(
        self,
        offset: int,
        limit: int,
        *,
        search: str = "",
        sort: str = "",
        descending: bool = False,
        total: int | None = None,
    ) -> list[Any]:
        self.asked.append((offset, limit, search, sort, descending))
        rows = sorted(self._matching(search), key=lambda r: (KEYS[sort](r), r.id))
        rows = rows[::-1] if descending else rows
        return rows[offset : offset + limit]


@pytest.fixture
def source() -> ListSource:
    return ListSource([_line(i) for i in range(100_000)])


def _text(model: OrdersModel, row: int, header: str) -> str:
    column = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)].index(header)
    return str(model.data(model.index(row, column)))


def test_counts_every_order_but_fetches_only_the_pages_shown(qapp: Any, source: ListSource) -> None:
    model = OrdersModel(source)
    assert model.rowCount() == 100_000
    assert source.asked == []  # nothing read before a row is shown
    assert _text(model, 99_999, "Order") == "#1000"  # newest change first: the oldest last
    assert _text(model, 0, "Order") == "#100999"
    assert _text(model, 5, "Total") == "994.25 EUR"
    assert model.fetched == [999, 0]
    for row in range(0, 100):
        model.data(model.index(row, 0))
    assert model.fetched == [999, 0]  # the rows of a kept page are not asked for again


def test_pages_not_seen_lately_are_let_go(qapp: Any, source: ListSource) -> None:
    model = OrdersModel(source)
    for page in range(10):
        model.record(page * 100)
    model.record(900)  # still kept
    model.record(0)  # let go when the ninth page came in
    assert model.fetched == [*range(10), 0]


def test_clicking_a_header_asks_the_source_again_in_that_order(
    qapp: Any, source: ListSource
) -> None:
    model = OrdersModel(source)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.record(0)
    total_column = 6
    model.sort(total_column, Qt.SortOrder.DescendingOrder)
    assert resets == [True]
    assert model.sort_key == ("total", True)
    assert model.sort_column() == total_column
    assert _text(model, 0, "Total") == "999.25 EUR"
    assert _text(model, 99_999, "Total") == "0.25 EUR"
    assert source.asked[-2:] == [(0, 100, "", "total", True), (99_900, 100, "", "total", True)]
    assert source.counted == [""]  # ordering needs no new count


def test_search_is_a_new_query_with_its_own_count(qapp: Any, source: ListSource) -> None:
    model = OrdersModel(source)
    model.set_search("  alice ")
    assert model.rowCount() == 100
    assert source.counted == ["", "alice"]
    record = model.data(model.index(99, 0), ROW_ROLE)
    assert isinstance(record, OrderLine)
    assert record.customer_name == "Alice Martin"
    model.set_search("")
    assert model.rowCount() == 100_000


def test_a_row_past_the_end_is_nothing_not_an_error(qapp: Any) -> None:
    model = OrdersModel(ListSource([_line(i) for i in range(3)]))
    assert model.record(3) is None
    assert model.data(model.index(5, 0)) is None


def test_the_orders_model_keeps_qts_model_rules(qapp: Any) -> None:
    orders = OrdersModel(ListSource([_line(i) for i in range(250)]))
    QAbstractItemModelTester(orders, QAbstractItemModelTester.FailureReportingMode.Fatal)
    orders.sort(0, Qt.SortOrder.AscendingOrder)
    orders.set_search("Shopper 24")
    assert orders.rowCount() == 11  # Shopper 24 and 240 … 249


class CustomerSource(ListSource):
    def _matching(self, search: str) -> list[Any]:
        return [r for r in self.rows if search.lower() in (r.name or "").lower()]


def test_the_customers_model_shows_what_a_customer_spent(qapp: Any) -> None:
    ada = CustomerLine(
        1, "Ada Lovelace", "ada@example.com", None, 3, Decimal("1234.5"), "EUR", START
    )
    people = CustomersModel(CustomerSource([ada]))
    QAbstractItemModelTester(people, QAbstractItemModelTester.FailureReportingMode.Fatal)
    shown = [people.data(people.index(0, c)) for c in range(people.columnCount())]
    assert shown == ["Ada Lovelace", "ada@example.com", "—", "3", "1,234.50 EUR", "2025-01-01"]
    assert people.headerData(4, Qt.Orientation.Horizontal) == "Spent"


def test_the_models_never_load_the_database_layer() -> None:
    code = (
        "import sys, console.models.orders, console.models.customers;"
        "print('sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
