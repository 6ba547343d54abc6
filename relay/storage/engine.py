"""Database URLs, engines and migrations for the relay.

SQLite (the default, ``<data_dir>/relay.sqlite``) runs in WAL mode with ``synchronous=FULL``
so a commit survives a crash; writes go through one connection that opens its transactions
with ``BEGIN IMMEDIATE``, reads through a pool of their own. PostgreSQL uses one engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event, insert, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from core import migrations
from core.ids import new_id
from relay.storage.errors import StorageError
from relay.storage.models import relay_meta

DATABASE_NAME = "relay.sqlite"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
HEAD_REVISION = "0012_invites"
"""The newest migration; a test keeps it equal to Alembic's head."""
BUSY_TIMEOUT_MS = 30_000
WRITE_CACHE_KIB = 512
READ_CACHE_KIB = 256
"""SQLite's page cache per connection, in KiB (SQLite's default is 2 MB each). The published
state is read once into memory and the relay's other reads and writes touch few pages (a
conversation, its messages, a console's events), so a small cache costs little: the pages
it drops stay in the operating system's cache."""
MIGRATION_LOCK = 0x5D_4E1A_0001
"""The PostgreSQL advisory lock that keeps two relays from migrating at once."""


def database_url(data_dir: Path, url: str | None) -> str:
    """The SQLAlchemy async URL: ``url`` (``postgresql://``, ``postgres://``, ``sqlite:///``)
    in the driver's form, or the SQLite file in ``data_dir``."""
    if not url or not url.strip():
        return f"sqlite+aiosqlite:///{Path(data_dir).resolve() / DATABASE_NAME}"
    scheme, sep, rest = url.strip().partition("://")
    kind = scheme.lower().split("+")[0]
    if sep and kind in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    if sep and kind == "sqlite":
        return f"sqlite+aiosqlite://{rest}"
    raise StorageError(
        "The relay database URL must start with postgresql:// (or postgres://) or sqlite:///; "
        f'"{scheme}://…" is not supported.'
    )


@dataclass(frozen=True, slots=True)
class Engines:
    write: AsyncEngine
    read: AsyncEngine

    @property
    def is_postgresql(self) -> bool:
        return self.write.dialect.name == "postgresql"

    async def dispose(self) -> None:
        await self.write.dispose()
        if self.read is not self.write:
            await self.read.dispose()


def create_engines(url: str) -> Engines:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError("The relay database URL cannot be read.") from None
    # hide_parameters: an error message never carries a shopper's message or a secret.
    options = {
        "json_serializer": _dumps,
        "json_deserializer": orjson.loads,
        "hide_parameters": True,
    }
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        write = create_async_engine(
            parsed, poolclass=AsyncAdaptedQueuePool, pool_size=1, max_overflow=0, **options
        )
        # Reads run in autocommit (each statement sees the latest commit; WAL readers never
        # wait), so a read costs no BEGIN/ROLLBACK round trips to the driver's thread.
        read = create_async_engine(parsed, pool_reset_on_return=None, **options)
        _sqlite_setup(write, "BEGIN IMMEDIATE", WRITE_CACHE_KIB)
        _sqlite_setup(read, None, READ_CACHE_KIB)
        return Engines(write=write, read=read)
    if parsed.get_backend_name() != "postgresql":
        raise StorageError("The relay stores its data in SQLite or PostgreSQL only.")
    engine = create_async_engine(parsed, pool_pre_ping=True, **options)
    return Engines(write=engine, read=engine)


def dialect_insert(connection: AsyncConnection) -> Any:
    """The dialect's ``insert`` (the one with ``ON CONFLICT``). Each dialect is imported by
    the relay that uses it only (PostgreSQL's costs a SQLite relay 2 MB)."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _sqlite_setup(engine: AsyncEngine, begin: str | None, cache_kib: int) -> None:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA cache_size=-{cache_kib}")
        cursor.close()

    event.listen(engine.sync_engine, "connect", on_connect)
    if begin is not None:
        statement = begin

        def on_begin(connection: Connection) -> None:
            connection.exec_driver_sql(statement)

        event.listen(engine.sync_engine, "begin", on_begin)


async def schema_revision(engine: AsyncEngine) -> str | None:
    """The Alembic revision of the database (``None`` when it is new)."""
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(migrations.current_revision)
    except DBAPIError as exc:
        raise StorageError(
            f"The relay database cannot be opened ({exc.orig}). Check --database-url or the "
            "data folder."
        ) from None


def check_revision(revision: str | None) -> None:
    if revision is not None and revision not in known_revisions():
        raise StorageError(
            f"The relay database was last used by a newer Storedesk (schema {revision}). "
            "Update the relay to use it."
        )


async def migrate(engines: Engines) -> None:
    """Apply the relay's migrations up to head and make sure the relay has its id."""
    check_revision(await schema_revision(engines.write))
    try:
        async with engines.write.begin() as connection:
            if engines.is_postgresql:
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            await connection.run_sync(_upgrade)
            if (await connection.execute(select(relay_meta.c.id))).first() is None:
                await connection.execute(insert(relay_meta).values(id=1, relay_id=new_id("r")))
    except DBAPIError as exc:
        raise StorageError(f"The relay database could not be migrated ({exc.orig}).") from None


def _upgrade(connection: Connection) -> None:
    if migrations.current_revision(connection) != HEAD_REVISION:
        migrations.upgrade_to_head(MIGRATIONS_DIR, connection)


def known_revisions() -> set[str]:
    return migrations.known_revisions(MIGRATIONS_DIR)


def alembic_config(connection: Connection | None = None) -> Any:
    return migrations.alembic_config(MIGRATIONS_DIR, connection)
