"""A local WooCommerce 9.4 REST API v3, faithful to traffic recorded from a real store.

Paths, headers, pagination (``X-WP-Total``, ``X-WP-TotalPages``, a ``Link`` header that
repeats the request's ``oauth_*`` parameters), error bodies and authentication rules
(see ``woocommerce_auth``) are the real store's. Run by hand::

    python -m tests.emulators.woocommerce --port 8881 --orders 5000 [--tls] [--no-proxy-fix]

or from tests: ``async with running(ShopState.seeded()) as shop: shop.url``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import ipaddress
import json
import math
import ssl
import tempfile
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from aiohttp import web

from tests.emulators.woocommerce_auth import ApiKey, Authenticator, permission_error
from tests.emulators.woocommerce_seed import (
    Catalog,
    CustomerSpec,
    OrderSpec,
    customer_json,
    note_json,
    order_json,
    product_json,
    refund_json,
    seed_catalog,
    seed_customers,
    seed_orders,
    synthetic_orders,
    variation_json,
)

Json = dict[str, Any]


def _key(name: str, prefix: str) -> str:
    return prefix + hashlib.sha1(f"storedesk-emulator-{name}".encode()).hexdigest()


DEFAULT_KEY = ApiKey(_key("key", "ck_"), _key("secret", "cs_"), "read_write")
READ_ONLY_KEY = ApiKey(_key("ro-key", "ck_"), _key("ro-secret", "cs_"), "read")
WRITE_ONLY_KEY = ApiKey(_key("wo-key", "ck_"), _key("wo-secret", "cs_"), "write")

ORDER_STATUSES = (
    "any",
    "trash",
    "auto-draft",
    "pending",
    "processing",
    "on-hold",
    "completed",
    "cancelled",
    "refunded",
    "failed",
    "checkout-draft",
)
_HIDDEN_FROM_ANY = {"trash", "auto-draft", "checkout-draft"}


@dataclass
class Failure:
    """A canned answer served instead of the next API request (outages, HTML pages, …)."""

    status: int = 503
    body: bytes = b"<html><body><h1>503 Service Unavailable</h1></body></html>"
    content_type: str = "text/html"
    delay: float = 0.0


@dataclass
class ShopState:
    customers: list[CustomerSpec]
    catalog: Catalog
    orders: list[OrderSpec]
    keys: dict[str, ApiKey] = field(default_factory=dict)
    home_url: str = "http://127.0.0.1:8881"
    sees_https: bool = True  # False: TLS ends at a proxy WordPress does not know about
    clock: Callable[[], float] = time.time
    failures: deque[Failure] = field(default_factory=deque)
    log: list[str] = field(default_factory=list)
    _cache: dict[tuple[Any, ...], list[OrderSpec]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.orders.sort(key=lambda o: o.id)
        self.by_id = {o.id: o for o in self.orders}
        self.auth = Authenticator(self.keys, self.clock)

    @classmethod
    def seeded(cls, synthetic: int = 0, **kwargs: Any) -> ShopState:
        keys = {k.key: k for k in (DEFAULT_KEY, READ_ONLY_KEY, WRITE_ONLY_KEY)}
        orders = seed_orders() + synthetic_orders(synthetic)
        return cls(seed_customers(), seed_catalog(), orders, keys=keys, **kwargs)

    def replace_order(self, order: OrderSpec) -> None:
        """Add or change an order (as an edit in wp-admin would)."""
        self.orders = [o for o in self.orders if o.id != order.id] + [order]
        self.__post_init__()
        self._cache.clear()


# --- responses ----------------------------------------------------------------------------
def php_json(data: Any) -> bytes:
    """``wp_json_encode``: ASCII only, slashes escaped."""
    return json.dumps(data, separators=(",", ":")).replace("/", "\\/").encode()


def _headers(request: web.Request, allow: str) -> dict[str, str]:
    state: ShopState = request.app[STATE]
    headers = {
        "X-Robots-Tag": "noindex",
        "Link": f'<{state.home_url}/wp-json/>; rel="https://api.w.org/"',
        "X-Content-Type-Options": "nosniff",
        "Access-Control-Expose-Headers": "X-WP-Total, X-WP-TotalPages, Link",
        "Access-Control-Allow-Headers": "Authorization, X-WP-Nonce, Content-Disposition, "
        "Content-MD5, Content-Type",
        "Allow": allow,
        "Vary": "Origin",
    }
    if request.get(WC_KEY):
        headers["Expires"] = "Wed, 11 Jan 1984 05:00:00 GMT"
        headers["Cache-Control"] = "no-cache, must-revalidate, max-age=0, no-store, private"
    return headers


def respond(
    request: web.Request,
    data: Any,
    status: int = 200,
    allow: str = "GET",
    extra: dict[str, str] | None = None,
) -> web.Response:
    headers = {**_headers(request, allow), **(extra or {})}
    return web.Response(
        body=php_json(data),
        status=status,
        headers=headers,
        content_type="application/json",
        charset="UTF-8",
    )


def error(request: web.Request, code: str, message: str, status: int, **data: Any) -> web.Response:
    return respond(
        request, {"code": code, "message": message, "data": {"status": status, **data}}, status
    )


# --- parameters ---------------------------------------------------------------------------
class InvalidParam(Exception):
    def __init__(self, name: str, code: str, message: str) -> None:
        super().__init__(message)
        self.name, self.code, self.message = name, code, message


def invalid(request: web.Request, exc: InvalidParam) -> web.Response:
    details = {exc.name: {"code": exc.code, "message": exc.message, "data": None}}
    return error(
        request,
        "rest_invalid_param",
        f"Invalid parameter(s): {exc.name}",
        400,
        params={exc.name: exc.message},
        details=details,
    )


def _one_of(values: tuple[str, ...]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + f", and {values[-1]}"


def _enum_text(values: tuple[str, ...]) -> str:
    return f"{values[0]} and {values[1]}" if len(values) == 2 else _one_of(values)


@dataclass
class Query:
    pairs: list[tuple[str, str]]

    def get(self, name: str) -> str | None:
        found = [v for k, v in self.pairs if k == name]
        return found[-1] if found else None

    def integer(
        self, name: str, default: int | None, low: int | None = None, high: int | None = None
    ) -> int | None:
        raw = self.get(name)
        if raw is None or raw == "":
            return default
        if not raw.lstrip("-").isdigit():
            raise InvalidParam(name, "rest_invalid_type", f"{name} is not of type integer.")
        value = int(raw)
        if (low is not None and value < low) or (high is not None and value > high):
            text = (
                f"{name} must be between {low} (inclusive) and {high} (inclusive)"
                if high is not None
                else f"{name} must be greater than or equal to {low}"
            )
            raise InvalidParam(name, "rest_out_of_bounds", text)
        return value

    def enum(self, name: str, default: str, values: tuple[str, ...]) -> str:
        value = self.get(name) or default
        if value not in values:
            text = f"{name} is not one of {_enum_text(values)}."
            raise InvalidParam(name, "rest_not_in_enum", text)
        return value

    def array(self, name: str) -> list[str]:
        raw = [v for k, v in self.pairs if k == name or (k.startswith(f"{name}[") and k[-1] == "]")]
        return [part.strip() for value in raw for part in value.split(",") if part.strip()]

    def date(self, name: str) -> datetime | None:
        raw = self.get(name)
        if not raw:
            return None
        try:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidParam(name, "rest_invalid_date", "Invalid date.") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _statuses(query: Query) -> list[str]:
    statuses = query.array("status") or ["any"]
    for index, status in enumerate(statuses):
        if status not in ORDER_STATUSES:
            text = f"status[{index}] is not one of {_one_of(ORDER_STATUSES)}."
            raise InvalidParam("status", "rest_not_in_enum", text)
    return statuses


# --- pagination ---------------------------------------------------------------------------
def paginate(
    request: web.Request,
    rows: list[Any],
    build: Callable[[Any], Json],
    defaults: list[tuple[str, str]],
) -> web.Response:
    query = Query(parse_qsl(request.query_string, keep_blank_values=True))
    per_page = query.integer("per_page", 10, 1, 100) or 10
    page = query.integer("page", 1, 1) or 1
    offset = query.integer("offset", None) or 0
    total, pages = len(rows), math.ceil(len(rows) / per_page)
    start = offset + (page - 1) * per_page
    chunk = rows[start : start + per_page]
    if page > pages:
        total = pages = 0
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
    link = _link(request, query, page, pages, defaults)
    if link:
        headers["Link"] = link
    return respond(request, [build(r) for r in chunk], allow="GET, POST", extra=headers)


def _link(
    request: web.Request, query: Query, page: int, pages: int, defaults: list[tuple[str, str]]
) -> str | None:
    """Like WordPress: the request's own parameters (``oauth_*`` included) with ``page`` changed."""
    state: ShopState = request.app[STATE]
    base = f"{state.home_url}{request.path}"
    given = {k for k, _ in query.pairs}
    extra = [(k, v) for k, v in defaults if k.split("[")[0] not in given]

    def url(target: int) -> str:
        pairs = [(k, str(target) if k == "page" else v) for k, v in query.pairs] + extra
        if "page" not in given:
            pairs.append(("page", str(target)))
        return f"{base}?{urlencode(pairs, quote_via=quote)}"

    links = []
    if page > 1:
        links.append(f'<{url(min(page - 1, pages))}>; rel="prev"')
    if page < pages:
        links.append(f'<{url(page + 1)}>; rel="next"')
    return ", ".join(links) or None


