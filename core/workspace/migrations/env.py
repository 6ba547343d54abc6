"""Alembic environment: runs on the connection the workspace hands over."""

from __future__ import annotations

from alembic import context

from core.workspace.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Workspace migrations run through core.workspace.upgrade(engine).")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
