"""Signed shopper identity: the storefront vouches for a logged-in shopper's email.

The storefront computes ``HMAC-SHA256(secret, f"{email.strip().lower()}:{ts}")`` (hex) with
the widget's identity secret; the relay checks it with ``verify_identity`` before the
conversation starts. A bad or stale signature is simply not trusted.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

#: How far in the future a timestamp may be (clock skew between storefront and relay).
FUTURE_SKEW = 300
_MAX_SIGNATURE = 128


def sign_identity(secret: bytes, email: str, ts: int) -> str:
    """Hex HMAC-SHA256 of ``"<email trimmed, lower case>:<ts>"``."""
    message = f"{email.strip().lower()}:{ts}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def verify_identity(
    secret: bytes | None,
    email: object,
    ts: object,
    signature: object,
    *,
    now: datetime,
    max_age: int = 86400,
) -> bool:
    """True when ``signature`` is the storefront's signature of ``email`` at ``ts``, made at
    most ``max_age`` seconds ago (and not more than 5 minutes ahead). Any junk → False."""
    stamp = _timestamp(ts)
    if not secret or stamp is None or not isinstance(email, str) or not email.strip():
        return False
    if not isinstance(signature, str) or len(signature) > _MAX_SIGNATURE:
        return False
    age = now.timestamp() - stamp
    if age > max_age or age < -FUTURE_SKEW:
        return False
    expected = sign_identity(secret, email, stamp).encode()
    return hmac.compare_digest(expected, signature.strip().lower().encode("utf-8", "replace"))


def _timestamp(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        return int(value)
    return None
