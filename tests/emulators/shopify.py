"""A local emulator of the Shopify GraphQL Admin API, speaking its wire format.

Run by hand: ``python -m tests.emulators.shopify --port 8765`` (prints the shop domain,
base URL and access token to configure). In tests: ``async with running(state) as url``.

It serves ``POST /admin/api/{version}/graphql.json`` for the root fields ``shop``,
``orders``, ``order``, ``customers``, ``customer``, ``products`` and ``product``, the count
fields ``ordersCount``, ``customersCount`` and ``productsCount`` (``Count { count precision }``,
capped at ``limit``, 10,000 unless ``limit: null``), with the
search syntax, sort keys and cursor pagination the connector uses, cost accounting in a
leaky bucket (``extensions.cost`` on every answer, ``THROTTLED`` exactly as Shopify sends
it), and protected-customer-data redaction. See ``ShopState`` for the switches.
"""

from __future__ import annotations

import argparse
import asyncio
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.emulators import shopify_search as search
from tests.emulators import shopify_webhooks as webhooks
from tests.emulators.shopify_graphql import (
    Denied,
    Field,
    GraphQLSyntaxError,
    UnknownField,
    actual_cost,
    parse,
    project,
    requested_cost,
)
from tests.emulators.shopify_oauth import OAuthApp, authorize_handler, token_handler
from tests.emulators.shopify_seed import INVALID_TOKEN, VERSIONS, ShopState, seeded_shop

STATE = web.AppKey("shopify_state", ShopState)
MAX_COST = 1000
COUNT_LIMIT = 10_000  # the count fields' default ``limit``
Node = dict[str, Any]


class QueryError(ValueError):
    """A GraphQL error answered with HTTP 200 and no data."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


def build_app(state: ShopState) -> web.Application:
    app = web.Application()
    app[STATE] = state
    app.router.add_post("/admin/api/{version}/graphql.json", _graphql)
    app.router.add_post("/admin/oauth/access_token", token_handler(_app, _clock))
    app.router.add_get("/admin/oauth/authorize", authorize_handler(_app, _domain))
    return app


@asynccontextmanager
async def running(state: ShopState) -> AsyncIterator[str]:
    """Serve ``state`` on a free 127.0.0.1 port; yields the base URL."""
    server = TestServer(build_app(state), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


def _app(request: web.Request) -> OAuthApp:
    return request.app[STATE].oauth


def _clock(request: web.Request) -> float:
    return request.app[STATE].clock()


def _domain(request: web.Request) -> str:
    return request.app[STATE].domain


async def _graphql(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    if state.delay:
        await asyncio.sleep(state.delay)
    if request.match_info["version"] not in VERSIONS:
        return web.json_response({"errors": "Not Found"}, status=404)
    given = request.headers.get("X-Shopify-Access-Token")
    if given != state.token and not state.oauth.valid(given, state.clock()):
        return web.json_response({"errors": INVALID_TOKEN}, status=401)
    if state.failures:
        return _failure(state.failures.popleft())
    if state.html:
        return _storefront_page()
    try:
        body = await request.json()
        query, variables = str(body["query"]), dict(body.get("variables") or {})
    except (ValueError, KeyError, TypeError):
        return web.json_response(
            {"errors": {"query": "Required parameter missing or invalid"}}, status=400
        )
    state.requests.append({"query": query, "variables": variables})
    response = _execute(state, query, variables, request.match_info["version"])
    response.headers["X-Shopify-API-Version"] = request.match_info["version"]
    return response


def _execute(
    state: ShopState, query: str, variables: Node, version: str = "2026-01"
) -> web.Response:
    try:
        fields = parse(query, variables)
    except GraphQLSyntaxError as exc:
        return _errors([{"message": str(exc), "locations": [{"line": 1, "column": 1}]}])
    cost = requested_cost(fields)
    if cost > MAX_COST:
        return _errors([_max_cost_error(cost)])
    if state.rate_limit_429 > 0:
        state.rate_limit_429 -= 1
        return _throttled(state, cost, status=429, headers={"Retry-After": state.retry_after})
    if not state.spend(cost):
        return _throttled(state, cost, status=state.throttled_status)
    try:
        data, errors = _resolve(state, fields, version)
    except (QueryError, UnknownField) as exc:
        state.refund(cost)
        return _errors([_query_error(exc)], cost=_cost(state, cost, 0))
    actual = actual_cost(fields, data)
    state.refund(cost - actual)
    body: Node = {"data": data, "extensions": {"cost": _cost(state, cost, actual)}}
    if errors:
        body = {"errors": errors, **body}
    return web.json_response(body)


def _resolve(state: ShopState, fields: list[Field], version: str) -> tuple[Node, list[Node]]:
    data: Node = {}
    errors: list[Node] = []
    for root in fields:
        if root.name == "webhookSubscriptionCreate":
            try:
                created = webhooks.create_subscription(state, root.args, version)
            except ValueError as exc:
                raise QueryError(str(exc), "argumentNotAccepted") from None
            data[root.name] = project(created, root, [root.name], errors)
            continue
        resolver = RESOLVERS.get(root.name)
        if resolver is None:
            raise UnknownField(root.name, "QueryRoot")
        data[root.name] = project(resolver(state, root.args), root, [root.name], errors)
    return data, errors


# --- root fields --------------------------------------------------------------------------


def _shop(state: ShopState, args: Node) -> Node:
    return {
        "__typename": "Shop",
        "name": state.name,
        "currencyCode": state.currency,
        "myshopifyDomain": state.domain,
    }


def _connection(kind: str, sort_keys: frozenset[str]) -> Callable[[ShopState, Node], Node]:
    def resolve(state: ShopState, args: Node) -> Node:
        first = args.get("first")
        if not isinstance(first, int) or not 1 <= first <= 250:
            raise QueryError("The first argument must be an integer between 1 and 250.")
        sort = args.get("sortKey") or "ID"
        if sort not in sort_keys:
            raise QueryError(
                f"Argument 'sortKey' has an invalid value ({sort}).", "argumentLiteralsIncompatible"
            )
        wanted = search.parse_query(args.get("query"))
        nodes = [n for n in getattr(state, kind) if search.matches(n, wanted, FILTERS[kind])]
        page = search.paginate(
            nodes,
            first=first,
            after=args.get("after"),
            sort=sort,
            reverse=bool(args.get("reverse")),
        )
        view = VIEWS[kind]
        page["nodes"] = [view(state, n) for n in page["nodes"]]
        page["edges"] = [{**e, "node": view(state, e["node"])} for e in page["edges"]]
        return page

    return resolve


def _count(kind: str) -> Callable[[ShopState, Node], Node]:
    """``ordersCount(query:, limit:)``: the connection's search filter, counted up to ``limit``."""

    def resolve(state: ShopState, args: Node) -> Node:
        limit = args.get("limit", COUNT_LIMIT)  # an explicit null lifts the cap
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            raise QueryError("The limit argument must be a non-negative integer or null.")
        wanted = search.parse_query(args.get("query"))
        found = sum(1 for n in getattr(state, kind) if search.matches(n, wanted, FILTERS[kind]))
        if limit is not None and found >= limit:
            return {"__typename": "Count", "count": limit, "precision": "AT_LEAST"}
        return {"__typename": "Count", "count": found, "precision": "EXACT"}

    return resolve


