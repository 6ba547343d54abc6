"""Putting the demo month (``core.demo.conversations``) into a workspace, once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import insert, select

from core.demo.conversations import DemoOrder, demo_month
from core.workspace.database import Workspace
from core.workspace.models import (
    ConversationRow,
    KnowledgeEntryRow,
    LeadRow,
    MessageRow,
    OrderRow,
)
from core.workspace.settings import WorkspaceSettings

MARKER = "demo_month_added"


def add_demo_month(
    workspace: Workspace,
    widget_id: int,
    store_id: int | None,
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    """Add a month of demo conversations for the widget, unless already added; how many."""
    settings = WorkspaceSettings(workspace)
    if settings.get(MARKER):
        return 0
    with workspace.engine.begin() as connection:
        knowledge = [
            (row.id, row.question, row.answer)
            for row in connection.execute(
                select(KnowledgeEntryRow.id, KnowledgeEntryRow.question, KnowledgeEntryRow.answer)
                .where(KnowledgeEntryRow.widget_id == widget_id)
                .order_by(KnowledgeEntryRow.id)
            )
        ]
        orders = [
            DemoOrder(r.number, r.customer_email or "", r.status, format(r.total, "f"), r.currency)
            for r in connection.execute(
                select(
                    OrderRow.number,
                    OrderRow.customer_email,
                    OrderRow.status,
                    OrderRow.total,
                    OrderRow.currency,
                )
                .where(OrderRow.store_id == store_id)
                .order_by(OrderRow.number)
                .limit(60)
            )
        ]
        month = demo_month(now(), widget_id, knowledge, orders)
        connection.execute(insert(ConversationRow), month.conversations)
        connection.execute(insert(MessageRow), month.messages)
        if month.leads:
            connection.execute(insert(LeadRow), month.leads)
    settings.set(MARKER, True)
    return len(month.conversations)
