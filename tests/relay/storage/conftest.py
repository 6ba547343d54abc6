"""Relay storage on both databases: SQLite in a temporary folder always, and the machine's
PostgreSQL in a schema made for the test (skipped, with the reason, when it does not answer)."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from core.ids import new_id
from relay.storage import NewConversation, NewMessage, RelayStore, database_url
from relay.storage.models import metadata

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
RELAY_KEY = bytes(range(32))
T0 = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def _pg_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@dataclass
class Database:
    backend: str
    url: str


class PostgresSchemas:
    """Schemas made for this test run in the local PostgreSQL, all dropped at its end."""

    def __init__(self) -> None:
        self.made: list[str] = []
        self.shared: str | None = None

    def new(self) -> str:
        import psycopg

        schema = f"relay_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE SCHEMA "{schema}"')
        self.made.append(schema)
        return schema

    def drop_all(self) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            for schema in self.made:
                admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def pg_url(schema: str) -> str:
    return f"{PG_SERVER}?options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def pg_schemas() -> Iterator[PostgresSchemas]:
    if not _pg_answers():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    schemas = PostgresSchemas()
    try:
        yield schemas
    finally:
        schemas.drop_all()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    """An empty database: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        return Database("sqlite", database_url(tmp_path / "relay", None))
    schemas: PostgresSchemas = request.getfixturevalue("pg_schemas")
    return Database("postgresql", pg_url(schemas.new()))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    """A migrated, empty database: a new SQLite file, or the run's PostgreSQL schema with
    every table emptied (migrating a schema per test would double the suite's time)."""
    if request.param == "sqlite":
        return Database("sqlite", database_url(tmp_path / "relay", None))
    schemas: PostgresSchemas = request.getfixturevalue("pg_schemas")
    if schemas.shared is None:
        schemas.shared = schemas.new()
        asyncio.run(_migrate(pg_url(schemas.shared)))
    else:
        _empty(schemas.shared)
    return Database("postgresql", pg_url(schemas.shared))


async def _migrate(url: str) -> None:
    store = await RelayStore.open(url, relay_key=RELAY_KEY)
    try:
        await store.migrate()
    finally:
        await store.close()


def _empty(schema: str) -> None:
    import psycopg

    tables = ", ".join(f'"{schema}"."{t}"' for t in metadata.tables)
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def store(database: Database, clock: Clock) -> AsyncIterator[RelayStore]:
    relay = await RelayStore.open(database.url, relay_key=RELAY_KEY, now=clock)
    await relay.migrate()
    try:
        yield relay
    finally:
        await relay.close()


def message(role: Any = "shopper", text: str = "hello", **fields: Any) -> NewMessage:
    return NewMessage(id=new_id("m"), role=role, text=text, created_at=T0, **fields)


async def start_conversation(
    store: RelayStore, widget_key: str = "wk_testwidget01", **fields: Any
) -> str:
    conversation_id = new_id("c")
    await store.create_conversation(
        NewConversation(
            id=conversation_id,
            widget_key=widget_key,
            token_hash="h" * 64,
            started_at=T0,
            **fields,
        ),
        [message("bot", "Hi! How can we help?")],
        [],
    )
    return conversation_id
