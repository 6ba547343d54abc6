"""The team behind a relay: an admin invites teammates (a pairing code carrying a role),
lists and cancels the invites not used yet, lists the paired consoles, changes their roles
and revokes them. An invite's code is shown once, when it is made: the relay keeps only its
HMAC, and names the invite by the start of it (``id``).

A revocation ends the console's live streams here at once, and on the other relays sharing
the database as soon as they hear of it (``relay.shared``); its next request, through any
relay, is refused because every signed request reads its console from the database
(``relay.storage.consoles.check_in``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from core.serialize import utc_iso
from core.team import ROLES, TeamRole, is_role
from relay.responses import ApiError, invalid
from relay.services.pairing import invite_id, issue_code, read_name
from relay.storage import Grant, TeamError

if TYPE_CHECKING:
    from relay.storage import RelayStore
    from relay.storage.consoles import InviteRecord
    from relay.storage.records import ConsoleRecord

DEFAULT_VALID = timedelta(days=1)
INVITE_ID = re.compile(r"^[0-9a-f]{12}$")
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
    store: RelayStore,
    relay_key: bytes,
    body: Mapping[str, Any],
    now: datetime,
    invited_by: str | None = None,
) -> dict[str, Any]:
    """A one-time code for a teammate: ``{id, code, role, name, created_at, expires_at}``."""
    grant = Grant(read_role(body.get("role")), read_name(body.get("name")))
    valid_for = _valid_for(body.get("expires_in_minutes"))
    code = await issue_code(
        store, relay_key, now, grant=grant, valid_for=valid_for, invited_by=invited_by
    )
    return {
        "id": invite_id(relay_key, code),
        "code": code,
        "role": grant.role,
        "name": grant.name,
        "created_at": utc_iso(now),
        "expires_at": utc_iso(now + valid_for),
    }


def invite_json(invite: InviteRecord) -> dict[str, Any]:
    """A pending invite as the console lists it: never its code."""
    return {
        "id": invite.id,
        "role": invite.role,
        "name": invite.name,
        "created_at": utc_iso(invite.created_at) if invite.created_at else None,
        "expires_at": utc_iso(invite.expires_at),
        "invited_by": invite.invited_by,
    }


async def pending(store: RelayStore) -> list[dict[str, Any]]:
    return [invite_json(found) for found in await store.pending_invites()]


async def cancel_invite(store: RelayStore, invite_id: str) -> dict[str, Any]:
    if not INVITE_ID.match(invite_id):
        raise ApiError(
            404, "not_found", "An invite id is 12 letters and digits (storedesk team invites)."
        )
    try:
        return invite_json(await store.cancel_invite(invite_id))
    except TeamError as err:
        raise _refused(err) from None


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
