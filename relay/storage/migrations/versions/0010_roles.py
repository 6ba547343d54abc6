"""Roles: each paired console is an admin, an agent or a viewer; a pairing code carries the
role (and the name) its console gets; revoked consoles are kept (refused, with a reason) and
the relay records when each console was last seen.

Consoles paired before this revision, and codes made before it, are admins.

Revision ID: 0010_roles
Revises: 0009_spam
Create Date: 2026-12-06 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.workspace.coltypes import UTCDateTime

revision = "0010_roles"
down_revision = "0009_spam"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consoles") as batch:
        batch.add_column(sa.Column("role", sa.String(16), nullable=False, server_default="admin"))
        batch.add_column(sa.Column("last_seen_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("revoked_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("pairing_codes") as batch:
        batch.add_column(sa.Column("role", sa.String(16), nullable=False, server_default="admin"))
        batch.add_column(sa.Column("name", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pairing_codes") as batch:
        batch.drop_column("name")
        batch.drop_column("role")
    with op.batch_alter_table("consoles") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("last_seen_at")
        batch.drop_column("role")
