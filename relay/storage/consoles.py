"""Pairing codes, paired consoles and the nonces of their signed requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.ids import new_id
from core.signing import fingerprint as fingerprint_of
from relay.storage.engine import dialect_insert
from relay.storage.models import console_nonces, consoles, pairing_codes
from relay.storage.records import ConsoleRecord

PUBLIC_KEY_BYTES = 32


async def add_pairing_code(
    connection: AsyncConnection, code_hash: str, expires_at: datetime, now: datetime
) -> None:
    await connection.execute(delete(pairing_codes).where(pairing_codes.c.expires_at < now))
    await connection.execute(
        pairing_codes.insert().values(code_hash=code_hash, expires_at=expires_at, used_at=None)
    )


async def use_pairing_code(connection: AsyncConnection, code_hash: str, now: datetime) -> bool:
    """Mark the code used; true only for a known, unused, unexpired code (once)."""
    result = await connection.execute(
        update(pairing_codes)
        .where(
            pairing_codes.c.code_hash == code_hash,
            pairing_codes.c.used_at.is_(None),
            pairing_codes.c.expires_at > now,
        )
        .values(used_at=now)
    )
    return result.rowcount == 1


async def add_console(
    connection: AsyncConnection, public_key: bytes, name: str, now: datetime
) -> ConsoleRecord:
    """Register a console's key; pairing the same key again renames it and keeps its id."""
    if len(public_key) != PUBLIC_KEY_BYTES:
        raise ValueError("A console public key is 32 raw bytes (Ed25519).")
    fingerprint = fingerprint_of(public_key)
    row = (
        (await connection.execute(select(consoles).where(consoles.c.fingerprint == fingerprint)))
        .mappings()
        .first()
    )
    if row is not None:
        await connection.execute(
            update(consoles).where(consoles.c.id == row["id"]).values(name=name)
        )
        return _record({**row, "name": name})
    values = {
        "id": new_id("cn"),
        "name": name,
        "public_key": public_key,
        "fingerprint": fingerprint,
        "created_at": now,
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


def _record(row: Any) -> ConsoleRecord:
    return ConsoleRecord(
        id=row["id"],
        name=row["name"],
        public_key=bytes(row["public_key"]),
        fingerprint=row["fingerprint"],
        created_at=row["created_at"],
    )


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
