"""Writing pages of synced orders and products: one upsert per page, unchanged rows skipped.

Each page costs a handful of statements whatever its size: one SELECT of the stored content
hashes, one executemany ``INSERT … ON CONFLICT DO UPDATE`` of the new or changed rows, and
for orders one SELECT of their row ids, one DELETE and one executemany INSERT of their items.
This is the hot path of a sync, so rows are converted once to the values SQLite stores (the
same text forms the SQLAlchemy column types write and read) and sent through the driver.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from core.records import Order, Product
from core.workspace.pagewrite import PageOutcome, chunks, content_hash, email_key, write_isolated


@dataclass(slots=True)
class _Prepared:
    external_id: str
    row: dict[str, Any]
    items: list[tuple[Any, ...]]


def db_time(moment: datetime | None) -> str | None:
    """A datetime as the workspace stores it: naive UTC text with microseconds."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(" ", "microseconds")


def db_money(amount: Decimal | None) -> str | None:
    return None if amount is None else format(amount, "f")


def order_values(store_id: int, order: Order) -> _Prepared:
    customer = order.customer
    tracking = [{"number": t.number, "carrier": t.carrier, "url": t.url} for t in order.tracking]
    row: dict[str, Any] = {
        "store_id": store_id,
        "external_id": str(order.id),
        "number": str(order.number),
        "status": order.status,
        "financial_status": order.financial_status,
        "fulfillment_status": order.fulfillment_status,
        "total": db_money(order.total),
        "currency": order.currency,
        "created_at": db_time(order.created_at),
        "updated_at": db_time(order.updated_at),
        "shipped_at": db_time(order.shipped_at),
        "customer_external_id": customer.id,
        "customer_email": customer.email,
        "email_key": email_key(customer.email),
        "customer_name": customer.name,
        "customer_phone": customer.phone,
        "billing_postcode": order.billing_postcode,
        "status_url": order.status_url,
        "tracking": json.dumps(tracking),
    }
    items = [
        (n, i.name, int(i.quantity), i.sku, db_money(i.price)) for n, i in enumerate(order.items)
    ]
    row["content_hash"] = content_hash(row, (v for item in items for v in item))
    return _Prepared(row["external_id"], row, items)


def product_values(store_id: int, product: Product) -> _Prepared:
    row: dict[str, Any] = {
        "store_id": store_id,
        "external_id": str(product.id),
        "title": product.title,
        "price": db_money(product.price),
        "currency": product.currency,
        "sku": product.sku,
        "in_stock": None if product.in_stock is None else int(product.in_stock),
        "inventory": product.inventory,
        "url": product.url,
        "updated_at": db_time(product.updated_at),
    }
    row["content_hash"] = content_hash(row)
    return _Prepared(row["external_id"], row, [])


def write_orders(connection: Connection, store_id: int, orders: Sequence[Order]) -> PageOutcome:
    outcome = PageOutcome()
    prepared = _prepare(store_id, orders, order_values, outcome)
    stored = _stored(connection, "orders", store_id, list(prepared))
    links = _customer_links(connection, store_id, [p.row for p in prepared.values()])
    changed: list[_Prepared] = []
    for external_id, item in prepared.items():
        item.row["customer_id"] = _link(item.row, links)
        before = stored.get(external_id)
        if before == (item.row["content_hash"], item.row["customer_id"]):
            outcome.add("unchanged")
        else:
            outcome.add("created" if before is None else "updated")
            changed.append(item)
    _write(connection, store_id, changed, stored, outcome, _upsert_orders)
    return outcome


def write_products(
    connection: Connection, store_id: int, products: Sequence[Product]
) -> PageOutcome:
    outcome = PageOutcome()
    prepared = _prepare(store_id, products, product_values, outcome)
    stored = _stored(connection, "products", store_id, list(prepared))
    changed: list[_Prepared] = []
    for external_id, item in prepared.items():
        before = stored.get(external_id)
        if before is not None and before[0] == item.row["content_hash"]:
            outcome.add("unchanged")
        else:
            outcome.add("created" if before is None else "updated")
            changed.append(item)
    _write(connection, store_id, changed, stored, outcome, _upsert_products)
    return outcome


def _prepare(
    store_id: int, records: Sequence[Any], build: Any, outcome: PageOutcome
) -> dict[str, _Prepared]:
    prepared: dict[str, _Prepared] = {}
    for record in records:
        try:
            item: _Prepared = build(store_id, record)
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
    store_id: int,
    changed: list[_Prepared],
    stored: dict[str, tuple[str, int | None]],
    outcome: PageOutcome,
    upsert: Any,
) -> None:
    def write(conn: Connection, batch: Sequence[_Prepared]) -> None:
        upsert(conn, store_id, batch)

    for item, reason in write_isolated(connection, changed, write):
        outcome.add("updated" if item.external_id in stored else "created", -1)
        outcome.fail(item.external_id, reason)


