"""Clients (agency mode): a widget belongs to a client too: its store's, unless it was given
one of its own (``client_pinned``); both lists are looked up by client.

Revision ID: 0008_clients
Revises: 0006_schedule
Create Date: 2026-12-06 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_clients"
down_revision = "0007_installations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("widgets") as batch:
        batch.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("client_pinned", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_foreign_key(
            op.f("fk_widgets_client_id_clients"),
            "clients",
            ["client_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_widgets_client_id", ["client_id"])
    op.create_index("ix_stores_client_id", "stores", ["client_id"])
    op.create_index("ix_clients_name", "clients", ["name"], unique=True)
    # a widget of a store that already had a client belongs to that client
    op.execute(
        "UPDATE widgets SET client_id = "
        "(SELECT stores.client_id FROM stores WHERE stores.id = widgets.store_id)"
    )


def downgrade() -> None:
    op.drop_index("ix_clients_name", table_name="clients")
    op.drop_index("ix_stores_client_id", table_name="stores")
    with op.batch_alter_table("widgets") as batch:
        batch.drop_index("ix_widgets_client_id")
        batch.drop_constraint(op.f("fk_widgets_client_id_clients"), type_="foreignkey")
        batch.drop_column("client_pinned")
        batch.drop_column("client_id")
