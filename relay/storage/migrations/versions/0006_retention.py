"""Retention: how many days the relay keeps conversations (none: the default window).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("relay_meta") as batch:
        batch.add_column(sa.Column("retention_days", sa.Integer(), nullable=True))
    op.create_index("ix_conversations_customer_email", "conversations", ["customer_email"])
    op.create_index("ix_leads_email", "leads", ["email"])
    op.create_index("ix_events_conversation_id", "events", ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_events_conversation_id", table_name="events")
    op.drop_index("ix_leads_email", table_name="leads")
    op.drop_index("ix_conversations_customer_email", table_name="conversations")
    with op.batch_alter_table("relay_meta") as batch:
        batch.drop_column("retention_days")
