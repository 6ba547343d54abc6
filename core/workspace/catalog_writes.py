"""Writing pages of synced orders and products: one upsert per page, unchanged rows skipped.

Each page costs a handful of statements whatever its size: one SELECT of the stored content
hashes, (for orders) one SELECT of the customers they link to, one executemany ``INSERT``
of the new rows and one ``INSERT … ON CONFLICT DO UPDATE`` of the changed ones, and for
orders one SELECT of their row ids, one DELETE of the items of orders that were already
stored and one executemany INSERT of their items. This is the hot path of a sync, so each
record becomes one tuple of the values SQLite stores (the same text forms the SQLAlchemy
column types write and read), and the statements go straight to the driver.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.engine.interfaces import DBAPICursor

from core.records import Order, Product
from core.workspace.pagewrite import (
    PageOutcome,
    chunks,
    driver_cursor,
    email_key,
    paired_chunks,
    row_digest,
    write_isolated,
)

R = TypeVar("R")
ORDER_COLUMNS = ("store_id", "external_id", "number", "status", "financial_status",
                 "fulfillment_status", "total", "currency", "created_at", "updated_at",
                 "shipped_at", "customer_external_id", "customer_email", "email_key",
                 "customer_name", "customer_phone", "billing_postcode", "status_url",
                 "tracking")  # fmt: skip
PRODUCT_COLUMNS = ("store_id", "external_id", "title", "price", "currency", "sku", "in_stock",
                   "inventory", "url", "updated_at")  # fmt: skip
_CUSTOMER_ID, _EMAIL_KEY = (
    ORDER_COLUMNS.index("customer_external_id"),
    ORDER_COLUMNS.index("email_key"),
)
_NO_TRACKING = "[]"
_DB_TIME = "%04d-%02d-%02d %02d:%02d:%02d.%06d"  # datetime.isoformat(" ", "microseconds")


@dataclass(slots=True)
class _Prepared:
    """One record as the row values stored for it (in the column order above)."""

    external_id: str
    values: tuple[Any, ...]
    digest: str
    items: list[tuple[Any, ...]]
    customer_id: int | None = None


def db_time(moment: datetime | None) -> str | None:
    """A datetime as the workspace stores it: naive UTC text with microseconds."""
    if moment is None:
        return None
    if moment.tzinfo is UTC:  # the usual case: three per order, so formatted directly
        return _DB_TIME % (
            moment.year, moment.month, moment.day,
            moment.hour, moment.minute, moment.second, moment.microsecond,
        )  # fmt: skip
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(" ", "microseconds")


def db_money(amount: Decimal | None) -> str | None:
    return None if amount is None else format(amount, "f")


def order_values(store_id: int, order: Order) -> _Prepared:
    customer = order.customer
    external_id = str(order.id)
    values = (
        store_id, external_id, str(order.number), order.status, order.financial_status,
        order.fulfillment_status, db_money(order.total), order.currency,
        db_time(order.created_at), db_time(order.updated_at), db_time(order.shipped_at),
        customer.id, customer.email, email_key(customer.email), customer.name, customer.phone,
        order.billing_postcode, order.status_url, _tracking(order),
    )  # fmt: skip
    items = [
        (n, i.name, int(i.quantity), i.sku, db_money(i.price)) for n, i in enumerate(order.items)
    ]
    return _Prepared(external_id, values, row_digest((values, *items)), items)


def _tracking(order: Order) -> str:
    if not order.tracking:
        return _NO_TRACKING
    return json.dumps([{"number": t.number, "carrier": t.carrier, "url": t.url}
                       for t in order.tracking])  # fmt: skip


def product_values(store_id: int, product: Product) -> _Prepared:
    in_stock = None if product.in_stock is None else int(product.in_stock)
    values = (
        store_id, str(product.id), product.title, db_money(product.price), product.currency,
        product.sku, in_stock, product.inventory, product.url, db_time(product.updated_at),
    )  # fmt: skip
    return _Prepared(values[1], values, row_digest(values), [])


def write_orders(connection: Connection, store_id: int, orders: Sequence[Order]) -> PageOutcome:
    outcome = PageOutcome()
    prepared = _prepare(store_id, orders, order_values, outcome)
    cursor = driver_cursor(connection)
    stored = _stored(cursor, "orders", store_id, list(prepared))
    _link_customers(cursor, store_id, list(prepared.values()))
    changed: list[_Prepared] = []
    for external_id, item in prepared.items():
        before = stored.get(external_id)
        if before is not None and before == (item.digest, item.customer_id):
            outcome.unchanged += 1
        else:
            outcome.add("created" if before is None else "updated")
            changed.append(item)
    _write(connection, changed, stored, outcome, _order_writer(store_id, stored))
    return outcome


def write_products(
    connection: Connection, store_id: int, products: Sequence[Product]
) -> PageOutcome:
    outcome = PageOutcome()
    prepared = _prepare(store_id, products, product_values, outcome)
    stored = _stored(driver_cursor(connection), "products", store_id, list(prepared))
    changed: list[_Prepared] = []
    for external_id, item in prepared.items():
        before = stored.get(external_id)
        if before is not None and before[0] == item.digest:
            outcome.add("unchanged")
        else:
            outcome.add("created" if before is None else "updated")
            changed.append(item)
    _write(connection, changed, stored, outcome, _product_writer(stored))
    return outcome


def _prepare(
    store_id: int,
    records: Sequence[R],
    build: Callable[[int, R], _Prepared],
    outcome: PageOutcome,
) -> dict[str, _Prepared]:
    prepared: dict[str, _Prepared] = {}
    for record in records:
        try:
            item = build(store_id, record)
        except Exception as error:  # a record that cannot become a row is skipped
            reason = f"unreadable record ({type(error).__name__})"
            outcome.fail(str(getattr(record, "id", None)), reason)
            continue
        if item.external_id in prepared:
            outcome.add("unchanged")  # the same record twice in a page: the later one wins
        prepared[item.external_id] = item
    return prepared


def _write(
    connection: Connection,
    changed: list[_Prepared],
    stored: dict[str, tuple[str, int | None]],
    outcome: PageOutcome,
    upsert: Callable[[DBAPICursor, Sequence[_Prepared]], None],
) -> None:
    def write(conn: Connection, batch: Sequence[_Prepared]) -> None:
        upsert(driver_cursor(conn), batch)

    for item, reason in write_isolated(connection, changed, write):
        outcome.add("updated" if item.external_id in stored else "created", -1)
        outcome.fail(item.external_id, reason)


def _marks(count: int) -> str:
    return ",".join("?" * count)


def _stored(
    cursor: DBAPICursor, table: str, store_id: int, ids: list[str]
) -> dict[str, tuple[str, int | None]]:
    """(content hash, customer row id) of the rows already stored for these external ids."""
    link = "customer_id" if table == "orders" else "NULL"
    found: dict[str, tuple[str, int | None]] = {}
    for part in chunks(ids):
        cursor.execute(
            f"SELECT external_id, content_hash, {link} FROM {table} "
            f"WHERE store_id = ? AND external_id IN ({_marks(len(part))})",
            (store_id, *part),
        )
        for external_id, digest, customer_id in cursor.fetchall():
            found[external_id] = (digest, customer_id)
    return found


def _link_customers(cursor: DBAPICursor, store_id: int, items: list[_Prepared]) -> None:
    """Set each order's customer row id: by the customer's external id, else by email."""
    ids = sorted({i.values[_CUSTOMER_ID] for i in items} - {None})
    keys = sorted({i.values[_EMAIL_KEY] for i in items} - {None})
    by_id, by_email = _customer_rows(cursor, store_id, ids, keys)
    unresolved: set[str] = set()
    for item in items:
        wanted = item.values[_CUSTOMER_ID]
        item.customer_id = by_id.get(wanted) if wanted is not None else None
        if item.customer_id is None:
            item.customer_id = by_email.get(item.values[_EMAIL_KEY])
            if item.customer_id is None and wanted is not None:
                unresolved.add(wanted)
    if unresolved:
        merged = _merged_links(cursor, store_id, sorted(unresolved))
        for item in items:
            if item.customer_id is None and item.values[_CUSTOMER_ID] in merged:
                item.customer_id = merged[item.values[_CUSTOMER_ID]]


def _customer_rows(
    cursor: DBAPICursor, store_id: int, ids: list[str], keys: list[str]
) -> tuple[dict[str, int], dict[str, int]]:
    """Customer row ids by external id and by email key (the first row when several match).

    Two indexed lookups in one statement (an ``OR`` of the two would scan the store's rows).
    """
    by_id: dict[str, int] = {}
    by_email: dict[str, int] = {}
    for part_ids, part_keys in paired_chunks(ids, keys):
        cursor.execute(
            "SELECT id, 'id', external_id FROM customers "
            f"WHERE store_id = ? AND external_id IN ({_marks(len(part_ids))}) UNION ALL "
            "SELECT id, 'email', email_key FROM customers "
            f"WHERE store_id = ? AND email_key IN ({_marks(len(part_keys))}) ORDER BY 1",
            (store_id, *part_ids, store_id, *part_keys),
        )
        for row_id, kind, value in cursor.fetchall():
            (by_id if kind == "id" else by_email).setdefault(value, row_id)
    return by_id, by_email


def _merged_links(cursor: DBAPICursor, store_id: int, ids: list[str]) -> dict[str, int]:
    """Customer row ids for customer ids that were merged into another customer's row."""
    found: dict[str, int] = {}
    for part in chunks(ids):
        cursor.execute(
            "SELECT customers.id, merged.value FROM customers, json_each(customers.merged_ids) "
            "AS merged WHERE customers.store_id = ? AND customers.merged_ids != '[]' "
            f"AND merged.value IN ({_marks(len(part))})",
            (store_id, *part),
        )
        for row_id, value in cursor.fetchall():
            found[value] = row_id
    return found


@functools.cache
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_marks(len(columns))})"