def _by_id(kind: str, type_name: str) -> Callable[[ShopState, Node], Node | None]:
    def resolve(state: ShopState, args: Node) -> Node | None:
        wanted = str(args.get("id") or "")
        if not re.fullmatch(rf"gid://shopify/{type_name}/\d+", wanted):
            raise QueryError(f"Invalid global id '{wanted}'", "argumentLiteralsIncompatible")
        node = next((n for n in getattr(state, kind) if n["id"] == wanted), None)
        return VIEWS[kind](state, node) if node else None

    return resolve


# --- protected customer data ----------------------------------------------------------------

_NOT_APPROVED = (
    "This app is not approved to access the {what}. See "
    "https://shopify.dev/docs/apps/launch/protected-customer-data for more details."
)


def _order_view(state: ShopState, order: Node) -> Node:
    if not state.protected_customer_data:
        return order
    withheld = {
        "customer": Denied(_NOT_APPROVED.format(what="Customer object")),
        "email": Denied(_NOT_APPROVED.format(what="email field")),
        "phone": Denied(_NOT_APPROVED.format(what="phone field")),
        "billingAddress": Denied(_NOT_APPROVED.format(what="billingAddress field")),
    }
    return {**order, **withheld}


def _customer_view(state: ShopState, customer: Node) -> Node:
    if not state.protected_customer_data:
        return customer
    fields = ("firstName", "lastName", "email", "phone")
    return {**customer, **{f: Denied(_NOT_APPROVED.format(what=f"{f} field")) for f in fields}}


def _same(state: ShopState, node: Node) -> Node:
    return node


VIEWS: dict[str, Callable[[ShopState, Node], Node]] = {
    "orders": _order_view,
    "customers": _customer_view,
    "products": _same,
}


# --- search filters -------------------------------------------------------------------------


def _digits(text: object) -> str:
    return re.sub(r"\D", "", str(text or ""))


def _order_name(node: Node, term: search.Term) -> bool:
    """Loose like the admin search: ``name:1001`` also finds #10010 (clients must compare)."""
    name, wanted = str(node["name"]).lstrip("#").casefold(), term.value.lstrip("#").casefold()
    digits_match = wanted.isdigit() and _digits(name).startswith(wanted)
    return name.startswith(wanted) or digits_match


def _order_customer(node: Node, term: search.Term) -> bool:
    customer = node.get("customer")
    return isinstance(customer, dict) and search.numeric_id(customer["id"]) == term.value


