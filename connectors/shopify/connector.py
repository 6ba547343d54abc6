"""The Shopify connector: lookups and change streams over the GraphQL Admin API."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from contextlib import aclosing
from datetime import datetime
from typing import Any, TypeVar

import httpx

from connectors.base import ConnectorContext, Page, StoreInfo, StreamKind, read_each
from connectors.errors import IntegrationError
from connectors.http import make_client
from connectors.shopify import queries
from connectors.shopify.auth import token_source
from connectors.shopify.client import Result, ShopifyClient
from connectors.shopify.errors import PROTECTED_WARNING, unreadable_record
from connectors.shopify.mapping import (
    customer_from_node,
    order_from_node,
    product_from_node,
)
from connectors.shopify.settings import ShopifySettings
from connectors.shopify.webhooks import ShopifyWebhooks
from core.contacts import phone_digits, same_email, same_phone
from core.orders import clean_order_number, order_number_digits, pick_order
from core.records import Customer, Order, Product
from core.serialize import utc_iso

log = logging.getLogger(__name__)

R = TypeVar("R", Customer, Order, Product)
Node = Mapping[str, Any]

NAME_SEARCH = (
    "query OrderNames($query: String) { orders(first: 50, query: $query, "
    "sortKey: CREATED_AT, reverse: true) { nodes { id name } } }"
)
NAME_SEARCH_COST = 2 + 50 * 1
ORDER_BY_ID = f"query Order($id: ID!) {{ order(id: $id) {{ {queries.ORDER_FIELDS} }} }}"


class ShopifyConnector:
    platform = "shopify"

    def __init__(self, settings: ShopifySettings, context: ConnectorContext) -> None:
        self._settings = settings
        self._own_http = context.http is None
        self._http: httpx.AsyncClient = context.http or make_client()
        self.client = ShopifyClient(
            self._http,
            base_url=settings.base_url,
            api_version=settings.api_version,
            token=token_source(settings, self._http, context),
            retry=context.retry,
            now=context.now,
        )

    def __repr__(self) -> str:
        return f"ShopifyConnector(shop={self._settings.shop!r})"

    async def access_token(self) -> str:
        """A valid Admin API access token (for a console that borrows the relay's)."""
        return await self.client.access_token()

    def webhooks(self) -> ShopifyWebhooks:
        """The app's webhook subscriptions on this shop (GraphQL Admin API)."""
        return ShopifyWebhooks(self.client, self._settings.api_version)

    async def test(self) -> StoreInfo:
        result = await self.client.execute(queries.SHOP, cost=queries.SHOP_COST)
        shop = result.data.get("shop") or {}
        domain = shop.get("myshopifyDomain") or self._settings.shop
        return StoreInfo(
            name=str(shop.get("name") or domain),
            platform=self.platform,
            currency=shop.get("currencyCode"),
            version=self._settings.api_version,
            url=f"https://{domain}",
        )

    # --- orders -----------------------------------------------------------------------

    async def get_order(self, number: str) -> Order | None:
        wanted = clean_order_number(number)
        if not wanted:
            return None
        for term in _name_terms(wanted):
            result = await self.client.execute(
                NAME_SEARCH,
                {"query": f"name:{queries.search_value(term)}"},
                cost=NAME_SEARCH_COST,
            )
            match = _pick_by_name((result.data.get("orders") or {}).get("nodes") or [], wanted)
            if match is not None:
                return await self._order_by_gid(str(match["id"]))
        return None

    async def _order_by_gid(self, gid: str) -> Order | None:
        result = await self.client.execute(ORDER_BY_ID, {"id": gid}, cost=queries.ORDER_BY_ID_COST)
        node = result.data.get("order")
        if not isinstance(node, Mapping):
            return None
        return _read_one("order", result, node, ("order",), _order)

    async def find_orders(
        self,
        *,
        email: str | None = None,
        phone: str | None = None,
        customer_id: str | None = None,
        limit: int = 20,
    ) -> list[Order]:
        terms = []
        if email:
            terms.append(f"email:{queries.search_value(email.strip())}")
        if phone and not customer_id:
            customer = await self.get_customer(phone=phone)
            if customer is None:
                return []
            customer_id = customer.id
        if customer_id:
            terms.append(f"customer_id:{_numeric_id(customer_id) or '0'}")
        if not terms:
            return []
        search = {"query": " ".join(terms), "sortKey": "CREATED_AT", "reverse": True}
        found: list[Order] = []
        async with aclosing(self._pages("orders", queries.ORDERS, search, _order, limit)) as pages:
            async for page in pages:
                found.extend(page.records)
                if len(found) >= limit:
                    break
        return found[:limit]

    # --- customers and products ---------------------------------------------------------

    async def get_customer(
        self, *, email: str | None = None, phone: str | None = None, id: str | None = None
    ) -> Customer | None:
        if id:
            return await self._customer_by_id(id)
        if email:
            search, same = f"email:{queries.search_value(email.strip())}", _email_is(email)
        elif phone and phone_digits(phone):
            search, same = f"phone:{queries.search_value(phone.strip())}", _phone_is(phone)
        else:
            return None
        result = await self.client.execute(
            queries.CUSTOMERS,
            {"first": 5, "query": search},
            cost=queries.connection_cost("customers", 5),
        )
        nodes = (result.data.get("customers") or {}).get("nodes") or []
        match = next((n for n in nodes if same(n)), None)
        return _read_one("customer", result, match, ("customers",), _customer) if match else None

    async def _customer_by_id(self, value: str) -> Customer | None:
        numeric = _numeric_id(value)
        if numeric is None:
            return None
        gid = f"gid://shopify/Customer/{numeric}"
        result = await self.client.execute(
            queries.CUSTOMER_BY_ID, {"id": gid}, cost=queries.CUSTOMER_COST
        )
        node = result.data.get("customer")
        if not isinstance(node, Mapping):
            return None
        return _read_one("customer", result, node, ("customer",), _customer)

    async def search_products(self, text: str, *, limit: int = 10) -> list[Product]:
        words = [w for w in (_search_word(w) for w in text.split()) if w]
        if not words or limit < 1:
            return []
        search = f"({' '.join(words)}) OR sku:{queries.search_value(text.strip())}"
        first = min(limit, queries.max_page_size("products"))
        variables = {"first": first, "query": search, "sortKey": "RELEVANCE"}
        cost = queries.connection_cost("products", first)
        result = await self.client.execute(queries.PRODUCTS, variables, cost=cost)
        nodes = (result.data.get("products") or {}).get("nodes") or []
        # Like a page of a stream: an unreadable product is skipped (and logged), not fatal.
        return list(_read_page(result, "products", nodes[:limit], _product, None).records)

    # --- change streams -----------------------------------------------------------------

    def changed_customers(self, since: datetime | None) -> AsyncIterator[Page[Customer]]:
        return self._changed("customers", queries.CUSTOMERS, since, _customer)

    def changed_orders(self, since: datetime | None) -> AsyncIterator[Page[Order]]:
        return self._changed("orders", queries.ORDERS, since, _order)

    def changed_products(self, since: datetime | None) -> AsyncIterator[Page[Product]]:
        return self._changed("products", queries.PRODUCTS, since, _product)

    def _changed(
        self, root: str, document: str, since: datetime | None, read: PageReader[R]
    ) -> AsyncIterator[Page[R]]:
        # ">=" rather than ">": records updated in the cursor's own second are read again
        # (the sync upserts them, so nothing changes) instead of being missed.
        search = f"updated_at:>='{utc_iso(since)}'" if since else None
        variables = {"query": search, "sortKey": "UPDATED_AT", "reverse": False}
        return self._counted_pages(root, document, variables, read)

    async def count(self, stream: StreamKind) -> int | None:
        """``ordersCount`` (``customersCount``, ``productsCount``) of the whole store."""
        return await self._count(stream, None)

    async def _counted_pages(
        self, root: str, document: str, variables: Mapping[str, Any], read: PageReader[R]
    ) -> AsyncGenerator[Page[R], None]:
        total = await self._count(root, variables["query"])
        async with aclosing(self._pages(root, document, variables, read, total=total)) as pages:
            async for page in pages:
                yield page

    async def _count(self, root: str, search: str | None) -> int | None:
        """How many records match the stream's search, or ``None`` if Shopify will not say."""
        try:
            result = await self.client.execute(
                queries.COUNTS[root], {"query": search}, cost=queries.COUNT_COST
            )
        except IntegrationError as err:
            log.debug("Shopify did not count the %s to sync (%s): %s", root, err.code, err)
            return None
        found = result.data.get(f"{root}Count")
        count = found.get("count") if isinstance(found, Mapping) else None
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            log.debug("Shopify sent no usable %s count: %r", root, found)
            return None
        return count

    async def _pages(
        self,
        root: str,
        document: str,
        variables: Mapping[str, Any],
        read: PageReader[R],
        limit: int | None = None,
        total: int | None = None,
    ) -> AsyncGenerator[Page[R], None]:
        first = min(self._settings.page_size or 250, queries.max_page_size(root), limit or 250)
        cost = queries.connection_cost(root, first)
        after: str | None = None
        while True:
            page_vars = {**variables, "first": first, "after": after}
            result = await self.client.execute(document, page_vars, cost=cost)
            connection = result.data.get(root) or {}
            yield _read_page(result, root, connection.get("nodes") or [], read, total)
            info = connection.get("pageInfo") or {}
            after = info.get("endCursor")
            if not info.get("hasNextPage") or not after:
                return

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()


PageReader = Callable[[Result, Node, tuple[Any, ...]], R]
READ_ERRORS = (ValueError, TypeError, KeyError, AttributeError)


def _external_id(node: object) -> str | None:
    if not isinstance(node, Mapping):
        return None
    return str(node.get("id") or "") or None


def _read_one(
    what: str, result: Result, node: Node, path: tuple[Any, ...], read: PageReader[R]
) -> R:
    """One looked-up record; if it cannot be read, a ``BadResponseError`` says so."""
    try:
        return read(result, node, path)
    except READ_ERRORS as exc:
        log.warning("Shopify sent an unreadable %s %s: %s", what, _external_id(node), exc)
        raise unreadable_record(what, _external_id(node), exc) from None


def _read_page(
    result: Result, root: str, nodes: list[Node], read: PageReader[R], total: int | None
) -> Page[R]:
    def skipped(external: str | None, exc: Exception) -> None:
        log.warning("Skipped an unreadable Shopify %s record %s: %s", root, external, exc)

    records, problems = read_each(
        enumerate(nodes),
        lambda pair: read(result, pair[1], (root, "nodes", pair[0])),
        unreadable=READ_ERRORS,
        external_id=lambda pair: _external_id(pair[1]),
        on_skip=skipped,
    )
    return Page(records=tuple(records), total=total, errors=tuple(problems))


def _order(result: Result, node: Node, path: tuple[Any, ...]) -> Order:
    warnings = (PROTECTED_WARNING,) if result.denied_under(*path) else ()
    return order_from_node(node, warnings)


def _customer(result: Result, node: Node, path: tuple[Any, ...]) -> Customer:
    return customer_from_node(node)


def _product(result: Result, node: Node, path: tuple[Any, ...]) -> Product:
    return product_from_node(node)


def _name_terms(wanted: str) -> list[str]:
    """What to search for: the number as written, then its digits alone (``SD-1001`` → ``1001``)."""
    digits = order_number_digits(wanted)
    return [wanted] if not digits or digits == wanted else [wanted, digits]


def _pick_by_name(nodes: list[Node], wanted: str) -> Node | None:
    """The node whose name is this number ("1001" for "#SD1001" only if unambiguous)."""
    named = [n for n in nodes if isinstance(n, Mapping) and n.get("id") and n.get("name")]
    return pick_order(named, wanted, lambda n: str(n["name"]))


def _numeric_id(value: str) -> str | None:
    text = str(value).strip().rsplit("/", 1)[-1]
    return text if text.isdigit() else None


def _email_is(email: str) -> Callable[[Node], bool]:
    return lambda node: same_email(str(node.get("email") or ""), email)


def _phone_is(phone: str) -> Callable[[Node], bool]:
    """Same number whatever the spelling (+49 30 … vs 030 …): see ``core.contacts``."""
    return lambda node: same_phone(str(node.get("phone") or ""), phone)


def _search_word(word: str) -> str:
    """A bare search term with Shopify's special characters removed."""
    return re.sub(r"[:\\()\"'*<>=]", "", word).strip()
