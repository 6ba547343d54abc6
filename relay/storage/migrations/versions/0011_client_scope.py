"""Client scopes (agency mode): each published widget and store records the client scope it
was published under, so that publishing one client removes that client's widgets (and unused
stores) the console no longer has, and never another client's.

Rows published before this revision have no scope: only a full publish removes them.

Revision ID: 0011_client_scope
Revises: 0010_roles
Create Date: 2026-12-07 01:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_client_scope"
down_revision = "0010_roles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("widgets") as batch:
        batch.add_column(sa.Column("scope", sa.String(64), nullable=True))
        batch.create_index("ix_widgets_scope", ["scope"])
    with op.batch_alter_table("stores") as batch:
        batch.add_column(sa.Column("scope", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stores") as batch:
        batch.drop_column("scope")
    with op.batch_alter_table("widgets") as batch:
        batch.drop_index("ix_widgets_scope")
        batch.drop_column("scope")
