"""Syncs that never skip a record: each sync run keeps the store's own totals beside what it
stored, and every store's cursors are cleared once, so the next sync reads each store from
the start and stores what earlier versions passed over (rows saved in the same second and
paged by offset could be skipped) and re-reads names WooCommerce sends HTML-escaped.

Revision ID: 0004_sync
Revises: 0003_inbox
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_sync"
down_revision = "0003_inbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_runs") as batch:
        batch.add_column(sa.Column("totals", sa.JSON(), nullable=False, server_default="{}"))
    op.execute(
        "UPDATE stores SET customers_cursor = NULL, orders_cursor = NULL, products_cursor = NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("sync_runs") as batch:
        batch.drop_column("totals")