# --- orders -------------------------------------------------------------------------------
_ORDER_DEFAULTS = [("status[0]", "any"), ("dp", "2"), ("context", "view")]


def _order_filter(state: ShopState, query: Query) -> list[OrderSpec]:
    statuses = _statuses(query)
    customer = query.integer("customer", None)
    search = (query.get("search") or "").strip().casefold()
    include = {int(v) for v in query.array("include") if v.isdigit()}
    m_after, m_before = query.date("modified_after"), query.date("modified_before")
    after, before = query.date("after"), query.date("before")
    orderby = query.enum("orderby", "date", ("date", "id", "include", "title", "slug", "modified"))
    order = query.enum("order", "desc", ("asc", "desc"))
    key = (
        tuple(statuses),
        customer,
        search,
        tuple(sorted(include)),
        m_after,
        m_before,
        after,
        before,
        orderby,
        order,
    )
    if key not in state._cache:
        rows = [
            o
            for o in state.orders
            if _order_matches(o, statuses, customer, search, include)
            and _in_window(o.modified, m_after, m_before)
            and _in_window(o.created, after, before)
        ]
        sort_key = {"modified": lambda o: (o.modified, o.id), "date": lambda o: (o.created, o.id)}
        rows.sort(key=sort_key.get(orderby, lambda o: (o.id,)), reverse=order == "desc")
        state._cache[key] = rows
    return state._cache[key]


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
    try:
        rows = _order_filter(state, Query(parse_qsl(request.query_string, True)))
        home = state.home_url
        return paginate(
            request, rows, lambda o: order_json(o, state.catalog, home), _ORDER_DEFAULTS
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
    return paginate(request, rows, lambda c: customer_json(c, state.home_url), [])


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
        m_after = query.date("modified_after")
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
        and _in_window(p.modified, m_after, None)
    ]
    sort = {"modified": lambda p: (p.modified, p.id), "title": lambda p: (p.name.casefold(), p.id)}
    rows.sort(key=sort.get(orderby, lambda p: (p.id,)), reverse=order == "desc")
    return paginate(request, rows, lambda p: product_json(p, state.home_url), [])


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