def _marks(count: int) -> str:
    return ",".join("?" * count)


def _stored(
    connection: Connection, table: str, store_id: int, ids: list[str]
) -> dict[str, tuple[str, int | None]]:
    """(content hash, customer row id) of the rows already stored for these external ids."""
    link = "customer_id" if table == "orders" else "NULL"
    found: dict[str, tuple[str, int | None]] = {}
    for part in chunks(ids):
        sql = (
            f"SELECT external_id, content_hash, {link} FROM {table} "
            f"WHERE store_id = ? AND external_id IN ({_marks(len(part))})"
        )
        for external_id, digest, customer_id in connection.exec_driver_sql(sql, (store_id, *part)):
            found[external_id] = (digest, customer_id)
    return found


def _customer_links(
    connection: Connection, store_id: int, rows: list[dict[str, Any]]
) -> dict[tuple[str, str], int]:
    """Customer row ids by ("id", external id) and ("email", email key) for a page's orders."""
    wanted = (
        ("id", "external_id", sorted({r["customer_external_id"] for r in rows} - {None})),
        ("email", "email_key", sorted({r["email_key"] for r in rows} - {None})),
    )
    links: dict[tuple[str, str], int] = {}
    for kind, column, values in wanted:
        for part in chunks(values):
            sql = (
                f"SELECT id, {column} FROM customers "
                f"WHERE store_id = ? AND {column} IN ({_marks(len(part))})"
            )
            for row_id, value in connection.exec_driver_sql(sql, (store_id, *part)):
                links.setdefault((kind, value), row_id)
    unresolved = {r["customer_external_id"] for r in rows if _link(r, links) is None} - {None}
    if unresolved:
        links.update(_merged_links(connection, store_id, sorted(unresolved)))
    return links


def _merged_links(
    connection: Connection, store_id: int, ids: list[str]
) -> dict[tuple[str, str], int]:
    """Links for customer ids that were merged into another customer's row."""
    found: dict[tuple[str, str], int] = {}
    for part in chunks(ids):
        sql = (
            "SELECT customers.id, merged.value FROM customers, json_each(customers.merged_ids) "
            "AS merged WHERE customers.store_id = ? AND customers.merged_ids != '[]' "
            f"AND merged.value IN ({_marks(len(part))})"
        )
        for row_id, value in connection.exec_driver_sql(sql, (store_id, *part)):
            found[("id", value)] = row_id
    return found


def _link(row: dict[str, Any], links: dict[tuple[str, str], int]) -> int | None:
    by_id = links.get(("id", row["customer_external_id"] or ""))
    return by_id if by_id is not None else links.get(("email", row["email_key"] or ""))


@functools.cache
def _upsert_sql(table: str, columns: tuple[str, ...]) -> str:
    """``INSERT … ON CONFLICT (store_id, external_id) DO UPDATE SET …`` for these columns."""
    updates = ", ".join(
        f"{c} = excluded.{c}" for c in columns if c not in ("store_id", "external_id")
    )
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_marks(len(columns))}) "
        f"ON CONFLICT (store_id, external_id) DO UPDATE SET {updates}"
    )


def _upsert(connection: Connection, table: str, batch: Sequence[_Prepared]) -> None:
    columns = tuple(batch[0].row)
    params = [tuple(item.row.values()) for item in batch]
    connection.exec_driver_sql(_upsert_sql(table, columns), params)


def _upsert_products(connection: Connection, store_id: int, batch: Sequence[_Prepared]) -> None:
    _upsert(connection, "products", batch)


def _upsert_orders(connection: Connection, store_id: int, batch: Sequence[_Prepared]) -> None:
    _upsert(connection, "orders", batch)
    row_ids: dict[str, int] = {}
    for part in chunks([item.external_id for item in batch]):
        sql = (
            "SELECT external_id, id FROM orders "
            f"WHERE store_id = ? AND external_id IN ({_marks(len(part))})"
        )
        row_ids.update(connection.exec_driver_sql(sql, (store_id, *part)).all())
    for id_part in chunks(list(row_ids.values())):
        sql = f"DELETE FROM order_items WHERE order_id IN ({_marks(len(id_part))})"
        connection.exec_driver_sql(sql, tuple(id_part))
    items = [(row_ids[item.external_id], *line) for item in batch for line in item.items]
    if items:
        connection.exec_driver_sql(
            "INSERT INTO order_items (order_id, position, name, quantity, sku, price) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            items,
        )


__all__ = ["db_money", "db_time", "write_orders", "write_products"]
