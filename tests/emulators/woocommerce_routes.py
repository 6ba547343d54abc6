"""Request handlers of the WooCommerce emulator: orders, customers, products, the API
index, system status and the WordPress pages around them."""

from __future__ import annotations

import bisect
from datetime import datetime
from urllib.parse import parse_qsl

from aiohttp import web

from tests.emulators.woocommerce_params import (
    InvalidParam,
    Query,
    error,
    invalid,
    order_statuses,
    paginate,
    respond,
)
from tests.emulators.woocommerce_seed import (
    OrderSpec,
    customer_json,
    note_json,
    order_json,
    product_json,
    refund_json,
    variation_json,
)
from tests.emulators.woocommerce_state import STATE, ShopState

_HIDDEN_FROM_ANY = {"trash", "auto-draft", "checkout-draft"}


# --- orders -------------------------------------------------------------------------------
_ORDER_DEFAULTS = [("status[0]", "any"), ("dp", "2"), ("context", "view")]


def _order_filter(state: ShopState, query: Query) -> list[OrderSpec]:
    statuses = order_statuses(query)
    customer = query.integer("customer", None)
    search = (query.get("search") or "").strip().casefold()
    include = {int(v) for v in query.array("include") if v.isdigit()}
    m_after, m_before = query.date("modified_after"), query.date("modified_before")
    after, before = query.date("after"), query.date("before")
    orderby = query.enum("orderby", "date", ("date", "id", "include", "title", "slug", "modified"))
    order = query.enum("order", "desc", ("asc", "desc"))
    key = (tuple(statuses), customer, search, tuple(sorted(include)), orderby, order)
    if key not in state._cache:
        rows = [o for o in state.orders if _order_matches(o, statuses, customer, search, include)]
        sort_key = {"modified": lambda o: (o.modified, o.id), "date": lambda o: (o.created, o.id)}
        rows.sort(key=sort_key.get(orderby, lambda o: (o.id,)), reverse=order == "desc")
        state._cache[key] = rows
    rows = state._cache[key]
    if orderby == "modified" and order == "asc":  # a sync's query: cut the window by bisection
        moments = [o.modified for o in rows]
        low = bisect.bisect_right(moments, m_after) if m_after else 0
        high = bisect.bisect_left(moments, m_before) if m_before else len(rows)
        rows, m_after, m_before = rows[low:high], None, None
    if m_after or m_before or after or before:
        rows = [
            o
            for o in rows
            if _in_window(o.modified, m_after, m_before) and _in_window(o.created, after, before)
        ]
    return rows


def _order_matches(
    o: OrderSpec, statuses: list[str], customer: int | None, search: str, include: set[int]
) -> bool:
    if "any" in statuses:
        if o.status in _HIDDEN_FROM_ANY:
            return False
    elif o.status not in statuses:
        return False
    if customer is not None and o.customer_id != customer:
        return False
    if include and o.id not in include:
        return False
    return not search or search == str(o.id) or search in o.search_text()


def _in_window(moment: datetime, after: datetime | None, before: datetime | None) -> bool:
    return (after is None or moment > after) and (before is None or moment < before)


async def list_orders(request: web.Request) -> web.Response:
    state: ShopState = request.app[STATE]
    query = Query(parse_qsl(request.query_string, True))
    try:
        rows = _order_filter(state, query)
        home = state.home_url
        # WooCommerce adds ID to the sort only for orderby=date: ties on modified are unordered
        ties = (lambda o: o.modified) if query.get("orderby") == "modified" else None
        return paginate(
            request, rows, lambda o: order_json(o, state.catalog, home), _ORDER_DEFAULTS, ties
        )
    except InvalidParam as exc:
        return invalid(request, exc)


def _order(request: web.Request) -> OrderSpec | None:
    state: ShopState = request.app[STATE]
    return state.by_id.get(int(request.match_info["id"]))


