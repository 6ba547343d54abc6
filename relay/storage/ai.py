"""The language-model agent's storage: each widget's sealed settings, and the recent
messages of a conversation (what the model hears of the chat so far)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from relay.storage.engine import dialect_insert
from relay.storage.models import ai_agents, messages


def settings_ad(widget_key: str) -> bytes:
    return f"ai agent settings:{widget_key}".encode()


async def put_agent(
    connection: AsyncConnection, widget_key: str, sealed: bytes, now: datetime
) -> None:
    values = {"sealed": sealed, "updated_at": now}
    statement = dialect_insert(connection)(ai_agents).values(widget_key=widget_key, **values)
    await connection.execute(
        statement.on_conflict_do_update(index_elements=[ai_agents.c.widget_key], set_=values)
    )


async def remove_agent(connection: AsyncConnection, widget_key: str) -> bool:
    done = await connection.execute(delete(ai_agents).where(ai_agents.c.widget_key == widget_key))
    return done.rowcount == 1


async def agent(connection: AsyncConnection, widget_key: str) -> bytes | None:
    found = await connection.execute(
        select(ai_agents.c.sealed).where(ai_agents.c.widget_key == widget_key)
    )
    value = found.scalar()
    return bytes(value) if value is not None else None


async def agent_versions(connection: AsyncConnection) -> dict[str, datetime]:
    """Every widget that has agent settings, with when they last changed."""
    rows = await connection.execute(select(ai_agents.c.widget_key, ai_agents.c.updated_at))
    return {str(key): updated for key, updated in rows.all()}


async def recent_messages(
    connection: AsyncConnection, conversation_id: str, limit: int
) -> list[tuple[str, str]]:
    """The last ``limit`` messages' (role, text), oldest first."""
    m = messages.c
    rows = await connection.execute(
        select(m.role, m.text)
        .where(m.conversation_id == conversation_id)
        .order_by(m.id.desc())
        .limit(limit)
    )
    return [(str(role), str(text)) for role, text in reversed(rows.all())]
