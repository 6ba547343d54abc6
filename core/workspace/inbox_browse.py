"""The Inbox's reading side: conversations a page at a time (newest activity first, with
filters and search), one conversation's thread, unread counts. Conversations taken for spam
are listed only under the Spam filter, and never counted as unread.

Paging reuses ``core.workspace.browse``: the activity order is served by the indexes
``ix_conversations_updated_at`` / ``ix_conversations_status_updated_at`` (LIMIT/OFFSET, far
pages read from the other end), so opening 100,000 conversations costs what 1,000 cost.
A widget or channel filter, or a search, takes the ordered ids once and pages by id.
Search matches the shopper's name or email, and any message's text or card (an order number
the shopper typed or was shown).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, Table, cast, exists, func, or_, select, update

from core.workspace.authors import Author, read_author
from core.workspace.browse import _Browser, _contains, _Listing
from core.workspace.database import Workspace
from core.workspace.models import ConversationRow, MessageRow

CONVERSATIONS: Table = ConversationRow.__table__  # type: ignore[assignment]
MESSAGES: Table = MessageRow.__table__  # type: ignore[assignment]
STATUSES = ("open", "waiting", "closed")
THREAD_LIMIT = 500


@dataclass(frozen=True, slots=True)
class ConversationLine:
    """One conversation as the Inbox lists it."""

    id: str
    status: str
    updated_at: datetime
    customer_name: str | None
    customer_email: str | None
    preview: str | None
    unread: int
    channel: str
    widget_id: int | None
    assignee: str | None
    rating: int | None
    page_url: str | None = None  # the shop page the chat started on
    spam: str | None = None
    """The spam rule it broke; ``None``: not spam."""

    @property
    def shopper(self) -> str:
        return self.customer_name or self.customer_email or "Visitor"


@dataclass(frozen=True, slots=True)
class ThreadMessage:
    """One turn of a conversation, with what the merchant needs to judge a bot answer."""

    id: str
    role: str
    text: str
    created_at: datetime
    confidence: float | None
    knowledge_entry_id: str | None
    knowledge_question: str | None
    cards: list[Any] = field(default_factory=list)
    form: str | None = None
    helpful: bool | None = None
    author: Author | None = None
    """Who wrote a person's reply (role ``agent``); ``None`` for other messages."""
    intent: str | None = None
    """What the bot took the shopper to want; ``agent``: the AI agent wrote this turn."""


def _thread_message(row: Any) -> ThreadMessage:
    """A row of ``InboxReader.thread``'s query."""
    return ThreadMessage(
        id=row.id,
        role=row.role,
        text=row.text,
        created_at=row.created_at,
        confidence=row.confidence,
        knowledge_entry_id=row.knowledge_entry_id,
        knowledge_question=row.question,
        cards=row.cards,
        form=row.form,
        helpful=row.helpful,
        author=read_author(row.author_name, row.author_console),
        intent=row.intent,
    )


@dataclass(frozen=True, slots=True)
class InboxFilter:
    status: str | None = None  # open, waiting, closed; None: all
    spam: bool = False
    """Only the conversations taken for spam (otherwise they are left out)."""
    widget_id: int | None = None
    channel: str | None = None
    widget_ids: frozenset[int] | None = None  # a client's widgets (agency mode)


def _search(text: str) -> ColumnElement[bool]:
    c, m = CONVERSATIONS.c, MESSAGES.c
    in_messages = exists().where(
        m.conversation_id == c.id,
        or_(_contains(m.text, text), _contains(cast(m.cards, String), text)),
    )
    return or_(_contains(c.customer_email, text), _contains(c.customer_name, text), in_messages)


_LISTING = _Listing(
    table=CONVERSATIONS,
    columns=[getattr(CONVERSATIONS.c, name) for name in ConversationLine.__slots__],
    sorts={"activity": lambda: (CONVERSATIONS.c.updated_at,)},
    indexed=frozenset({"activity"}),
    default_sort="activity",
    search=_search,
)


