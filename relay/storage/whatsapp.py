"""WhatsApp channel storage: each widget's Twilio settings (auth token sealed), the thread
of each shopper's number, and every Twilio message seen (inbound ones dedupe retries;
outbound ones follow their delivery status)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from relay.storage.engine import dialect_insert
from relay.storage.models import channel_messages, channel_threads, whatsapp_channels

wc = whatsapp_channels
cm = channel_messages


def token_ad(widget_key: str) -> bytes:
    return f"whatsapp auth token:{widget_key}".encode()


async def put_channel(
    connection: AsyncConnection,
    widget_key: str,
    account_sid: str,
    number: str,
    sealed_token: bytes,
    now: datetime,
) -> None:
    values = {
        "account_sid": account_sid,
        "number": number,
        "auth_token": sealed_token,
        "updated_at": now,
    }
    statement = dialect_insert(connection)(wc).values(widget_key=widget_key, **values)
    await connection.execute(
        statement.on_conflict_do_update(index_elements=[wc.c.widget_key], set_=values)
    )


async def remove_channel(connection: AsyncConnection, widget_key: str) -> bool:
    done = await connection.execute(delete(wc).where(wc.c.widget_key == widget_key))
    return done.rowcount == 1


async def channel(connection: AsyncConnection, widget_key: str) -> tuple[str, str, bytes] | None:
    row = (
        await connection.execute(
            select(wc.c.account_sid, wc.c.number, wc.c.auth_token).where(
                wc.c.widget_key == widget_key
            )
        )
    ).first()
    return (row[0], row[1], bytes(row[2])) if row is not None else None


async def thread(connection: AsyncConnection, widget_key: str, address: str) -> str | None:
    found = await connection.execute(
        select(channel_threads.c.conversation_id).where(
            channel_threads.c.widget_key == widget_key, channel_threads.c.address == address
        )
    )
    value = found.scalar()
    return str(value) if value is not None else None


async def set_thread(
    connection: AsyncConnection, widget_key: str, address: str, conversation_id: str
) -> None:
    await connection.execute(
        delete(channel_threads).where(
            channel_threads.c.widget_key == widget_key, channel_threads.c.address == address
        )
    )
    await connection.execute(
        channel_threads.insert().values(
            widget_key=widget_key, address=address, conversation_id=conversation_id
        )
    )


async def address_of(connection: AsyncConnection, conversation_id: str) -> tuple[str, str] | None:
    """The (widget key, shopper's number) of a WhatsApp conversation."""
    row = (
        await connection.execute(
            select(channel_threads.c.widget_key, channel_threads.c.address).where(
                channel_threads.c.conversation_id == conversation_id
            )
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def claim(
    connection: AsyncConnection,
    sid: str,
    widget_key: str,
    direction: str,
    status: str,
    now: datetime,
    conversation_id: str | None = None,
) -> bool:
    """Record message ``sid``; false when it was seen before (a retry or a replay)."""
    statement = (
        dialect_insert(connection)(cm)
        .values(
            sid=sid,
            widget_key=widget_key,
            conversation_id=conversation_id,
            direction=direction,
            status=status,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=[cm.c.sid])
    )
    done = await connection.execute(statement)
    return done.rowcount == 1


async def set_status(
    connection: AsyncConnection,
    sid: str,
    widget_key: str,
    status: str,
    error_code: str | None,
    now: datetime,
) -> str | None:
    """Update an outbound message's status; its conversation id, ``None`` if unknown."""
    row = (
        await connection.execute(
            select(cm.c.conversation_id).where(
                cm.c.sid == sid, cm.c.widget_key == widget_key, cm.c.direction == "out"
            )
        )
    ).first()
    if row is None:
        return None
    await connection.execute(
        update(cm)
        .where(cm.c.sid == sid)
        .values(status=status, error_code=error_code, updated_at=now)
    )
    return str(row[0]) if row[0] is not None else ""
