"""The workspace database: where it lives, migrations, and the store repository."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from core.vault import Vault
from core.workspace import HEAD_REVISION, Workspace, WorkspaceError, resolve_data_dir
from core.workspace.database import alembic_config
from core.workspace.models import Base
from core.workspace.stores import StoreRepository

TABLES = {
    "clients", "stores", "widgets", "knowledge_entries", "conversations", "messages", "leads",
    "customers", "orders", "order_items", "products", "sync_runs", "webhook_events",
    "installations", "activity_log", "workspace_settings", "analytics_hours",
    "analytics_hours_done",
}  # fmt: skip


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture
def repo(workspace: Workspace) -> StoreRepository:
    return StoreRepository(workspace, Vault.open(workspace.data_dir))


def test_data_dir_prefers_flag_then_env_and_is_private(tmp_path: Path) -> None:
    flag = resolve_data_dir(str(tmp_path / "flag"), env={"STOREDESK_HOME": str(tmp_path / "env")})
    from_env = resolve_data_dir(None, env={"STOREDESK_HOME": str(tmp_path / "env")})
    assert flag == tmp_path / "flag"
    assert from_env == tmp_path / "env"
    if os.name != "nt":
        assert stat.S_IMODE(from_env.stat().st_mode) == 0o700


def test_data_dir_defaults_to_the_platform_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_data_dir", lambda name: f"/tmp/sd-test-{name}")
    assert resolve_data_dir(None, env={}) == Path("/tmp/sd-test-storedesk")


def test_fresh_workspace_has_every_table_in_wal_mode(workspace: Workspace) -> None:
    assert set(inspect(workspace.engine).get_table_names()) >= TABLES
    with workspace.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert workspace.path.name == "workspace.sqlite"


def test_reopening_is_a_no_op_and_keeps_data(tmp_path: Path, repo: StoreRepository) -> None:
    repo.add("Shop", "woocommerce", {}, {})
    again = Workspace.open(tmp_path / "ws")
    with again.engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert connection.execute(text("SELECT count(*) FROM stores")).scalar() == 1
    assert revision == HEAD_REVISION
    again.close()


def test_models_and_migrations_agree(workspace: Workspace) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head == HEAD_REVISION
    with workspace.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_add_get_list_and_counts(repo: StoreRepository) -> None:
    entry = repo.add("Shop", "shopify", {"domain": "shop.myshopify.com"}, {"token": "shpat_x"})
    repo.add("Another", "woocommerce", {}, {})
    assert repo.get("Shop") == entry
    assert entry.settings == {"domain": "shop.myshopify.com"}
    assert (entry.customers, entry.orders, entry.products) == (0, 0, 0)
    assert [e.name for e in repo.list()] == ["Another", "Shop"]
    assert repo.get("Missing") is None
    assert repo.secrets(entry) == {"token": "shpat_x"}


def test_store_names_are_unique(repo: StoreRepository) -> None:
    repo.add("Shop", "shopify", {}, {})
    with pytest.raises(WorkspaceError, match="already exists"):
        repo.add("Shop", "woocommerce", {}, {})


def test_remove_deletes_store_data_and_credentials(
    workspace: Workspace, repo: StoreRepository
) -> None:
    entry = repo.add("Shop", "shopify", {}, {"token": "shpat_remove_me"})
    with workspace.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO products (store_id, external_id, title, content_hash) "
            "VALUES (?, 'p1', 'Mug', 'h')",
            (entry.id,),
        )
    assert repo.remove("Shop") is True
    assert repo.remove("Shop") is False
    with workspace.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM products").scalar() == 0
        assert connection.exec_driver_sql("SELECT count(*) FROM stores").scalar() == 0


def test_a_file_that_is_not_a_workspace_is_reported_and_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "workspace.sqlite"
    target.write_bytes(b"my spreadsheet, not a database" * 10)
    before = target.read_bytes()
    with pytest.raises(WorkspaceError, match="not a Storedesk workspace"):
        Workspace.open(tmp_path)
    assert target.read_bytes() == before


def test_a_workspace_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    Workspace.open(tmp_path).close()
    with Workspace.open(tmp_path).engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    with pytest.raises(WorkspaceError, match="newer Storedesk"):
        Workspace.open(tmp_path)


def test_a_workspace_at_an_older_revision_is_upgraded(tmp_path: Path) -> None:
    """``0004_sync`` (declared in ``0004_sync_totals.py``) is a known, older revision."""
    from alembic import command

    from core.workspace.database import known_revisions

    older = Workspace.open(tmp_path)
    with older.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0004_sync")
    older.close()
    assert {"0004_sync", HEAD_REVISION} <= known_revisions()
    workspace = Workspace.open(tmp_path)
    with workspace.engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == HEAD_REVISION
    workspace.close()


def test_an_unusable_folder_is_one_clear_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(WorkspaceError, match=r"Cannot use .* as the workspace folder"):
        resolve_data_dir(str(blocker / "inside"))


def test_reply_authors_kept_in_the_intent_move_to_their_own_columns(tmp_path: Path) -> None:
    """Before ``0010_message_authors`` a person's reply kept its author in its intent
    (``by:<console id>:<name>``); upgrading moves it, and the Inbox names the same people."""
    from alembic import command

    from core.workspace.inbox_browse import InboxReader

    older = Workspace.open(tmp_path)
    with older.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0009_spam")
        triggers = connection.scalar(
            text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        )
        connection.execute(
            text(
                "INSERT INTO conversations (id, channel, status, started_at, updated_at, unread)"
                " VALUES ('c_1', 'widget', 'open', '2026-12-01 10:00:00', "
                "'2026-12-01 10:00:00', 0)"
            )
        )
        rows = [
            ("m_1", "agent", "by:cn_ana:Ana: the boss"),  # a colon in the name
            ("m_2", "agent", "by::Kim"),  # sent before consoles were named
            ("m_3", "agent", "by:cn_sam:"),  # a console that gave no name
            ("m_4", "agent", None),  # sent before authors were kept
            ("m_5", "bot", "agent"),  # the AI agent
            ("m_6", "shopper", "by:the way"),  # a shopper's intent is left alone
        ]
        for minute, (message_id, role, intent) in enumerate(rows):
            connection.execute(
                text(
                    "INSERT INTO messages (id, conversation_id, role, text, created_at, intent)"
                    " VALUES (:id, 'c_1', :role, 'Hi', :at, :intent)"
                ),
                {
                    "id": message_id,
                    "role": role,
                    "intent": intent,
                    "at": f"2026-12-01 10:0{minute}",
                },
            )
    older.close()

    workspace = Workspace.open(tmp_path)
    with workspace.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT intent, author_name, author_console FROM messages ORDER BY id")
        ).all()
        assert (
            connection.scalar(text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"))
            == triggers
        )
    assert [tuple(row) for row in stored] == [
        (None, "Ana: the boss", "cn_ana"),
        (None, "Kim", None),
        (None, None, "cn_sam"),
        (None, None, None),
        ("agent", None, None),
        ("by:the way", None, None),
    ]
    thread = InboxReader(workspace).thread("c_1")
    authors = [(m.author.name, m.author.console_id) if m.author else None for m in thread]
    assert authors == [("Ana: the boss", "cn_ana"), ("Kim", None), (None, "cn_sam")] + [None] * 3
    assert [m.intent for m in thread] == [None, None, None, None, "agent", "by:the way"]

    with workspace.engine.begin() as connection:  # and back: the older Storedesk reads them
        command.downgrade(alembic_config(connection), "0009_spam")
        intents = connection.execute(text("SELECT intent FROM messages ORDER BY id")).scalars()
        assert list(intents)[:4] == ["by:cn_ana:Ana: the boss", "by::Kim", "by:cn_sam:", None]
        assert (
            connection.scalar(text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"))
            == triggers
        )
    workspace.close()


def test_hours_summed_by_the_older_spam_rule_are_summed_again(tmp_path: Path) -> None:
    """Before ``0011_recount_spam`` a spam conversation's leads and lookups were in the other
    sums; upgrading forgets the hours computed then, so the next view sums them anew."""
    from datetime import datetime

    from alembic import command

    from core.analytics.rollup import ensure

    older = Workspace.open(tmp_path)
    with older.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0010_message_authors")
        sums = "conversations, handoffs, ratings, rating_sum, messages, lookups, "
        sums += "verified_lookups, leads, waits, wait_minutes, spam"
        connection.execute(
            text(
                f"INSERT INTO analytics_hours (hour, widget_id, {sums}) "
                "VALUES ('2026-12-01 10', 0, 1, 0, 0, 0, 3, 2, 0, 1, 0, 0, 1)"
            )
        )  # a spam conversation's two lookups and lead, counted as the older rule did
        connection.execute(text("INSERT INTO analytics_hours_done VALUES ('2026-12-01 10')"))
    older.close()

    workspace = Workspace.open(tmp_path)
    with workspace.engine.begin() as connection:
        assert connection.scalar(text("SELECT count(*) FROM analytics_hours_done")) == 0
        assert ensure(connection, datetime(2026, 12, 1, 10), datetime(2026, 12, 1, 11)) == 1
        assert connection.scalar(text("SELECT count(*) FROM analytics_hours")) == 0  # no such chat
    workspace.close()
