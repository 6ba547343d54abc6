"""The statements the SQL connector runs, and rows → records (synchronous: run in a thread).

Orders are read with one query for the order rows, then one each for their items, their
tracking rows and their customers (``IN`` over the page's ids): no N+1, no joins whose
column names could collide.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement, Select

from connectors.base import RecordError, read_each
from connectors.mapping_file import FieldProblem
from connectors.sql.client import CURSOR, KEY, Row, SqlClient, matches_text, rows_by, untyped
from connectors.sql.mapping import Entity, SqlMapping, to_customer, to_order, to_product
from core.records import Customer, Order, Product

log = logging.getLogger(__name__)
R = TypeVar("R", Customer, Order, Product)
Built = tuple[list[R], list[RecordError]]


class Queries:
    def __init__(self, client: SqlClient, mapping: SqlMapping) -> None:
        self.client = client
        self.mapping = mapping

    def _col(self, entity: Entity, field: str) -> ColumnElement[Any]:
        column = self.client.col(entity, field)
        assert column is not None, f"{entity.name}.{field} is required by the mapping"
        return column

    # --- orders ---------------------------------------------------------------------------
    def order_by_number(self, number: str) -> Select[Any]:
        orders = self.mapping.orders
        column = self.client.col(orders, "number")
        column = self._col(orders, "id") if column is None else column
        return sa.select(self.client.table(orders)).where(column == untyped(number)).limit(2)

    def find_orders(
        self, email: str | None, phone: str | None, customer_id: str | None, limit: int
    ) -> Select[Any] | None:
        orders = self.mapping.orders
        conditions = self._order_conditions(email, phone, customer_id)
        if not conditions:
            return None
        newest = (self._col(orders, "created_at").desc(), self._col(orders, "id").desc())
        stmt = sa.select(self.client.table(orders)).where(sa.or_(*conditions))
        return stmt.order_by(*newest).limit(limit)

    def _order_conditions(
        self, email: str | None, phone: str | None, customer_id: str | None
    ) -> list[ColumnElement[bool]]:
        orders, client = self.mapping.orders, self.client
        found: list[ColumnElement[bool]] = []
        owner = client.col(orders, "customer_id")
        for field, value in (("email", email), ("phone", phone)):
            if not value:
                continue
            own = client.col(orders, field)
            if own is not None:
                found.append(matches_text(own, value) if field == "email" else own == value)
            ids = self._customer_ids(field, value)
            if owner is not None and ids is not None:
                found.append(owner.in_(ids))
        if customer_id and owner is not None:
            found.append(owner == untyped(customer_id))
        return found

    def _customer_ids(self, field: str, value: str) -> Select[Any] | None:
        stmt = self.customer(**{field: value})
        customers = self.mapping.customers
        if stmt is None or customers is None:
            return None
        return stmt.with_only_columns(self._col(customers, "id")).order_by(None).limit(None)

    def load_orders(self, stmt: Select[Any]) -> Built[Order]:
        rows = self.client.rows(stmt)
        return self.orders_from_rows(rows)

    def orders_from_rows(self, rows: Sequence[Row]) -> Built[Order]:
        orders = self.mapping.orders
        id_name = orders.column("id") or "id"
        ids = [row[id_name] for row in rows]
        items = self._children(self.mapping.order_items, ids)
        tracking = self._children(self.mapping.tracking, ids)
        customers = self._customers_of(rows)
        owner = orders.column("customer_id")

        def build(row: Row) -> Order:
            key = str(row[id_name])
            customer = customers.get(str(row.get(owner))) if owner else None
            return to_order(
                self.mapping,
                row,
                items=items.get(key, []),
                tracking=tracking.get(key, []),
                customer=customer,
            )

        return build_all(rows, id_name, build)

    def _children(self, entity: Entity | None, ids: list[Any]) -> dict[str, list[Row]]:
        if entity is None or not ids:
            return {}
        parent = self._col(entity, "order_id")
        stmt = sa.select(self.client.table(entity)).where(parent.in_(ids))
        order = [c for c in (self.client.col(entity, "id"),) if c is not None]
        rows = self.client.rows(stmt.order_by(*order) if order else stmt)
        name = entity.column("order_id") or "order_id"
        return {str(k): v for k, v in rows_by(rows, name).items()}

    def _customers_of(self, rows: Sequence[Row]) -> dict[str, Row]:
        customers, owner = self.mapping.customers, self.mapping.orders.column("customer_id")
        if customers is None or owner is None:
            return {}
        ids = sorted({row[owner] for row in rows if row.get(owner) is not None}, key=str)
        if not ids:
            return {}
        stmt = sa.select(self.client.table(customers)).where(self._col(customers, "id").in_(ids))
        id_name = customers.column("id") or "id"
        return {str(row[id_name]): row for row in self.client.rows(stmt)}

    # --- customers and products ------------------------------------------------------------
    def customer(
        self, *, email: str | None = None, phone: str | None = None, id: str | None = None
    ) -> Select[Any] | None:
        customers = self.mapping.customers
        if customers is None:
            return None
        column: ColumnElement[Any] | None
        if id:
            condition = self._col(customers, "id") == untyped(id)
        elif email and (column := self.client.col(customers, "email")) is not None:
            condition = matches_text(column, email)
        elif phone and (column := self.client.col(customers, "phone")) is not None:
            condition = column == phone
        else:
            return None
        key = self._col(customers, "id")
        return sa.select(self.client.table(customers)).where(condition).order_by(key).limit(1)

    def search_products(self, text: str, limit: int) -> Select[Any] | None:
        products = self.mapping.products
        needle = text.strip().lower()
        if products is None or not needle:
            return None
        pattern = "%" + needle.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"
        title = self._col(products, "title")
        conditions: list[ColumnElement[bool]] = [sa.func.lower(title).like(pattern, escape="!")]
        sku = self.client.col(products, "sku")
        if sku is not None:
            conditions.append(matches_text(sku, needle))
        stmt = sa.select(self.client.table(products)).where(sa.or_(*conditions))
        return stmt.order_by(title, self._col(products, "id")).limit(limit)

    def load_customers(self, stmt: Select[Any]) -> Built[Customer]:
        return self.customers_from_rows(self.client.rows(stmt))

    def customers_from_rows(self, rows: Sequence[Row]) -> Built[Customer]:
        assert self.mapping.customers is not None
        id_name = self.mapping.customers.column("id") or "id"
        return build_all(rows, id_name, lambda row: to_customer(self.mapping, row))

    def load_products(self, stmt: Select[Any]) -> Built[Product]:
        return self.products_from_rows(self.client.rows(stmt))

    def products_from_rows(self, rows: Sequence[Row]) -> Built[Product]:
        assert self.mapping.products is not None
        id_name = self.mapping.products.column("id") or "id"
        return build_all(rows, id_name, lambda row: to_product(self.mapping, row))

    # --- change streams ------------------------------------------------------------------
    def page(
        self, entity: Entity, since: datetime | None, after: tuple[Any, Any] | None, size: int
    ) -> Select[Any]:
        """One keyset page: rows changed at or after ``since``, ordered by (updated_at, id)."""
        key, stamp = self._col(entity, "id"), self.client.col(entity, "updated_at")
        stmt = sa.select(self.client.table(entity), key.label(KEY))
        if stamp is None:
            if after is not None:
                stmt = stmt.where(key > untyped(after[1]))
            return stmt.order_by(key).limit(size)
        cursor = self.client.cursor_expr(stamp)
        stmt = stmt.add_columns(cursor.label(CURSOR)).where(*self._changed(entity, since))
        if after is not None:
            last, last_key = untyped(after[0]), untyped(after[1])
            stmt = stmt.where(sa.or_(cursor > last, sa.and_(cursor == last, key > last_key)))
        return stmt.order_by(cursor, key).limit(size)

    def undated_page(self, entity: Entity, after: Any | None, size: int) -> Select[Any] | None:
        """One page, by id, of the rows whose updated_at is empty (read on every sync: no
        cursor can tell whether they changed); ``None`` when the table has no such column."""
        key, stamp = self._col(entity, "id"), self.client.col(entity, "updated_at")
        if stamp is None:
            return None
        stmt = sa.select(self.client.table(entity), key.label(KEY)).where(stamp.is_(None))
        if after is not None:
            stmt = stmt.where(key > untyped(after))
        return stmt.order_by(key).limit(size)

    def count(self, entity: Entity, since: datetime | None = None) -> Select[Any]:
        """The rows a sync from ``since`` reads (every row when ``since`` is ``None``)."""
        stmt = sa.select(sa.func.count()).select_from(self.client.table(entity))
        stamp = self.client.col(entity, "updated_at")
        if since is None or stamp is None:
            return stmt
        return stmt.where(sa.or_(stamp.is_(None), *self._changed(entity, since)[1:]))

    def _changed(self, entity: Entity, since: datetime | None) -> list[ColumnElement[bool]]:
        """Dated rows changed at or after ``since``: a row saved in the cursor's own instant
        after the last sync read it is read then, not passed over (upserts repeat safely)."""
        stamp = self.client.col(entity, "updated_at")
        if stamp is None:
            return []
        found: list[ColumnElement[bool]] = [stamp.is_not(None)]
        if since is not None:
            found.append(self.client.cursor_expr(stamp) >= untyped(self.client.cursor_value(since)))
        return found


def build_all(rows: Sequence[Row], id_name: str, build: Callable[[Row], R]) -> Built[R]:
    """Map every row; a row that cannot be read becomes a ``RecordError``, not a failure."""

    def skipped(external: str | None, problem: Exception) -> None:
        log.warning("sql: record %s skipped: %s", external, problem)

    return read_each(
        rows,
        build,
        unreadable=FieldProblem,
        external_id=lambda row: None if row.get(id_name) is None else str(row.get(id_name)),
        message=lambda problem: f"{problem}.",
        on_skip=skipped,
    )
