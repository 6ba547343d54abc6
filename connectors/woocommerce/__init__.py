"""WooCommerce connector: REST API v3 with consumer key and secret.

``settings``: ``url`` (the shop's home address), optional ``verify_ssl`` (default true)
and ``per_page`` (1-100, default 100). ``secrets``: ``key`` (ck_…) and ``secret`` (cs_…).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from contextlib import aclosing
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from connectors.base import ConnectorContext, Page, StoreInfo, StreamKind, read_each
from connectors.errors import ConfigError, NotFoundError
from connectors.http import check_base_url, make_client
from connectors.woocommerce import paging
from connectors.woocommerce.client import MAX_PER_PAGE, Reply, WooClient
from connectors.woocommerce.errors import PLATFORM
from connectors.woocommerce.mapping import (
    MappingError,
    map_customer,
    map_order,
    map_product,
)
from connectors.woocommerce.webhooks import WooWebhooks
from core.contacts import PHONE_MIN, phone_digits, same_email, same_phone
from core.orders import clean_order_number, pick_order, same_order_number
from core.records import Customer, Order, Product

__all__ = ["WooCommerceConnector", "create", "shop_url"]

_API_PASTE = re.compile(r"/(wp-json|wp-admin|wp-login\.php|index\.php)(/.*)?$", re.IGNORECASE)


def shop_url(url: str) -> str:
    """The validated home address; an API or admin address pasted by mistake is refused."""
    base = check_base_url(PLATFORM, url, label="shop address")
    path = urlsplit(base).path
    match = _API_PASTE.search(path)
    if match:
        home = base[: len(base) - len(path)] + path[: match.start()]
        raise ConfigError(
            PLATFORM,
            f"The shop address points into WordPress ({match.group(0).split('/')[1]}).",
            hint=f"Paste just the shop's address, such as {home}.",
        )
    return base


class WooCommerceConnector:
    platform = "woocommerce"

    def __init__(self, client: WooClient, *, per_page: int, own_http: httpx.AsyncClient | None):
        self._client = client
        self._per_page = per_page
        self._own_http = own_http
        self._currency: str | None = None

    def __repr__(self) -> str:
        return f"WooCommerceConnector({self._client.home_url!r})"

    async def test(self) -> StoreInfo:
        status = (await self._client.get("system_status")).data
        env = status.get("environment") or {} if isinstance(status, dict) else {}
        self._currency = _currency_of(status)
        home = str(env.get("home_url") or self._client.home_url).rstrip("/")
        return StoreInfo(
            name=urlsplit(home).netloc or home,
            platform=PLATFORM,
            currency=self._currency or None,
            version=env.get("version"),
            url=home,
            warnings=self._warnings(home),
        )

    def _warnings(self, home: str) -> tuple[str, ...]:
        notes: list[str] = []
        if home.lower() != self._client.home_url.lower():
            notes.append(
                f"WordPress calls this shop {home}; use that address if requests start failing."
            )
        if not self._client.over_https:
            notes.append("The shop is reached over plain HTTP: store data travels unencrypted.")
        return tuple(notes)

    # --- orders -------------------------------------------------------------------------
    async def get_order(self, number: str) -> Order | None:
        wanted = clean_order_number(number)
        if not wanted:
            return None
        if wanted.isdigit():
            by_id = await self._order_by_id(wanted)
            if by_id is not None and same_order_number(by_id.number, wanted):
                return by_id
        return await self._order_by_search(wanted)

    async def _order_by_id(self, order_id: str) -> Order | None:
        try:
            reply = await self._client.get(f"orders/{order_id}")
        except NotFoundError:
            return None
        return self._try_order(reply.data)

    async def _order_by_search(self, wanted: str) -> Order | None:
        reply = await self._client.get("orders", {"search": wanted, "per_page": 20})
        found = [o for o in map(self._try_order, reply.data or []) if o is not None]
        # "1001" for a store numbering "SD-1001" counts too, when only one order fits
        return pick_order(found, wanted, lambda o: o.number)

    def _try_order(self, raw: Any) -> Order | None:
        try:
            return map_order(raw)
        except MappingError:
            return None

    async def find_orders(
        self,
        *,
        email: str | None = None,
        phone: str | None = None,
        customer_id: str | None = None,
        limit: int = 20,
    ) -> list[Order]:
        if customer_id:
            params: dict[str, Any] = {"customer": customer_id}
            keep = None
        elif email:
            params, keep = {"search": email.strip()}, self._email_filter(email)
        elif phone:
            return await self._orders_by_phone(phone, limit)
        else:
            return []
        found = await self._collect_orders(params, keep, limit)
        return sorted(found, key=lambda o: o.created_at, reverse=True)[:limit]

    async def _orders_by_phone(self, phone: str, limit: int) -> list[Order]:
        # WooCommerce searches the phone as stored ("+44 20 7946 0958"): try it as typed,
        # then by its last four digits, comparing all digits here.
        keep = self._phone_filter(phone)
        found = await self._collect_orders({"search": phone.strip()}, keep, limit, max_pages=3)
        if not found and len(phone_digits(phone)) >= PHONE_MIN:
            tail = {"search": phone_digits(phone)[-4:]}
            found = await self._collect_orders(tail, keep, limit, max_pages=5)
        return sorted(found, key=lambda o: o.created_at, reverse=True)[:limit]

    @staticmethod
    def _email_filter(email: str) -> Any:
        return lambda o: same_email(o.customer.email, email)

    @staticmethod
    def _phone_filter(phone: str) -> Any:
        return lambda o: same_phone(o.customer.phone, phone)

    async def _collect_orders(
        self, params: dict[str, Any], keep: Any, limit: int, max_pages: int = 10
    ) -> list[Order]:
        found: list[Order] = []
        pages = 0
        async with aclosing(self._client.pages("orders", params, self._per_page)) as replies:
            async for reply in replies:
                orders = [o for o in map(self._try_order, reply.data or []) if o is not None]
                found.extend(o for o in orders if keep is None or keep(o))
                pages += 1
                if len(found) >= limit or pages >= max_pages:
                    break
        return found

    # --- customers ----------------------------------------------------------------------
    async def get_customer(
        self, *, email: str | None = None, phone: str | None = None, id: str | None = None
    ) -> Customer | None:
        if id:
            return await self._customer_by_id(id)
        if email:
            reply = await self._client.get("customers", {"email": email.strip(), "role": "all"})
            found = [c for c in self._customers(reply) if same_email(c.email, email)]
            return found[0] if found else None
        if phone:
            return await self._customer_by_phone(phone)
        return None

    async def _customer_by_id(self, customer_id: str) -> Customer | None:
        if not customer_id.strip().isdigit():
            return None
        try:
            reply = await self._client.get(f"customers/{customer_id.strip()}")
        except NotFoundError:
            return None
        # Like an unreadable order in ``get_order``: a customer that cannot be read is None.
        found = self._customers(Reply([reply.data], None, None)) if reply.data else []
        return found[0] if found else None

    async def _customer_by_phone(self, phone: str) -> Customer | None:
        # WordPress's user search does not look at phone numbers: find an order placed with
        # that billing phone, then its registered customer.
        reply = await self._client.get("customers", {"search": phone.strip(), "role": "all"})
        match = [c for c in self._customers(reply) if same_phone(c.phone, phone)]
        if match:
            return match[0]
        orders = await self.find_orders(phone=phone, limit=5)
        for order in orders:
            if order.customer.id:
                return await self._customer_by_id(order.customer.id)
        return None

    def _customers(self, reply: Reply) -> list[Customer]:
        out: list[Customer] = []
        for raw in reply.data or []:
            try:
                out.append(map_customer(raw))
            except MappingError:
                continue
        return out

    # --- products -----------------------------------------------------------------------
    async def search_products(self, text: str, *, limit: int = 10) -> list[Product]:
        query = text.strip()
        if not query:
            return []
        currency = await self._store_currency()
        per_page = max(1, min(limit, MAX_PER_PAGE))
        replies = [await self._client.get("products", {"search": query, "per_page": per_page})]
        if " " not in query:
            replies.append(await self._client.get("products", {"sku": query}))
        found: dict[str, Product] = {}
        for reply in reversed(replies):  # an exact SKU hit first
            for raw in reply.data or []:
                try:
                    product = map_product(raw, currency)
                except MappingError:
                    continue
                found.setdefault(product.id, product)
        return list(found.values())[:limit]

    async def _store_currency(self) -> str | None:
        if self._currency is None:
            self._currency = _currency_of((await self._client.get("system_status")).data)
        return self._currency or None

    # --- change streams -----------------------------------------------------------------
    # Orders and products: keyset on the modified time; customers (which WooCommerce cannot
    # filter or sort by modification): every one, by id. See ``paging``.
    async def changed_orders(self, since: datetime | None) -> AsyncIterator[Page[Order]]:
        walk = paging.by_modified(self._client, "orders", {}, self._per_page, since)
        async with aclosing(walk) as replies:
            async for reply in replies:
                yield self._page(reply, map_order)

    async def changed_products(self, since: datetime | None) -> AsyncIterator[Page[Product]]:
        currency = await self._store_currency()
        walk = paging.by_modified(self._client, "products", {}, self._per_page, since)
        async with aclosing(walk) as replies:
            async for reply in replies:
                yield self._page(reply, lambda raw: map_product(raw, currency))

    async def changed_customers(self, since: datetime | None) -> AsyncIterator[Page[Customer]]:
        walk = paging.by_id(self._client, "customers", {"role": "all"}, self._per_page)
        async with aclosing(walk) as replies:
            async for reply in replies:
                page = self._page(reply, map_customer)
                kept = [c for c in page.records if since is None or _changed_since(c, since)]
                yield Page(tuple(kept), page.total, page.errors, ordered=False)

    async def count(self, stream: StreamKind) -> int | None:
        """``X-WP-Total`` of the whole collection, as a full sync reads it."""
        params: dict[str, Any] = {"role": "all"} if stream == "customers" else {}
        reply = await self._client.get(stream, {**params, "per_page": 1})
        return reply.total

    @staticmethod
    def _page(reply: Reply, mapper: Any) -> Page[Any]:
        records, errors = read_each(
            reply.data or [],
            mapper,
            unreadable=MappingError,
            external_id=lambda raw: (
                str(raw.get("id")) if isinstance(raw, dict) and "id" in raw else None
            ),
            message=lambda exc: f"WooCommerce record could not be read: {exc}",
        )
        return Page(tuple(records), reply.total, tuple(errors))

    def webhooks(self) -> WooWebhooks:
        """The store's webhook subscriptions (REST ``/webhooks``)."""
        return WooWebhooks(self._client)

    async def aclose(self) -> None:
        if self._own_http is not None:
            await self._own_http.aclose()


