"""Conversations, messages, leads and feedback: the group writer's steps and the reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    String,
    Table,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from core.bot.intents import ORDER_QUESTIONS
from relay.storage.errors import StorageError
from relay.storage.events import INSERT_EVENTS, SQLITE_INSERT_EVENTS, event_ops
from relay.storage.models import conversations, knowledge_entries, leads, messages
from relay.storage.records import (
    ConversationRecord,
    Feedback,
    NewConversation,
    NewEvent,
    NewLead,
    NewMessage,
    SpamFlag,
    StoredMessage,
)
from relay.storage.writer import CoreStep, DriverStep, Op, Step, sqlite_datetime, sqlite_json

ke = knowledge_entries
_conversation_key = (
    select(conversations.c.widget_key)
    .where(conversations.c.id == bindparam("b_cid"))
    .scalar_subquery()
)


def _set(column: str) -> Any:
    """``UPDATE conversations SET <column> = :v WHERE id = :b_cid``, for executemany."""
    return (
        update(conversations)
        .where(conversations.c.id == bindparam("b_cid"))
        .values({column: bindparam("v", type_=conversations.c[column].type)})
    )


async def _feedback(connection: AsyncConnection, row: dict[str, Any]) -> None:
    if row["rating"] is not None:
        await connection.execute(_set("rating"), {"b_cid": row["b_cid"], "v": row["rating"]})
        return
    found = (
        await connection.execute(
            select(messages.c.helpful, messages.c.knowledge_entry_id).where(
                messages.c.id == row["message_id"], messages.c.conversation_id == row["b_cid"]
            )
        )
    ).first()
    if found is None:
        raise StorageError("That message is not part of this conversation.")
    before = None if found.helpful is None else bool(found.helpful)
    helpful = bool(row["helpful"])
    if before == helpful:
        return
    await connection.execute(
        update(messages).where(messages.c.id == row["message_id"]).values(helpful=helpful)
    )
    if found.knowledge_entry_id is None:
        return
    await connection.execute(
        update(ke)
        .where(ke.c.widget_key == _conversation_key, ke.c.id == found.knowledge_entry_id)
        .values(
            helpful=ke.c.helpful + (int(helpful) - int(before is True)),
            unhelpful=ke.c.unhelpful + (int(not helpful) - int(before is False)),
        ),
        {"b_cid": row["b_cid"]},
    )


_turn = (
    update(conversations)
    .where(conversations.c.id == bindparam("b_cid"))
    .values(
        updated_at=bindparam("v_at", type_=conversations.c.updated_at.type),
        bot_state=func.coalesce(
            bindparam("v_state", type_=JSON(none_as_null=True)), conversations.c.bot_state
        ),
        status=func.coalesce(bindparam("v_status", type_=String()), conversations.c.status),
    )
)
"""A turn's one change to its conversation: ``updated_at``, and ``bot_state`` / ``status``
when given (``None`` keeps the stored value)."""

_knowledge_use = (
    update(ke)
    .where(ke.c.widget_key == _conversation_key, ke.c.id == bindparam("b_eid"))
    .values(uses=ke.c.uses + 1)
)


def _conversation_params(conversation: NewConversation) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "widget_key": conversation.widget_key,
        "token_hash": conversation.token_hash,
        "channel": conversation.channel,
        "status": conversation.status,
        "bot_state": conversation.bot_state,
        "language": conversation.language,
        "customer_email": conversation.customer_email,
        "customer_name": conversation.customer_name,
        "started_at": conversation.started_at,
        "updated_at": conversation.started_at,
        "rating": None,
        "page_url": conversation.page_url,
    }


def _message_params(value: tuple[str, NewMessage]) -> dict[str, Any]:
    conversation_id, message = value
    return {
        "id": message.id,
        "conversation_id": conversation_id,
        "role": message.role,
        "text": message.text,
        "cards": list(message.cards),
        "suggestions": list(message.suggestions),
        "form": message.form,
        "confidence": message.confidence,
        "knowledge_entry_id": message.knowledge_entry_id,
        "intent": message.intent,
        "helpful": None,
        "created_at": message.created_at,
        "author": message.author,
    }


_Turn = tuple[str, datetime, dict[str, Any] | None, str | None]
"""A turn's change to its conversation: id, ``updated_at``, ``bot_state``, ``status``."""


def _turn_params(value: _Turn) -> dict[str, Any]:
    conversation_id, now, bot_state, status = value
    return {"b_cid": conversation_id, "v_at": now, "v_state": bot_state, "v_status": status}


