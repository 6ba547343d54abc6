"""Installations: the pages each widget was loaded on, upserted in batches and capped per
widget (the pages seen longest ago go first)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from relay.storage.engine import dialect_insert
from relay.storage.models import installations

MAX_PER_WIDGET = 500
"""Pages kept per widget; a shop with more pages keeps those seen most recently."""


@dataclass(frozen=True, slots=True)
class Sighting:
    """A page seen ``at`` (its first sighting, when the page is new)."""

    widget_key: str
    origin: str
    path: str
    at: datetime


@dataclass(frozen=True, slots=True)
class InstallationRecord:
    origin: str
    path: str
    first_seen_at: datetime
    last_seen_at: datetime


async def upsert(
    connection: AsyncConnection, sightings: Sequence[Sighting], *, cap: int = MAX_PER_WIDGET
) -> None:
    """Add or refresh each page (last seen only moves forward), then trim the widgets
    touched to ``cap`` pages."""
    if not sightings:
        return
    table = installations
    insert = dialect_insert(connection)
    rows = [
        {
            "widget_key": s.widget_key,
            "origin": s.origin,
            "path": s.path,
            "first_seen_at": s.at,
            "last_seen_at": s.at,
        }
        for s in sightings
    ]
    statement = insert(table)
    excluded = statement.excluded
    latest = func.max if connection.dialect.name == "sqlite" else func.greatest
    statement = statement.on_conflict_do_update(
        index_elements=["widget_key", "origin", "path"],
        set_={"last_seen_at": latest(table.c.last_seen_at, excluded.last_seen_at)},
    )
    await connection.execute(statement, rows)
    for widget_key in sorted({s.widget_key for s in sightings}):
        await _trim(connection, widget_key, cap)


async def _trim(connection: AsyncConnection, widget_key: str, cap: int) -> None:
    table = installations
    count = (
        await connection.execute(
            select(func.count()).select_from(table).where(table.c.widget_key == widget_key)
        )
    ).scalar_one()
    if count <= cap:
        return
    oldest = await connection.execute(
        select(table.c.origin, table.c.path)
        .where(table.c.widget_key == widget_key)
        .order_by(table.c.last_seen_at, table.c.origin, table.c.path)
        .limit(count - cap)
    )
    keys = [and_(table.c.origin == row.origin, table.c.path == row.path) for row in oldest]
    await connection.execute(delete(table).where(table.c.widget_key == widget_key, or_(*keys)))


async def list_for(connection: AsyncConnection, widget_key: str) -> list[InstallationRecord]:
    """The widget's pages, seen most recently first."""
    table = installations
    rows = await connection.execute(
        select(table.c.origin, table.c.path, table.c.first_seen_at, table.c.last_seen_at)
        .where(table.c.widget_key == widget_key)
        .order_by(table.c.last_seen_at.desc(), table.c.origin, table.c.path)
    )
    return [InstallationRecord(**row) for row in rows.mappings()]
