"""Browsing a store's synced orders and customers a page at a time: count, then pages.

The console's lazy table models ask for a row count and then only the pages the screen
shows. Two ways to read a page, chosen by the ordering (measured on 100,000 orders):

- an ordering an existing index serves (orders by last update, anything by email) reads by
  ``LIMIT … OFFSET``: SQLite steps through index entries without reading skipped rows
  (~5 ms in the middle). A page in the far half is read from the other end with a small
  OFFSET and turned round, so "jump to the last row" costs what the first page costs.
- any other ordering, and any search, first takes the ordered row ids once (one scan and
  sort, ~150-250 ms for 100,000 orders, kept for the next pages) and then reads each page
  by id (<1 ms). OFFSET there would sort the whole table again for every page (~130-340 ms
  a page in the middle: the table would stutter while scrolling).

Search is a case-insensitive match on the order number (prefix), email, name or phone.
Every ordering ends with the row id, so pages never overlap or skip a row.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Table, cast, func, or_, select
from sqlalchemy.types import Float

from core.workspace.database import Workspace
from core.workspace.models import CustomerRow, OrderRow

ORDERS: Table = OrderRow.__table__  # type: ignore[assignment]
CUSTOMERS: Table = CustomerRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One synced order as the Orders browser lists it."""

    id: int
    number: str
    created_at: datetime
    updated_at: datetime
    status: str
    customer_name: str | None
    customer_email: str | None
    total: Decimal
    currency: str
    customer_id: int | None


@dataclass(frozen=True, slots=True)
class CustomerLine:
    """One synced customer as the Customers browser lists it."""

    id: int
    name: str | None
    email: str | None
    phone: str | None
    total_orders: int | None
    lifetime_value: Decimal | None
    currency: str | None
    created_at: datetime | None


SortKeys = Callable[[], Sequence[ColumnElement[Any]]]


@dataclass(frozen=True, slots=True)
class _Listing:
    table: Table
    columns: Sequence[Any]
    sorts: dict[str, SortKeys]
    indexed: frozenset[str]  # orderings an index serves: paged by OFFSET
    default_sort: str
    search: Callable[[str], ColumnElement[bool]]


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    return column.like(f"%{_like(text)}%", escape="\\")  # type: ignore[no-any-return]


def _order_search(text: str) -> ColumnElement[bool]:
    number = text.lstrip("#").strip() or text
    return or_(
        ORDERS.c.number.like(f"{_like(number)}%", escape="\\"),
        _contains(ORDERS.c.customer_email, text),
        _contains(ORDERS.c.customer_name, text),
        _contains(ORDERS.c.customer_phone, text),
    )


def _customer_search(text: str) -> ColumnElement[bool]:
    return or_(
        _contains(CUSTOMERS.c.email, text),
        _contains(CUSTOMERS.c.name, text),
        _contains(CUSTOMERS.c.phone, text),
    )


_ORDERS = _Listing(
    table=ORDERS,
    columns=[getattr(ORDERS.c, name) for name in OrderLine.__slots__],
    sorts={
        # numeric order numbers sort as numbers: shorter first, then by text
        "number": lambda: (func.length(ORDERS.c.number), ORDERS.c.number),
        "placed": lambda: (ORDERS.c.created_at,),
        "updated": lambda: (ORDERS.c.updated_at,),  # ix_orders_store_updated
        "status": lambda: (ORDERS.c.status,),
        "customer": lambda: (func.lower(ORDERS.c.customer_name),),
        "email": lambda: (ORDERS.c.email_key,),  # ix_orders_store_email
        "total": lambda: (cast(ORDERS.c.total, Float),),
    },
    indexed=frozenset({"updated", "email"}),
    default_sort="updated",
    search=_order_search,
)

_CUSTOMERS = _Listing(
    table=CUSTOMERS,
    columns=[getattr(CUSTOMERS.c, name) for name in CustomerLine.__slots__],
    sorts={
        "name": lambda: (func.lower(CUSTOMERS.c.name),),
        "email": lambda: (CUSTOMERS.c.email_key,),  # ix_customers_store_email
        "phone": lambda: (CUSTOMERS.c.phone,),
        "orders": lambda: (CUSTOMERS.c.total_orders,),
        "spent": lambda: (cast(CUSTOMERS.c.lifetime_value, Float),),
        "since": lambda: (CUSTOMERS.c.created_at,),
    },
    indexed=frozenset({"email"}),
    default_sort="name",
    search=_customer_search,
)

