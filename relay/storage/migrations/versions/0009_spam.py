"""Spam: a conversation taken for spam keeps the rule it broke (none: not spam).

Revision ID: 0009_spam
Revises: 0008_installations
Create Date: 2026-12-06 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_spam"
down_revision = "0008_installations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("spam", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("spam")
