"""Installations: the pages each widget was loaded on (origin, path, first and last seen),
and the page a conversation started on.

Revision ID: 0008_installations
Revises: 0007_ai
Create Date: 2026-12-06 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.workspace.coltypes import UTCDateTime

revision = "0008_installations"
down_revision = "0007_ai"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "installations",
        sa.Column("widget_key", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("widget_key", "origin", "path", name=op.f("pk_installations")),
    )
    op.create_index(
        "ix_installations_widget_key_last_seen_at", "installations", ["widget_key", "last_seen_at"]
    )
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("page_url", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("page_url")
    op.drop_index("ix_installations_widget_key_last_seen_at", table_name="installations")
    op.drop_table("installations")
