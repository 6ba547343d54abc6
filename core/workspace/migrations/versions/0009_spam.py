"""Spam: conversations taken for spam (the rule they broke), a spam series in the analytics
rollup; the unused spam_rules table goes (a widget's spam rules live in its settings, which
the relay receives when the console publishes).

Revision ID: 0009_spam
Revises: 0008_clients
Create Date: 2026-12-06 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_spam"
down_revision = "0008_clients"
branch_labels = None
depends_on = None

# The rollup forgets an hour when a conversation's spam flag changes too (core.analytics.rollup).
CHANGED = """CREATE TRIGGER analytics_conversation_changed
    AFTER UPDATE OF started_at, rating, handoff_reason, widget_id, spam ON conversations BEGIN
    DELETE FROM analytics_hours_done
    WHERE hour IN (substr(OLD.started_at, 1, 13), substr(NEW.started_at, 1, 13));
    DELETE FROM analytics_hours_done
    WHERE (OLD.widget_id IS NOT NEW.widget_id OR OLD.spam IS NOT NEW.spam) AND hour IN (
        SELECT substr(created_at, 1, 13) FROM messages WHERE conversation_id = NEW.id
        UNION SELECT substr(created_at, 1, 13) FROM leads WHERE conversation_id = NEW.id); END"""
BEFORE = """CREATE TRIGGER analytics_conversation_changed
    AFTER UPDATE OF started_at, rating, handoff_reason, widget_id ON conversations BEGIN
    DELETE FROM analytics_hours_done
    WHERE hour IN (substr(OLD.started_at, 1, 13), substr(NEW.started_at, 1, 13));
    DELETE FROM analytics_hours_done
    WHERE OLD.widget_id IS NOT NEW.widget_id AND hour IN (
        SELECT substr(created_at, 1, 13) FROM messages WHERE conversation_id = NEW.id
        UNION SELECT substr(created_at, 1, 13) FROM leads WHERE conversation_id = NEW.id); END"""


def upgrade() -> None:
    op.drop_table("spam_rules")
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("spam", sa.String(length=200), nullable=True))
    with op.batch_alter_table("analytics_hours") as batch:
        batch.add_column(sa.Column("spam", sa.Integer(), nullable=False, server_default="0"))
    op.execute("DROP TRIGGER IF EXISTS analytics_conversation_changed")
    op.execute(CHANGED)
    op.execute("DELETE FROM analytics_hours_done")  # every hour is summed again, with spam


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS analytics_conversation_changed")
    op.execute(BEFORE)
    with op.batch_alter_table("analytics_hours") as batch:
        batch.drop_column("spam")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("spam")
    op.create_table(
        "spam_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("pattern", sa.String(length=255), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spam_rules")),
    )
    op.execute("DELETE FROM analytics_hours_done")
