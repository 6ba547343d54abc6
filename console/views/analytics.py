"""The Analytics screen: daily charts (QtCharts) of conversations, messages, the share the bot
answered, handoffs, leads, order lookups, satisfaction and the agents' first reply, per
widget over 7, 30 or 90 days; and the questions the bot could not answer, grouped, each
one click away from a new knowledge-base answer.

The numbers are aggregated in SQL (``core.analytics``) on a worker thread, so the window
stays responsive on a large workspace.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import OperationalError

from console.context import ConsoleContext
from console.models.rows import Column, RowsModel
from console.ui import named
from console.views.base import View
from console.views.tables import current_record, proxy_for, select_first, table_for
from core.analytics.series import (
    METRICS,
    PERIODS,
    DailySeries,
    Period,
    daily_series,
    unanswered_questions,
)
from core.analytics.unanswered import Cluster, cluster_questions
from core.workspace.database import Workspace

CHARTS: tuple[tuple[str, tuple[str, ...], float | None], ...] = (
    ("Conversations", ("conversations", "handoffs", "leads", "spam"), None),
    ("Messages and order lookups", ("messages", "lookups", "verified_lookups"), None),
    ("Answered by the bot (%)", ("bot_answered",), 100.0),
    ("Satisfaction (average rating, 1–5)", ("satisfaction",), 5.0),
    ("Ratings", ("ratings",), None),
    ("First agent reply (minutes)", ("first_response",), None),
)
LEGEND = {
    "conversations": "Conversations",
    "handoffs": "Handoffs",
    "leads": "Leads",
    "spam": "Spam",
    "messages": "Messages",
    "lookups": "Order lookups",
    "verified_lookups": "Verified",
}
CLUSTER_COLUMNS: list[Column[Cluster]] = [
    Column("Question", lambda c: c.question),
    Column("Asked", lambda c: str(c.count), sort=lambda c: c.count, align_right=True),
    Column("Last asked", lambda c: f"{c.last_at.astimezone():%Y-%m-%d %H:%M}",
           sort=lambda c: c.last_at),
]  # fmt: skip


def _local_offset_minutes() -> int:
    offset = datetime.now().astimezone().utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def compute(workspace: Workspace, period: Period) -> tuple[DailySeries, list[Cluster]]:
    """Both parts of the screen, off the GUI thread. The rollup's new hours are saved; when
    the inbox wrote meanwhile (the database is busy), it is tried once more."""
    for attempt in (1, 2):
        try:
            with workspace.engine.begin() as connection:
                series = daily_series(connection, period)
                questions = unanswered_questions(connection, period)
            break
        except OperationalError:
            if attempt == 2:
                raise
    return series, cluster_questions(questions)


def _msecs(day: date) -> float:
    return float(datetime.combine(day, time(12), UTC).timestamp() * 1000)


def _nice_step(top: float) -> float:
    """A tick interval of 1, 2 or 5 × 10ⁿ giving about four ticks up to ``top``."""
    if top <= 5:
        return 1.0
    rough = top / 4
    power = 10 ** math.floor(math.log10(rough))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= rough))


class MetricChart(QChartView):
    def __init__(self, title: str, metrics: tuple[str, ...], top: float | None) -> None:
        self.chart_ = QChart()
        super().__init__(self.chart_)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(200)
        self.chart_.setTitle(title)
        self.chart_.legend().setVisible(len(metrics) > 1)
        self.chart_.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.x_axis = QDateTimeAxis()
        self.x_axis.setFormat("d MMM")
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%.0f")
        self.y_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        self.y_axis.setTickAnchor(0.0)
        self.top = top
        self.chart_.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart_.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.series: dict[str, QLineSeries] = {}
        for metric in metrics:
            line = QLineSeries()
            line.setName(LEGEND.get(metric, METRICS[metric]))
            line.setPointsVisible(True)
            self.chart_.addSeries(line)
            line.attachAxis(self.x_axis)
            line.attachAxis(self.y_axis)
            self.series[metric] = line

    def show_series(self, data: DailySeries) -> None:
        highest = 0.0
        for metric, line in self.series.items():
            points = data.points(metric)
            line.clear()
            for day, value in points:
                line.append(_msecs(day), value)
                highest = max(highest, value)
        first, last = data.days[0], data.days[-1]
        self.x_axis.setRange(
            QDateTime.fromMSecsSinceEpoch(int(_msecs(first)) - 43_200_000),
            QDateTime.fromMSecsSinceEpoch(int(_msecs(last)) + 43_199_000),
        )
        self.x_axis.setTickCount(min(7, len(data.days)))
        top = self.top or highest
        step = self.top / 4 if self.top and self.top > 5 else _nice_step(top)
        self.y_axis.setTickInterval(step)
        self.y_axis.setRange(0.0, self.top or max(step, math.ceil(highest / step) * step))


class AnalyticsView(View):
    title = "Analytics"

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.data: DailySeries | None = None
        self.clusters: list[Cluster] = []
        self.today: Callable[[], date] = lambda: datetime.now().astimezone().date()
        self.widget_picker = named(QComboBox(), "analyticsWidget")
        self.period_picker = named(QComboBox(), "analyticsPeriod")
        for days in PERIODS:
            self.period_picker.addItem(f"Last {days} days", days)
        self.period_picker.setCurrentIndex(1)
        self.totals = named(QLabel(wordWrap=True), "analyticsTotals")
        self.charts = [MetricChart(*spec) for spec in CHARTS]
        self.model: RowsModel[Cluster] = RowsModel(CLUSTER_COLUMNS, self)
        self.table = table_for(proxy_for(self.model), (520, 70))
        self.add_button = QPushButton("Add to knowledge base…")
        self.message = QLabel(wordWrap=True)
        self._task: asyncio.Task[Any] | None = None
        self._layout()
        self.widget_picker.currentIndexChanged.connect(self._changed)
        self.period_picker.currentIndexChanged.connect(self._changed)
        self.add_button.clicked.connect(self.add_to_knowledge)
        self.ctx.widgets_changed.connect(self._reload_widgets)
        self._reload_widgets()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Widget"))
        top.addWidget(self.widget_picker)
        top.addWidget(self.period_picker)
        top.addStretch(1)
        grid_box = QWidget()
        grid = QGridLayout(grid_box)
        grid.setContentsMargins(0, 0, 0, 0)
        for n, chart in enumerate(self.charts):
            grid.addWidget(chart, n // 3, n % 3)
        unanswered = QGroupBox("Questions the bot could not answer")
        column = QVBoxLayout(unanswered)
        column.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.add_button)
        column.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(grid_box)
        splitter.addWidget(unanswered)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.table.setMinimumHeight(150)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.totals)
        layout.addWidget(splitter, 1)

    def _reload_widgets(self) -> None:
        chosen = self.widget_picker.currentData()
        self.widget_picker.blockSignals(True)
        self.widget_picker.clear()
        self.widget_picker.addItem("All widgets", None)
        for entry in self.ctx.widgets.list(client_id=self.ctx.client_id):
            self.widget_picker.addItem(entry.name, entry.id)
        found = self.widget_picker.findData(chosen)
        self.widget_picker.setCurrentIndex(max(0, found))
        self.widget_picker.blockSignals(False)

    def _changed(self, *_: object) -> None:
        self.ctx.spawn(self.refresh(), what="Loading Analytics")

    def period(self) -> Period:
        return Period(
            days=int(self.period_picker.currentData()),
            end=self.today(),
            offset_minutes=_local_offset_minutes(),
            widget_id=self.widget_picker.currentData(),
            client_widgets=self.ctx.client_widget_ids(),
        )

    async def refresh(self) -> None:
        """Compute on a worker thread, then draw; a newer request replaces an older one."""
        period = self.period()
        self.totals.setText("Counting…")
        workspace = self.ctx.session.workspace
        data, clusters = await asyncio.to_thread(compute, workspace, period)
        if period != self.period():
            return  # the choice changed meanwhile; its own refresh draws
        self.draw(data, clusters)

    def draw(self, data: DailySeries, clusters: list[Cluster]) -> None:
        self.data, self.clusters = data, clusters
        for chart in self.charts:
            chart.show_series(data)
        self.totals.setText(_totals_text(data))
        self.model.set_rows(clusters)
        select_first(self.table)
        self.add_button.setEnabled(bool(clusters))
        self.message.setText("" if clusters else "Every question in this period found an answer.")

    # what tests and other screens read

    def satisfaction_points(self) -> list[tuple[date, float]]:
        """The days with ratings in the period shown, and their average rating (1–5)."""
        return self.data.points("satisfaction") if self.data else []

    def ratings_total(self) -> int:
        """How many ratings the period shown has."""
        total = self.data.totals.get("ratings") if self.data else None
        return int(total or 0)

    def add_to_knowledge(self) -> bool:
        """Open the Knowledge base with a new answer to the selected question."""
        cluster = current_record(self.table)
        if not isinstance(cluster, Cluster):
            return False
        widget = self.widget_picker.currentData()
        widget_id = widget if isinstance(widget, int) else cluster.widget_id
        self.ctx.navigate.emit("Knowledge base")
        self.ctx.add_knowledge.emit(-1 if widget_id is None else widget_id, cluster.question)
        return True


def _totals_text(data: DailySeries) -> str:
    t = data.totals

    def n(name: str) -> str:
        value = t.get(name)
        return "–" if value is None else f"{value:g}"

    return (
        f"{n('conversations')} conversations · {n('messages')} messages · "
        f"{n('bot_answered')}% answered by the bot · {n('handoffs')} handoffs · "
        f"{n('leads')} leads · {n('lookups')} order lookups ({n('verified_lookups')} verified) · "
        f"satisfaction {n('satisfaction')} from {n('ratings')} ratings · "
        f"first agent reply {n('first_response')} min · {n('spam')} spam conversations blocked"
    )
