"""The Widgets screen at the window's default size (1100×720): every field of the editor's
Behaviour tab can be seen whole (scrolling down only), and the list's State column is never
cut."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QScrollArea, QWidget

from console.app import window_settings
from console.context import ConsoleContext
from console.views.widgets import COLUMNS, WidgetsView
from console.window import MainWindow
from tests.console.gui.helpers import Shot, wait_until

STATE = [column.header for column in COLUMNS].index("State")


@pytest.fixture
async def widgets(ctx: ConsoleContext, qtbot: object) -> AsyncIterator[WidgetsView]:
    """The Widgets screen in a default-sized window, with one widget changed since publish."""
    win = MainWindow(window_settings(ctx.data_dir), ctx)
    win.resize(1100, 720)
    win.show()
    win.show_screen("Widgets")
    view = win.current_view()
    assert isinstance(view, WidgetsView)
    view.new_widget()
    view.editor.name.setText("Kettle & Co. shop chat")
    view.editor.save_button.click()
    await wait_until(lambda: view.model.rowCount() == 1)
    key = view.model.row(0).key
    ctx.widgets.mark_published([key], datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    view.reload()
    await asyncio.sleep(0.2)  # let the window lay itself out
    yield view
    win.close()


def seen_in(area: QScrollArea, field: QWidget) -> bool:
    """``field`` lies wholly inside the scroll area's visible part."""
    corner = field.mapTo(area.viewport(), field.rect().topLeft())
    return area.viewport().rect().contains(QRect(corner, field.size()))


async def test_every_behaviour_field_is_reachable_at_the_default_size(
    widgets: WidgetsView, screenshot: Shot
) -> None:
    editor = widgets.editor
    editor.tabs.setCurrentIndex(1)
    await asyncio.sleep(0.1)
    area = editor.tabs.currentWidget()
    assert isinstance(area, QScrollArea)
    assert area.horizontalScrollBar().maximum() == 0  # nothing hides to the right
    fields: list[QWidget] = [
        editor.hours,
        editor.timezone,
        editor.threshold,
        editor.lead_form,
        editor.appointment_form,
        editor.languages,
        *editor.languages.also.values(),
        editor.suggestions,
        editor.behaviour_hint,
    ]
    for field in fields:
        area.ensureWidgetVisible(field, 0, 0)
        await asyncio.sleep(0)
        assert field.isVisible() and seen_in(area, field), type(field).__name__
    area.verticalScrollBar().setValue(0)
    screenshot(widgets.window(), "widgets-behaviour-1100x720")


async def test_the_state_column_is_as_wide_as_its_text(widgets: WidgetsView) -> None:
    table = widgets.table
    index = widgets.proxy.index(0, STATE)
    assert index.data() == "Changed since publish"
    needed = table.sizeHintForColumn(STATE)
    assert table.columnWidth(STATE) >= needed
    right = table.columnViewportPosition(STATE) + table.columnWidth(STATE)
    assert right <= table.viewport().width()  # whole, without scrolling sideways


async def test_a_published_state_fits_too(widgets: WidgetsView, ctx: ConsoleContext) -> None:
    entry = widgets.model.row(0)
    ctx.widgets.mark_published([entry.key], datetime(2030, 12, 31, 23, 59, tzinfo=UTC))
    widgets.reload()
    await asyncio.sleep(0.2)
    table = widgets.table
    assert widgets.proxy.index(0, STATE).data() == "Published 2030-12-31 23:59"
    right = table.columnViewportPosition(STATE) + table.columnWidth(STATE)
    assert table.columnWidth(STATE) >= table.sizeHintForColumn(STATE)
    assert right <= table.viewport().width()
