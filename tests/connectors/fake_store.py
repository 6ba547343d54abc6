"""An in-memory connector for sync tests: pages of core records, filtered by ``since``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from connectors.base import Page, RecordError, StoreInfo
from core.records import Customer, CustomerRef, Order, OrderItem, Product, Tracking

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def customer(n: int, *, email: str | None = None, minutes: int | None = None) -> Customer:
    return Customer(
        platform="custom",
        id=f"c{n}",
        email=email if email is not None else f"shopper{n}@example.com",
        name=f"Shopper {n}",
        total_orders=n,
        lifetime_value=Decimal("10.50") * n,
        currency="EUR",
        created_at=T0,
        updated_at=T0 + timedelta(minutes=minutes if minutes is not None else n),
    )


def order(n: int, *, customer_n: int = 1, minutes: int | None = None, **changes: Any) -> Order:
    values: dict[str, Any] = {
        "platform": "custom",
        "id": f"o{n}",
        "number": str(1000 + n),
        "status": "processing",
        "total": Decimal("19.99") + n,
        "currency": "EUR",
        "created_at": T0,
        "updated_at": T0 + timedelta(minutes=minutes if minutes is not None else n),
        "customer": CustomerRef(id=f"c{customer_n}", email=f"shopper{customer_n}@example.com"),
        "items": (OrderItem("Mug", 2, "MUG-1", Decimal("4.50")), OrderItem("Tea", 1)),
        "tracking": (Tracking("TRK1", "DHL", "https://dhl.example/TRK1"),),
        "billing_postcode": "1011 AB",
    }
    values.update(changes)
    return Order(**values)


def product(n: int, *, minutes: int | None = None) -> Product:
    return Product(
        platform="custom",
        id=f"p{n}",
        title=f"Product {n}",
        price=Decimal("3.00") + n,
        sku=f"SKU-{n}",
        in_stock=True,
        updated_at=T0 + timedelta(minutes=minutes if minutes is not None else n),
    )


class FakeConnector:
    """Serves its lists page by page, records ``since`` per call, can fail records."""

    platform = "custom"

    def __init__(
        self,
        customers: Sequence[Customer] = (),
        orders: Sequence[Order] = (),
        products: Sequence[Product] = (),
        *,
        page_size: int = 3,
    ) -> None:
        self.data: dict[str, list[Any]] = {
            "customers": list(customers),
            "orders": list(orders),
            "products": list(products),
        }
        self.page_size = page_size
        self.calls: list[tuple[str, datetime | None]] = []
        self.record_errors: dict[str, list[RecordError]] = {}
        self.served: dict[str, int] = {"customers": 0, "orders": 0, "products": 0}
        self.ordered = True  # False: pages say their order is not oldest change first
        self.totals: dict[str, int | Exception] = {}  # what ``count`` answers, per stream

    async def _pages(self, stream: str, since: datetime | None) -> AsyncIterator[Page[Any]]:
        self.calls.append((stream, since))
        records = sorted(
            (r for r in self.data[stream] if since is None or r.updated_at >= since),
            key=lambda r: r.updated_at,
        )
        errors = tuple(self.record_errors.get(stream, ()))
        for start in range(0, max(len(records), 1), self.page_size):
            chunk = tuple(records[start : start + self.page_size])
            self.served[stream] += len(chunk)
            yield Page(
                chunk,
                total=len(records),
                errors=errors if start == 0 else (),
                ordered=self.ordered,
            )

    async def count(self, stream: str) -> int | None:
        answer = self.totals.get(stream)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def changed_customers(self, since: datetime | None) -> AsyncIterator[Page[Any]]:
        return self._pages("customers", since)

    def changed_orders(self, since: datetime | None) -> AsyncIterator[Page[Any]]:
        return self._pages("orders", since)

    def changed_products(self, since: datetime | None) -> AsyncIterator[Page[Any]]:
        return self._pages("products", since)

    async def test(self) -> StoreInfo:
        return StoreInfo(name="Fake", platform=self.platform)

    async def get_order(self, number: str) -> Order | None:
        return None

    async def find_orders(self, **_: Any) -> list[Order]:
        return []

    async def get_customer(self, **_: Any) -> Customer | None:
        return None

    async def search_products(self, text: str, *, limit: int = 10) -> list[Product]:
        return []

    async def aclose(self) -> None:
        return None
