"""Store webhooks: the inbox of verified deliveries waiting to be processed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 20:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.workspace.coltypes import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "webhook_inbox",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("dedupe_key", sa.String(length=128), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("store_id", sa.String(length=255), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("delivery_id", sa.String(length=128), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("processed_at", UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_webhook_inbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_webhook_inbox_dedupe_key")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_webhook_inbox_received_at"), "webhook_inbox", ["received_at"], unique=False
    )
    op.create_index(
        op.f("ix_webhook_inbox_processed_at"), "webhook_inbox", ["processed_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_webhook_inbox_processed_at"), table_name="webhook_inbox")
    op.drop_index(op.f("ix_webhook_inbox_received_at"), table_name="webhook_inbox")
    op.drop_table("webhook_inbox")
