"""Connect sessions (a store platform's callback the console waits for) and API keys.

A connect session is found by the hash of its one-time state, holds the client secret it
needs (sealed under the relay key) and, once the platform called back, the credentials it
received (sealed too) until its console picks them up; then the row is erased.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from relay.storage.models import api_conversations, api_keys, connect_sessions

cs = connect_sessions


def session_ad(session_id: str) -> bytes:
    """Associated data binding a sealed value to its connect session."""
    return f"storedesk connect session:{session_id}".encode()


@dataclass(frozen=True, slots=True)
class ConnectSession:
    id: str
    console_id: str
    platform: str
    settings: dict[str, Any]
    secret: bytes | None = field(repr=False)
    result: bytes | None = field(repr=False)
    status: str
    created_at: datetime
    expires_at: datetime


def _session(row: Any) -> ConnectSession:
    return ConnectSession(
        id=row["id"],
        console_id=row["console_id"],
        platform=row["platform"],
        settings=dict(row["settings"]),
        secret=bytes(row["secret"]) if row["secret"] is not None else None,
        result=bytes(row["result"]) if row["result"] is not None else None,
        status=row["status"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
    )


async def add_session(
    connection: AsyncConnection, session: ConnectSession, state_hash: str, now: datetime
) -> None:
    await connection.execute(delete(cs).where(cs.c.expires_at < now))
    await connection.execute(
        cs.insert().values(
            id=session.id,
            console_id=session.console_id,
            platform=session.platform,
            state_hash=state_hash,
            settings=session.settings,
            secret=session.secret,
            result=None,
            status="waiting",
            created_at=session.created_at,
            expires_at=session.expires_at,
        )
    )


async def session_by_state(
    connection: AsyncConnection, platform: str, state_hash: str, now: datetime
) -> ConnectSession | None:
    """The waiting, unexpired session of ``platform`` with this state."""
    row = (
        (
            await connection.execute(
                select(cs).where(
                    cs.c.state_hash == state_hash,
                    cs.c.platform == platform,
                    cs.c.status == "waiting",
                    cs.c.expires_at > now,
                )
            )
        )
        .mappings()
        .first()
    )
    return _session(row) if row is not None else None


async def session_by_id(
    connection: AsyncConnection, session_id: str, console_id: str
) -> ConnectSession | None:
    row = (
        (
            await connection.execute(
                select(cs).where(cs.c.id == session_id, cs.c.console_id == console_id)
            )
        )
        .mappings()
        .first()
    )
    return _session(row) if row is not None else None


async def complete(connection: AsyncConnection, session_id: str, result: bytes) -> bool:
    """Store the sealed credentials; false if the session is no longer waiting (a replay)."""
    done = await connection.execute(
        update(cs)
        .where(cs.c.id == session_id, cs.c.status == "waiting")
        .values(status="done", result=result, secret=None)
    )
    return done.rowcount == 1


async def erase(connection: AsyncConnection, session_id: str, console_id: str) -> bool:
    gone = await connection.execute(
        delete(cs).where(cs.c.id == session_id, cs.c.console_id == console_id)
    )
    return gone.rowcount == 1


# -- API keys ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    id: str
    widget_key: str
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


def _key(row: Any) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=row["id"],
        widget_key=row["widget_key"],
        name=row["name"],
        prefix=row["prefix"],
        scopes=tuple(row["scopes"]),
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
        last_used_at=row["last_used_at"],
    )


async def add_api_key(connection: AsyncConnection, record: ApiKeyRecord, key_hash: str) -> None:
    await connection.execute(
        api_keys.insert().values(
            id=record.id,
            widget_key=record.widget_key,
            name=record.name,
            prefix=record.prefix,
            key_hash=key_hash,
            scopes=list(record.scopes),
            created_at=record.created_at,
        )
    )


async def api_key_by_hash(connection: AsyncConnection, key_hash: str) -> ApiKeyRecord | None:
    row = (
        (await connection.execute(select(api_keys).where(api_keys.c.key_hash == key_hash)))
        .mappings()
        .first()
    )
    return _key(row) if row is not None else None


async def list_api_keys(connection: AsyncConnection, widget_key: str) -> list[ApiKeyRecord]:
    rows = await connection.execute(
        select(api_keys)
        .where(api_keys.c.widget_key == widget_key)
        .order_by(api_keys.c.created_at, api_keys.c.id)
    )
    return [_key(row) for row in rows.mappings()]


async def revoke_api_key(
    connection: AsyncConnection, widget_key: str, key_id: str, now: datetime
) -> bool:
    done = await connection.execute(
        update(api_keys)
        .where(
            api_keys.c.id == key_id,
            api_keys.c.widget_key == widget_key,
            api_keys.c.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    return done.rowcount == 1


async def touch_api_key(connection: AsyncConnection, key_id: str, now: datetime) -> None:
    await connection.execute(
        update(api_keys).where(api_keys.c.id == key_id).values(last_used_at=now)
    )


async def bind_conversation(connection: AsyncConnection, conversation_id: str, key_id: str) -> None:
    await connection.execute(
        api_conversations.insert().values(conversation_id=conversation_id, api_key_id=key_id)
    )


async def conversation_key(connection: AsyncConnection, conversation_id: str) -> str | None:
    found = await connection.execute(
        select(api_conversations.c.api_key_id).where(
            api_conversations.c.conversation_id == conversation_id
        )
    )
    value = found.scalar()
    return str(value) if value is not None else None
