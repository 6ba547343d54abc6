"""Signed shopper identity: the storefront vouches for a logged-in shopper.

This docstring and widget/README.md are where the format is written down; storefront code
(WordPress plugin, Shopify app embed, a merchant's own server) follows them.

The storefront, on its server and never in the browser, signs with the widget's identity
secret (``storedesk widget secret WIDGET``)::

    signature = hex(HMAC-SHA256(secret, f"{email}:{name}:{ts}"))   # with a name
    signature = hex(HMAC-SHA256(secret, f"{email}:{ts}"))          # email only

``email`` is trimmed and lower-cased; ``name`` is trimmed, exactly the text passed to the
widget as the shopper's name (the merchant sees it, the bot greets with it); ``ts`` is the
Unix time in seconds when it was signed. The widget passes ``email``, ``name`` (optional),
``ts`` and ``signature`` along; the relay checks them with ``check_identity`` before the
conversation starts.

What the relay trusts:

- a signature over ``email:name:ts``: the email and the name;
- a signature over ``email:ts`` (storefronts from before names were signed): the email only.
  A name passed with it is ignored; the relay shows the name the store has for that email;
- anything else (wrong, stale, from the future, an email with a ``:``): nothing; the shopper
  chats as a guest.

A signature is accepted for at most the widget's ``identity_max_age`` seconds (1 minute to
24 hours; 24 hours by default) and up to 5 minutes ahead of the relay's clock.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

#: How far in the future a timestamp may be (clock skew between storefront and relay).
FUTURE_SKEW = 300
#: The longest (and default) time a signature is accepted for, in seconds; the shortest.
MAX_AGE = 86400
MIN_AGE = 60
_MAX_SIGNATURE = 128


@dataclass(frozen=True, slots=True)
class SignedIdentity:
    """What a valid signature vouches for; ``name`` is ``None`` when it was not signed."""

    email: str
    name: str | None


def signed_text(email: str, ts: int, name: str | None = None) -> str:
    """The text the storefront signs (``name=None``: the email-only form)."""
    email = email.strip().lower()
    if name is None:
        return f"{email}:{ts}"
    return f"{email}:{name.strip()}:{ts}"


def sign_identity(secret: bytes, email: str, ts: int, name: str | None = None) -> str:
    """Hex HMAC-SHA256 of ``signed_text(email, ts, name)``, as a storefront computes it."""
    message = signed_text(email, ts, name).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def verify_identity(
    secret: bytes | None,
    email: object,
    ts: object,
    signature: object,
    *,
    now: datetime,
    max_age: int = MAX_AGE,
    name: str | None = None,
) -> bool:
    """True when ``signature`` is the storefront's signature of ``email`` (and ``name``, when
    given) at ``ts``, made at most ``max_age`` seconds ago (and not more than 5 minutes
    ahead). Any junk → False."""
    stamp = _timestamp(ts)
    if not secret or stamp is None or not isinstance(email, str) or not email.strip():
        return False
    if ":" in email or not isinstance(signature, str) or len(signature) > _MAX_SIGNATURE:
        return False
    age = now.timestamp() - stamp
    if age > min(max_age, MAX_AGE) or age < -FUTURE_SKEW:
        return False
    expected = sign_identity(secret, email, stamp, name).encode()
    return hmac.compare_digest(expected, signature.strip().lower().encode("utf-8", "replace"))


def check_identity(
    secret: bytes | None,
    email: object,
    ts: object,
    signature: object,
    *,
    name: str | None,
    now: datetime,
    max_age: int = MAX_AGE,
) -> SignedIdentity | None:
    """What the signature vouches for: the email and the name when both are signed, the
    email alone for an email-only signature (the name passed along is dropped), else None."""
    if not isinstance(email, str):
        return None
    given = name.strip() if isinstance(name, str) and name.strip() else None
    if given is not None and verify_identity(
        secret, email, ts, signature, now=now, max_age=max_age, name=given
    ):
        return SignedIdentity(email.strip(), given)
    if verify_identity(secret, email, ts, signature, now=now, max_age=max_age):
        return SignedIdentity(email.strip(), None)
    return None


def _timestamp(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        return int(value)
    return None
