"""The merchant's own MySQL/MariaDB, PostgreSQL or SQLite database, read-only.

settings: ``mapping_toml`` (see ``connectors.sql.mapping``); secrets: ``url`` (the database
URL, which may hold a password: only ever shown with the password hidden).

Queries run on SQLAlchemy's synchronous engine in a worker thread (``asyncio.to_thread``).
Change streams page by keyset on (updated_at, id), 500 rows a page, from the cursor's own
instant (included); rows whose ``updated_at`` is empty are read, by id, on every sync.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from connectors.base import ConnectorContext, Page, StoreInfo, StreamKind
from connectors.errors import BadResponseError, ConfigError
from connectors.retry import with_retry
from connectors.sql.client import CURSOR, KEY, SqlClient
from connectors.sql.errors import ValueMismatchError
from connectors.sql.mapping import Entity, SqlMapping, check_schema, load_mapping
from connectors.sql.queries import Built, Queries
from core.orders import clean_order_number, order_number_digits, same_order_number
from core.records import Customer, Order, Product

__all__ = ["SqlConnector", "create"]

PLATFORM = "sql"
T = TypeVar("T")
R = TypeVar("R", Customer, Order, Product)


def create(
    settings: Mapping[str, Any], secrets: Mapping[str, str], context: ConnectorContext
) -> SqlConnector:
    url = secrets.get("url") or ""  # only from the vault: it can hold a password
    if not url:
        raise ConfigError(
            PLATFORM,
            "The database address is missing.",
            hint="Paste the database URL, such as postgresql://user:password@host/shop.",
        )
    mapping = load_mapping(str(settings.get("mapping_toml") or ""))
    return SqlConnector(SqlClient(str(url)), mapping, context)


class SqlConnector:
    platform = PLATFORM
    page_size = 500

    def __init__(self, client: SqlClient, mapping: SqlMapping, context: ConnectorContext) -> None:
        self._client = client
        self._mapping = mapping
        self._queries = Queries(client, mapping)
        self._context = context

    def __repr__(self) -> str:
        return f"SqlConnector({self._client.display_url!r})"

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking database work in a worker thread, retrying transient failures."""
        return await with_retry(lambda: asyncio.to_thread(fn, *args), self._context.retry)

    async def test(self) -> StoreInfo:
        version = await self._call(self._client.server_version)
        found = await self._call(self._client.columns_of, self._mapping.entities())
        check_schema(self._mapping, found, exact=self._client.backend == "postgresql")
        warnings = tuple(
            f"[{e.name}] has no updated_at column: every sync reads the whole table."
            for e in self._mapping.entities()
            if e.name in ("customers", "orders", "products") and "updated_at" not in e.columns
        )
        return StoreInfo(
            name=self._client.database,
            platform=PLATFORM,
            currency=self._mapping.orders.currency,
            version=version,
            url=self._client.display_url,
            warnings=warnings,
        )

    async def get_order(self, number: str) -> Order | None:
        wanted = clean_order_number(number)
        digits = order_number_digits(wanted)
        for candidate in dict.fromkeys(c for c in (wanted, digits) if c):
            try:
                orders = await self._lookup(
                    self._queries.load_orders, self._queries.order_by_number(candidate)
                )
            except ValueMismatchError:
                continue  # the number does not fit the column's type (text vs integer)
            exact = [o for o in orders if same_order_number(o.number, candidate)]
            if exact:  # MySQL would match '1001abc' to 1001: only the same number counts
                return exact[0]
        return None

    async def find_orders(
        self,
        *,
        email: str | None = None,
        phone: str | None = None,
        customer_id: str | None = None,
        limit: int = 20,
    ) -> list[Order]:
        # a few spare rows, so orders that cannot be read (logged, left out) leave no gap
        stmt = self._queries.find_orders(email, phone, customer_id, limit + 5)
        if stmt is None:
            return []
        orders, _errors = await self._call(self._queries.load_orders, stmt)
        return orders[:limit]

    async def get_customer(
        self, *, email: str | None = None, phone: str | None = None, id: str | None = None
    ) -> Customer | None:
        stmt = self._queries.customer(email=email, phone=phone, id=id)
        if stmt is None:
            return None
        found = await self._lookup(self._queries.load_customers, stmt)
        return found[0] if found else None

    async def search_products(self, text: str, *, limit: int = 10) -> list[Product]:
        stmt = self._queries.search_products(text, limit)
        if stmt is None:
            return []
        products, _errors = await self._call(self._queries.load_products, stmt)
        return products

    async def _lookup(self, load: Callable[[Any], Built[R]], stmt: Any) -> list[R]:
        """A lookup whose row cannot be read says which column is wrong."""
        records, errors = await self._call(load, stmt)
        if errors and not records:
            raise BadResponseError(
                PLATFORM,
                f"A record in the database could not be read: {errors[0].message}",
                hint="Check that column's mapping and type.",
            )
        return records

    # --- change streams ------------------------------------------------------------------
    def changed_customers(self, since: datetime | None) -> AsyncIterator[Page[Customer]]:
        return self._stream(self._mapping.customers, since, self._queries.customers_from_rows)

    def changed_orders(self, since: datetime | None) -> AsyncIterator[Page[Order]]:
        return self._stream(self._mapping.orders, since, self._queries.orders_from_rows)

    def changed_products(self, since: datetime | None) -> AsyncIterator[Page[Product]]:
        return self._stream(self._mapping.products, since, self._queries.products_from_rows)

    async def _stream(
        self, entity: Entity | None, since: datetime | None, build: Callable[[Any], Built[R]]
    ) -> AsyncIterator[Page[R]]:
        if entity is None:
            return
        total = int(await self._call(self._client.scalar, self._queries.count(entity, since)))
        after: tuple[Any, Any] | None = None
        while True:
            stmt = self._queries.page(entity, since, after, self.page_size)
            rows = await self._call(self._client.rows, stmt)
            records, errors = await self._call(build, rows)
            yield Page(tuple(records), total=total, errors=tuple(errors))
            if len(rows) < self.page_size:
                break
            after = (rows[-1].get(CURSOR), rows[-1][KEY])
        last: Any | None = None
        while (undated := self._queries.undated_page(entity, last, self.page_size)) is not None:
            rows = await self._call(self._client.rows, undated)
            if rows:
                records, errors = await self._call(build, rows)
                yield Page(tuple(records), total=total, errors=tuple(errors))
            if len(rows) < self.page_size:
                return
            last = rows[-1][KEY]

    async def count(self, stream: StreamKind) -> int | None:
        """``COUNT(*)`` of the stream's table."""
        entity = {
            "customers": self._mapping.customers,
            "orders": self._mapping.orders,
            "products": self._mapping.products,
        }[stream]
        if entity is None:
            return None
        return int(await self._call(self._client.scalar, self._queries.count(entity)))

    async def aclose(self) -> None:
        await asyncio.to_thread(self._client.dispose)
