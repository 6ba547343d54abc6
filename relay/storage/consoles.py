"""Pairing codes, paired consoles (with their team role) and the nonces of their signed
requests.

A revoked console keeps its row (so it is told why it is refused) but counts for nothing:
not as an admin, not for pruning the outbox. Every signed request reads its console's row
again in the transaction that spends its nonce (``check_in``), so a role change or a
revocation made through any relay on the database holds from the next request on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.ids import new_id
from core.signing import fingerprint as fingerprint_of
from core.team import TeamRole
from relay.storage.engine import dialect_insert
from relay.storage.errors import TeamError
from relay.storage.models import console_nonces, consoles, pairing_codes
from relay.storage.records import ConsoleRecord

PUBLIC_KEY_BYTES = 32
SEEN_EVERY = timedelta(minutes=1)
"""``last_seen_at`` is written at most this often per console (not on every request)."""


@dataclass(frozen=True, slots=True)
class Grant:
    """What a spent pairing code gives its console: a role, and the name an admin chose."""

    role: TeamRole
    name: str | None


OPERATOR = Grant("admin", None)
"""What a code from ``storedesk-relay pairing-code`` grants."""

INVITE_ID_LENGTH = 12
"""An invite is named by the start of its code's HMAC (never by the code, which is not kept)."""


@dataclass(frozen=True, slots=True)
class InviteRecord:
    """A pairing code not used yet and not expired."""

    id: str
    role: TeamRole
    name: str | None
    created_at: datetime | None
    expires_at: datetime
    invited_by: str | None  # a console id; None: ``storedesk-relay pairing-code``


async def add_pairing_code(
    connection: AsyncConnection,
    code_hash: str,
    expires_at: datetime,
    now: datetime,
    grant: Grant = OPERATOR,
    invited_by: str | None = None,
) -> None:
    await connection.execute(delete(pairing_codes).where(pairing_codes.c.expires_at < now))
    await connection.execute(
        pairing_codes.insert().values(
            code_hash=code_hash,
            expires_at=expires_at,
            used_at=None,
            role=grant.role,
            name=grant.name,
            created_at=now,
            invited_by=invited_by,
        )
    )


def _pending(now: datetime) -> Any:
    return (pairing_codes.c.used_at.is_(None), pairing_codes.c.expires_at > now)


async def pending_invites(connection: AsyncConnection, now: datetime) -> list[InviteRecord]:
    """The codes that can still be used, the soonest to expire first."""
    rows = await connection.execute(
        select(pairing_codes).where(*_pending(now)).order_by(pairing_codes.c.expires_at)
    )
    return [_invite(row) for row in rows.mappings()]


async def cancel_invite(connection: AsyncConnection, invite_id: str, now: datetime) -> InviteRecord:
    """Forget the pending code named ``invite_id``: nobody can pair with it any more."""
    rows = await connection.execute(
        select(pairing_codes).where(
            pairing_codes.c.code_hash.startswith(invite_id, autoescape=True), *_pending(now)
        )
    )
    found = [_invite(row) for row in rows.mappings()]
    if len(found) != 1 or len(invite_id) != INVITE_ID_LENGTH:
        raise TeamError(
            "not_found", f"No pending invite {invite_id!r} (it may be used, expired or cancelled)."
        )
    await connection.execute(
        delete(pairing_codes).where(
            pairing_codes.c.code_hash.startswith(invite_id, autoescape=True)
        )
    )
    return found[0]


