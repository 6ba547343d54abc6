"""Shopify's failures (HTTP statuses, GraphQL ``errors[]``) as ``IntegrationError``s."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

import httpx

from connectors.errors import (
    AuthError,
    BadResponseError,
    ConfigError,
    IntegrationError,
    RateLimitedError,
    UnavailableError,
)
from connectors.http import retry_after

PLATFORM: Final = "shopify"

TOKEN_HINT: Final = (
    "Copy the Admin API access token again from Shopify admin → Settings → Apps and sales "
    "channels → Develop apps → your app → API credentials (it starts with shpat_)."
)
SCOPE_HINT: Final = (
    "In Shopify admin → Settings → Apps and sales channels → Develop apps → your app → "
    "Configuration, allow read_orders, read_customers and read_products, then reinstall the app."
)
PROTECTED_WARNING: Final = (
    "Shopify withheld this order's customer details (protected customer data); "
    "the app needs approval for customer name, email and phone to show them."
)


def for_status(response: httpx.Response) -> IntegrationError:
    """The error for a non-200 answer from the GraphQL endpoint."""
    status = response.status_code
    detail = _body_text(response)
    if status == 401:
        return AuthError(
            PLATFORM,
            "Shopify refused the access token.",
            hint=TOKEN_HINT,
            status=status,
            detail=detail,
        )
    if status == 403:
        return AuthError(
            PLATFORM,
            "The Shopify app is not allowed to read this store's data.",
            hint=SCOPE_HINT,
            status=status,
            detail=detail,
        )
    if status == 404:
        return ConfigError(
            PLATFORM,
            "Shopify did not find this shop or API version.",
            hint=(
                "Check the shop address (name.myshopify.com) and the API version (such as 2026-01)."
            ),
            status=status,
            detail=detail,
        )
    if status == 429:
        return _rate_limited(response, detail)
    if status in (402, 423):
        return _shop_frozen(status, detail)
    if status >= 500:
        return UnavailableError(
            PLATFORM,
            f"Shopify is having trouble right now (error {status}).",
            hint="This is usually brief; try again in a few minutes.",
            status=status,
            detail=detail,
        )
    return BadResponseError(
        PLATFORM,
        f"Shopify answered with an unexpected error {status}.",
        hint="Try again; if it keeps happening, check the API version in the store settings.",
        status=status,
        detail=detail,
    )


def _shop_frozen(status: int, detail: str | None) -> UnavailableError:
    reason = "frozen for an unpaid bill" if status == 402 else "locked by Shopify"
    error = UnavailableError(
        PLATFORM,
        f"The Shopify store is {reason}, so its data cannot be read.",
        hint="Log in to the Shopify admin to see what the store needs, then try again.",
        status=status,
        detail=detail,
    )
    error.retryable = False  # waiting a few seconds will not unfreeze a shop
    return error


def _rate_limited(response: httpx.Response, detail: str | None) -> RateLimitedError:
    if "retry-after" in response.headers:
        wait = retry_after(response)
    else:
        wait = throttle_wait(_cost_of(response)) or 1.0
    return throttled(wait, status=429, detail=detail)


def throttled(
    wait: float, *, status: int | None = None, detail: str | None = None
) -> RateLimitedError:
    return RateLimitedError(
        PLATFORM,
        "Shopify asked Storedesk to slow down.",
        wait=wait,
        hint="Storedesk waits and tries again by itself.",
        status=status,
        detail=detail,
    )


def throttle_wait(cost: Mapping[str, Any] | None) -> float | None:
    """Seconds until the bucket holds the requested cost: (requested − available) / restore rate."""
    if not cost:
        return None
    status = cost.get("throttleStatus") or {}
    try:
        requested = float(cost["requestedQueryCost"])
        available = float(status["currentlyAvailable"])
        rate = float(status["restoreRate"])
    except (KeyError, TypeError, ValueError):
        return None
    if rate <= 0:
        return None
    return max(0.0, (requested - available) / rate)


def for_graphql_error(error: Mapping[str, Any], cost: Mapping[str, Any] | None) -> IntegrationError:
    """The error for one fatal entry of a 200 answer's ``errors[]``."""
    code = str((error.get("extensions") or {}).get("code") or "")
    message = str(error.get("message") or "unknown error")
    if code == "THROTTLED":
        wait = throttle_wait(cost)
        return throttled(1.0 if wait is None else wait, detail=message)
    if code == "ACCESS_DENIED":
        return AuthError(
            PLATFORM,
            "The Shopify app is not allowed to read this data.",
            hint=SCOPE_HINT,
            detail=message,
        )
    if code in ("INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"):
        return UnavailableError(
            PLATFORM,
            "Shopify could not answer this request right now.",
            hint="This is usually brief; try again in a few minutes.",
            detail=message,
        )
    return BadResponseError(
        PLATFORM,
        "Shopify rejected Storedesk's request.",
        hint="Check the API version in the store settings; Storedesk may need an update for it.",
        detail=f"{code}: {message}" if code else message,
    )


def unreadable_record(what: str, external_id: str | None, problem: object) -> BadResponseError:
    """A single ``what`` ("order", "customer") whose fields the mapping could not read."""
    article = "an" if what[:1] in "aeiou" else "a"
    return BadResponseError(
        PLATFORM,
        f"Shopify sent {article} {what} Storedesk could not read.",
        hint=(
            f"Open the {what} in the Shopify admin to check it looks normal; if it does, "
            "Storedesk may need an update for this API version."
        ),
        detail=f"{external_id or 'unknown id'}: {problem}",
    )


def is_protected_data_denial(error: Mapping[str, Any]) -> bool:
    """An ``ACCESS_DENIED`` below the root field: the rest of the answer is still good."""
    code = (error.get("extensions") or {}).get("code")
    path = error.get("path")
    return code == "ACCESS_DENIED" and isinstance(path, list) and len(path) > 1


def _cost_of(response: httpx.Response) -> Mapping[str, Any] | None:
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    cost = (body.get("extensions") or {}).get("cost") if isinstance(body, dict) else None
    return cost if isinstance(cost, dict) else None


def _body_text(response: httpx.Response) -> str | None:
    """Shopify's own error text for logs (``{"errors": "..."}``), never the request."""
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return response.reason_phrase or None
    errors = body.get("errors") if isinstance(body, dict) else None
    return str(errors)[:300] if errors else None
