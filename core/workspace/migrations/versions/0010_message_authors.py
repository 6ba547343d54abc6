"""Message authors: who wrote a person's reply (the name the shopper saw, the console it was
sent from) gets its own columns; the replies that kept it in their intent (``by:<console
id>:<name>``) have it moved there, and their intent emptied.

Revision ID: 0010_message_authors
Revises: 0009_spam
Create Date: 2026-12-07 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_message_authors"
down_revision = "0009_spam"
branch_labels = None
depends_on = None

# What follows ``by:``: the console id (never a colon in it), a colon, the name (may hold colons).
REST = "substr(intent, 4)"
COLON = f"instr({REST}, ':')"
MOVE = f"""UPDATE messages SET
    author_console = nullif(CASE WHEN {COLON} = 0 THEN {REST}
                                 ELSE substr({REST}, 1, {COLON} - 1) END, ''),
    author_name = nullif(CASE WHEN {COLON} = 0 THEN '' ELSE substr({REST}, {COLON} + 1) END, ''),
    intent = NULL
    WHERE role = 'agent' AND substr(intent, 1, 3) = 'by:'"""
BACK = """UPDATE messages SET
    intent = 'by:' || coalesce(author_console, '') || ':' || coalesce(author_name, '')
    WHERE role = 'agent' AND (author_console IS NOT NULL OR author_name IS NOT NULL)"""


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("author_name", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("author_console", sa.String(length=64), nullable=True))
    op.execute(MOVE)


def downgrade() -> None:
    op.execute(BACK)
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+): copying the table instead, as batch mode
    # would, breaks on the analytics triggers that name it.
    op.drop_column("messages", "author_console")
    op.drop_column("messages", "author_name")