# --- middleware ---------------------------------------------------------------------------
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_PUBLIC = {"/wp-json/wc/v3", "/wp-json/wc/v3/"}


@web.middleware
async def woo_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    state: ShopState = request.app[STATE]
    state.log.append(request.path_qs)
    if request.path.startswith("/wp-json/") and state.failures:
        failure = state.failures.popleft()
        await asyncio.sleep(failure.delay)
        return web.Response(
            body=failure.body, status=failure.status, content_type=failure.content_type
        )
    if not request.path.startswith("/wp-json/wc/") or request.path in _PUBLIC:
        return await handler(request)
    outcome = state.auth.authenticate(
        is_ssl=request.secure and state.sees_https,
        home_url=state.home_url,
        path=request.path,
        method=request.method,
        query=request.query_string,
        headers=request.headers,
    )
    failed = outcome.error or (outcome.key and permission_error(outcome.key, request.method))
    if failed:
        return error(request, failed.code, failed.message, 401)
    if outcome.key is None:
        return await _unauthenticated(request, handler)
    request[WC_KEY] = outcome.key
    return await handler(request)


async def _unauthenticated(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)  # unknown routes say so even without keys
    if response.status == 404 and b"rest_no_route" in getattr(response, "body", b""):
        return response
    single = request.match_info.get("id") is not None
    message = (
        "Sorry, you cannot view this resource." if single else "Sorry, you cannot list resources."
    )
    return error(request, "woocommerce_rest_cannot_view", message, 401)


