"""Analytics recounted: a conversation taken for spam now adds nothing to the other sums
(lookups, leads, handoffs, ratings, first replies), as on the relay. The hours computed
before are forgotten, so each is summed again, by the new rule, when it is next shown.

Revision ID: 0011_recount_spam
Revises: 0010_message_authors
Create Date: 2026-12-07 03:05:00
"""

from __future__ import annotations

from alembic import op

revision = "0011_recount_spam"
down_revision = "0010_message_authors"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM analytics_hours_done")


def downgrade() -> None:
    op.execute("DELETE FROM analytics_hours_done")  # the older rule sums them its own way