def _invite(row: Any) -> InviteRecord:
    return InviteRecord(
        id=row["code_hash"][:INVITE_ID_LENGTH],
        role=row["role"],
        name=row["name"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        invited_by=row["invited_by"],
    )


async def use_pairing_code(
    connection: AsyncConnection, code_hash: str, now: datetime
) -> Grant | None:
    """Mark the code used; its grant only for a known, unused, unexpired code (once)."""
    row = (
        (
            await connection.execute(
                update(pairing_codes)
                .where(
                    pairing_codes.c.code_hash == code_hash,
                    pairing_codes.c.used_at.is_(None),
                    pairing_codes.c.expires_at > now,
                )
                .values(used_at=now)
                .returning(pairing_codes.c.role, pairing_codes.c.name)
            )
        )
        .mappings()
        .first()
    )
    return None if row is None else Grant(row["role"], row["name"])


async def add_console(
    connection: AsyncConnection,
    public_key: bytes,
    name: str,
    now: datetime,
    role: TeamRole = "admin",
) -> ConsoleRecord:
    """Register a console's key; pairing the same key again renames it, gives it the new
    code's role (and back its access, if it was revoked) and keeps its id."""
    if len(public_key) != PUBLIC_KEY_BYTES:
        raise ValueError("A console public key is 32 raw bytes (Ed25519).")
    fingerprint = fingerprint_of(public_key)
    row = (
        (await connection.execute(select(consoles).where(consoles.c.fingerprint == fingerprint)))
        .mappings()
        .first()
    )
    if row is not None:
        changes = {"name": name, "role": role, "revoked_at": None}
        await connection.execute(update(consoles).where(consoles.c.id == row["id"]).values(changes))
        return _record({**row, **changes})
    values = {
        "id": new_id("cn"),
        "name": name,
        "public_key": public_key,
        "fingerprint": fingerprint,
        "created_at": now,
        "role": role,
        "last_seen_at": None,
        "revoked_at": None,
    }
    await connection.execute(consoles.insert().values(values))
    return _record(values)


async def load_consoles(connection: AsyncConnection) -> dict[str, ConsoleRecord]:
    rows = await connection.execute(select(consoles))
    return {row["fingerprint"]: _record(row) for row in rows.mappings()}


async def find_console(connection: AsyncConnection, fingerprint: str) -> ConsoleRecord | None:
    rows = await connection.execute(select(consoles).where(consoles.c.fingerprint == fingerprint))
    row = rows.mappings().first()
    return None if row is None else _record(row)


async def team(connection: AsyncConnection) -> list[ConsoleRecord]:
    """The consoles that may use the relay (not the revoked), oldest first."""
    rows = await connection.execute(
        select(consoles).where(consoles.c.revoked_at.is_(None)).order_by(consoles.c.created_at)
    )
    return [_record(row) for row in rows.mappings()]


def _record(row: Any) -> ConsoleRecord:
    return ConsoleRecord(
        id=row["id"],
        name=row["name"],
        public_key=bytes(row["public_key"]),
        fingerprint=row["fingerprint"],
        created_at=row["created_at"],
        role=row["role"],
        last_seen_at=row["last_seen_at"],
        revoked_at=row["revoked_at"],
    )


# -- changes to the team: one transaction each, never leaving the relay without an admin ---


async def set_role(connection: AsyncConnection, console_id: str, role: TeamRole) -> ConsoleRecord:
    target = await _member(connection, console_id)
    if target.role == "admin" and role != "admin":
        await _keep_an_admin(connection, target, "demoted")
    await connection.execute(update(consoles).where(consoles.c.id == target.id).values(role=role))
    return _with(target, role=role)


async def revoke(connection: AsyncConnection, console_id: str, now: datetime) -> ConsoleRecord:
    """Refuse the console from now on and forget its nonces."""
    target = await _member(connection, console_id)
    if target.role == "admin":
        await _keep_an_admin(connection, target, "revoked")
    await connection.execute(
        update(consoles).where(consoles.c.id == target.id).values(revoked_at=now)
    )
    await connection.execute(
        delete(console_nonces).where(console_nonces.c.fingerprint == target.fingerprint)
    )
    return _with(target, revoked_at=now)


def _with(record: ConsoleRecord, **changes: Any) -> ConsoleRecord:
    return replace(record, **changes)


async def _member(connection: AsyncConnection, console_id: str) -> ConsoleRecord:
    row = (
        (
            await connection.execute(
                select(consoles).where(consoles.c.id == console_id, consoles.c.revoked_at.is_(None))
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise TeamError("not_found", f"No paired console {console_id!r} (it may be revoked).")
    return _record(row)


async def _keep_an_admin(connection: AsyncConnection, target: ConsoleRecord, verb: str) -> None:
    """Refuse when ``target`` is the last admin. The admins' rows are locked (PostgreSQL), so
    two relays demoting the last two admins at once cannot both succeed."""
    admins = await connection.execute(
        select(consoles.c.id)
        .where(consoles.c.role == "admin", consoles.c.revoked_at.is_(None))
        .with_for_update()
    )
    if not any(found != target.id for found in admins.scalars()):
        raise TeamError(
            "last_admin",
            f"{target.name!r} is the relay's last admin and cannot be {verb}; make another "
            "console an admin first.",
        )


# -- signed requests ----------------------------------------------------------------------


async def check_in(
    connection: AsyncConnection,
    fingerprint: str,
    nonce: str,
    expires_at: datetime,
    now: datetime,
) -> tuple[bool, ConsoleRecord | None]:
    """Spend the nonce and read the console as it is now (its role, whether revoked); note
    when it was last seen. ``(False, …)`` is a replay; ``(…, None)`` an unknown console."""
    fresh = await remember_nonce(connection, fingerprint, nonce, expires_at, now)
    console = await find_console(connection, fingerprint)
    if fresh and console is not None and console.revoked_at is None:
        seen = console.last_seen_at
        if seen is None or seen < now - SEEN_EVERY:
            await connection.execute(
                update(consoles).where(consoles.c.id == console.id).values(last_seen_at=now)
            )
            console = _with(console, last_seen_at=now)
    return fresh, console


async def remember_nonce(
    connection: AsyncConnection, fingerprint: str, nonce: str, expires_at: datetime, now: datetime
) -> bool:
    """Store the nonce; false if this console used it before (a replay)."""
    await connection.execute(
        delete(console_nonces).where(
            console_nonces.c.fingerprint == fingerprint, console_nonces.c.expires_at < now
        )
    )
    values = {"fingerprint": fingerprint, "nonce": nonce, "expires_at": expires_at}
    statement: Any = dialect_insert(connection)(console_nonces).values(values)
    # RETURNING, not rowcount: psycopg's async cursor reports -1 for an INSERT.
    statement = statement.on_conflict_do_nothing().returning(console_nonces.c.nonce)
    return (await connection.execute(statement)).first() is not None


async def prune_nonces(connection: AsyncConnection, now: datetime) -> int:
    result = await connection.execute(
        delete(console_nonces).where(console_nonces.c.expires_at < now)
    )
    return int(result.rowcount or 0)