STATE = web.AppKey("woocommerce_state", ShopState)
WC_KEY = web.RequestKey("woocommerce_api_key", ApiKey)


def build_app(state: ShopState) -> web.Application:
    app = web.Application(middlewares=[woo_middleware])
    app[STATE] = state
    api = "/wp-json/wc/v3"
    routes = [
        (api, index),
        (api + "/", index),
        (api + "/system_status", system_status),
        (api + "/orders", list_orders),
        (api + r"/orders/{id:\d+}", get_order),
        (api + r"/orders/{id:\d+}/refunds", order_refunds),
        (api + r"/orders/{id:\d+}/notes", order_notes),
        (api + "/customers", list_customers),
        (api + r"/customers/{id:\d+}", get_customer),
        (api + "/products", list_products),
        (api + r"/products/{id:\d+}", get_product),
        (api + r"/products/{id:\d+}/variations", product_variations),
        ("/", home_page),
        ("/wp-json/{tail:.*}", no_route),
    ]
    for path, handler in routes:
        app.router.add_get(path, handler)
    return app


# --- serving ------------------------------------------------------------------------------
def self_signed(directory: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context for 127.0.0.1 and the certificate file clients can trust."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "woo-cert.pem", directory / "woo-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context, cert_path


@dataclass
class Running:
    state: ShopState
    url: str
    cafile: Path | None = None

    def client_ssl(self) -> ssl.SSLContext:
        """A client TLS context that trusts this emulator's self-signed certificate."""
        return ssl.create_default_context(cafile=str(self.cafile) if self.cafile else None)


@asynccontextmanager
async def running(state: ShopState, *, tls: bool = False, port: int = 0) -> AsyncIterator[Running]:
    """Serve ``state`` on 127.0.0.1 (a free port unless given) for the duration of the block."""
    with tempfile.TemporaryDirectory() as tmp:
        context, cafile = self_signed(Path(tmp)) if tls else (None, None)
        runner = web.AppRunner(build_app(state), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port, ssl_context=context)
        await site.start()
        bound = runner.addresses[0][1]
        state.home_url = f"{'https' if tls else 'http'}://127.0.0.1:{bound}"
        try:
            yield Running(state, state.home_url, cafile)
        finally:
            await runner.cleanup()


async def _serve(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    state = ShopState.seeded(args.orders, sees_https=not args.no_proxy_fix)
    seeded = time.perf_counter() - started
    async with running(state, tls=args.tls, port=args.port) as shop:
        print(f"WooCommerce emulator at {shop.url}  ({len(state.orders)} orders, {seeded:.2f}s)")
        print(f"  consumer key:    {DEFAULT_KEY.key}")
        print(f"  consumer secret: {DEFAULT_KEY.secret}")
        print(f"  read-only key:   {READ_ONLY_KEY.key} / {READ_ONLY_KEY.secret}")
        if shop.cafile:
            print(f"  TLS certificate: {shop.cafile}")
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=8881)
    parser.add_argument("--orders", type=int, default=0, help="synthetic orders to add")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS (self-signed)")
    parser.add_argument(
        "--no-proxy-fix",
        action="store_true",
        help="with --tls: WordPress does not see HTTPS (Basic auth ignored)",
    )
    with suppress(KeyboardInterrupt):
        asyncio.run(_serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
