"""The live inbox: unread counts, assignee and last-message preview on conversations,
indexes for the newest-activity-first list, canned replies and replies waiting to be sent.

Revision ID: 0003_inbox
Revises: 0002
Create Date: 2026-12-06 19:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_inbox"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("unread", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("assignee", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("preview", sa.String(length=255), nullable=True))
        batch.create_index("ix_conversations_updated_at", ["updated_at", "id"])
        batch.create_index("ix_conversations_status_updated_at", ["status", "updated_at", "id"])
        batch.create_index("ix_conversations_unread", ["unread"])
        batch.create_index("ix_conversations_channel", ["channel"])
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shortcut", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_replies")),
        sa.UniqueConstraint("shortcut", name=op.f("uq_canned_replies_shortcut")),
    )
    op.create_table(
        "pending_replies",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("cards", sa.JSON(), nullable=False, server_default="[]"),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("state", sa.String(length=16), nullable=False, server_default="pending"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_pending_replies_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_replies")),
    )
    op.create_index("ix_pending_replies_conversation_id", "pending_replies", ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_pending_replies_conversation_id", table_name="pending_replies")
    op.drop_table("pending_replies")
    op.drop_table("canned_replies")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_index("ix_conversations_channel")
        batch.drop_index("ix_conversations_unread")
        batch.drop_index("ix_conversations_status_updated_at")
        batch.drop_index("ix_conversations_updated_at")
        for name in ("preview", "assignee", "unread"):
            batch.drop_column(name)
