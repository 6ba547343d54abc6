"""Shopify app proxy requests: Shopify forwards a storefront request such as
``/apps/storedesk/identity`` to the app's proxy URL, adding ``shop``, ``path_prefix``,
``timestamp``, ``logged_in_customer_id`` (blank for a guest) and ``signature``.

The signature is the hex HMAC-SHA256, with the app's client secret, of every other query
parameter written as ``key=value`` (a repeated key's values joined with ``,``), sorted and
concatenated without a separator.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime

#: How far a proxy request's timestamp may be from the relay's clock, in seconds.
MAX_SKEW = 600
_MAX_SIGNATURE = 128


def proxy_message(pairs: Iterable[tuple[str, str]]) -> str:
    """The text Shopify signs for these query parameters (``signature`` left out)."""
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        if key != "signature":
            values.setdefault(key, []).append(value)
    return "".join(sorted(f"{key}={','.join(found)}" for key, found in values.items()))


def sign_proxy(secret: bytes, pairs: Iterable[tuple[str, str]]) -> str:
    return hmac.new(secret, proxy_message(pairs).encode(), hashlib.sha256).hexdigest()


def verify_proxy(
    secret: bytes | None, pairs: list[tuple[str, str]], *, now: datetime, max_skew: int = MAX_SKEW
) -> bool:
    """True when the request carries exactly one valid ``signature`` made with ``secret``
    and a ``timestamp`` within ``max_skew`` seconds of ``now``."""
    signatures = [value for key, value in pairs if key == "signature"]
    stamps = [value for key, value in pairs if key == "timestamp"]
    if not secret or len(signatures) != 1 or len(signatures[0]) > _MAX_SIGNATURE:
        return False
    if len(stamps) != 1 or not (stamps[0].isascii() and stamps[0].isdigit()):
        return False
    if abs(now.timestamp() - int(stamps[0][:12])) > max_skew:
        return False
    expected = sign_proxy(secret, pairs).encode()
    return hmac.compare_digest(expected, signatures[0].strip().lower().encode("utf-8", "replace"))
