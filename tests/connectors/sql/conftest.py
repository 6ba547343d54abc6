"""Three real databases with the same little shop: SQLite always, MariaDB and PostgreSQL
when their local servers answer. Every run creates uniquely named tables and drops them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from connectors.base import ConnectorContext
from connectors.retry import RetryPolicy

SERVERS = {
    "mariadb": "mysql+pymysql://root@127.0.0.1:3306/test",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/test",
}
T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


async def _no_sleep(_: float) -> None:
    return None


def quick_context() -> ConnectorContext:
    return ConnectorContext(retry=RetryPolicy(attempts=2, sleep=_no_sleep))


@dataclass
class Shop:
    backend: str
    url: str
    prefix: str

    def mapping(self, **replace: str) -> str:
        text = MAPPING.replace("PFX_", self.prefix)
        for old, new in replace.items():
            text = text.replace(old, new)
        return text

    def settings(self, **replace: str) -> dict[str, Any]:
        return {"mapping_toml": self.mapping(**replace)}


MAPPING = """
[customers]
table = "PFX_customers"
[customers.columns]
id = "id"
name = ["first_name", "last_name"]
email = "email"
phone = "phone"
total_orders = "orders_count"
lifetime_value = "total_spent"
updated_at = "updated_at"

[orders]
table = "PFX_orders"
[orders.columns]
id = "id"
number = "number"
status = "status"
total = "total"
currency = "currency"
created_at = "created_at"
updated_at = "updated_at"
customer_id = "customer_id"
email = "guest_email"
name = "guest_name"
billing_postcode = "postcode"
tracking_carrier = "carrier"
tracking_number = "tracking_no"
[orders.statuses]
"Sent to courier" = "shipped"

[order_items]
table = "PFX_items"
[order_items.columns]
order_id = "order_id"
name = "title"
quantity = "qty"
sku = "sku"
price = "price"

[tracking]
table = "PFX_parcels"
[tracking.columns]
order_id = "order_id"
carrier = "carrier"
number = "code"
url = "link"

