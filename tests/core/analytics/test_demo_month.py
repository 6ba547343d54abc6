"""The demo month: deterministic, realistic enough for every chart, added only once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from core.analytics.series import Period, daily_series, unanswered_questions
from core.analytics.unanswered import cluster_questions
from core.demo.conversations import DemoOrder, demo_month
from core.workspace import Workspace
from core.workspace.demo_month import add_demo_month
from core.workspace.models import ConversationRow, KnowledgeEntryRow
from tests.core.analytics.conftest import Writer

END = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
KNOWLEDGE = [("k_ship", "How much does shipping cost?", "€4.90, free from €50.")]
ORDERS = [DemoOrder("1001", "alice@example.com", "shipped", "95.00", "EUR")]


def test_the_same_inputs_give_the_same_month_with_every_kind_of_conversation() -> None:
    month = demo_month(END, 1, KNOWLEDGE, ORDERS)
    assert month == demo_month(END, 1, KNOWLEDGE, ORDERS)
    assert 300 < len(month.conversations) < 800
    roles = {m["role"] for m in month.messages}
    assert roles == {"shopper", "bot", "agent"}
    assert any(c["rating"] for c in month.conversations)
    assert {lead["kind"] for lead in month.leads} == {"contact", "appointment"}
    assert any(m["cards"] for m in month.messages)
    assert all(m["created_at"] <= END for m in month.messages)


def test_added_once_and_every_chart_has_data(workspace: Workspace, write: Writer) -> None:
    widget = write.widget("Demo shop")
    with workspace.engine.begin() as c:
        c.execute(
            KnowledgeEntryRow.__table__.insert().values(
                id="k_ship", widget_id=widget, question=KNOWLEDGE[0][1], answer=KNOWLEDGE[0][2],
                keywords=[], enabled=True, created_at=END, updated_at=END,
            )
        )  # fmt: skip
    added = add_demo_month(workspace, widget, None, now=lambda: END)
    assert added > 300
    assert add_demo_month(workspace, widget, None, now=lambda: END) == 0
    with workspace.engine.begin() as connection:
        assert connection.scalar(select(func.count()).select_from(ConversationRow)) == added
        period = Period(30, date(2026, 11, 30), widget_id=widget)
        series = daily_series(connection, period)
        clusters = cluster_questions(unanswered_questions(connection, period))
    for metric in ("conversations", "handoffs", "leads", "satisfaction", "first_response"):
        assert series.totals[metric], metric
    assert 0 < (series.totals["bot_answered"] or 0) < 100
    assert 3 <= len(clusters) <= 10 and clusters[0].count > 5
