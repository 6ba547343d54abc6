"""Responses, query parameters and pagination of the WooCommerce emulator, as WordPress
does them: ``wp_json_encode`` bodies, ``rest_invalid_param`` errors, ``X-WP-Total`` /
``X-WP-TotalPages`` and a ``Link`` header that repeats the request's own parameters."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from aiohttp import web

from tests.emulators.woocommerce_state import STATE, WC_KEY, ShopState

Json = dict[str, Any]

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


def order_statuses(query: Query) -> list[str]:
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
    ties: Callable[[Any], Any] | None = None,
) -> web.Response:
    """One page of ``rows`` (already sorted). ``ties`` gives the sort value when the sort is
    not unique: MySQL then returns tied rows in an order of its own, different from one
    request to the next, so the page is cut from a fresh shuffle of every tie it touches."""
    query = Query(parse_qsl(request.query_string, keep_blank_values=True))
    per_page = query.integer("per_page", 10, 1, 100) or 10
    page = query.integer("page", 1, 1) or 1
    offset = query.integer("offset", None)
    total, pages = len(rows), math.ceil(len(rows) / per_page)
    # WP_Query: an explicit offset replaces the page's own offset
    start = offset if offset is not None else (page - 1) * per_page
    chunk = _cut(rows, start, per_page, ties, request.app[STATE].rng)
    if page > pages:
        total = pages = 0
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
    link = _link(request, query, page, pages, defaults)
    if link:
        headers["Link"] = link
    return respond(request, [build(r) for r in chunk], allow="GET, POST", extra=headers)


def _cut(
    rows: list[Any], start: int, size: int, ties: Callable[[Any], Any] | None, rng: random.Random
) -> list[Any]:
    end = min(start + size, len(rows))
    if ties is None or start >= end:
        return rows[start:end]
    low, high = start, end
    while low > 0 and ties(rows[low - 1]) == ties(rows[start]):
        low -= 1
    while high < len(rows) and ties(rows[high]) == ties(rows[end - 1]):
        high += 1
    window = rows[low:high]
    groups: dict[Any, list[Any]] = {}
    for row in window:
        groups.setdefault(ties(row), []).append(row)
    for group in groups.values():
        rng.shuffle(group)
    mixed = [row for group in groups.values() for row in group]
    return mixed[start - low : end - low]


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