[products]
table = "PFX_products"
[products.columns]
id = "id"
title = "title"
sku = "sku"
price = "price"
inventory = "stock"
updated_at = "updated_at"
"""


def _tables(meta: sa.MetaData, prefix: str, aware: bool) -> None:
    when = sa.DateTime(timezone=aware)
    money = sa.Numeric(10, 2)
    text = sa.String(120)
    sa.Table(
        f"{prefix}customers",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("first_name", text),
        sa.Column("last_name", text),
        sa.Column("email", text),
        sa.Column("phone", text),
        sa.Column("orders_count", sa.Integer),
        sa.Column("total_spent", money),
        sa.Column("updated_at", when),
    )
    sa.Table(
        f"{prefix}orders",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.Integer),
        sa.Column("status", text),
        sa.Column("total", money, nullable=True),
        sa.Column("currency", sa.String(3)),
        sa.Column("created_at", when),
        sa.Column("updated_at", when),
        sa.Column("customer_id", sa.Integer),
        sa.Column("guest_email", text),
        sa.Column("guest_name", text),
        sa.Column("postcode", text),
        sa.Column("carrier", text),
        sa.Column("tracking_no", text),
    )
    sa.Table(
        f"{prefix}items",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("order_id", sa.Integer),
        sa.Column("title", text),
        sa.Column("qty", sa.Integer),
        sa.Column("sku", text),
        sa.Column("price", money),
    )
    sa.Table(
        f"{prefix}parcels",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("order_id", sa.Integer),
        sa.Column("carrier", text),
        sa.Column("code", text),
        sa.Column("link", text),
    )
    sa.Table(
        f"{prefix}products",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", text),
        sa.Column("sku", text),
        sa.Column("price", money),
        sa.Column("stock", sa.Integer),
        sa.Column("updated_at", when),
    )


def _at(hours: float, aware: bool) -> datetime:
    moment = T0 + timedelta(hours=hours)
    return moment if aware else moment.replace(tzinfo=None)


def _orders(aware: bool) -> list[dict[str, Any]]:
    def order(i: int, status: str, hours: float, **extra: Any) -> dict[str, Any]:
        row = {
            "id": i,
            "number": 1000 + i,
            "status": status,
            "total": Decimal("10.50") * i,
            "currency": "eur",
            "created_at": _at(hours - 1, aware),
            "updated_at": _at(hours, aware),
            "customer_id": 1,
            "guest_email": None,
            "guest_name": None,
            "postcode": "SW1A 1AA",
            "carrier": None,
            "tracking_no": None,
        }
        return {**row, **extra}

    return [
        order(1, "Sent to courier", 1, carrier="UPS", tracking_no="1Z999AA10123456784"),
        order(2, "processing", 2, customer_id=2, postcode="10115"),
        order(3, "completed", 2),  # same updated_at as order 2: keyset must keep both
        order(
            4,
            "pending",
            2,
            customer_id=None,
            guest_email="Guest@Example.org",
            guest_name="Łukasz Wójcik",
        ),
        order(5, "refunded", 5, currency="usd"),
        order(6, "cancelled", 6, total=None),  # unreadable: no total
        order(7, "partially-shipped", 7),
    ]


def _fill(conn: sa.Connection, meta: sa.MetaData, prefix: str, aware: bool) -> None:
    t = meta.tables
    conn.execute(
        t[f"{prefix}customers"].insert(),
        [
            {
                "id": 1,
                "first_name": "Alice",
                "last_name": "Martin",
                "email": "alice@example.com",
                "phone": "+44 20 7946 0018",
                "orders_count": 5,
                "total_spent": Decimal("199.90"),
                "updated_at": _at(3, aware),
            },
            {
                "id": 2,
                "first_name": "Zoë",
                "last_name": "Müller",
                "email": "zoe@example.de",
                "phone": None,
                "orders_count": 1,
                "total_spent": Decimal("21.00"),
                "updated_at": _at(4, aware),
            },
        ],
    )
    conn.execute(t[f"{prefix}orders"].insert(), _orders(aware))
    conn.execute(
        t[f"{prefix}items"].insert(),
        [
            {
                "order_id": 1,
                "title": "Gooseneck Kettle",
                "qty": 1,
                "sku": "KET-1",
                "price": Decimal("59.00"),
            },
            {"order_id": 1, "title": "Mug", "qty": 2, "sku": "MUG-1", "price": Decimal("18.00")},
            {"order_id": 2, "title": "Filters", "qty": 3, "sku": None, "price": None},
        ],
    )
    conn.execute(
        t[f"{prefix}parcels"].insert(),
        [
            {
                "order_id": 7,
                "carrier": "DHL",
                "code": "1234567890",
                "link": "https://dhl.example/1234567890",
            },
            {"order_id": 7, "carrier": "Royal Mail", "code": "AB123456789GB", "link": None},
        ],
    )
    conn.execute(
        t[f"{prefix}products"].insert(),
        [
            {
                "id": 1,
                "title": "Stoneware Mug 100% clay",
                "sku": "MUG-1",
                "price": Decimal("18.00"),
                "stock": 4,
                "updated_at": _at(1, aware),
            },
            {
                "id": 2,
                "title": "Gooseneck Kettle",
                "sku": "KET-1",
                "price": Decimal("59.00"),
                "stock": 0,
                "updated_at": _at(2, aware),
            },
        ],
    )


def _server_url(backend: str) -> str:
    url = SERVERS[backend]
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:
        pytest.skip(
            f"{backend} is not reachable at {url} ({type(exc).__name__}); start it to test it"
        )
    return url


@pytest.fixture(params=["sqlite", "mariadb", "postgresql"])
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Shop]:
    backend = request.param
    prefix = f"sd{uuid.uuid4().hex[:8]}_"
    url = f"sqlite:///{tmp_path / 'shop.db'}" if backend == "sqlite" else _server_url(backend)
    meta = sa.MetaData()
    _tables(meta, prefix, aware=backend == "postgresql")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        meta.create_all(conn)
        _fill(conn, meta, prefix, aware=backend == "postgresql")
    try:
        yield Shop(backend, url, prefix)
    finally:
        with engine.begin() as conn:
            meta.drop_all(conn)
        engine.dispose()