class ConversationBrowser(_Browser):
    """The conversations matching one filter (a new browser per filter)."""

    def __init__(self, workspace: Workspace, where: InboxFilter = InboxFilter()) -> None:
        c = CONVERSATIONS.c
        conditions: list[ColumnElement[bool]] = []
        if where.status is not None:
            conditions.append(c.status == where.status)
        conditions.append(c.spam.is_not(None) if where.spam else c.spam.is_(None))
        listing = _LISTING
        if where.widget_id is not None or where.channel is not None or where.widget_ids is not None:
            listing = replace(_LISTING, indexed=frozenset())
            if where.widget_ids is not None:
                conditions.append(c.widget_id.in_(sorted(where.widget_ids)))
            if where.widget_id is not None:
                conditions.append(c.widget_id == where.widget_id)
            if where.channel is not None:
                conditions.append(c.channel == where.channel)
        super().__init__(workspace, listing, conditions)
        self.filter = where

    def _record(self, row: Any) -> ConversationLine:
        return ConversationLine(*row)

    def _ordered_ids(self, order: tuple[str, str, bool]) -> Any:
        """As ``_Browser``'s, for text ids (kept in a list, not an integer array)."""
        ids = self._ids.get(order)
        if ids is None:
            search, sort, descending = order
            query = (
                select(CONVERSATIONS.c.id)
                .where(*self._conditions(search))
                .order_by(*self._ordering(sort, descending))
            )
            with self._workspace.engine.connect() as connection:
                ids = list(connection.execute(query).scalars())  # type: ignore[assignment]
            if len(self._ids) >= 2:
                self._ids.pop(next(iter(self._ids)))
        self._ids[order] = self._ids.pop(order, ids)  # type: ignore[arg-type]
        return ids


class InboxReader:
    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    def browser(self, where: InboxFilter = InboxFilter()) -> ConversationBrowser:
        return ConversationBrowser(self._workspace, where)

    def conversation(self, conversation_id: str) -> ConversationLine | None:
        columns = [getattr(CONVERSATIONS.c, name) for name in ConversationLine.__slots__]
        query = select(*columns).where(CONVERSATIONS.c.id == conversation_id)
        with self._workspace.engine.connect() as connection:
            row = connection.execute(query).one_or_none()
        return None if row is None else ConversationLine(*row)

    def thread(self, conversation_id: str, limit: int = THREAD_LIMIT) -> list[ThreadMessage]:
        """The newest ``limit`` messages, oldest first, with the matched entry's question."""
        from core.workspace.models import KnowledgeEntryRow

        m = MESSAGES.c
        query = (
            select(
                m.id,
                m.role,
                m.text,
                m.created_at,
                m.confidence,
                m.knowledge_entry_id,
                KnowledgeEntryRow.question,
                m.cards,
                m.form,
                m.helpful,
                m.intent,
                m.author_name,
                m.author_console,
            )
            .outerjoin(KnowledgeEntryRow, KnowledgeEntryRow.id == m.knowledge_entry_id)
            .where(m.conversation_id == conversation_id)
            .order_by(m.created_at.desc(), m.id.desc())
            .limit(limit)
        )
        with self._workspace.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [_thread_message(row) for row in reversed(rows)]

    def unread(self, widget_ids: frozenset[int] | None = None) -> int:
        """How many conversations (of these widgets) have messages the merchant has not
        read; conversations taken for spam are not waiting for anyone."""
        c = CONVERSATIONS.c
        query = select(func.count()).select_from(CONVERSATIONS).where(c.unread > 0)
        query = query.where(c.spam.is_(None))
        if widget_ids is not None:
            query = query.where(c.widget_id.in_(sorted(widget_ids)))
        with self._workspace.engine.connect() as connection:
            return int(connection.scalar(query) or 0)

    def mark_read(self, conversation_id: str) -> None:
        with self._workspace.engine.begin() as connection:
            connection.execute(
                update(CONVERSATIONS)
                .where(CONVERSATIONS.c.id == conversation_id, CONVERSATIONS.c.unread != 0)
                .values(unread=0)
            )

    def set_state(self, conversation_id: str, **values: Any) -> None:
        """Keep what the relay confirmed (status, assignee) without waiting for its event."""
        with self._workspace.engine.begin() as connection:
            connection.execute(
                update(CONVERSATIONS).where(CONVERSATIONS.c.id == conversation_id).values(values)
            )

    def channels(self) -> list[str]:
        """The channels conversations came through: one index lookup per channel (a skip
        scan), not a pass over every conversation."""
        found: list[str] = []
        column = CONVERSATIONS.c.channel
        with self._workspace.engine.connect() as connection:
            while True:
                after = column > found[-1] if found else column.is_not(None)
                channel = connection.scalar(select(func.min(column)).where(after))
                if channel is None:
                    return found
                found.append(channel)


def statuses() -> Sequence[str]:
    return STATUSES
