"""The team behind a relay: an admin invites teammates (a pairing code carrying a role),
lists the paired consoles, changes their roles and revokes them.

A revocation ends the console's live streams here at once, and on the other relays sharing
the database as soon as they hear of it (``relay.shared``); its next request, through any
relay, is refused because every signed request reads its console from the database
(``relay.storage.consoles.check_in``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from core.serialize import utc_iso
from core.team import ROLES, TeamRole, is_role
from relay.responses import ApiError, invalid
from relay.services.pairing import issue_code, read_name
from relay.storage import Grant, TeamError

if TYPE_CHECKING:
    from relay.storage import RelayStore
    from relay.storage.records import ConsoleRecord

DEFAULT_VALID = timedelta(days=1)
MIN_MINUTES, MAX_MINUTES = 10, 7 * 24 * 60


def read_role(value: Any) -> TeamRole:
    if not is_role(value):
        raise invalid("role", f"role must be one of: {', '.join(ROLES)}.")
    return value


def _valid_for(value: Any) -> timedelta:
    if value is None:
        return DEFAULT_VALID
    if isinstance(value, bool) or not isinstance(value, int):
        value = -1
    if not MIN_MINUTES <= value <= MAX_MINUTES:
        raise invalid(
            "expires_in_minutes",
            f"expires_in_minutes must be a whole number from {MIN_MINUTES} to {MAX_MINUTES} "
            "(7 days).",
        )
    return timedelta(minutes=value)


async def invite(
    store: RelayStore, relay_key: bytes, body: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """A one-time code for a teammate: ``{code, role, name, expires_at}``."""
    grant = Grant(read_role(body.get("role")), read_name(body.get("name")))
    valid_for = _valid_for(body.get("expires_in_minutes"))
    code = await issue_code(store, relay_key, now, grant=grant, valid_for=valid_for)
    return {
        "code": code,
        "role": grant.role,
        "name": grant.name,
        "expires_at": utc_iso(now + valid_for),
    }


async def set_role(store: RelayStore, console_id: str, body: Mapping[str, Any]) -> ConsoleRecord:
    role = read_role(body.get("role"))
    try:
        return await store.set_role(console_id, role)
    except TeamError as err:
        raise _refused(err) from None


async def revoke(store: RelayStore, console_id: str) -> ConsoleRecord:
    try:
        return await store.revoke_console(console_id)
    except TeamError as err:
        raise _refused(err) from None


def _refused(err: TeamError) -> ApiError:
    status = 404 if err.code == "not_found" else 409
    return ApiError(status, err.code, str(err))
