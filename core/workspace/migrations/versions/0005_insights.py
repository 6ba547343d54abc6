"""Insights: lead notes, workspace settings (retention), indexes for analytics and privacy
look-ups; the unused daily_analytics table goes (analytics are aggregated from messages).

Revision ID: 0005_insights
Revises: 0004_sync
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_insights"
down_revision = "0004_sync"
branch_labels = None
depends_on = None


# The triggers that keep the analytics rollup (core.analytics.rollup) true.
TRIGGERS = (
    """CREATE TRIGGER analytics_message_added AFTER INSERT ON messages BEGIN
    DELETE FROM analytics_hours_done WHERE hour = substr(NEW.created_at, 1, 13); END""",
    """CREATE TRIGGER analytics_message_deleted AFTER DELETE ON messages BEGIN
    DELETE FROM analytics_hours_done WHERE hour = substr(OLD.created_at, 1, 13); END""",
    """CREATE TRIGGER analytics_message_changed
    AFTER UPDATE OF role, intent, cards, created_at, conversation_id ON messages BEGIN
    DELETE FROM analytics_hours_done
    WHERE hour IN (substr(OLD.created_at, 1, 13), substr(NEW.created_at, 1, 13)); END""",
    """CREATE TRIGGER analytics_conversation_added AFTER INSERT ON conversations BEGIN
    DELETE FROM analytics_hours_done WHERE hour = substr(NEW.started_at, 1, 13); END""",
    """CREATE TRIGGER analytics_conversation_deleted AFTER DELETE ON conversations BEGIN
    DELETE FROM analytics_hours_done WHERE hour = substr(OLD.started_at, 1, 13); END""",
    """CREATE TRIGGER analytics_conversation_changed
    AFTER UPDATE OF started_at, rating, handoff_reason, widget_id ON conversations BEGIN
    DELETE FROM analytics_hours_done
    WHERE hour IN (substr(OLD.started_at, 1, 13), substr(NEW.started_at, 1, 13));
    DELETE FROM analytics_hours_done
    WHERE OLD.widget_id IS NOT NEW.widget_id AND hour IN (
        SELECT substr(created_at, 1, 13) FROM messages WHERE conversation_id = NEW.id
        UNION SELECT substr(created_at, 1, 13) FROM leads WHERE conversation_id = NEW.id); END""",
    """CREATE TRIGGER analytics_lead_added AFTER INSERT ON leads BEGIN
    DELETE FROM analytics_hours_done WHERE hour = substr(NEW.created_at, 1, 13); END""",
    """CREATE TRIGGER analytics_lead_deleted AFTER DELETE ON leads BEGIN
    DELETE FROM analytics_hours_done WHERE hour = substr(OLD.created_at, 1, 13); END""",
    """CREATE TRIGGER analytics_lead_changed
    AFTER UPDATE OF created_at, conversation_id ON leads BEGIN
    DELETE FROM analytics_hours_done
    WHERE hour IN (substr(OLD.created_at, 1, 13), substr(NEW.created_at, 1, 13)); END""",
)


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
    op.create_index(
        "ix_messages_created_role", "messages", ["created_at", "role", "intent", "conversation_id"]
    )
    op.create_index(
        "ix_messages_conversation_role", "messages", ["conversation_id", "role", "created_at"]
    )
    op.create_index(
        "ix_messages_unanswered",
        "messages",
        ["created_at"],
        sqlite_where=sa.text(
            "role = 'bot' AND knowledge_entry_id IS NULL "
            "AND (intent = 'fallback' OR confidence < 0.5)"
        ),
    )
    op.create_index("ix_conversations_widget_started", "conversations", ["widget_id", "started_at"])
    op.create_index("ix_conversations_customer_email", "conversations", ["customer_email"])
    op.create_index("ix_conversations_id_widget", "conversations", ["id", "widget_id"])
    op.create_index("ix_leads_email", "leads", ["email"])
    op.create_index("ix_leads_phone", "leads", ["phone"])
    op.create_index("ix_leads_conversation_id", "leads", ["conversation_id"])
    op.create_index("ix_activity_log_action", "activity_log", ["action"])
    op.drop_table("daily_analytics")
    _rollup_tables()
    for trigger in TRIGGERS:
        op.execute(trigger)


def _rollup_tables() -> None:
    sums = [
        "conversations", "handoffs", "ratings", "messages", "lookups", "verified_lookups",
        "leads", "waits",
    ]  # fmt: skip
    op.create_table(
        "analytics_hours",
        sa.Column("hour", sa.String(length=13), nullable=False),
        sa.Column("widget_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in sums),
        sa.Column("rating_sum", sa.Integer(), nullable=False),
        sa.Column("wait_minutes", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("hour", "widget_id", name=op.f("pk_analytics_hours")),
    )
    op.create_table(
        "analytics_hours_done",
        sa.Column("hour", sa.String(length=13), nullable=False),
        sa.PrimaryKeyConstraint("hour", name=op.f("pk_analytics_hours_done")),
    )


def downgrade() -> None:
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger.split()[2]}")
    op.drop_table("analytics_hours_done")
    op.drop_table("analytics_hours")
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
        "ix_conversations_id_widget",
        "ix_conversations_widget_started",
        "ix_messages_conversation_role",
        "ix_messages_created_role",
        "ix_messages_unanswered",
    ):
        op.drop_index(name)
    op.drop_table("workspace_settings")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("updated_at")
        batch.drop_column("notes")
