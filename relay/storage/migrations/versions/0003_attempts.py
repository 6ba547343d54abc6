"""Attempts counted against limits, shared by the relays on one database.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.workspace.coltypes import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "attempts",
        sa.Column("id", SEQ, autoincrement=True, nullable=False),
        sa.Column("bucket", sa.String(length=64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempts")),
    )
    op.create_index(op.f("ix_attempts_bucket_at"), "attempts", ["bucket", "at"])
    op.create_index(op.f("ix_attempts_expires_at"), "attempts", ["expires_at"])


def downgrade() -> None:
    op.drop_table("attempts")
