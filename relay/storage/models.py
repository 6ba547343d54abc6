"""The relay schema as SQLAlchemy Core tables.

The schema only changes through the Alembic migrations in ``migrations/``; a test checks
that these tables and the migrations agree. Core (not the ORM) because every write goes
through the group writer as plain ``executemany`` statements.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from core.workspace.coltypes import UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

Seq = BigInteger().with_variant(Integer(), "sqlite")
"""64-bit on PostgreSQL (BIGSERIAL); ``INTEGER PRIMARY KEY`` (the rowid) on SQLite."""

ID = String(64)

relay_meta = Table(
    "relay_meta",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("relay_id", ID, nullable=False),
    Column("retention_days", Integer, nullable=True),
)

consoles = Table(
    "consoles",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", Text, nullable=False),
    Column("public_key", LargeBinary, nullable=False),
    Column("fingerprint", String(128), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("role", String(16), nullable=False, server_default="admin"),
    Column("last_seen_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
)

pairing_codes = Table(
    "pairing_codes",
    metadata,
    Column("code_hash", String(128), primary_key=True),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
    Column("role", String(16), nullable=False, server_default="admin"),
    Column("name", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=True),  # None: made before 0012_invites
    Column("invited_by", ID, nullable=True),  # the console that invited; None: the relay's CLI
)

console_nonces = Table(
    "console_nonces",
    metadata,
    Column("fingerprint", String(128), nullable=False),
    Column("nonce", String(128), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
    PrimaryKeyConstraint("fingerprint", "nonce"),
)

attempts = Table(
    "attempts",
    metadata,
    Column("id", Seq, primary_key=True, autoincrement=True),
    Column("bucket", String(64), nullable=False),  # HMAC of "<limit>:<address or id>"
    Column("at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
    Index(None, "bucket", "at"),
)
"""Attempts counted against a limit (wrong pairing codes, shopper verifications), shared by
every relay on the database; a row is reserved before the attempt and refunded after it
when it turns out not to count."""

stores = Table(
    "stores",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("platform", String(32), nullable=False),
    Column("settings", JSON, nullable=False),
    Column("secrets", LargeBinary, nullable=True),
    Column("digest", String(64), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # the client scope (agency mode) of the client owning it, as last published
    Column("scope", String(64), nullable=True),
)

widgets = Table(
    "widgets",
    metadata,
    Column("key", ID, primary_key=True),
    Column("name", Text, nullable=False),
    Column("store_id", String(255), nullable=True),
    Column("config", JSON, nullable=False),
    Column("identity_secret", LargeBinary, nullable=True),
    Column("digest", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # the client scope (agency mode) the widget was last published under; None: no client
    Column("scope", String(64), nullable=True, index=True),
)

knowledge_entries = Table(
    "knowledge_entries",
    metadata,
    Column("widget_key", ID, ForeignKey("widgets.key", ondelete="CASCADE"), nullable=False),
    Column("id", String(128), nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("keywords", JSON, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("helpful", Integer, nullable=False, server_default="0"),
    Column("unhelpful", Integer, nullable=False, server_default="0"),
    Column("uses", Integer, nullable=False, server_default="0"),
    PrimaryKeyConstraint("widget_key", "id"),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", ID, primary_key=True),
    Column("widget_key", ID, nullable=False, index=True),
    Column("token_hash", String(128), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("status", String(32), nullable=False),
    Column("bot_state", JSON, nullable=False),
    Column("language", Text, nullable=True),
    Column("customer_email", Text, nullable=True, index=True),
    Column("customer_name", Text, nullable=True),
    Column("started_at", UTCDateTime, nullable=False, index=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("rating", Integer, nullable=True),
    Column("page_url", Text, nullable=True),
    Column("spam", Text, nullable=True),  # the rule it broke (core.spam); None: not spam
)

messages = Table(
    "messages",
    metadata,
    Column("id", ID, primary_key=True),
    Column(
        "conversation_id",
        ID,
        ForeignKey("conversations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("role", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("cards", JSON, nullable=False),
    Column("suggestions", JSON, nullable=False),
    Column("form", String(32), nullable=True),
    Column("confidence", Double, nullable=True),
    Column("knowledge_entry_id", String(128), nullable=True),
    Column("intent", String(64), nullable=True),
    Column("helpful", Boolean, nullable=True),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    Column("author", Text, nullable=True),
)

leads = Table(
    "leads",
    metadata,
    Column("id", ID, primary_key=True),
    Column(
        "conversation_id",
        ID,
        ForeignKey("conversations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("kind", String(16), nullable=False),
    Column("name", Text, nullable=True),
    Column("email", Text, nullable=True, index=True),
    Column("phone", Text, nullable=True),
    Column("message", Text, nullable=True),
    Column("requested_time", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False, index=True),
)

events = Table(
    "events",
    metadata,
    Column("seq", Seq, primary_key=True, autoincrement=True),
    Column("id", ID, nullable=False, unique=True),
    Column("type", String(32), nullable=False),
    Column("conversation_id", ID, nullable=True, index=True),
    Column("widget_key", ID, nullable=True),
    Column("at", UTCDateTime, nullable=False),
    Column("data", JSON, nullable=False),
    sqlite_autoincrement=True,  # never reuse a seq, even after the newest events are pruned
)

console_cursors = Table(
    "console_cursors",
    metadata,
    Column("console_id", ID, ForeignKey("consoles.id", ondelete="CASCADE"), primary_key=True),
    Column("acked_seq", Seq, nullable=False),
)

connect_sessions = Table(
    "connect_sessions",
    metadata,
    Column("id", ID, primary_key=True),
    Column("console_id", ID, nullable=False),
    Column("platform", String(32), nullable=False),
    Column("state_hash", String(64), nullable=False, unique=True),
    Column("settings", JSON, nullable=False),
    Column("secret", LargeBinary, nullable=True),
    Column("result", LargeBinary, nullable=True),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", ID, primary_key=True),
    Column("widget_key", ID, nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("prefix", String(32), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("scopes", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("last_used_at", UTCDateTime, nullable=True),
)

api_conversations = Table(
    "api_conversations",
    metadata,
    Column("conversation_id", ID, primary_key=True),
    Column("api_key_id", ID, nullable=False, index=True),
)

whatsapp_channels = Table(
    "whatsapp_channels",
    metadata,
    Column("widget_key", ID, primary_key=True),
    Column("account_sid", String(64), nullable=False),
    Column("number", String(32), nullable=False),
    Column("auth_token", LargeBinary, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

ai_agents = Table(
    "ai_agents",
    metadata,
    Column("widget_key", ID, primary_key=True),
    Column("sealed", LargeBinary, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
"""A widget's language-model agent: its settings, the API key among them, sealed whole."""

