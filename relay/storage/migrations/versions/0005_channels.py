"""Channels: connect flows waiting for a callback, API keys, WhatsApp (Twilio).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.workspace.coltypes import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "connect_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("console_id", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("secret", sa.LargeBinary(), nullable=True),
        sa.Column("result", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connect_sessions")),
        sa.UniqueConstraint("state_hash", name=op.f("uq_connect_sessions_state_hash")),
    )
    op.create_index(
        op.f("ix_connect_sessions_expires_at"), "connect_sessions", ["expires_at"], unique=False
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("widget_key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("prefix", sa.String(length=32), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_index(op.f("ix_api_keys_widget_key"), "api_keys", ["widget_key"], unique=False)
    op.create_table(
        "api_conversations",
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("api_key_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_api_conversations")),
    )
    op.create_index(
        op.f("ix_api_conversations_api_key_id"),
        "api_conversations",
        ["api_key_id"],
        unique=False,
    )

    op.create_table(
        "whatsapp_channels",
        sa.Column("widget_key", sa.String(length=64), nullable=False),
        sa.Column("account_sid", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("auth_token", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("widget_key", name=op.f("pk_whatsapp_channels")),
    )
    op.create_table(
        "channel_threads",
        sa.Column("widget_key", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("widget_key", "address", name=op.f("pk_channel_threads")),
    )
    op.create_table(
        "channel_messages",
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("widget_key", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=True),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error_code", sa.String(length=16), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sid", name=op.f("pk_channel_messages")),
    )
    op.create_index(
        op.f("ix_channel_messages_created_at"), "channel_messages", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_table("channel_messages")
    op.drop_table("channel_threads")
    op.drop_table("whatsapp_channels")
    op.drop_table("api_conversations")
    op.drop_table("api_keys")
    op.drop_table("connect_sessions")
