"""The Analytics screen on the demo month: QtCharts series per metric, per widget and
period; the unanswered questions; "add to knowledge base" opens the editor pre-filled."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import update

from console.context import ConsoleContext
from console.views.analytics import AnalyticsView
from console.views.knowledge import KnowledgeView
from core.workspace.models import ConversationRow
from tests.console.gui.helpers import Shot, wait_until
from tests.console.gui.insights_helpers import demo_workspace


@pytest.fixture
def view(ctx: ConsoleContext) -> Iterator[AnalyticsView]:
    screen = AnalyticsView(ctx)
    screen.resize(1300, 860)
    screen.show()
    yield screen
    screen.close()


async def test_charts_of_the_demo_month(
    view: AnalyticsView, ctx: ConsoleContext, screenshot: Shot
) -> None:
    widget = await demo_workspace(ctx)
    ctx.widgets_changed.emit()
    await view.refresh()
    assert view.period().days == 30 and view.data is not None
    lines = {m: line for chart in view.charts for m, line in chart.series.items()}
    assert lines["conversations"].count() >= 28  # every day of the month has conversations
    assert lines["satisfaction"].count() > 10 and view.ratings_total() > 20
    assert all(1.0 <= value <= 5.0 for _, value in view.satisfaction_points())
    assert 0 < lines["bot_answered"].at(0).y() <= 100
    assert "answered by the bot" in view.totals.text()
    assert view.model.rowCount() >= 3 and view.model.row(0).count > 3
    screenshot(view, "analytics")

    week = view.period_picker.findData(7)
    view.period_picker.setCurrentIndex(week)
    await view.refresh()
    assert view.data is not None and len(view.data.days) == 7
    assert view.widget_picker.findData(widget.id) > 0
    view.widget_picker.setCurrentIndex(view.widget_picker.findData(widget.id))
    await view.refresh()
    assert view.data is not None and view.data.period.widget_id == widget.id


async def test_a_new_rating_shows_in_satisfaction(view: AnalyticsView, ctx: ConsoleContext) -> None:
    await demo_workspace(ctx)
    with ctx.session.workspace.engine.begin() as db:
        db.execute(update(ConversationRow).values(rating=None))
        db.execute(
            update(ConversationRow).where(ConversationRow.id == "c_demo_00001").values(rating=2)
        )
    await view.refresh()
    assert view.ratings_total() == 1
    assert [value for _, value in view.satisfaction_points()] == [2.0]


async def test_add_to_knowledge_base_opens_the_editor_pre_filled(
    view: AnalyticsView, ctx: ConsoleContext
) -> None:
    await demo_workspace(ctx)
    knowledge = KnowledgeView(ctx)
    screens: list[str] = []
    ctx.navigate.connect(screens.append)
    await view.refresh()
    view.table.selectRow(0)
    question = view.model.row(view.table.currentIndex().row()).question
    assert view.add_to_knowledge()
    assert screens == ["Knowledge base"]
    assert knowledge.form.item is None and knowledge.form.question.text() == question
    assert knowledge.form.has_unsaved_changes()
    await knowledge.refresh()  # the screen is shown: what is being written stays
    assert knowledge.form.question.text() == question
    knowledge.form.answer.setPlainText("Yes: our Swiss Water decaf, in 250 g bags.")
    saved = knowledge.save_entry()
    assert saved is not None and saved.question == question
    await wait_until(lambda: knowledge.model.row_of(saved.id) >= 0)
