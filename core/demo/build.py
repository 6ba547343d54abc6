"""(Re)build ``shop.sqlite``, the demo shop, deterministically: ``python -m core.demo.build``.

A seeded generator (no Faker) against a fixed reference date, so the file and every fact
in ``core.demo``'s docstring stay the same from build to build.
"""

from __future__ import annotations

import random
import sqlite3
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from core.demo import data
from core.demo.data import CARRIERS, CUSTOMERS, GUESTS, PRODUCTS, STATUS_VALUES

REFERENCE = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
SEED = 1001
ORDER_COUNT = 120
FIRST_NUMBER = 1001
SHIPPING = Decimal(data.SHIPPING)
FREE_SHIPPING_FROM = Decimal(data.FREE_SHIPPING_FROM)
SHOP_URL = "https://demo-shop.example.com"

# Money is TEXT: SQLite has no decimal type, and REAL would turn 95.00 into 95.
SCHEMA = """
CREATE TABLE customers (
    id INTEGER PRIMARY KEY, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE, phone TEXT, postcode TEXT, country TEXT NOT NULL,
    orders_count INTEGER NOT NULL DEFAULT 0, total_spent TEXT NOT NULL DEFAULT '0.00',
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE products (
    id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    price TEXT NOT NULL, stock INTEGER NOT NULL, url TEXT, updated_at TEXT NOT NULL
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY, number INTEGER NOT NULL UNIQUE,
    customer_id INTEGER REFERENCES customers(id),
    guest_email TEXT, guest_name TEXT, guest_phone TEXT, billing_postcode TEXT,
    state TEXT NOT NULL, payment_status TEXT, grand_total TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, shipped_at TEXT
);
CREATE INDEX orders_updated ON orders (updated_at, id);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE TABLE order_items (
    id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id),
    product_id INTEGER REFERENCES products(id), sku TEXT, product_name TEXT NOT NULL,
    quantity INTEGER NOT NULL, unit_price TEXT NOT NULL
);
CREATE INDEX order_items_order ON order_items (order_id);
CREATE TABLE shipments (
    id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id),
    carrier TEXT NOT NULL, tracking_number TEXT NOT NULL, tracking_url TEXT,
    shipped_at TEXT NOT NULL
);
CREATE INDEX shipments_order ON shipments (order_id);
"""

SHIPPED = ("shipped", "partially_shipped", "delivered", "completed")
PAID = ("processing", "on_hold", *SHIPPED)
# (status, weight): older orders are mostly done, so weights apply to the older half.
OLD_WEIGHTS = {"completed": 8, "delivered": 6, "refunded": 2, "cancelled": 2, "failed": 1}
NEW_WEIGHTS = {
    "pending": 2,
    "processing": 4,
    "on_hold": 1,
    "shipped": 5,
    "partially_shipped": 2,
    "delivered": 3,
    "cancelled": 1,
    "failed": 1,
}


@dataclass(slots=True)
class Draft:
    id: int
    customer: int | None
    guest: tuple[str, str, str, str] | None
    status: str
    created: datetime
    updated: datetime
    items: list[tuple[int, int]]


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def build(path: Path) -> Path:
    """Write the demo shop to ``path`` (replacing it) and return the path."""
    rng = random.Random(SEED)
    drafts = [_draft(rng, i) for i in range(ORDER_COUNT)]
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        _insert_products(db)
        _insert_orders(db, rng, drafts)
        _insert_customers(db, drafts)
        db.commit()
        db.execute("VACUUM")
    finally:
        db.close()
    return path


def _draft(rng: random.Random, index: int) -> Draft:
    created = REFERENCE - timedelta(days=(ORDER_COUNT - index) * 1.5, minutes=rng.randint(0, 600))
    if index == 0:  # order 1001: Alice's shipped UPS order, the README's demo
        return Draft(1, 1, None, "shipped", created, created + timedelta(days=2), [(1, 1), (7, 2)])
    if index <= len(STATUS_VALUES):  # 1002…1011 walk through every status once
        status = list(STATUS_VALUES)[index - 1]
    else:
        weights = OLD_WEIGHTS if index < ORDER_COUNT // 2 else NEW_WEIGHTS
        status = rng.choices(list(weights), weights=list(weights.values()))[0]
    guest = GUESTS[index % len(GUESTS)] if index % 7 == 3 else None
    customer = None if guest else rng.randint(1, len(CUSTOMERS))
    lines = rng.sample(range(1, len(PRODUCTS) + 1), k=rng.choice((1, 1, 2, 2, 3)))
    items = [(p, rng.choice((1, 1, 1, 2, 3))) for p in lines]
    age = {"pending": 0.1, "processing": 0.5, "on_hold": 1, "failed": 0.05, "cancelled": 1}
    delay = timedelta(days=age.get(status, rng.uniform(1, 9)), hours=rng.randint(1, 20))
    updated = min(created + delay, REFERENCE)
    return Draft(index + 1, customer, guest, status, created, updated, items)


