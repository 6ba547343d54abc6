"""One-time pairing codes: made by ``storedesk-relay pairing-code`` (an admin's code) or by
an admin's invite (``relay.services.team``: a code carrying a role), spent by the console's
``POST /v1/console/pair`` to register its Ed25519 public key with that role.

A code is 8 characters from an alphabet without look-alikes, shown as ``XXXX-XXXX``, valid
10 minutes (an invite: as long as the admin chose), single use, stored only as an HMAC
under the relay key. Typing is forgiving
(case, spaces and dashes are ignored); five wrong codes per address per 10 minutes → 429.
Each try is counted in the relay database before the code is checked (and refunded when it
was right), so a burst of guesses, even spread over several relays on one database, gets
the code checked at most five times.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from relay.responses import ApiError, invalid
from relay.state import retry_after_header
from relay.storage.attempts import AttemptLimit
from relay.storage.consoles import INVITE_ID_LENGTH, OPERATOR, Grant
from relay.storage.records import ConsoleRecord

if TYPE_CHECKING:
    from relay.storage import RelayStore

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 8
VALID_FOR = timedelta(minutes=10)


def new_code(choice: Callable[[str], str] = secrets.choice) -> str:
    raw = "".join(choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise(text: str) -> str | None:
    """``"abcd-efgh "`` → ``"ABCDEFGH"``; ``None`` when it cannot be a code."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def code_hash(relay_key: bytes, code: str) -> str:
    key = hmac.new(relay_key, b"storedesk pairing code", hashlib.sha256).digest()
    return hmac.new(key, code.encode("ascii"), hashlib.sha256).hexdigest()


async def issue_code(
    store: RelayStore,
    relay_key: bytes,
    now: datetime,
    *,
    grant: Grant = OPERATOR,
    valid_for: timedelta = VALID_FOR,
    invited_by: str | None = None,
) -> str:
    """A fresh code, stored hashed, valid ``valid_for``; its console gets ``grant``.
    ``invited_by``: the console whose admin asked for it (``None``: the relay's CLI)."""
    code = new_code()
    hashed = code_hash(relay_key, normalise(code) or "")
    await store.add_pairing_code(hashed, now + valid_for, grant, invited_by, now=now)
    return code


def invite_id(relay_key: bytes, code: str) -> str:
    """The id an invite is listed and cancelled by: the start of its code's HMAC, which tells
    nothing about the code itself."""
    return code_hash(relay_key, normalise(code) or "")[:INVITE_ID_LENGTH]


def _public_key(value: Any) -> bytes:
    try:
        key = base64.b64decode(value, validate=True) if isinstance(value, str) else b""
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise invalid("public_key", "The public key must be 32 bytes in standard base64.")
    return key


def read_name(value: Any) -> str | None:
    """A console's name as the team list shows it (``None`` when not given)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 80:
        raise invalid("name", "The console name must be a text of 1 to 80 characters.")
    return value.strip()


async def pair(
    store: RelayStore,
    *,
    relay_key: bytes,
    limit: AttemptLimit,
    body: Mapping[str, Any],
    now: datetime,
) -> ConsoleRecord:
    """Spend a code and register the console's key with the code's role (and the name the
    inviting admin chose, if any); refuse with 403, 422 or 429.
    ``limit`` counts this address's wrong codes (``pairing_limit``)."""
    public_key = _public_key(body.get("public_key"))
    name = read_name(body.get("name")) or "Storedesk console"
    reservation = await store.reserve_attempt(limit)
    if not reservation.granted:
        raise ApiError(
            429,
            "rate_limited",
            "Too many wrong pairing codes from this address; wait 10 minutes.",
            headers={"Retry-After": retry_after_header(reservation.retry_after)},
        )
    raw = body.get("code")
    code = normalise(raw) if isinstance(raw, str) else None
    grant = (
        None if code is None else await store.spend_pairing_code(code_hash(relay_key, code), now)
    )
    if grant is None:
        raise ApiError(
            403,
            "pairing_refused",
            "The pairing code is wrong, used or expired; ask an admin for a new invite "
            "(storedesk team invite), or run storedesk-relay pairing-code on the relay.",
        )
    await store.refund_attempt(reservation)
    return await store.add_console(public_key, grant.name or name, grant.role)


def pairing_limit(address: str, attempts: int, window_seconds: float) -> AttemptLimit:
    """Wrong pairing codes allowed per ``address`` (``attempts <= 0``: no limit)."""
    return AttemptLimit("pairing", address, attempts, timedelta(seconds=window_seconds))
