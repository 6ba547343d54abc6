"""The merchant's own HTTP API, described by a TOML mapping (see ``connectors.rest.mapping``).

settings: ``url`` (the API's base address) and ``mapping_toml``; secrets: ``key`` (the API
key or bearer token; never logged or shown).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx

from connectors.base import (
    ConnectorContext,
    Page,
    RecordError,
    StoreInfo,
    StreamKind,
    read_each,
)
from connectors.errors import ConfigError
from connectors.http import check_base_url, make_client
from connectors.mapping_file import FieldProblem, as_int, as_text
from connectors.rest.client import RestClient
from connectors.rest.errors import PLATFORM, unreadable
from connectors.rest.mapping import (
    RestMapping,
    Shape,
    dig,
    load_mapping,
    records_at,
    to_customer,
    to_order,
    to_product,
)
from connectors.retry import with_retry
from core.orders import clean_order_number, same_order_number
from core.records import Customer, Order, Product
from core.serialize import utc_iso

__all__ = ["RestConnector", "create"]

log = logging.getLogger(__name__)
SECOND = timedelta(seconds=1)
R = TypeVar("R", Customer, Order, Product)
Build = Callable[[Shape, Mapping[str, Any]], R]


def create(
    settings: Mapping[str, Any], secrets: Mapping[str, str], context: ConnectorContext
) -> RestConnector:
    mapping = load_mapping(str(settings.get("mapping_toml") or ""))
    if mapping.auth != "none" and not secrets.get("key"):
        raise ConfigError(PLATFORM, "The API key is missing.", hint="Paste the API key or token.")
    base_url = check_base_url(PLATFORM, str(settings.get("url") or ""), label="API address")
    own = context.http is None
    http = context.http or make_client()
    client = RestClient(base_url, mapping, secrets.get("key", ""), http)
    return RestConnector(client, mapping, context, http if own else None)


class RestConnector:
    platform = PLATFORM

    def __init__(
        self,
        client: RestClient,
        mapping: RestMapping,
        context: ConnectorContext,
        owned_http: httpx.AsyncClient | None = None,
    ) -> None:
        self._client = client
        self._mapping = mapping
        self._context = context
        self._owned_http = owned_http

    def __repr__(self) -> str:
        return f"RestConnector({self._client.base_url!r})"

    async def _get(self, endpoint: str, **values: str) -> Any | None:
        return await with_retry(lambda: self._client.get(endpoint, **values), self._context.retry)

    async def test(self) -> StoreInfo:
        probes = [("test", {}), ("order_by_number", {"number": "0"})]
        probes.append(("customer_by_email", {"email": "storedesk-test@example.com"}))
        for endpoint, values in probes:
            if self._client.has(endpoint):
                await self._get(endpoint, **values)  # 404 is fine: the key was accepted
                break
        else:
            raise ConfigError(
                PLATFORM,
                "The mapping has no endpoint to test.",
                hint="Add order_by_number under [endpoints].",
            )
        host = httpx.URL(self._client.base_url).host
        currency = self._mapping.orders.currency if self._mapping.orders else None
        return StoreInfo(name=host, platform=PLATFORM, currency=currency, url=self._client.base_url)

    # --- lookups --------------------------------------------------------------------------
    async def get_order(self, number: str) -> Order | None:
        wanted = clean_order_number(number)
        shape = self._mapping.orders
        if not wanted or shape is None or not self._client.has("order_by_number"):
            return None
        orders = self._read(shape, await self._get("order_by_number", number=wanted), to_order)
        exact = [o for o in orders if same_order_number(o.number, wanted)]
        return exact[0] if exact else (orders[0] if len(orders) == 1 else None)

    async def get_customer(
        self, *, email: str | None = None, phone: str | None = None, id: str | None = None
    ) -> Customer | None:
        shape = self._mapping.customers
        for endpoint, key, value in (
            ("customer_by_id", "id", id),
            ("customer_by_email", "email", email),
            ("customer_by_phone", "phone", phone),
        ):
            if value and shape is not None and self._client.has(endpoint):
                found = self._read(
                    shape, await self._get(endpoint, **{key: value.strip()}), to_customer
                )
                return found[0] if found else None
        return None

    async def find_orders(
        self,
        *,
        email: str | None = None,
        phone: str | None = None,
        customer_id: str | None = None,
        limit: int = 20,
    ) -> list[Order]:
        shape = self._mapping.orders
        if shape is None:
            return []
        body = await self._orders_body(email, phone, customer_id)
        orders = self._read(shape, body, to_order, strict=False)
        orders.sort(key=lambda o: o.created_at, reverse=True)
        return orders[:limit]

    async def _orders_body(
        self, email: str | None, phone: str | None, customer_id: str | None
    ) -> Any:
        if customer_id and self._client.has("orders_by_customer"):
            return await self._get("orders_by_customer", id=customer_id)
        for endpoint, key, value in (
            ("orders_by_email", "email", email),
            ("orders_by_phone", "phone", phone),
        ):
            if value and self._client.has(endpoint):
                return await self._get(endpoint, **{key: value.strip()})
        if (email or phone) and self._client.has("orders_by_customer"):
            customer = await self.get_customer(email=email, phone=phone)
            if customer is not None:
                return await self._get("orders_by_customer", id=customer.id)
        return None

    async def search_products(self, text: str, *, limit: int = 10) -> list[Product]:
        shape = self._mapping.products
        if shape is None or not text.strip() or not self._client.has("products_search"):
            return []
        body = await self._get("products_search", text=text.strip())
        return self._read(shape, body, to_product, strict=False)[:limit]

    def _read(self, shape: Shape, body: Any, build: Build[R], *, strict: bool = True) -> list[R]:
        """Records from a lookup's reply; a bad one is an error (``strict``) or is skipped."""
        records, errors = _build_all(shape, body, build)
        if errors and strict:
            raise unreadable(shape.name[:-1], errors[0].message)
        for error in errors:
            log.warning("rest: %s %s skipped: %s", shape.name, error.external_id, error.message)
        return records

    # --- change streams -----------------------------------------------------------------
    def changed_customers(self, since: datetime | None) -> AsyncIterator[Page[Customer]]:
        return self._stream("customers_changed", self._mapping.customers, since, to_customer)

    def changed_orders(self, since: datetime | None) -> AsyncIterator[Page[Order]]:
        return self._stream("orders_changed", self._mapping.orders, since, to_order)

    def changed_products(self, since: datetime | None) -> AsyncIterator[Page[Product]]:
        return self._stream("products_changed", self._mapping.products, since, to_product)

    async def _stream(
        self, endpoint: str, shape: Shape | None, since: datetime | None, build: Build[R]
    ) -> AsyncIterator[Page[R]]:
        """The API's own pages. Their order is the API's (not promised oldest change first),
        so the pages say ``ordered=False`` and the cursor only moves once all were read; the
        cursor's own second is asked for again, for APIs that compare ``since`` strictly."""
        if shape is None or not self._client.has(endpoint):
            return
        since_text = utc_iso(since.replace(microsecond=0) - SECOND) if since else ""
        cursor = ""
        while True:
            body = await self._get(endpoint, since=since_text, cursor=cursor)
            records, errors = _build_all(shape, body, build)
            total = self._total(body)
            yield Page(tuple(records), total=total, errors=tuple(errors), ordered=False)
            cursor = (
                _as_cursor(dig(body, self._mapping.next_cursor))
                if self._mapping.next_cursor
                else ""
            )
            if not cursor or not (records or errors):
                return

    async def count(self, stream: StreamKind) -> int | None:
        """The total the API gives for the whole stream (``[paging] total``), if it does."""
        endpoint = f"{stream}_changed"
        if not self._mapping.total or not self._client.has(endpoint):
            return None
        return self._total(await self._get(endpoint, since="", cursor=""))

    def _total(self, body: Any) -> int | None:
        try:
            return as_int(dig(body, self._mapping.total)) if self._mapping.total else None
        except FieldProblem:
            return None

    async def aclose(self) -> None:
        if self._owned_http is not None:
            await self._owned_http.aclose()


def _as_cursor(value: Any) -> str:
    try:
        return as_text(value) or ""
    except FieldProblem:
        return ""


def _build_all(shape: Shape, body: Any, build: Build[R]) -> tuple[list[R], list[RecordError]]:
    try:
        objects = records_at(body, shape.root)
    except FieldProblem as problem:
        raise unreadable("reply", problem) from None
    id_path = (shape.fields.get("id") or ("id",))[0]

    def external_id(obj: Any) -> str | None:
        external = dig(obj, id_path)
        return None if external is None else str(external)

    return read_each(
        objects,
        lambda obj: build(shape, obj),
        unreadable=FieldProblem,
        external_id=external_id,
        message=lambda problem: f"{problem}.",
    )
