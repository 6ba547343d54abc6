"""Signed console requests: the console's Ed25519 key signs method, path, time, nonce and
body digest; the relay checks the signature, the clock skew and that the nonce is new.

The signed text is::

    storedesk-v1\\n{METHOD}\\n{path?query}\\n{timestamp}\\n{nonce}\\n{sha256(body) hex}
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

HEADER_KEY = "X-Storedesk-Key"
HEADER_TIMESTAMP = "X-Storedesk-Timestamp"
HEADER_NONCE = "X-Storedesk-Nonce"
HEADER_SIGNATURE = "X-Storedesk-Signature"
MAX_SKEW_SECONDS = 300


class SignatureError(Exception):
    """Why a signed request is refused, in one sentence."""


def canonical(method: str, path: str, timestamp: int, nonce: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return f"storedesk-v1\n{method.upper()}\n{path}\n{timestamp}\n{nonce}\n{digest}".encode()


def new_private_key() -> bytes:
    """A fresh Ed25519 private key, raw 32 bytes."""
    # the raw-bytes methods: ``serialization`` (PEM, SSH and every key type) stays unloaded
    return Ed25519PrivateKey.generate().private_bytes_raw()


def public_key_of(private_key: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes_raw()


def fingerprint(public_key: bytes) -> str:
    """A short, readable fingerprint: ``SHA256:`` and 8 groups of 4 hex digits."""
    digest = hashlib.sha256(public_key).hexdigest()[:32]
    return "SHA256:" + ":".join(digest[i : i + 4] for i in range(0, 32, 4))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise SignatureError("The value is not valid base64.") from None


def sign_headers(
    private_key: bytes, method: str, path: str, body: bytes, *, timestamp: int
) -> dict[str, str]:
    """The headers a console request carries (``path`` includes the query string)."""
    nonce = secrets.token_hex(16)
    key = Ed25519PrivateKey.from_private_bytes(private_key)
    signature = key.sign(canonical(method, path, timestamp, nonce, body))
    return {
        HEADER_KEY: fingerprint(public_key_of(private_key)),
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: b64(signature),
    }


@dataclass(frozen=True, slots=True)
class SignedRequest:
    key_fingerprint: str
    timestamp: int
    nonce: str
    signature: bytes


def read_headers(headers: Mapping[str, str]) -> SignedRequest:
    """Parse the signature headers; a missing or malformed one is a ``SignatureError``."""
    values = {name: headers.get(name) for name in (HEADER_KEY, HEADER_TIMESTAMP, HEADER_NONCE)}
    signature = headers.get(HEADER_SIGNATURE)
    if signature is None or any(value is None for value in values.values()):
        raise SignatureError("The request is not signed by a paired console.")
    try:
        timestamp = int(values[HEADER_TIMESTAMP] or "")
    except ValueError:
        raise SignatureError("The request's timestamp is not a number.") from None
    nonce = values[HEADER_NONCE] or ""
    if not 16 <= len(nonce) <= 64 or not nonce.isalnum():
        raise SignatureError("The request's nonce is malformed.")
    return SignedRequest(values[HEADER_KEY] or "", timestamp, nonce, unb64(signature))


def verify(
    public_key: bytes, request: SignedRequest, method: str, path: str, body: bytes, *, now: int
) -> None:
    """Raise ``SignatureError`` unless the signature is good and fresh (replays are the
    caller's to refuse, by remembering nonces for twice ``MAX_SKEW_SECONDS``)."""
    if abs(now - request.timestamp) > MAX_SKEW_SECONDS:
        raise SignatureError(
            "The request's timestamp is more than 5 minutes off; check the computer's clock."
        )
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            request.signature, canonical(method, path, request.timestamp, request.nonce, body)
        )
    except (InvalidSignature, ValueError):
        raise SignatureError("The request's signature does not match.") from None
