"""Insights: lead notes, workspace settings (retention), indexes for analytics and privacy
look-ups; the unused daily_analytics table goes (analytics are aggregated from messages).

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("notes", sa.Text(), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
    op.create_table(
        "workspace_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_workspace_settings")),
    )
    op.create_index("ix_messages_created_at", "messages", ["created_at"])
    op.create_index("ix_messages_conversation_role", "messages", ["conversation_id", "role"])
    op.create_index("ix_conversations_widget_started", "conversations", ["widget_id", "started_at"])
    op.create_index("ix_conversations_customer_email", "conversations", ["customer_email"])
    op.create_index("ix_leads_email", "leads", ["email"])
    op.create_index("ix_leads_phone", "leads", ["phone"])
    op.create_index("ix_leads_conversation_id", "leads", ["conversation_id"])
    op.create_index("ix_activity_log_action", "activity_log", ["action"])
    op.drop_table("daily_analytics")


def downgrade() -> None:
    op.create_table(
        "daily_analytics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("widget_id", sa.Integer(), nullable=True),
        sa.Column("conversations", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("leads", sa.Integer(), nullable=False),
        sa.Column("handoffs", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("unanswered", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["widget_id"],
            ["widgets.id"],
            name=op.f("fk_daily_analytics_widget_id_widgets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_analytics")),
        sa.UniqueConstraint("day", "widget_id", name=op.f("uq_daily_analytics_day_widget_id")),
    )
    for name in (
        "ix_activity_log_action",
        "ix_leads_conversation_id",
        "ix_leads_phone",
        "ix_leads_email",
        "ix_conversations_customer_email",
        "ix_conversations_widget_started",
        "ix_messages_conversation_role",
        "ix_messages_created_at",
    ):
        op.drop_index(name)
    op.drop_table("workspace_settings")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("updated_at")
        batch.drop_column("notes")
