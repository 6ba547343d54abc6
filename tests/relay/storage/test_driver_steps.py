"""On SQLite the chat-turn writes skip SQLAlchemy's type processing (``DriverStep``): the
rows they store must be exactly the rows SQLAlchemy's own statements store."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from relay.storage import NewConversation, NewEvent, NewMessage, StorageError, database_url
from relay.storage import conversations as conversation_db
from relay.storage.engine import create_engines, migrate
from relay.storage.models import knowledge_entries, widgets
from relay.storage.writer import GroupWriter, sqlite_datetime

PARIS = timezone(timedelta(hours=2))
MOMENTS = [
    datetime(2026, 3, 3, 10, 0, tzinfo=UTC),
    datetime(2026, 3, 3, 12, 0, 0, 5, tzinfo=PARIS),
    datetime(2026, 3, 3, 10, 0, 1, 123456),  # naive: stored as it is
    datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),
]


def test_sqlite_datetime_is_sqlalchemys_stored_text() -> None:
    from sqlalchemy.dialects import sqlite

    from core.workspace.coltypes import UTCDateTime

    column = UTCDateTime()
    dialect = sqlite.dialect()
    process = column.dialect_impl(dialect).bind_processor(dialect)
    assert process is not None
    for moment in MOMENTS:
        assert sqlite_datetime(moment) == process(moment)
    assert sqlite_datetime(None) is None


def _ops() -> list[list[tuple[str, dict[str, Any]]]]:
    conversation = NewConversation(
        id="c_1",
        widget_key="wk_a",
        token_hash="h" * 64,
        started_at=MOMENTS[1],
        bot_state={"step": "é", "n": [1, 2.5, None]},
        language="fr",
        customer_email="ana@example.com",
    )
    first = NewMessage(id="m_1", role="bot", text="Bonjour ✓", created_at=MOMENTS[0])
    answer = NewMessage(
        id="m_3",
        role="bot",
        text="Returns are free.",
        created_at=MOMENTS[2],
        cards=({"type": "order", "total": "12.50", "items": [{"name": "Mug"}]},),
        suggestions=("Thanks", "More"),
        form="lead",
        confidence=0.8125,
        knowledge_entry_id="k_1",
        intent="faq",
    )
    shopper = NewMessage(id="m_2", role="shopper", text="returns?\n", created_at=MOMENTS[3])
    event = NewEvent(
        id="e_1", type="message", at=MOMENTS[1], data={"message": {"id": "m_2", "x": None}}
    )
    return [
        conversation_db.new_conversation_ops(conversation, [first], [event]),
        conversation_db.turn_ops(
            "c_1",
            [shopper, answer],
            now=MOMENTS[0],
            bot_state={"step": "done"},
            status=None,
            events=[],
            lead=None,
            feedback=None,
        ),
        conversation_db.turn_ops(
            "c_1",
            [],
            now=MOMENTS[2],
            bot_state=None,
            status="waiting",
            events=[],
            lead=None,
            feedback=None,
        ),
    ]


async def _write(path: Path, steps: Any) -> dict[str, list[tuple[Any, ...]]]:
    engines = create_engines(database_url(path, None))
    try:
        await migrate(engines)
        async with engines.write.begin() as connection:
            await connection.execute(
                insert(widgets).values(
                    key="wk_a",
                    name="A",
                    config={},
                    digest="d",
                    version=1,
                    updated_at=MOMENTS[0],
                )
            )
            await connection.execute(
                insert(knowledge_entries).values(
                    widget_key="wk_a", id="k_1", question="q", answer="a", keywords=[], enabled=True
                )
            )
        writer = GroupWriter(engines.write, steps)
        writer.start()
        for ops in _ops():
            await writer.write(ops)
        with pytest.raises(StorageError, match="refused the change"):
            await writer.write(_ops()[0][:1])  # the same conversation id again
        await writer.close()
    finally:
        await engines.dispose()
    with sqlite3.connect(path / "relay.sqlite") as raw:
        return {
            table: raw.execute(f"SELECT *, typeof({column}) FROM {table} ORDER BY 1").fetchall()
            for table, column in [
                ("conversations", "bot_state"),
                ("messages", "cards"),
                ("events", "data"),
                ("knowledge_entries", "uses"),
            ]
        }


async def test_driver_steps_store_what_sqlalchemy_stores(tmp_path: Path) -> None:
    assert conversation_db.SQLITE_STEPS != conversation_db.STEPS
    by_driver = await _write(tmp_path / "driver", conversation_db.SQLITE_STEPS)
    by_sqlalchemy = await _write(tmp_path / "sqlalchemy", conversation_db.STEPS)
    assert by_driver == by_sqlalchemy
    conversation = by_driver["conversations"][0]
    assert conversation[4:6] == ("waiting", '{"step":"done"}')  # the later turns applied
    assert by_driver["knowledge_entries"][0][-2] == 1  # uses


def test_every_kind_is_known_on_both_databases() -> None:
    assert [kind for kind, _ in conversation_db.SQLITE_STEPS] == [
        kind for kind, _ in conversation_db.STEPS
    ]