async def get_order(request: web.Request) -> web.Response:
    order = _order(request)
    if order is None or order.status in ("trash", "auto-draft"):
        return error(request, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.", 404)
    state: ShopState = request.app[STATE]
    return respond(
        request,
        order_json(order, state.catalog, state.home_url),
        allow="GET, POST, PUT, PATCH, DELETE",
    )


async def order_refunds(request: web.Request) -> web.Response:
    order = _order(request)
    if order is None:
        return error(request, "woocommerce_rest_invalid_shop_order_id", "Invalid order ID.", 404)
    home = request.app[STATE].home_url
    return paginate(request, list(order.refunds), lambda r: refund_json(order, r, home), [])


async def order_notes(request: web.Request) -> web.Response:
    order = _order(request)
    if order is None:
        return error(request, "woocommerce_rest_order_invalid_id", "Invalid order ID.", 404)
    home = request.app[STATE].home_url
    notes = [note_json(order, n, home) for n in reversed(order.notes)]
    return respond(request, notes, allow="GET, POST")


# --- customers ----------------------------------------------------------------------------
_ROLES = (
    "all",
    "administrator",
    "editor",
    "author",
    "contributor",
    "subscriber",
    "customer",
    "shop_manager",
)


async def list_customers(request: web.Request) -> web.Response:
    state: ShopState = request.app[STATE]
    query = Query(parse_qsl(request.query_string, True))
    try:
        role = query.enum("role", "customer", _ROLES)
        orderby = query.enum("orderby", "name", ("id", "include", "name", "registered_date"))
        order = query.enum("order", "asc", ("asc", "desc"))
    except InvalidParam as exc:
        return invalid(request, exc)
    email = (query.get("email") or "").strip().casefold()
    search = (query.get("search") or "").strip().casefold()
    rows = [
        c
        for c in state.customers
        if (role == "all" or c.role == role)
        and (not email or c.email.casefold() == email)
        and (not search or search in f"{c.email} {c.username} {c.display_name}".casefold())
    ]
    sort = {"id": lambda c: (c.id,), "registered_date": lambda c: (c.created, c.id)}
    rows.sort(
        key=sort.get(orderby, lambda c: (c.display_name.casefold(), c.id)), reverse=order == "desc"
    )
    ties = {"name": lambda c: c.display_name.casefold(), "registered_date": lambda c: c.created}
    return paginate(
        request, rows, lambda c: customer_json(c, state.home_url), [], ties.get(orderby)
    )


async def get_customer(request: web.Request) -> web.Response:
    state: ShopState = request.app[STATE]
    wanted = int(request.match_info["id"])
    found = next((c for c in state.customers if c.id == wanted), None)
    if found is None:
        return error(request, "woocommerce_rest_invalid_id", "Invalid resource ID.", 404)
    return respond(
        request, customer_json(found, state.home_url), allow="GET, POST, PUT, PATCH, DELETE"
    )


# --- products -----------------------------------------------------------------------------
async def list_products(request: web.Request) -> web.Response:
    state: ShopState = request.app[STATE]
    query = Query(parse_qsl(request.query_string, True))
    try:
        orderby = query.enum(
            "orderby",
            "date",
            (
                "date",
                "id",
                "include",
                "title",
                "slug",
                "modified",
                "popularity",
                "rating",
                "menu_order",
                "price",
            ),
        )
        order = query.enum("order", "desc", ("asc", "desc"))
        m_after, m_before = query.date("modified_after"), query.date("modified_before")
    except InvalidParam as exc:
        return invalid(request, exc)
    search = (query.get("search") or "").strip().casefold()
    skus = {s.casefold() for s in (query.get("sku") or "").split(",") if s.strip()}
    rows = [
        p
        for p in state.catalog.products.values()
        if not p.parent_id
        and (not search or search in p.name.casefold())
        and (not skus or p.sku.casefold() in skus)
        and _in_window(p.modified, m_after, m_before)
    ]
    sort = {"modified": lambda p: (p.modified, p.id), "title": lambda p: (p.name.casefold(), p.id)}
    rows.sort(key=sort.get(orderby, lambda p: (p.id,)), reverse=order == "desc")
    ties = {"modified": lambda p: p.modified, "title": lambda p: p.name.casefold()}
    return paginate(request, rows, lambda p: product_json(p, state.home_url), [], ties.get(orderby))


async def get_product(request: web.Request) -> web.Response:
    state: ShopState = request.app[STATE]
    found = state.catalog.products.get(int(request.match_info["id"]))
    if found is None or found.parent_id:
        return error(request, "woocommerce_rest_product_invalid_id", "Invalid ID.", 404)
    return respond(
        request, product_json(found, state.home_url), allow="GET, POST, PUT, PATCH, DELETE"
    )


async def product_variations(request: web.Request) -> web.Response:
    state: ShopState = request.app[STATE]
    parent = state.catalog.products.get(int(request.match_info["id"]))
    if parent is None:
        return error(request, "woocommerce_rest_product_invalid_id", "Invalid ID.", 404)
    rows = [state.catalog.products[v] for v in sorted(parent.variations, reverse=True)]
    return paginate(request, rows, lambda v: variation_json(v, state.home_url), [])


# --- index, system status, WordPress pages ------------------------------------------------
_INDEX_ROUTES = (
    "",
    "/system_status",
    "/orders",
    "/orders/(?P<id>[\\d]+)",
    "/orders/(?P<order_id>[\\d]+)/refunds",
    "/orders/(?P<order_id>[\\d]+)/notes",
    "/customers",
    "/customers/(?P<id>[\\d]+)",
    "/products",
    "/products/(?P<id>[\\d]+)",
    "/products/(?P<product_id>[\\d]+)/variations",
)


async def index(request: web.Request) -> web.Response:
    home = request.app[STATE].home_url
    routes = {
        f"/wc/v3{r}": {
            "namespace": "wc/v3",
            "methods": ["GET"],
            "endpoints": [{"methods": ["GET"], "args": {}}],
        }
        for r in _INDEX_ROUTES
    }
    body = {
        "namespace": "wc/v3",
        "routes": routes,
        "_links": {"up": [{"href": f"{home}/wp-json/"}]},
    }
    return respond(request, body)


async def system_status(request: web.Request) -> web.Response:
    state: ShopState = request.app[STATE]
    env = {
        "home_url": state.home_url,
        "site_url": state.home_url,
        "version": "9.4.3",
        "wp_version": "6.5.5",
        "wp_multisite": False,
        "language": "en_US",
        "default_timezone": "UTC",
        "php_version": "8.2.36",
    }
    settings = {
        "api_enabled": False,
        "force_ssl": False,
        "currency": "USD",
        "currency_symbol": "&#36;",
        "currency_position": "left",
        "thousand_separator": ",",
        "decimal_separator": ".",
        "number_of_decimals": 2,
        "HPOS_enabled": True,
        "HPOS_sync_enabled": False,
    }
    body = {
        "environment": env,
        "database": {"wc_database_version": "9.4.3"},
        "active_plugins": [],
        "inactive_plugins": [],
        "dropins_mu_plugins": {"dropins": [], "mu_plugins": []},
        "theme": {"name": "Twenty Twenty-Four"},
        "settings": settings,
        "security": {"secure_connection": state.home_url.startswith("https"), "hide_errors": True},
        "pages": [],
        "post_type_counts": [],
        "logging": {"logging_enabled": True},
    }
    return respond(request, body)


_HOME_PAGE = (
    b'<!DOCTYPE html><html lang="en-US"><head><title>Emulated Shop</title></head>'
    b"<body><h1>Emulated Shop</h1></body></html>"
)


async def home_page(request: web.Request) -> web.Response:
    route = request.query.get("rest_route")
    if route is None:
        return web.Response(body=_HOME_PAGE, content_type="text/html", charset="UTF-8")
    if route.rstrip("/") == "/wc/v3":
        return await index(request)
    # The ?rest_route= form never authenticates API keys (recorded case 47).
    return error(request, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.", 401)


async def no_route(request: web.Request) -> web.Response:
    return error(
        request, "rest_no_route", "No route was found matching the URL and request method.", 404
    )
