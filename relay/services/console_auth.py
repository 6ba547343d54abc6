"""Check a console request's Ed25519 signature (``core.signing``): paired key, signature
over method, path with query, timestamp, nonce and body digest, clock skew ≤ 5 minutes,
a nonce never seen before, and a console not revoked. Any failure is a 401 with one
sentence. (What the console's role allows is ``relay.services.roles``.)

``identify`` runs before the body is read (so nobody unpaired can make the relay read a
large body); ``verify`` checks the signature over that body and spends the nonce.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from core import signing
from relay.responses import ApiError
from relay.storage.records import ConsoleRecord

if TYPE_CHECKING:
    from relay.storage import RelayStore

NONCE_TTL = timedelta(seconds=2 * signing.MAX_SKEW_SECONDS)


def _refuse(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message)


def _revoked() -> ApiError:
    return ApiError(
        401,
        "revoked",
        "An admin revoked this console's access to the relay; ask an admin for a new invite "
        "(storedesk team invite) and pair again.",
    )


async def identify(
    store: RelayStore, headers: Mapping[str, str], now: datetime
) -> tuple[signing.SignedRequest, ConsoleRecord]:
    """The signature headers and the paired console they name; 401 when missing, unknown
    or outside the allowed clock skew."""
    try:
        signed = signing.read_headers(headers)
    except signing.SignatureError as exc:
        raise _refuse(str(exc)) from None
    console = await store.find_console(signed.key_fingerprint)
    if console is None:
        raise _refuse("This console is not paired with the relay; pair it again.")
    if console.revoked_at is not None:
        raise _revoked()
    if abs(int(now.timestamp()) - signed.timestamp) > signing.MAX_SKEW_SECONDS:
        raise _refuse(
            "The request's timestamp is more than 5 minutes off; check the computer's clock."
        )
    return signed, console


async def verify(
    store: RelayStore,
    signed: signing.SignedRequest,
    console: ConsoleRecord,
    *,
    method: str,
    path: str,
    body: bytes,
    now: datetime,
) -> ConsoleRecord:
    """Check the signature over the request, refuse a nonce seen before, and return the
    console as the database has it now (its role; refused if revoked meanwhile, whichever
    relay revoked it)."""
    try:
        signing.verify(console.public_key, signed, method, path, body, now=int(now.timestamp()))
    except signing.SignatureError as exc:
        raise _refuse(str(exc)) from None
    fresh, current = await store.check_in(console.fingerprint, signed.nonce, now + NONCE_TTL)
    if not fresh:
        raise _refuse("This request was already received once (a replay); it is refused.")
    if current is None:
        raise _refuse("This console is not paired with the relay; pair it again.")
    if current.revoked_at is not None:
        raise _revoked()
    return current
