"""The relay database: URLs, SQLite settings, migrations that match the models, the relay id."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from relay.storage import RelayStore, StorageError, database_url
from relay.storage.engine import HEAD_REVISION, alembic_config
from relay.storage.models import metadata
from tests.relay.storage.conftest import RELAY_KEY, Database, start_conversation

TABLES = {
    "relay_meta",
    "consoles",
    "pairing_codes",
    "console_nonces",
    "stores",
    "widgets",
    "knowledge_entries",
    "conversations",
    "messages",
    "leads",
    "events",
    "console_cursors",
}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@db:5432/relay", "postgresql+psycopg://u:p@db:5432/relay"),
        (
            "postgres://u@db/relay?sslmode=require",
            "postgresql+psycopg://u@db/relay?sslmode=require",
        ),
        ("postgresql+psycopg://u@db/relay", "postgresql+psycopg://u@db/relay"),
        ("sqlite:////srv/relay.sqlite", "sqlite+aiosqlite:////srv/relay.sqlite"),
    ],
)
def test_database_urls_are_turned_into_the_async_drivers(given: str, expected: str) -> None:
    assert database_url(Path("/unused"), given) == expected


def test_the_default_database_is_a_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    url = database_url(tmp_path, None)
    assert url == f"sqlite+aiosqlite:///{tmp_path.resolve() / 'relay.sqlite'}"


def test_an_unsupported_database_is_refused_without_echoing_the_password() -> None:
    with pytest.raises(StorageError, match="postgresql://") as caught:
        database_url(Path("."), "mysql://root:hunter2@db/relay")
    assert "hunter2" not in str(caught.value)


async def test_sqlite_runs_in_wal_with_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    store = await RelayStore.open(database_url(tmp_path, None), relay_key=RELAY_KEY)
    try:
        await store.migrate()
        assert (tmp_path / "relay.sqlite").exists()
        async with store._engines.write.connect() as connection:
            pragmas = [
                (await connection.execute(text(f"PRAGMA {name}"))).scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys")
            ]
        assert pragmas == ["wal", 2, 1]
    finally:
        await store.close()


async def test_a_fresh_database_gets_every_table_and_a_stable_relay_id(
    fresh_database: Database,
) -> None:
    store = await RelayStore.open(fresh_database.url, relay_key=RELAY_KEY)
    await store.migrate()
    async with store._engines.read.connect() as connection:
        names = await connection.run_sync(lambda sync: set(sync.dialect.get_table_names(sync)))
        revision = (
            await connection.execute(text("SELECT version_num FROM alembic_version"))
        ).scalar()
    assert names >= TABLES
    assert revision == HEAD_REVISION
    relay_id = await store.relay_id()
    assert relay_id.startswith("r_")
    await store.close()

    again = await RelayStore.open(fresh_database.url, relay_key=RELAY_KEY)
    await again.migrate()  # twice is harmless
    assert await again.relay_id() == relay_id
    await again.close()


async def test_models_and_migrations_agree(fresh_database: Database) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head == HEAD_REVISION
    store = await RelayStore.open(fresh_database.url, relay_key=RELAY_KEY)
    await store.migrate()

    def diff(sync_connection: object) -> list[object]:
        context = MigrationContext.configure(sync_connection, opts={"compare_type": True})  # type: ignore[arg-type]
        return list(compare_metadata(context, metadata))

    async with store._engines.read.connect() as connection:
        assert await connection.run_sync(diff) == []
    await store.close()


async def test_a_database_from_a_newer_relay_is_refused(fresh_database: Database) -> None:
    store = await RelayStore.open(fresh_database.url, relay_key=RELAY_KEY)
    await store.migrate()
    async with store._engines.write.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    await store.close()
    with pytest.raises(StorageError, match="newer Storedesk"):
        await RelayStore.open(fresh_database.url, relay_key=RELAY_KEY)


async def test_a_database_at_the_head_revision_opens_again(fresh_database: Database) -> None:
    """Revision ids are what the migration files declare (``0009_spam``), not their names'
    first part: a database at the head is never taken for a newer relay's."""
    store = await RelayStore.open(fresh_database.url, relay_key=RELAY_KEY)
    await store.migrate()
    await store.close()
    store = await RelayStore.open(fresh_database.url, relay_key=RELAY_KEY)
    await store.close()


async def test_events_seq_keeps_growing_after_the_newest_rows_are_deleted(
    fresh_database: Database,
) -> None:
    from relay.storage import NewEvent

    store = await RelayStore.open(fresh_database.url, relay_key=RELAY_KEY)
    await store.migrate()
    conversation_id = await start_conversation(store)
    from tests.relay.storage.conftest import T0

    for name in ("e_1", "e_2"):
        await store.add_turn(
            conversation_id,
            [],
            events=[NewEvent(id=name, type="message", at=T0, data={})],
        )
    first = await store.events_after_ack("nobody", 10)
    async with store._engines.write.begin() as connection:
        await connection.execute(text("DELETE FROM events"))
    await store.add_turn(
        conversation_id, [], events=[NewEvent(id="e_3", type="message", at=T0, data={})]
    )
    (third,) = await store.events_after_ack("nobody", 10)
    assert [e.seq for e in first] == [first[0].seq, first[0].seq + 1]
    assert third.seq > first[-1].seq
    await store.close()


def test_consoles_and_codes_from_before_roles_are_admins(tmp_path: Path) -> None:
    """A relay paired before roles existed: its console and its unused codes are admins."""
    from alembic import command
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0006")
        connection.execute(
            text(
                "INSERT INTO consoles (id, name, public_key, fingerprint, created_at) "
                "VALUES ('cn_old', 'Owner', x'00', 'SHA256:old', '2026-01-01 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO pairing_codes (code_hash, expires_at) "
                "VALUES ('h', '2099-01-01 00:00:00')"
            )
        )
        command.upgrade(alembic_config(connection), "head")
        console = connection.execute(text("SELECT role, revoked_at FROM consoles")).one()
        code = connection.execute(text("SELECT role, name FROM pairing_codes")).one()
    engine.dispose()
    assert tuple(console) == ("admin", None) and tuple(code) == ("admin", None)


def test_a_revision_id_with_a_name_is_known() -> None:
    from relay.storage.engine import known_revisions

    assert HEAD_REVISION in known_revisions()
