"""Workspace pieces for the relay: migration 0002, widgets, knowledge (and its imports),
the relay link, and relay events stored in the inbox exactly once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text

from core.vault import Vault
from core.widgets import WidgetError
from core.workspace import HEAD_REVISION, Workspace
from core.workspace.database import _create_engine, alembic_config
from core.workspace.inbox import InboxRepository
from core.workspace.knowledge import KnowledgeError, KnowledgeRepository
from core.workspace.models import ConversationRow, KnowledgeEntryRow, LeadRow, MessageRow
from core.workspace.relay_link import RelayLinkRepository
from core.workspace.stores import StoreRepository
from core.workspace.widgets import WidgetEntry, WidgetRepository

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AT = "2026-03-03T10:00:00Z"


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture
def vault(workspace: Workspace) -> Vault:
    return Vault.open(workspace.data_dir)


@pytest.fixture
def widgets(workspace: Workspace, vault: Vault) -> WidgetRepository:
    StoreRepository(workspace, vault).add("Demo", "sql", {}, {"url": "sqlite:///shop.db"})
    return WidgetRepository(workspace, vault)


@pytest.fixture
def widget(widgets: WidgetRepository) -> WidgetEntry:
    return widgets.create("Shop chat", store="Demo", settings={"color": "#112233"})


@pytest.fixture
def kb(workspace: Workspace) -> KnowledgeRepository:
    return KnowledgeRepository(workspace)


# --- migration -------------------------------------------------------------------------


def test_a_0001_workspace_upgrades_in_place_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old"
    path.mkdir()
    engine = _create_engine(path / "workspace.sqlite")
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
        connection.execute(
            text(
                "INSERT INTO conversations (id, channel, status, started_at, updated_at) "
                "VALUES ('c_1', 'widget', 'open', '2026-01-01', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO messages (id, conversation_id, role, text, created_at) "
                "VALUES ('m_1', 'c_1', 'shopper', 'hello', '2026-01-01')"
            )
        )
    engine.dispose()
    ws = Workspace.open(path)
    with ws.session() as session:
        message = session.get(MessageRow, "m_1")
        assert message is not None
        assert (message.text, message.cards, message.suggestions, message.helpful) == (
            "hello",
            [],
            [],
            None,
        )
    with ws.engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == HEAD_REVISION
    ws.close()


# --- widgets -----------------------------------------------------------------------------


def test_create_get_update_and_delete_a_widget(
    widgets: WidgetRepository, widget: WidgetEntry, kb: KnowledgeRepository
) -> None:
    assert widget.key.startswith("wk_") and widget.store == "Demo"
    assert widget.config.color == "#112233" and widget.config.store == "Demo"
    assert widgets.get(widget.key) == widget
    assert widgets.get("SHOP CHAT") == widget
    assert widgets.get("nope") is None

    changed = widgets.update(widget, {"title": "Ask us", "allowed_origins": ["https://A.com/x"]})
    assert changed.config.title == "Ask us"
    assert changed.config.allowed_origins == ("https://a.com",)
    assert widgets.list() == [changed]

    kb.add(widget.id, "Hours?", "9 to 5")
    assert widgets.get(widget.key).knowledge == 1  # type: ignore[union-attr]
    assert widgets.delete(changed)
    assert widgets.list() == [] and kb.list(widget.id) == []


def test_widget_rules_are_checked(widgets: WidgetRepository, widget: WidgetEntry) -> None:
    with pytest.raises(WidgetError, match="already exists"):
        widgets.create("shop CHAT", store="Demo")
    with pytest.raises(WidgetError, match="no store named"):
        widgets.create("Other", store="Missing")
    with pytest.raises(WidgetError) as caught:
        widgets.create("Other", store=None, settings={"color": "blue"})
    assert caught.value.field == "color"
    with pytest.raises(WidgetError, match="cannot change"):
        widgets.update(widget, {"key": "wk_somethingelse"})


def test_identity_secret_is_random_text_sealed_in_the_vault(
    workspace: Workspace, widgets: WidgetRepository, widget: WidgetEntry
) -> None:
    secret = widgets.identity_secret(widget)
    assert len(secret) == 64 and bytes.fromhex(secret.decode())  # 32 random bytes, as hex
    other = widgets.create("Second", store=None)
    assert widgets.identity_secret(other) != secret
    with workspace.engine.connect() as connection:
        raw = connection.exec_driver_sql("SELECT identity_secret FROM widgets").scalars().all()
    assert all(secret not in blob for blob in raw)


# --- knowledge -----------------------------------------------------------------------------


def test_add_list_update_and_delete_entries(kb: KnowledgeRepository, widget: WidgetEntry) -> None:
    saved = kb.add(widget.id, "  What are your opening   hours? ", "9–17", ["Hours; open", "open"])
    assert saved.created and saved.item.id.startswith("k_")
    assert saved.item.question == "What are your opening hours?"
    assert saved.item.keywords == ("Hours", "open")

    again = kb.add(widget.id, "what are your opening hours", "9–18")
    assert not again.created and again.item.id == saved.item.id
    assert [i.answer for i in kb.list(widget.id)] == ["9–18"]

    updated = kb.update(widget.id, saved.item.id, enabled=False, keywords=["time"])
    assert updated is not None and not updated.enabled and updated.keywords == ("time",)
    assert updated.entry().enabled is False
    with pytest.raises(KnowledgeError, match="answer is empty"):
        kb.add(widget.id, "Q", "   ")
    assert kb.delete(widget.id, saved.item.id)
    assert not kb.delete(widget.id, saved.item.id)


@pytest.mark.parametrize("name", ["knowledge.csv", "knowledge.json"])
def test_the_example_files_import_cleanly_and_twice_changes_nothing(
    kb: KnowledgeRepository, widget: WidgetEntry, name: str
) -> None:
    first = kb.import_file(widget.id, EXAMPLES / name)
    assert first.added >= 5 and first.rejected == ()
    second = kb.import_file(widget.id, EXAMPLES / name)
    assert (second.added, second.updated, second.unchanged) == (0, 0, first.added)
    questions = [i.question for i in kb.list(widget.id)]
    assert "What is your returns policy?" in questions
    assert len(questions) == len(set(questions))


def test_csv_import_reports_bad_rows_and_keeps_the_good_ones(
    tmp_path: Path, kb: KnowledgeRepository, widget: WidgetEntry
) -> None:
    kb.add(widget.id, "Do you ship abroad?", "No.")
    path = tmp_path / "kb.csv"
    path.write_bytes(
        "\ufeffQuestion;Answer;Keywords;Enabled\n"
        "Do you ship abroad?;Yes, to the EU.;shipping, abroad;yes\n"
        ";An answer without a question;;\n"
        "Sizes?;;;\n"
        "Gift cards?;From £10.;gift;maybe\n"
        "\n"
        "Payment?;Cards and PayPal;pay;no\n"
        "Extra?;Answer;kw;yes;surprise\n".encode()
    )
    report = kb.import_file(widget.id, path)
    assert (report.added, report.updated) == (1, 1)
    assert [(r.where, r.reason) for r in report.rejected] == [
        ("row 3", "The question is empty."),
        ("row 4", "The answer is empty."),
        ("row 5", "“enabled” must be yes or no, not 'maybe'."),
        ("row 8", "It has more cells than the first row has columns (a missing quote?)."),
    ]
    entries = {i.question: i for i in kb.list(widget.id)}
    assert entries["Do you ship abroad?"].answer == "Yes, to the EU."
    assert entries["Do you ship abroad?"].keywords == ("shipping", "abroad")
    assert entries["Payment?"].enabled is False


def test_json_import_reports_bad_entries(
    tmp_path: Path, kb: KnowledgeRepository, widget: WidgetEntry
) -> None:
    path = tmp_path / "kb.json"
    entries: list[Any] = [
        {"question": "Returns?", "answer": "30 days.", "keywords": ["refund"]},
        "just a string",
        {"question": "Hours?", "answer": 9},
        {"question": "Sizes?", "answer": "S–XL", "keywords": [1, 2]},
    ]
    path.write_text(json.dumps(entries), encoding="utf-8")
    report = kb.import_file(widget.id, path)
    assert report.added == 1
    assert [r.where for r in report.rejected] == ["entry 2", "entry 3", "entry 4"]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("kb.csv", b"\xff\xfeq\x00", "not UTF-8"),
        ("kb.csv", b"title,body\nA,B\n", "missing: question, answer"),
        ("kb.json", b"{not json", "not valid JSON"),
        ("kb.json", b'{"items": 1}', "list of entries"),
        ("kb.xlsx", b"PK", "neither a .csv nor a .json"),
    ],
)
def test_unusable_files_are_one_sentence(
    tmp_path: Path,
    kb: KnowledgeRepository,
    widget: WidgetEntry,
    name: str,
    content: bytes,
    message: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(KnowledgeError, match=message):
        kb.import_file(widget.id, path)
    assert kb.list(widget.id) == []


# --- relay link ------------------------------------------------------------------------------


def test_relay_link_keeps_the_key_sealed_and_a_new_pairing_replaces_the_old(
    workspace: Workspace, vault: Vault
) -> None:
    links = RelayLinkRepository(workspace, vault)
    assert links.current() is None
    first = links.save(
        url="https://a.example",
        name="laptop",
        relay_id="r1",
        fingerprint="SHA256:aa",
        private_key=b"1" * 32,
    )
    assert links.private_key(first) == b"1" * 32
    second = links.save(
        url="https://b.example",
        name="laptop",
        relay_id="r2",
        fingerprint="SHA256:bb",
        private_key=b"2" * 32,
    )
    assert links.current() == second and links.private_key(second) == b"2" * 32
    links.touch_publish(second)
    links.touch_pull(second)
    current = links.current()
    assert current is not None and current.last_publish_at and current.last_pull_at
    with workspace.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM relay_links").scalar() == 1


# --- inbox -----------------------------------------------------------------------------------


def event(seq: int, kind: str, data: dict[str, Any], conversation: str = "c_1") -> dict[str, Any]:
    return {
        "seq": seq,
        "id": f"e_{seq:04d}",
        "type": kind,
        "conversation_id": conversation,
        "widget_key": None,
        "at": AT,
        "data": data,
    }


def message(mid: str, role: str = "bot", **extra: Any) -> dict[str, Any]:
    return {
        "message": {
            "id": mid,
            "conversation_id": "c_1",
            "role": role,
            "text": f"text of {mid}",
            "cards": [],
            "suggestions": [],
            "form": None,
            "confidence": None,
            "created_at": AT,
            "knowledge_entry_id": None,
            "intent": None,
            **extra,
        }
    }


def count(workspace: Workspace, model: Any) -> int:
    with workspace.session() as session:
        return len(session.scalars(select(model)).all())


def test_events_are_stored_once_even_when_pulled_twice(
    workspace: Workspace, widget: WidgetEntry, kb: KnowledgeRepository
) -> None:
    entry = kb.add(widget.id, "Returns?", "30 days.").item
    events = [
        event(1, "conversation.created", {"conversation": {
            "id": "c_1", "widget_key": widget.key, "channel": "widget", "started_at": AT,
            "customer_email": "ann@example.com", "customer_name": "Ann", "language": "en",
        }}),
        event(2, "message", message("m_1", "shopper")),
        event(3, "message", message(
            "m_2", knowledge_entry_id=entry.id, confidence=0.9, intent="faq",
            cards=[{"type": "order", "number": "1001"}], suggestions=["Thanks"], form="lead",
        )),
        event(4, "lead", {"lead": {
            "id": "l_1", "kind": "contact", "name": "Ann", "email": "ann@example.com",
            "phone": None, "message": "Call me", "requested_time": None, "created_at": AT,
        }}),
        event(5, "feedback", {"message_id": "m_2", "helpful": True}),
        event(6, "feedback", {"rating": 4}),
        event(7, "handoff.requested", {"reason": "asked"}),
    ]  # fmt: skip
    inbox = InboxRepository(workspace)
    report = inbox.apply(events)
    assert (report.conversations, report.messages, report.leads) == (1, 2, 1)
    assert (report.feedback, report.handoffs, report.duplicates) == (2, 1, 0)
    assert inbox.apply(events).duplicates == len(events)
    assert count(workspace, MessageRow) == 2 and count(workspace, LeadRow) == 1

    with workspace.session() as session:
        conversation = session.get(ConversationRow, "c_1")
        assert conversation is not None
        assert (conversation.widget_id, conversation.customer_name) == (widget.id, "Ann")
        assert (conversation.status, conversation.handoff_reason) == ("waiting", "asked")
        assert conversation.rating == 4 and conversation.language == "en"
        bot = session.get(MessageRow, "m_2")
        assert bot is not None and bot.helpful is True and bot.form == "lead"
        assert bot.cards == [{"type": "order", "number": "1001"}] and bot.intent == "faq"
        stats = session.get(KnowledgeEntryRow, entry.id)
        assert stats is not None and (stats.uses, stats.helpful, stats.unhelpful) == (1, 1, 0)


def test_a_message_before_its_conversation_is_kept(workspace: Workspace) -> None:
    inbox = InboxRepository(workspace)
    assert inbox.apply([event(2, "message", message("m_1", "shopper"))]).conversations == 1
    report = inbox.apply(
        [event(1, "conversation.created", {"conversation": {"id": "c_1", "channel": "whatsapp"}})]
    )
    assert report.conversations == 0
    with workspace.session() as session:
        conversation = session.get(ConversationRow, "c_1")
        assert conversation is not None and conversation.channel == "whatsapp"
        assert conversation.last_message_at == datetime(2026, 3, 3, 10, tzinfo=UTC)
    assert count(workspace, MessageRow) == 1


def test_changing_a_vote_moves_the_counter_and_unknown_entries_are_dropped(
    workspace: Workspace, widget: WidgetEntry, kb: KnowledgeRepository
) -> None:
    entry = kb.add(widget.id, "Returns?", "30 days.").item
    inbox = InboxRepository(workspace)
    inbox.apply([
        event(1, "message", message("m_1", knowledge_entry_id=entry.id)),
        event(2, "message", message("m_2", knowledge_entry_id="k_deleted_since")),
        event(3, "feedback", {"message_id": "m_1", "helpful": True}),
        event(4, "feedback", {"message_id": "m_1", "helpful": False}),
    ])  # fmt: skip
    with workspace.session() as session:
        stats = session.get(KnowledgeEntryRow, entry.id)
        assert stats is not None and (stats.uses, stats.helpful, stats.unhelpful) == (1, 0, 1)
        orphan = session.get(MessageRow, "m_2")
        assert orphan is not None and orphan.knowledge_entry_id is None


def test_malformed_and_unknown_events_are_skipped_without_losing_the_rest(
    workspace: Workspace,
) -> None:
    inbox = InboxRepository(workspace)
    report = inbox.apply([
        event(1, "message", {"message": {"id": "m_x", "role": "robot", "text": "?"}}),
        event(2, "message", {"nothing": True}),
        event(3, "lead", {"lead": {"kind": "contact"}}),
        event(4, "something.new", {}),
        {"seq": 5, "type": "message"},
        event(6, "message", message("m_ok", "shopper")),
    ])  # fmt: skip
    assert report.skipped == 5 and report.messages == 1
    assert count(workspace, MessageRow) == 1
    assert inbox.apply([event(1, "message", {})]).duplicates == 1  # skipped ones count as seen


def test_an_agent_reply_kept_at_sending_is_not_doubled_by_its_event(workspace: Workspace) -> None:
    inbox = InboxRepository(workspace)
    assert inbox.store_reply("c_9", message("m_a", "agent")["message"])
    report = inbox.apply([event(1, "message", message("m_a", "agent"), conversation="c_9")])
    assert report.messages == 0
    assert count(workspace, MessageRow) == 1


def test_models_match_a_fresh_database(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "fresh")
    engine = create_engine(f"sqlite:///{ws.path}")
    with engine.connect() as connection:
        tables = set(
            connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
            .scalars()
            .all()
        )
    assert {"relay_links", "relay_events"} <= tables
    engine.dispose()
    ws.close()
