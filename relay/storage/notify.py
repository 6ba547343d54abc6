"""PostgreSQL notifications between relays sharing one database.

A change that every relay keeps in memory (the published state, the paired consoles) is
announced with ``pg_notify`` inside the transaction that makes it, so the notice is sent
when, and only if, the change commits. The payload names the relay database (its relay id:
several deployments may share one PostgreSQL server) and the instance that made the change.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

CHANNEL = "storedesk_relay"


async def notify(connection: AsyncConnection, relay_id: str, instance: str, kind: str) -> None:
    payload = orjson.dumps({"relay": relay_id, "from": instance, "kind": kind}).decode()
    await connection.execute(
        text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload}
    )


def read(payload: str) -> dict[str, Any] | None:
    """A notification's payload, or ``None`` when it is not one of ours."""
    try:
        data = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k), str) for k in ("relay", "from", "kind")
    ):
        return None
    return data


def libpq_url(sqlalchemy_url: str) -> str:
    """``postgresql+psycopg://…`` as psycopg's own connection string (options kept)."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)