def _changed_since(customer: Customer, since: datetime) -> bool:
    return customer.updated_at is None or customer.updated_at >= since


def _currency_of(status: Any) -> str:
    """The store currency from ``system_status`` ("" when it does not say)."""
    settings = status.get("settings") if isinstance(status, dict) else None
    return str((settings or {}).get("currency") or "")


def create(
    settings: Mapping[str, Any], secrets: Mapping[str, str], context: ConnectorContext
) -> WooCommerceConnector:
    url = shop_url(str(settings.get("url") or ""))
    key, secret = (secrets.get("key") or "").strip(), (secrets.get("secret") or "").strip()
    if not key or not secret:
        raise ConfigError(
            PLATFORM,
            "The WooCommerce consumer key or secret is missing.",
            hint="Create a key with Read permission in WooCommerce → Settings → Advanced → "
            "REST API and paste both the key (ck_…) and the secret (cs_…).",
        )
    own = None if context.http is not None else _own_client(bool(settings.get("verify_ssl", True)))
    http = context.http or own
    assert http is not None
    client = WooClient(http, url, key, secret, now=context.now, retry=context.retry)
    per_page = max(1, min(MAX_PER_PAGE, int(settings.get("per_page") or MAX_PER_PAGE)))
    return WooCommerceConnector(client, per_page=per_page, own_http=own)


def _own_client(verify: bool) -> httpx.AsyncClient:
    """A client of our own, closed by ``aclose``."""
    return make_client(verify=verify)
