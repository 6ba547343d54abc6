"""Installations: the pages a widget was loaded on, as the relay reports them (origin, page
address, first and last seen), replacing the unused table of domains; and the page a
conversation started on.

Revision ID: 0007_installations
Revises: 0006_schedule
Create Date: 2026-12-06 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_installations"
down_revision = "0006_schedule"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("installations")  # never written: nothing to carry over
    op.create_table(
        "installations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("widget_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["widget_id"],
            ["widgets.id"],
            name=op.f("fk_installations_widget_id_widgets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installations")),
    )
    op.create_index("ix_installations_widget_id", "installations", ["widget_id", "last_seen_at"])
    # ADD COLUMN (no table copy): the analytics triggers on conversations stay as they are
    op.add_column("conversations", sa.Column("page_url", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("conversations", "page_url")
    op.drop_index("ix_installations_widget_id", table_name="installations")
    op.drop_table("installations")
    op.create_table(
        "installations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("widget_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["widget_id"],
            ["widgets.id"],
            name=op.f("fk_installations_widget_id_widgets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installations")),
        sa.UniqueConstraint("widget_id", "domain", name=op.f("uq_installations_widget_id_domain")),
    )
