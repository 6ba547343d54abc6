"""WooCommerce's error answers → the one ``IntegrationError`` hierarchy, with hints.

WooCommerce answers errors as ``{"code", "message", "data": {"status"}}``. The codes and
messages below are the ones a real 9.4 store sends (see the recorded traffic in the tests).
"""

from __future__ import annotations

from typing import Any

import httpx

from connectors.errors import (
    AuthError,
    BadResponseError,
    ConfigError,
    IntegrationError,
    NotFoundError,
    RateLimitedError,
    UnavailableError,
)
from connectors.http import decode_json, looks_like_html, retry_after

PLATFORM = "woocommerce"
KEYS_PAGE = "WooCommerce → Settings → Advanced → REST API"

NOT_FOUND_CODES = {
    "woocommerce_rest_shop_order_invalid_id": "order",
    "woocommerce_rest_invalid_id": "customer",
    "woocommerce_rest_product_invalid_id": "product",
    "woocommerce_rest_order_invalid_id": "order",
    "woocommerce_rest_customer_invalid_id": "customer",
}

# (substring of WooCommerce's message, our sentence, hint)
_AUTH_MESSAGES = (
    (
        "consumer key is invalid",
        "WooCommerce did not recognise the consumer key.",
        f"Check the key (it starts with ck_) in {KEYS_PAGE}.",
    ),
    (
        "invalid signature",
        "WooCommerce rejected the request signature: the consumer secret does not match the key.",
        f"Check the consumer secret (it starts with cs_) in {KEYS_PAGE}, and that the store "
        "address is exactly the one in WordPress → Settings → General.",
    ),
    (
        "consumer secret is invalid",
        "WooCommerce did not accept the consumer secret.",
        f"Check the consumer secret (it starts with cs_) in {KEYS_PAGE}.",
    ),
    (
        "invalid timestamp",
        "WooCommerce refused the request because this computer's clock is off.",
        "Set the computer's date and time automatically, then try again.",
    ),
    (
        "does not have read permissions",
        "The WooCommerce API key is not allowed to read store data.",
        f"Give the key Read or Read/Write permission in {KEYS_PAGE}.",
    ),
)


def error_for(response: httpx.Response, *, over_https: bool) -> IntegrationError:
    """The error a failed (non-2xx) answer stands for."""
    host = response.request.url.host
    if response.status_code >= 500 and (looks_like_html(response) or not response.content):
        return _unavailable(response)
    if looks_like_html(response):
        return html_page(response)
    if response.status_code == 429:
        return RateLimitedError(
            PLATFORM,
            f"{host} is limiting how fast Storedesk may ask.",
            wait=retry_after(response),
            hint="Storedesk waits and tries again by itself.",
            status=429,
        )
    try:
        body = decode_json(PLATFORM, response)
    except BadResponseError as unreadable:
        return _no_api(response) if response.status_code == 404 else unreadable
    if not isinstance(body, dict) or "code" not in body:
        if response.status_code >= 500:
            return _unavailable(response)
        return BadResponseError(
            PLATFORM,
            f"{host} answered HTTP {response.status_code} without saying why.",
            hint="Check the store address and that WooCommerce is active.",
            status=response.status_code,
        )
    return _from_body(response, body, over_https=over_https)


def _no_api(response: httpx.Response) -> ConfigError:
    return ConfigError(
        PLATFORM,
        f"There is no WooCommerce REST API at {response.request.url.host} (HTTP 404).",
        hint="Check the shop address, that WooCommerce is active, and that WordPress → "
        "Settings → Permalinks is not set to 'Plain'.",
        status=404,
    )


def html_page(response: httpx.Response) -> BadResponseError:
    return BadResponseError(
        PLATFORM,
        f"{response.request.url.host} answered with a web page instead of WooCommerce data.",
        hint="Paste just the shop's home address (without /wp-json or /wp-admin) and check "
        "that the site runs WordPress with WooCommerce active.",
        status=response.status_code,
    )


def _unavailable(response: httpx.Response) -> UnavailableError:
    return UnavailableError(
        PLATFORM,
        f"{response.request.url.host} had a server error (HTTP {response.status_code}).",
        hint="The store may be overloaded or a plugin failing; Storedesk tries again shortly.",
        status=response.status_code,
    )


def _from_body(
    response: httpx.Response, body: dict[str, Any], *, over_https: bool
) -> IntegrationError:
    code = str(body.get("code") or "")
    message = str(body.get("message") or "")
    status = response.status_code
    host = response.request.url.host
    if code in NOT_FOUND_CODES:
        what = NOT_FOUND_CODES[code]
        return NotFoundError(
            PLATFORM,
            f"The store has no {what} with that id.",
            hint=f"Check the {what} number.",
            status=status,
            detail=code,
        )
    if code == "rest_no_route":
        return ConfigError(
            PLATFORM,
            f"The WooCommerce REST API was not found at {host}.",
            hint="Check that WooCommerce is active and the address is the shop's home address; "
            "in WordPress → Settings → Permalinks, pick any setting but Plain and save.",
            status=status,
            detail=code,
        )
    if code.startswith("woocommerce_rest_authentication"):
        return _auth_error(code, message, status)
    if code in ("woocommerce_rest_cannot_view", "rest_forbidden") or status in (401, 403):
        return _cannot_view(code, status, over_https=over_https)
    if status >= 500:
        return _unavailable(response)
    return BadResponseError(
        PLATFORM,
        f"WooCommerce refused the request: {message or code}",
        hint="Storedesk may need an update for this store; the store's error log can say more.",
        status=status,
        detail=code,
    )


def _auth_error(code: str, message: str, status: int) -> IntegrationError:
    lowered = message.lower()
    if "nonce has already been used" in lowered:
        return UnavailableError(
            PLATFORM,
            "WooCommerce refused a request signature it had already seen.",
            hint="Storedesk signs again and retries by itself.",
            status=status,
            detail=code,
        )
    if code == "woocommerce_rest_authentication_missing_parameter":
        return AuthError(
            PLATFORM,
            "WooCommerce did not receive the API key with the request.",
            hint="A security plugin or proxy may strip query parameters; allow /wp-json/wc/ "
            "requests through it.",
            status=status,
            detail=code,
        )
    for needle, sentence, hint in _AUTH_MESSAGES:
        if needle in lowered:
            return AuthError(PLATFORM, sentence, hint=hint, status=status, detail=code)
    return AuthError(
        PLATFORM,
        f"WooCommerce refused the API key: {message}",
        hint=f"Create a new key in {KEYS_PAGE} and paste it again.",
        status=status,
        detail=code,
    )


def _cannot_view(code: str, status: int, *, over_https: bool) -> AuthError:
    if over_https:
        hint = (
            f"Check the key, the secret and that the key has Read permission in {KEYS_PAGE}. "
            "If they are right, the site does not know it is served over HTTPS (a proxy or "
            "load balancer in front of it): ask the host to pass X-Forwarded-Proto to WordPress."
        )
    else:
        hint = (
            f"Check that the key has Read permission in {KEYS_PAGE} and belongs to an "
            "administrator or shop manager."
        )
    return AuthError(
        PLATFORM,
        "WooCommerce did not let these API keys read the store.",
        hint=hint,
        status=status,
        detail=code,
    )
