"""Recorded WooCommerce error answers → one typed error with one clear sentence each."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from connectors.errors import (
    AuthError,
    BadResponseError,
    ConfigError,
    IntegrationError,
    NotFoundError,
    RateLimitedError,
    UnavailableError,
)
from connectors.woocommerce.errors import error_for
from tests.connectors.woocommerce.recorded import response

CASES = [
    ("30", False, AuthError, "WooCommerce did not let these API keys read the store.", "Read"),
    ("31", False, AuthError, "WooCommerce did not let these API keys read the store.", "Read"),
    ("80", True, AuthError, "WooCommerce did not let these API keys read the store.", "HTTPS"),
    ("93", True, AuthError, "WooCommerce did not let these API keys read the store.", "proxy"),
    (
        "33",
        False,
        AuthError,
        "WooCommerce rejected the request signature: the consumer secret does not match the key.",
        "cs_",
    ),
    (
        "34",
        False,
        AuthError,
        "WooCommerce did not recognise the consumer key.",
        "WooCommerce → Settings → Advanced → REST API",
    ),
    (
        "35",
        False,
        AuthError,
        "WooCommerce refused the request because this computer's clock is off.",
        "date and time",
    ),
    (
        "37",
        False,
        UnavailableError,
        "WooCommerce refused a request signature it had already seen.",
        "retries",
    ),
    (
        "38",
        False,
        AuthError,
        "WooCommerce did not receive the API key with the request.",
        "security plugin",
    ),
    ("39", False, NotFoundError, "The store has no order with that id.", "order number"),
    ("40", False, NotFoundError, "The store has no customer with that id.", "customer"),
    ("41", False, NotFoundError, "The store has no product with that id.", "product"),
    (
        "42",
        False,
        BadResponseError,
        "WooCommerce refused the request: Invalid parameter(s): per_page",
        "update",
    ),
    (
        "44",
        False,
        ConfigError,
        "The WooCommerce REST API was not found at 127.0.0.1.",
        "Permalinks",
    ),
    (
        "45",
        False,
        AuthError,
        "WooCommerce refused the API key: The API key provided does not have write permissions.",
        "new key",
    ),
    ("91", True, AuthError, "WooCommerce did not accept the consumer secret.", "cs_"),
]


@pytest.mark.parametrize(("case", "https", "kind", "sentence", "hint"), CASES)
def test_recorded_error_becomes_a_typed_error_with_a_hint(
    woo_fixtures: Path, case: str, https: bool, kind: type, sentence: str, hint: str
):
    err = error_for(response(woo_fixtures, case), over_https=https)
    assert type(err) is kind
    assert err.message == sentence
    assert err.hint is not None and hint in err.hint
    assert "cs_758d" not in str(err) and "ck_89c4" not in str(err)


def _answer(status: int, content: bytes, ctype: str, **headers: str) -> httpx.Response:
    request = httpx.Request("GET", "https://shop.test/wp-json/wc/v3/orders")
    return httpx.Response(
        status, content=content, headers={"content-type": ctype, **headers}, request=request
    )


def test_write_only_key_is_told_to_get_read_permission():
    body = (
        b'{"code":"woocommerce_rest_authentication_error","message":"The API key provided '
        b'does not have read permissions.","data":{"status":401}}'
    )
    err = error_for(_answer(401, body, "application/json"), over_https=False)
    assert isinstance(err, AuthError)
    assert err.message == "The WooCommerce API key is not allowed to read store data."


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retryable_unavailable(status: int):
    err = error_for(
        _answer(status, b"<html><h1>Bad gateway</h1></html>", "text/html"), over_https=True
    )
    assert isinstance(err, UnavailableError) and err.retryable
    assert err.message == f"shop.test had a server error (HTTP {status})."


def test_a_web_page_says_the_address_may_be_wrong():
    err = error_for(
        _answer(404, b"<!DOCTYPE html><html>Not found</html>", "text/html"), over_https=True
    )
    assert isinstance(err, BadResponseError)
    assert err.message == "shop.test answered with a web page instead of WooCommerce data."
    assert err.hint is not None and "/wp-json" in err.hint


def test_an_unreadable_error_body_is_a_bad_response():
    err = error_for(
        _answer(400, b"<br />\n<b>Warning</b>: oops {", "application/json"), over_https=True
    )
    assert isinstance(err, BadResponseError)
    assert err.message == "shop.test sent a reply Storedesk could not read."


def test_a_plain_404_means_no_woocommerce_api_at_that_address():
    err = error_for(_answer(404, b"404: Not Found", "text/plain"), over_https=True)
    assert isinstance(err, ConfigError)
    assert err.message == "There is no WooCommerce REST API at shop.test (HTTP 404)."
    assert err.hint is not None and "Permalinks" in err.hint


def test_rate_limit_carries_the_wait():
    err = error_for(
        _answer(429, b"{}", "application/json", **{"retry-after": "7"}), over_https=True
    )
    assert isinstance(err, RateLimitedError) and err.wait == 7.0


def test_every_error_reads_as_one_sentence():
    err: IntegrationError = error_for(
        _answer(418, b'{"code":"x","message":"Teapot."}', "application/json"), over_https=True
    )
    assert err.message.endswith(".") and err.message.count(". ") == 0
