"""The workspace schema as SQLAlchemy 2 typed models.

The schema only changes through the Alembic migrations in ``migrations/``; a test checks
that these models and the migrations agree.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.workspace.coltypes import DecimalText, UTCDateTime

UNANSWERED_WHERE_PLAIN = (
    "role = 'bot' AND knowledge_entry_id IS NULL AND (intent = 'fallback' OR confidence < 0.5)"
)
"""Bot answers without a trusted knowledge entry (``core.analytics.series``)."""

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)
        datetime: UTCDateTime(),
        Decimal: DecimalText(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
        bytes: LargeBinary(),
        str: String(255),
    }


class Client(Base):
    """A merchant's client (agency mode): it owns stores and widgets."""

    __tablename__ = "clients"
    __table_args__ = (Index("ix_clients_name", "name", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    email: Mapped[str | None]
    created_at: Mapped[datetime]


class StoreRow(Base):
    __tablename__ = "stores"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(unique=True)
    platform: Mapped[str] = mapped_column(String(32))
    settings: Mapped[dict[str, Any]]
    secrets: Mapped[bytes | None]
    created_at: Mapped[datetime]
    last_sync_at: Mapped[datetime | None]
    customers_cursor: Mapped[datetime | None]
    orders_cursor: Mapped[datetime | None]
    products_cursor: Mapped[datetime | None]


class Widget(Base):
    __tablename__ = "widgets"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str]
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="SET NULL"))
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), index=True
    )
    # True when the client was given to the widget itself; else it follows its store's
    client_pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    config: Mapped[dict[str, Any]]
    identity_secret: Mapped[bytes | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    published_at: Mapped[datetime | None]


class KnowledgeEntryRow(Base):
    __tablename__ = "knowledge_entries"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    widget_id: Mapped[int | None] = mapped_column(ForeignKey("widgets.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list[Any]]
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    helpful: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unhelpful: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    uses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ConversationRow(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_widget_started", "widget_id", "started_at"),
        Index("ix_conversations_customer_email", "customer_email"),
        Index("ix_conversations_id_widget", "id", "widget_id"),
        Index("ix_conversations_updated_at", "updated_at", "id"),
        Index("ix_conversations_status_updated_at", "status", "updated_at", "id"),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    widget_id: Mapped[int | None] = mapped_column(ForeignKey("widgets.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(32), default="open")
    started_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    customer_email: Mapped[str | None]
    customer_name: Mapped[str | None]
    language: Mapped[str | None] = mapped_column(String(16))
    rating: Mapped[int | None] = mapped_column(Integer)
    handoff_reason: Mapped[str | None] = mapped_column(String(32))
    last_message_at: Mapped[datetime | None]
    unread: Mapped[int] = mapped_column(Integer, default=0, server_default="0", index=True)
    assignee: Mapped[str | None] = mapped_column(String(80))
    preview: Mapped[str | None]
    page_url: Mapped[str | None] = mapped_column(Text)
    spam: Mapped[str | None] = mapped_column(String(200))
    """The spam rule it broke (``core.spam``); ``None``: not spam."""


class MessageRow(Base):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_created_role", "created_at", "role", "intent", "conversation_id"),
        Index("ix_messages_conversation_role", "conversation_id", "role", "created_at"),
        Index(
            "ix_messages_unanswered",
            "created_at",
            sqlite_where=text(UNANSWERED_WHERE_PLAIN),
        ),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    confidence: Mapped[float | None] = mapped_column(Float)
    knowledge_entry_id: Mapped[str | None] = mapped_column(
        ForeignKey("knowledge_entries.id", ondelete="SET NULL")
    )
    cards: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default="[]")
    suggestions: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default="[]")
    form: Mapped[str | None] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(32))
    helpful: Mapped[bool | None] = mapped_column(Boolean)
    author_name: Mapped[str | None] = mapped_column(String(80))
    """Who wrote a person's reply (role ``agent``), as the shopper saw it."""
    author_console: Mapped[str | None] = mapped_column(String(64))
    """The console a person's reply was sent from (its id on the relay)."""


class LeadRow(Base):
    __tablename__ = "leads"
    __table_args__ = (
        Index("ix_leads_email", "email"),
        Index("ix_leads_phone", "phone"),
        Index("ix_leads_conversation_id", "conversation_id"),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    conversation_id: Mapped[str | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL")
    )
    name: Mapped[str | None]
    email: Mapped[str | None]
    phone: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    requested_time: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="new")
    created_at: Mapped[datetime] = mapped_column(index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None]


class CustomerRow(Base):
    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("store_id", "external_id"),
        Index("ix_customers_store_email", "store_id", "email_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    external_id: Mapped[str]
    merged_ids: Mapped[list[Any]]
    email: Mapped[str | None]
    email_key: Mapped[str | None]
    name: Mapped[str | None]
    phone: Mapped[str | None] = mapped_column(String(64))
    total_orders: Mapped[int | None]
    lifetime_value: Mapped[Decimal | None]
    currency: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]
    content_hash: Mapped[str] = mapped_column(String(32))


class OrderRow(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("store_id", "external_id"),
        Index("ix_orders_store_number", "store_id", "number"),
        Index("ix_orders_store_email", "store_id", "email_key"),
        Index("ix_orders_store_updated", "store_id", "updated_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    external_id: Mapped[str]
    number: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    financial_status: Mapped[str | None] = mapped_column(String(64))
    fulfillment_status: Mapped[str | None] = mapped_column(String(64))
    total: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    shipped_at: Mapped[datetime | None]
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    customer_external_id: Mapped[str | None]
    customer_email: Mapped[str | None]
    email_key: Mapped[str | None]
    customer_name: Mapped[str | None]
    customer_phone: Mapped[str | None] = mapped_column(String(64))
    billing_postcode: Mapped[str | None] = mapped_column(String(32))
    status_url: Mapped[str | None] = mapped_column(Text)
    tracking: Mapped[list[Any]]
    content_hash: Mapped[str] = mapped_column(String(32))


class OrderItemRow(Base):
    __tablename__ = "order_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str | None]
    price: Mapped[Decimal | None]


class ProductRow(Base):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("store_id", "external_id"),
        Index("ix_products_store_sku", "store_id", "sku"),
        Index("ix_products_store_updated", "store_id", "updated_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    external_id: Mapped[str]
    title: Mapped[str] = mapped_column(Text)
    price: Mapped[Decimal | None]
    currency: Mapped[str | None] = mapped_column(String(8))
    sku: Mapped[str | None]
    in_stock: Mapped[bool | None] = mapped_column(Boolean)
    inventory: Mapped[int | None]
    url: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None]
    content_hash: Mapped[str] = mapped_column(String(32))


class SyncRun(Base):
    __tablename__ = "sync_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))
    full: Mapped[bool] = mapped_column(Boolean)
    counts: Mapped[dict[str, Any]]
    errors: Mapped[list[Any]]
    # streams read whole: {"orders": {"store": 158, "stored": 158, "unreadable": 0}}
    totals: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")


class WebhookEvent(Base):
    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("platform", "delivery_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int | None] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(32))
    topic: Mapped[str] = mapped_column(String(64))
    delivery_id: Mapped[str]
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
    payload: Mapped[dict[str, Any]]


class Installation(Base):
    """A page a widget was loaded on, as the relay last reported it (``url`` is ``None``
    when the browser did not say which page of ``origin``)."""

    __tablename__ = "installations"
    __table_args__ = (Index("ix_installations_widget_id", "widget_id", "last_seen_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    widget_id: Mapped[int] = mapped_column(ForeignKey("widgets.id", ondelete="CASCADE"))
    origin: Mapped[str]
    url: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class WorkspaceSetting(Base):
    """Workspace-wide settings by key (e.g. ``retention_days``)."""

    __tablename__ = "workspace_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class AnalyticsHour(Base):
    """The analytics rollup: one UTC hour's sums for one widget (0: none)."""

    __tablename__ = "analytics_hours"
    hour: Mapped[str] = mapped_column(String(13), primary_key=True)
    widget_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversations: Mapped[int] = mapped_column(Integer)
    handoffs: Mapped[int] = mapped_column(Integer)
    ratings: Mapped[int] = mapped_column(Integer)
    messages: Mapped[int] = mapped_column(Integer)
    lookups: Mapped[int] = mapped_column(Integer)
    verified_lookups: Mapped[int] = mapped_column(Integer)
    leads: Mapped[int] = mapped_column(Integer)
    waits: Mapped[int] = mapped_column(Integer)
    rating_sum: Mapped[int] = mapped_column(Integer)
    wait_minutes: Mapped[float] = mapped_column(Float)
    spam: Mapped[int] = mapped_column(Integer, server_default="0")


class AnalyticsHourDone(Base):
    """The hours ``analytics_hours`` holds; triggers delete an hour whose data changed."""

    __tablename__ = "analytics_hours_done"
    hour: Mapped[str] = mapped_column(String(13), primary_key=True)


class ActivityLog(Base):
    __tablename__ = "activity_log"
    __table_args__ = (Index("ix_activity_log_action", "action"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None]
    details: Mapped[dict[str, Any]]


class RelayLink(Base):
    """The relay this console is paired with; ``private_key`` is sealed by the vault."""

    __tablename__ = "relay_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None]
    relay_id: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    private_key: Mapped[bytes | None]
    paired_at: Mapped[datetime]
    last_publish_at: Mapped[datetime | None]
    last_pull_at: Mapped[datetime | None]


class RelayEvent(Base):
    """Relay events already stored, so a pull that is repeated stores nothing twice."""

    __tablename__ = "relay_events"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime]


class CannedReply(Base):
    """A saved answer the merchant inserts in the Inbox by typing ``/shortcut``."""

    __tablename__ = "canned_replies"
    id: Mapped[int] = mapped_column(primary_key=True)
    shortcut: Mapped[str] = mapped_column(String(32), unique=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PendingReply(Base):
    """An agent reply written in the console that the relay has not confirmed yet."""

    __tablename__ = "pending_replies"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    cards: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default="[]")
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    state: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    last_error: Mapped[str | None] = mapped_column(Text)


class SyncScheduleRow(Base):
    """A store's automatic sync (no row: the default schedule) and how its runs went."""

    __tablename__ = "sync_schedules"
    store_id: Mapped[int] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True
    )
    every_minutes: Mapped[int] = mapped_column(Integer)  # 0: no interval sync
    nightly: Mapped[str | None] = mapped_column(String(5))  # "03:00" local time, or off
    last_attempt_at: Mapped[datetime | None]
    last_full_attempt_at: Mapped[datetime | None]
    last_result: Mapped[str | None] = mapped_column(String(16))
    last_message: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SyncLockRow(Base):
    """Who syncs a store right now, across processes; a holder that died loses it when its
    lease runs out (``expires_at``), a live one renews the lease while it syncs."""

    __tablename__ = "sync_locks"
    store_id: Mapped[int] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True
    )
    owner: Mapped[str] = mapped_column(String(64))
    holder: Mapped[str] = mapped_column(String(64))
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]
