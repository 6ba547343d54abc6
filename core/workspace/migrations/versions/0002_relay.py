"""Relay pairing and the inbox: richer messages and conversations, knowledge counters,
the relay link and the events already pulled from it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("cards", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("suggestions", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("form", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("intent", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("helpful", sa.Boolean(), nullable=True))
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("language", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("rating", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("handoff_reason", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("last_message_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("knowledge_entries") as batch:
        for name in ("helpful", "unhelpful", "uses"):
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "relay_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("relay_id", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("private_key", sa.LargeBinary(), nullable=True),
        sa.Column("paired_at", sa.DateTime(), nullable=False),
        sa.Column("last_publish_at", sa.DateTime(), nullable=True),
        sa.Column("last_pull_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_links")),
    )
    op.create_table(
        "relay_events",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_events")),
    )


def downgrade() -> None:
    op.drop_table("relay_events")
    op.drop_table("relay_links")
    with op.batch_alter_table("knowledge_entries") as batch:
        for name in ("uses", "unhelpful", "helpful"):
            batch.drop_column(name)
    with op.batch_alter_table("conversations") as batch:
        for name in ("last_message_at", "handoff_reason", "rating", "language"):
            batch.drop_column(name)
    with op.batch_alter_table("messages") as batch:
        for name in ("helpful", "intent", "form", "suggestions", "cards"):
            batch.drop_column(name)