channel_threads = Table(
    "channel_threads",
    metadata,
    Column("widget_key", ID, nullable=False),
    Column("address", String(64), nullable=False),
    Column("conversation_id", ID, nullable=False),
    PrimaryKeyConstraint("widget_key", "address"),
)

channel_messages = Table(
    "channel_messages",
    metadata,
    Column("sid", String(64), primary_key=True),
    Column("widget_key", ID, nullable=False),
    Column("conversation_id", ID, nullable=True),
    Column("direction", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("error_code", String(16), nullable=True),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

webhook_inbox = Table(
    "webhook_inbox",
    metadata,
    Column("seq", Seq, primary_key=True, autoincrement=True),
    Column("dedupe_key", String(128), nullable=False, unique=True),
    Column("platform", String(16), nullable=False),
    Column("store_id", String(255), nullable=False),
    Column("topic", String(64), nullable=False),
    Column("delivery_id", String(128), nullable=False),
    Column("body", LargeBinary, nullable=True),
    Column("received_at", UTCDateTime, nullable=False, index=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("processed_at", UTCDateTime, nullable=True, index=True),
    Column("outcome", String(32), nullable=True),
    Column("error", Text, nullable=True),
    sqlite_autoincrement=True,
)
"""Store webhook deliveries, verified and committed before the 200 goes out; processed
in the background (``body`` is cleared once processed). ``dedupe_key`` refuses a second
copy of one delivery."""

installations = Table(
    "installations",
    metadata,
    Column("widget_key", ID, nullable=False),
    Column("origin", String(255), nullable=False),
    Column("path", Text, nullable=False),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("widget_key", "origin", "path"),
    Index(None, "widget_key", "last_seen_at"),
)
"""The pages each widget was loaded on (``path`` is empty when the browser did not say
which page), at most ``relay.storage.installations.MAX_PER_WIDGET`` per widget."""