STEPS: list[tuple[str, Step]] = [
    ("conversation.insert", CoreStep(conversations.insert(), _conversation_params)),
    ("message.insert", CoreStep(messages.insert(), _message_params)),
    ("lead.insert", leads.insert()),
    ("conversation.turn", CoreStep(_turn, _turn_params)),
    ("conversation.spam", CoreStep(_set("spam"), lambda value: {"b_cid": value[0], "v": value[1]})),
    ("feedback", _feedback),
    (
        "knowledge.use",
        CoreStep(_knowledge_use, lambda value: {"b_cid": value[0], "b_eid": value[1]}),
    ),
    ("event.insert", INSERT_EVENTS),
]
"""Every kind of grouped write, in the order a batch runs them. The kinds of a chat turn
carry records (a ``NewMessage`` with its conversation id, a ``NewEvent``, ...), which each
database's step turns into parameters; ``lead.insert`` and ``feedback`` carry dicts."""


def _conversation_values(conversation: NewConversation) -> tuple[Any, ...]:
    started = sqlite_datetime(conversation.started_at)
    return (
        conversation.id,
        conversation.widget_key,
        conversation.token_hash,
        conversation.channel,
        conversation.status,
        sqlite_json(conversation.bot_state),
        conversation.language,
        conversation.customer_email,
        conversation.customer_name,
        started,
        started,
        None,  # rating
        conversation.page_url,
    )


def _message_values(value: tuple[str, NewMessage]) -> tuple[Any, ...]:
    conversation_id, message = value
    return (
        message.id,
        conversation_id,
        message.role,
        message.text,
        sqlite_json(message.cards),
        sqlite_json(message.suggestions),
        message.form,
        message.confidence,
        message.knowledge_entry_id,
        message.intent,
        None,  # helpful
        sqlite_datetime(message.created_at),
        message.author,
    )


def _turn_values(value: _Turn) -> tuple[Any, ...]:
    conversation_id, now, bot_state, status = value
    state = None if bot_state is None else sqlite_json(bot_state)
    return (sqlite_datetime(now), state, status, conversation_id)


_SQLITE: dict[str, Step] = {
    "conversation.insert": DriverStep(
        "INSERT INTO conversations (id, widget_key, token_hash, channel, status, bot_state, "
        "language, customer_email, customer_name, started_at, updated_at, rating, page_url) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _conversation_values,
    ),
    "message.insert": DriverStep(
        "INSERT INTO messages (id, conversation_id, role, text, cards, suggestions, form, "
        "confidence, knowledge_entry_id, intent, helpful, created_at, author) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _message_values,
    ),
    "conversation.turn": DriverStep(
        "UPDATE conversations SET updated_at = ?, bot_state = coalesce(?, bot_state), "
        "status = coalesce(?, status) WHERE id = ?",
        _turn_values,
    ),
    "knowledge.use": DriverStep(
        "UPDATE knowledge_entries SET uses = uses + 1 "
        "WHERE widget_key = (SELECT widget_key FROM conversations WHERE id = ?) AND id = ?",
        tuple,  # (conversation id, entry id)
    ),
    "event.insert": SQLITE_INSERT_EVENTS,
}
SQLITE_STEPS: list[tuple[str, Step]] = [(kind, _SQLITE.get(kind, step)) for kind, step in STEPS]
"""``STEPS`` on SQLite: the kinds every chat turn writes go through the driver itself."""


def new_conversation_ops(
    conversation: NewConversation, new_messages: Sequence[NewMessage], events: Sequence[NewEvent]
) -> list[Op]:
    ops: list[Op] = [("conversation.insert", conversation)]
    ops += _message_ops(conversation.id, new_messages)
    return ops + event_ops(events)


def turn_ops(
    conversation_id: str,
    new_messages: Sequence[NewMessage],
    *,
    now: datetime,
    bot_state: dict[str, Any] | None,
    status: str | None,
    events: Sequence[NewEvent],
    lead: NewLead | None,
    feedback: Feedback | None,
    spam: SpamFlag | None = None,
) -> list[Op]:
    ops = _message_ops(conversation_id, new_messages)
    ops.append(("conversation.turn", (conversation_id, now, bot_state, status)))
    if spam is not None:
        ops.append(("conversation.spam", (conversation_id, spam[0])))
    if lead is not None:
        ops.append(("lead.insert", _lead_row(conversation_id, lead)))
    if feedback is not None:
        ops.append(("feedback", _feedback_row(conversation_id, feedback)))
    return ops + event_ops(events)