@functools.cache
def _upsert_sql(table: str, columns: tuple[str, ...]) -> str:
    """``INSERT … ON CONFLICT (store_id, external_id) DO UPDATE SET …`` for these columns."""
    updates = ", ".join(
        f"{c} = excluded.{c}" for c in columns if c not in ("store_id", "external_id")
    )
    return (
        f"{_insert_sql(table, columns)} ON CONFLICT (store_id, external_id) DO UPDATE SET {updates}"
    )


def _save_rows(
    cursor: DBAPICursor,
    table: str,
    columns: tuple[str, ...],
    rows: Sequence[tuple[Any, ...]],
    known: Sequence[bool],
) -> None:
    """Insert the rows not stored yet, upsert the others (``known``, side by side).

    A plain INSERT costs SQLite half what an upsert does (with foreign keys on, each upsert
    statement keeps an undo journal), and on a first sync every row is new. The rows
    already stored were read in this transaction, so none can appear meanwhile.
    """
    new = [row for row, stored in zip(rows, known, strict=True) if not stored]
    old = [row for row, stored in zip(rows, known, strict=True) if stored]
    if new:
        cursor.executemany(_insert_sql(table, columns), new)
    if old:
        cursor.executemany(_upsert_sql(table, columns), old)


def _product_writer(
    stored: dict[str, tuple[str, int | None]],
) -> Callable[[DBAPICursor, Sequence[_Prepared]], None]:
    def upsert(cursor: DBAPICursor, batch: Sequence[_Prepared]) -> None:
        rows = [(*item.values, item.digest) for item in batch]
        known = [item.external_id in stored for item in batch]
        _save_rows(cursor, "products", (*PRODUCT_COLUMNS, "content_hash"), rows, known)

    return upsert