_Order = tuple[str, str, bool]  # search, sort, descending


class _Browser:
    """Count and page one listing of one store (optionally narrowed by extra conditions)."""

    def __init__(
        self, workspace: Workspace, listing: _Listing, where: Sequence[ColumnElement[bool]]
    ) -> None:
        self._workspace = workspace
        self._listing = listing
        self._where = list(where)
        self._ids: dict[_Order, array[int]] = {}  # ordered row ids, the latest two orderings

    @property
    def sorts(self) -> tuple[str, ...]:
        return tuple(self._listing.sorts)

    @property
    def default_sort(self) -> str:
        return self._listing.default_sort

    def forget(self) -> None:
        """Drop the row ids kept from earlier pages (call after the rows changed)."""
        self._ids.clear()

    def count(self, search: str = "") -> int:
        if search.strip():
            return len(self._ordered_ids((search.strip(), self.default_sort, False)))
        query = select(func.count()).select_from(self._listing.table).where(*self._where)
        with self._workspace.engine.connect() as connection:
            return int(connection.scalar(query) or 0)

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
        """Rows ``offset`` to ``offset + limit`` of the listing in this order.

        ``total`` (the count the caller already has) lets a far page be read from the end.
        """
        if limit <= 0 or offset < 0:
            return []
        sort = sort if sort in self._listing.sorts else self.default_sort
        search = search.strip()
        if search or sort not in self._listing.indexed:
            ids = self._ordered_ids((search, sort, descending))[offset : offset + limit]
            return self._by_ids(list(ids))
        reverse = total is not None and offset > total // 2
        if not reverse:
            return self._by_offset(offset, limit, sort, descending)
        assert total is not None
        end = min(total, offset + limit)
        if end <= offset:
            return []
        return self._by_offset(total - end, end - offset, sort, not descending)[::-1]

    def _ordering(self, sort: str, descending: bool) -> list[Any]:
        keys = [*self._listing.sorts[sort](), self._listing.table.c.id]
        return [key.desc() if descending else key.asc() for key in keys]

    def _conditions(self, search: str) -> list[ColumnElement[bool]]:
        return self._where + ([self._listing.search(search)] if search else [])

    def _by_offset(self, offset: int, limit: int, sort: str, descending: bool) -> list[Any]:
        query = (
            select(*self._listing.columns)
            .where(*self._where)
            .order_by(*self._ordering(sort, descending))
            .limit(limit)
            .offset(offset)
        )
        with self._workspace.engine.connect() as connection:
            return [self._record(row) for row in connection.execute(query)]

    def _ordered_ids(self, order: _Order) -> array[int]:
        ids = self._ids.get(order)
        if ids is None:
            search, sort, descending = order
            table = self._listing.table
            query = (
                select(table.c.id)
                .where(*self._conditions(search))
                .order_by(*self._ordering(sort, descending))
            )
            with self._workspace.engine.connect() as connection:
                ids = array("q", connection.execute(query).scalars())
            if len(self._ids) >= 2:
                self._ids.pop(next(iter(self._ids)))
        self._ids[order] = self._ids.pop(order, ids)  # the latest goes last
        return ids

    def _by_ids(self, ids: list[int]) -> list[Any]:
        if not ids:
            return []
        table = self._listing.table
        query = select(*self._listing.columns).where(table.c.id.in_(ids))
        with self._workspace.engine.connect() as connection:
            found = {row.id: self._record(row) for row in connection.execute(query)}
        return [found[i] for i in ids if i in found]

    def _record(self, row: Any) -> Any:
        raise NotImplementedError


class OrderBrowser(_Browser):
    """The synced orders of one store (or of one customer of it)."""

    def __init__(
        self, workspace: Workspace, store_id: int, *, customer_id: int | None = None
    ) -> None:
        where = [ORDERS.c.store_id == store_id]
        if customer_id is not None:
            where.append(ORDERS.c.customer_id == customer_id)
        super().__init__(workspace, _ORDERS, where)

    def _record(self, row: Any) -> OrderLine:
        return OrderLine(*row)


class CustomerBrowser(_Browser):
    """The synced customers of one store."""

    def __init__(self, workspace: Workspace, store_id: int) -> None:
        super().__init__(workspace, _CUSTOMERS, [CUSTOMERS.c.store_id == store_id])

    def _record(self, row: Any) -> CustomerLine:
        return CustomerLine(*row)
