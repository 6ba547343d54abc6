"""Scheduled sync: each store's interval and nightly full sync with the outcome of its runs,
and the per-store sync lock (a lease) that keeps two syncs of one store apart across
processes.

Revision ID: 0006_schedule
Revises: 0005_insights
Create Date: 2026-12-06 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_schedule"
down_revision = "0005_insights"
branch_labels = None
depends_on = None


def _store_key(table: str) -> tuple[sa.Column[int], sa.ForeignKeyConstraint]:
    column = sa.Column("store_id", sa.Integer(), nullable=False)
    foreign = sa.ForeignKeyConstraint(
        ["store_id"], ["stores.id"], name=op.f(f"fk_{table}_store_id_stores"), ondelete="CASCADE"
    )
    return column, foreign


def upgrade() -> None:
    column, foreign = _store_key("sync_schedules")
    op.create_table(
        "sync_schedules",
        column,
        sa.Column("every_minutes", sa.Integer(), nullable=False),
        sa.Column("nightly", sa.String(length=5), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_full_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_result", sa.String(length=16), nullable=True),
        sa.Column("last_message", sa.Text(), nullable=True),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        foreign,
        sa.PrimaryKeyConstraint("store_id", name=op.f("pk_sync_schedules")),
    )
    column, foreign = _store_key("sync_locks")
    op.create_table(
        "sync_locks",
        column,
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("acquired_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        foreign,
        sa.PrimaryKeyConstraint("store_id", name=op.f("pk_sync_locks")),
    )


def downgrade() -> None:
    op.drop_table("sync_locks")
    op.drop_table("sync_schedules")