def _phone(node: Node, term: search.Term) -> bool:
    return bool(node.get("phone")) and _digits(node["phone"]) == _digits(term.value)


def _product_text(node: Node, term: search.Term) -> bool:
    skus = " ".join(str(v.get("sku") or "") for v in node["variants"])
    return search.text_in("title", "vendor", "handle")(node, term) or (
        term.value.casefold() in skus.casefold()
    )


def _sku(node: Node, term: search.Term) -> bool:
    return any(
        str(v.get("sku") or "").casefold() == term.value.casefold() for v in node["variants"]
    )


FILTERS: dict[str, dict[str, search.Matcher]] = {
    "orders": {
        "default": search.text_in("name", "email"),
        "name": _order_name,
        "email": search.equals("email"),
        "customer_id": _order_customer,
        "updated_at": search.compare_time("updatedAt"),
        "created_at": search.compare_time("createdAt"),
    },
    "customers": {
        "default": search.text_in("firstName", "lastName", "email", "phone"),
        "email": search.equals("email"),
        "phone": _phone,
        "updated_at": search.compare_time("updatedAt"),
    },
    "products": {
        "default": _product_text,
        "title": search.text_in("title"),
        "sku": _sku,
        "updated_at": search.compare_time("updatedAt"),
    },
}

RESOLVERS: dict[str, Callable[[ShopState, Node], Any]] = {
    "shop": _shop,
    "orders": _connection("orders", frozenset({"ID", "CREATED_AT", "UPDATED_AT", "PROCESSED_AT"})),
    "customers": _connection("customers", frozenset({"ID", "UPDATED_AT", "NAME", "RELEVANCE"})),
    "products": _connection("products", frozenset({"ID", "UPDATED_AT", "TITLE", "RELEVANCE"})),
    "order": _by_id("orders", "Order"),
    "customer": _by_id("customers", "Customer"),
    "product": _by_id("products", "Product"),
    "ordersCount": _count("orders"),
    "customersCount": _count("customers"),
    "productsCount": _count("products"),
    "webhookSubscriptions": webhooks.list_subscriptions,
    "webhookSubscriptionDelete": webhooks.delete_subscription,
}


# --- answers --------------------------------------------------------------------------------


def _cost(state: ShopState, requested: int, actual: int | None) -> Node:
    return {
        "requestedQueryCost": requested,
        "actualQueryCost": actual,
        "throttleStatus": state.throttle_status(),
    }


def _errors(errors: list[Node], cost: Node | None = None) -> web.Response:
    body: Node = {"errors": errors}
    if cost is not None:
        body["extensions"] = {"cost": cost}
    return web.json_response(body)


def _throttled(
    state: ShopState, cost: int, *, status: int, headers: dict[str, str] | None = None
) -> web.Response:
    state.throttled += 1
    body = {
        "errors": [
            {
                "message": "Throttled",
                "extensions": {
                    "code": "THROTTLED",
                    "documentation": "https://shopify.dev/api/usage/rate-limits",
                },
            }
        ],
        "extensions": {"cost": _cost(state, cost, None)},
    }
    return web.json_response(body, status=status, headers=headers)


def _max_cost_error(cost: int) -> Node:
    return {
        "message": (
            f"Query cost is {cost}, which exceeds the single query max cost limit ({MAX_COST}).\n\n"
            "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how "
            "the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer "
            "limits, bulk operations should be used instead.\n"
        ),
        "extensions": {"code": "MAX_COST_EXCEEDED", "cost": cost, "maxCost": MAX_COST},
    }


def _query_error(exc: QueryError | UnknownField) -> Node:
    if isinstance(exc, UnknownField):
        extensions = {"code": "undefinedField", "typeName": exc.type_name, "fieldName": exc.name}
    else:
        extensions = {"code": exc.code} if exc.code else {}
    return {"message": str(exc), "locations": [{"line": 1, "column": 1}], "extensions": extensions}


def _failure(status: int) -> web.Response:
    if status in (502, 503, 504):
        page = "<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>"
        return web.Response(status=status, text=page, content_type="text/html")
    messages = {402: "Unavailable Shop", 423: "Locked", 500: "Internal Server Error"}
    return web.json_response({"errors": messages.get(status, "Error")}, status=status)


def _storefront_page() -> web.Response:
    page = (
        "<!doctype html><html><head><title>Opening soon</title></head>"
        "<body><form action='/password'>Enter store using password</form></body></html>"
    )
    return web.Response(text=page, content_type="text/html")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Shopify GraphQL Admin API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    state = seeded_shop()
    print(f"shop domain:  {state.domain}")
    print(f"base URL:     http://{args.host}:{args.port}")
    print(f"access token: {state.token}   (a legacy admin token)")
    print(f"client ID:    {state.oauth.client_id}   (a Dev Dashboard app)")
    print(f"client secret: {state.oauth.client_secret}")
    print(f"API versions: {', '.join(sorted(VERSIONS))}", flush=True)
    web.run_app(build_app(state), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
