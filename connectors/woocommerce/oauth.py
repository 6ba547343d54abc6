"""One-legged OAuth 1.0a exactly as WooCommerce verifies it (``WC_REST_Authentication``).

WooCommerce rebuilds the signature base string from the site's configured home URL plus
the request path, with every parameter RFC 3986-encoded (``/`` included), sorted by key,
and array parameters named with explicit indexes (``status[0]``): it never sees
``status[]``. The signing key is the consumer secret followed by ``&`` (no token).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from urllib.parse import quote

Param = tuple[str, str]
ParamValue = str | int | Sequence[str | int]


def rfc3986(text: str) -> str:
    """Percent-encode everything but unreserved characters (PHP's ``rawurlencode``)."""
    return quote(text, safe="-_.~")


def flatten_params(params: Mapping[str, ParamValue]) -> list[Param]:
    """Query parameters as pairs; a list value becomes ``key[0]``, ``key[1]``, …"""
    pairs: list[Param] = []
    for key, value in params.items():
        if isinstance(value, str | int):
            pairs.append((key, str(value)))
        else:
            pairs.extend((f"{key}[{i}]", str(item)) for i, item in enumerate(value))
    return pairs


def base_string(method: str, base_url: str, params: Iterable[Param]) -> str:
    """``METHOD&enc(url)&enc(sorted k=v joined by &)`` over encoded keys and values."""
    encoded = sorted((rfc3986(k), rfc3986(v)) for k, v in params if k != "oauth_signature")
    joined = "&".join(f"{k}={v}" for k, v in encoded)
    return f"{method.upper()}&{rfc3986(base_url)}&{rfc3986(joined)}"


def signature(text: str, consumer_secret: str, method: str = "HMAC-SHA256") -> str:
    digest = hashlib.sha1 if method == "HMAC-SHA1" else hashlib.sha256
    mac = hmac.new(f"{consumer_secret}&".encode(), text.encode(), digest)
    return base64.b64encode(mac.digest()).decode("ascii")


def sign(
    method: str,
    base_url: str,
    params: Sequence[Param],
    *,
    consumer_key: str,
    consumer_secret: str,
    timestamp: int,
    nonce: str,
) -> list[Param]:
    """``params`` plus the five ``oauth_*`` parameters, ready to send as the query string."""
    oauth = [
        ("oauth_consumer_key", consumer_key),
        ("oauth_nonce", nonce),
        ("oauth_signature_method", "HMAC-SHA256"),
        ("oauth_timestamp", str(timestamp)),
    ]
    signed = [*params, *oauth]
    sig = signature(base_string(method, base_url, signed), consumer_secret)
    return [*signed, ("oauth_signature", sig)]


def new_nonce(token_hex: Callable[[int], str] = secrets.token_hex) -> str:
    return token_hex(16)
