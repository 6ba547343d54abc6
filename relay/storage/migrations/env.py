"""Alembic environment for the relay: runs on the connection ``relay.storage`` hands over."""

from __future__ import annotations

from alembic import context

from relay.storage.models import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Relay migrations run through RelayStore.migrate() (storedesk-relay migrate)."
    )

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