def _message_ops(conversation_id: str, new_messages: Sequence[NewMessage]) -> list[Op]:
    ops: list[Op] = []
    for message in new_messages:
        ops.append(("message.insert", (conversation_id, message)))
        if message.knowledge_entry_id is not None and message.role == "bot":
            ops.append(("knowledge.use", (conversation_id, message.knowledge_entry_id)))
    return ops


def _lead_row(conversation_id: str, lead: NewLead) -> dict[str, Any]:
    return {
        "id": lead.id,
        "conversation_id": conversation_id,
        "kind": lead.kind,
        "name": lead.name,
        "email": lead.email,
        "phone": lead.phone,
        "message": lead.message,
        "requested_time": lead.requested_time,
        "created_at": lead.created_at,
    }


def _feedback_row(conversation_id: str, feedback: Feedback) -> dict[str, Any]:
    if feedback.rating is None and (feedback.message_id is None or feedback.helpful is None):
        raise ValueError("Feedback needs a rating, or a message id and helpful.")
    return {
        "b_cid": conversation_id,
        "message_id": feedback.message_id,
        "helpful": feedback.helpful,
        "rating": feedback.rating,
    }


async def get_conversation(
    connection: AsyncConnection, conversation_id: str
) -> ConversationRecord | None:
    row = (
        (
            await connection.execute(
                select(conversations).where(conversations.c.id == conversation_id)
            )
        )
        .mappings()
        .first()
    )
    return None if row is None else ConversationRecord(**row)


async def get_messages(
    connection: AsyncConnection, conversation_id: str, after: str | None, limit: int
) -> list[StoredMessage]:
    query = select(messages).where(messages.c.conversation_id == conversation_id)
    if after:
        query = query.where(messages.c.id > after)
    rows = await connection.execute(query.order_by(messages.c.id).limit(max(0, limit)))
    return [_stored(row) for row in rows.mappings()]


async def get_message(
    connection: AsyncConnection, conversation_id: str, message_id: str
) -> StoredMessage | None:
    row = (
        (
            await connection.execute(
                select(messages).where(
                    messages.c.id == message_id, messages.c.conversation_id == conversation_id
                )
            )
        )
        .mappings()
        .first()
    )
    return None if row is None else _stored(row)


def _stored(row: RowMapping) -> StoredMessage:
    return StoredMessage(
        id=row["id"],
        conversation_id=row["conversation_id"],
        role=row["role"],
        text=row["text"],
        cards=tuple(row["cards"]),
        suggestions=tuple(row["suggestions"]),
        form=row["form"],
        confidence=row["confidence"],
        knowledge_entry_id=row["knowledge_entry_id"],
        intent=row["intent"],
        helpful=None if row["helpful"] is None else bool(row["helpful"]),
        created_at=row["created_at"],
        author=row["author"],
    )


async def count_open(connection: AsyncConnection) -> int:
    query = select(func.count()).select_from(conversations)
    query = query.where(conversations.c.status != "closed")
    return int((await connection.execute(query)).scalar_one())


async def count_today(connection: AsyncConnection, now: datetime) -> dict[str, int]:
    """Since midnight UTC: conversations started, messages, leads and order questions of the
    conversations not taken for spam, and (``spam``) the conversations started that are."""
    start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    c = conversations
    asked = messages.c.role == "shopper", messages.c.intent.in_(sorted(ORDER_QUESTIONS))
    started = select(func.count()).select_from(c).where(c.c.started_at >= start)
    queries: dict[str, Select[int]] = {
        "conversations": started.where(c.c.spam.is_(None)),
        "messages": _of_kept(messages, messages.c.created_at >= start),
        "leads": _of_kept(leads, leads.c.created_at >= start),
        "lookups": _of_kept(messages, messages.c.created_at >= start, *asked),
        "spam": started.where(c.c.spam.is_not(None)),
    }
    return {
        name: int((await connection.execute(query)).scalar_one()) for name, query in queries.items()
    }


def _of_kept(table: Table, *where: ColumnElement[bool]) -> Select[int]:
    """Count ``table``'s rows (messages or leads) of conversations not taken for spam."""
    joined = table.join(conversations, conversations.c.id == table.c.conversation_id)
    return select(func.count()).select_from(joined).where(conversations.c.spam.is_(None), *where)