def _order_writer(
    store_id: int, stored: dict[str, tuple[str, int | None]]
) -> Callable[[DBAPICursor, Sequence[_Prepared]], None]:
    def upsert(cursor: DBAPICursor, batch: Sequence[_Prepared]) -> None:
        _upsert_orders(cursor, store_id, batch, stored)

    return upsert


def _upsert_orders(
    cursor: DBAPICursor,
    store_id: int,
    batch: Sequence[_Prepared],
    stored: dict[str, tuple[str, int | None]],
) -> None:
    """Upsert the orders, then replace their items (a new order has none to delete)."""
    rows = [(*item.values, item.digest, item.customer_id) for item in batch]
    was_stored = [item.external_id in stored for item in batch]
    _save_rows(cursor, "orders", (*ORDER_COLUMNS, "content_hash", "customer_id"), rows, was_stored)
    row_ids: dict[str, int] = {}
    for part in chunks([item.external_id for item in batch]):
        cursor.execute(
            "SELECT external_id, id FROM orders "
            f"WHERE store_id = ? AND external_id IN ({_marks(len(part))})",
            (store_id, *part),
        )
        row_ids.update(cursor.fetchall())
    known = [row_ids[item.external_id] for item in batch if item.external_id in stored]
    for id_part in chunks(known):
        cursor.execute(
            f"DELETE FROM order_items WHERE order_id IN ({_marks(len(id_part))})", id_part
        )
    items = [(row_ids[item.external_id], *line) for item in batch for line in item.items]
    if items:
        cursor.executemany(
            "INSERT INTO order_items (order_id, position, name, quantity, sku, price) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            items,
        )


__all__ = ["db_money", "db_time", "write_orders", "write_products"]
