"""Invites: a pairing code records when it was made and which console invited with it, so an
admin can list the codes not used yet and cancel one.

Codes made before this revision show no creation time and no inviter.

Revision ID: 0012_invites
Revises: 0011_client_scope
Create Date: 2026-12-07 01:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.workspace.coltypes import UTCDateTime

revision = "0012_invites"
down_revision = "0011_client_scope"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pairing_codes") as batch:
        batch.add_column(sa.Column("created_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("invited_by", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pairing_codes") as batch:
        batch.drop_column("invited_by")
        batch.drop_column("created_at")