def _insert_products(db: sqlite3.Connection) -> None:
    for pid, (sku, name, price, stock) in enumerate(PRODUCTS, start=1):
        slug = name.lower().replace(" ", "-").replace(",", "").replace("/", "-")
        changed = REFERENCE - timedelta(days=pid * 3)
        db.execute(
            "INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?)",
            (pid, sku, name, price, stock, f"{SHOP_URL}/products/{slug}", stamp(changed)),
        )


def _insert_orders(db: sqlite3.Connection, rng: random.Random, drafts: list[Draft]) -> None:
    for d in drafts:
        subtotal = sum(Decimal(PRODUCTS[p - 1][2]) * q for p, q in d.items)
        total = subtotal + (SHIPPING if subtotal < FREE_SHIPPING_FROM else Decimal(0))
        guest = d.guest or (None, None, None, None)
        postcode = guest[3] if d.guest else CUSTOMERS[(d.customer or 1) - 1][5]
        shipped_at = d.created + timedelta(days=1) if d.status in SHIPPED else None
        payment = "paid" if d.status in PAID else {"refunded": "refunded"}.get(d.status, "unpaid")
        db.execute(
            "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (d.id, FIRST_NUMBER + d.id - 1, d.customer, guest[1], guest[0], guest[2], postcode,
             STATUS_VALUES[d.status], payment, money(total), stamp(d.created), stamp(d.updated),
             stamp(shipped_at) if shipped_at else None),
        )  # fmt: skip
        for pid, quantity in d.items:
            sku, name, price, _stock = PRODUCTS[pid - 1]
            db.execute(
                "INSERT INTO order_items (order_id, product_id, sku, product_name, quantity,"
                " unit_price) VALUES (?, ?, ?, ?, ?, ?)",
                (d.id, pid, sku, name, quantity, price),
            )
        if shipped_at:
            _insert_shipments(db, rng, d, shipped_at)


def _insert_shipments(db: sqlite3.Connection, rng: random.Random, d: Draft, at: datetime) -> None:
    if d.id == 1:
        parcels = [("UPS", "1Z999AA10123456784")]
    else:
        count = 2 if d.id % 5 == 0 and d.status != "partially_shipped" else 1
        parcels = [_parcel(rng) for _ in range(count)]
    for carrier, number in parcels:
        url = CARRIERS[carrier][1].format(number=number)
        db.execute(
            "INSERT INTO shipments (order_id, carrier, tracking_number, tracking_url, shipped_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (d.id, carrier, number, url, stamp(at)),
        )


def _parcel(rng: random.Random) -> tuple[str, str]:
    carrier = rng.choice(sorted(CARRIERS))
    pattern = CARRIERS[carrier][0]
    number = "".join(_fill(rng, c) for c in pattern)
    return carrier, number


def _fill(rng: random.Random, placeholder: str) -> str:
    """``#`` → a digit, ``@`` → a capital letter, anything else stays."""
    if placeholder == "#":
        return rng.choice("0123456789")
    return rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") if placeholder == "@" else placeholder


def _insert_customers(db: sqlite3.Connection, drafts: list[Draft]) -> None:
    for cid, (first, last, email, phone, country, postcode) in enumerate(CUSTOMERS, start=1):
        mine = [d for d in drafts if d.customer == cid]
        spent = sum((_total(db, d.id) for d in mine if d.status in PAID), start=Decimal("0"))
        first_seen = min((d.created for d in mine), default=REFERENCE - timedelta(days=30))
        created = first_seen - timedelta(days=cid % 11 + 1)
        updated = max((d.updated for d in mine), default=created)
        db.execute(
            "INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (cid, first, last, email, phone, postcode, country, len(mine), money(spent),
             stamp(created), stamp(updated)),
        )  # fmt: skip


def _total(db: sqlite3.Connection, order_id: int) -> Decimal:
    row = db.execute("SELECT grand_total FROM orders WHERE id = ?", (order_id,))
    return Decimal(row.fetchone()[0])


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("shop.sqlite")
    print(build(target))


if __name__ == "__main__":
    main()
