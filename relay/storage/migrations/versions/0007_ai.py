"""The language-model agent: each widget's settings, sealed (the API key among them).

Revision ID: 0007_ai
Revises: 0006
Create Date: 2026-12-06 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.workspace.coltypes import UTCDateTime

revision = "0007_ai"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ai_agents",
        sa.Column("widget_key", sa.String(length=64), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("widget_key", name=op.f("pk_ai_agents")),
    )


def downgrade() -> None:
    op.drop_table("ai_agents")
