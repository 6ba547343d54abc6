"""What goes in and out of the relay's storage: frozen dataclasses, no SQL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from core.records import KnowledgeEntry, WidgetConfig
from core.serialize import utc_iso
from core.team import TeamRole

Role = Literal["shopper", "bot", "agent", "system"]
EventType = Literal[
    "conversation.created",
    "message",
    "lead",
    "feedback",
    "handoff.requested",
    "store.changed",
    "conversation.status",
    "conversation.assigned",
    "conversation.spam",
]


SpamFlag = tuple[str | None]
"""A change to a conversation's spam flag: ``(reason,)`` marks it, ``(None,)`` clears it."""


@dataclass(frozen=True, slots=True)
class NewConversation:
    id: str
    widget_key: str
    token_hash: str
    started_at: datetime
    channel: str = "web"
    status: str = "open"
    bot_state: dict[str, Any] = field(default_factory=dict)
    language: str | None = None
    customer_email: str | None = None
    customer_name: str | None = None
    page_url: str | None = None


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    id: str
    widget_key: str
    token_hash: str
    channel: str
    status: str
    bot_state: dict[str, Any]
    language: str | None
    customer_email: str | None
    customer_name: str | None
    started_at: datetime
    updated_at: datetime
    rating: int | None = None
    page_url: str | None = None
    spam: str | None = None
    """Why it is taken for spam (``core.spam.SpamMatch.reason``); ``None``: it is not."""


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A message to store; the conversation is given by the call that stores it."""

    id: str
    role: Role
    text: str
    created_at: datetime
    cards: tuple[dict[str, Any], ...] = ()
    suggestions: tuple[str, ...] = ()
    form: str | None = None
    confidence: float | None = None
    knowledge_entry_id: str | None = None
    intent: str | None = None
    author: str | None = None
    """The name of the person who wrote an agent's reply (shown to the shopper)."""

    def public_json(self) -> dict[str, Any]:
        """The Message JSON a browser sees (no knowledge entry, no intent)."""
        return _public(self)


@dataclass(frozen=True, slots=True)
class StoredMessage:
    id: str
    conversation_id: str
    role: Role
    text: str
    cards: tuple[dict[str, Any], ...]
    suggestions: tuple[str, ...]
    form: str | None
    confidence: float | None
    knowledge_entry_id: str | None
    intent: str | None
    helpful: bool | None
    created_at: datetime
    author: str | None = None

    @classmethod
    def from_new(cls, conversation_id: str, message: NewMessage) -> StoredMessage:
        return cls(
            id=message.id,
            conversation_id=conversation_id,
            role=message.role,
            text=message.text,
            cards=message.cards,
            suggestions=message.suggestions,
            form=message.form,
            confidence=message.confidence,
            knowledge_entry_id=message.knowledge_entry_id,
            intent=message.intent,
            helpful=None,
            created_at=message.created_at,
            author=message.author,
        )

    def public_json(self) -> dict[str, Any]:
        """The Message JSON a browser sees (no knowledge entry, no intent)."""
        return _public(self)

    def event_json(self) -> dict[str, Any]:
        """The Message JSON the console sees in a ``message`` event."""
        return _public(self) | {
            "conversation_id": self.conversation_id,
            "knowledge_entry_id": self.knowledge_entry_id,
            "intent": self.intent,
        }


def _public(message: NewMessage | StoredMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "role": message.role,
        "text": message.text,
        "cards": list(message.cards),
        "suggestions": list(message.suggestions),
        "form": message.form,
        "confidence": message.confidence,
        "created_at": utc_iso(message.created_at),
        "author": message.author,
    }


@dataclass(frozen=True, slots=True)
class NewLead:
    id: str
    kind: Literal["contact", "appointment"]
    created_at: datetime
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    message: str | None = None
    requested_time: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "message": self.message,
            "requested_time": utc_iso(self.requested_time) if self.requested_time else None,
            "created_at": utc_iso(self.created_at),
        }


@dataclass(frozen=True, slots=True)
class Feedback:
    """Either ``message_id`` + ``helpful``, or ``rating`` (1..5)."""

    message_id: str | None = None
    helpful: bool | None = None
    rating: int | None = None


@dataclass(frozen=True, slots=True)
class NewEvent:
    id: str
    type: EventType
    at: datetime
    data: dict[str, Any]
    conversation_id: str | None = None
    widget_key: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    id: str
    type: str
    conversation_id: str | None
    widget_key: str | None
    at: datetime
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "id": self.id,
            "type": self.type,
            "conversation_id": self.conversation_id,
            "widget_key": self.widget_key,
            "at": utc_iso(self.at),
            "data": self.data,
        }


@dataclass(frozen=True, slots=True)
class ConsoleRecord:
    id: str
    name: str
    public_key: bytes
    fingerprint: str
    created_at: datetime
    role: TeamRole = "admin"
    last_seen_at: datetime | None = None
    revoked_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """As the team list shows it (never the key itself)."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "fingerprint": self.fingerprint,
            "created_at": utc_iso(self.created_at),
            "last_seen_at": utc_iso(self.last_seen_at) if self.last_seen_at else None,
            "revoked_at": utc_iso(self.revoked_at) if self.revoked_at else None,
        }


@dataclass(frozen=True, slots=True)
class PublishedStore:
    id: str
    platform: str
    settings: dict[str, Any]
    secrets: dict[str, Any] = field(repr=False)
    version: str = ""
    """Changes whenever the store's settings or secrets change (its digest)."""


@dataclass(frozen=True, slots=True)
class PublishedWidget:
    key: str
    name: str
    store_id: str | None
    config: dict[str, Any]
    identity_secret: bytes | None = field(repr=False)
    knowledge: tuple[KnowledgeEntry, ...]
    version: int
    settings: WidgetConfig
    """``config`` checked and parsed by ``core.widgets.widget_from_json``."""
    digest: str = ""
    """Changes whenever anything published about the widget changes (knowledge included)."""


@dataclass(frozen=True, slots=True)
class Published:
    """Everything published, in memory; replaced as a whole after each publish."""

    widgets: Mapping[str, PublishedWidget]
    stores: Mapping[str, PublishedStore]

    @classmethod
    def empty(cls) -> Published:
        return cls(widgets={}, stores={})


@dataclass(frozen=True, slots=True)
class WriterStats:
    transactions: int
    jobs: int


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """A verified store webhook delivery, as the inbox keeps it."""

    dedupe_key: str
    platform: str
    store_id: str
    topic: str
    delivery_id: str
    body: bytes = field(repr=False)
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    seq: int
    platform: str
    store_id: str
    topic: str
    delivery_id: str
    body: bytes = field(repr=False)
    received_at: datetime
    attempts: int
