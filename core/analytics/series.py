"""Daily series for the Analytics screen, from the workspace tables.

The sums are aggregated in SQL into an hourly rollup (``core.analytics.rollup``, kept true
by triggers) and a period adds up its hours, so 90 days of a million messages is about two
thousand rows once computed. Days are the merchant's local days: ``offset_minutes`` is
their UTC offset (whole hours exactly; a half-hour zone's hour straddling midnight counts
for the day it starts in).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, text

from core.analytics import rollup
from core.analytics.unanswered import Question

PERIODS = (7, 30, 90)
LOW_CONFIDENCE = 0.5
UNANSWERED_WHERE = (
    "m.role = 'bot' AND m.knowledge_entry_id IS NULL "
    f"AND (m.intent = 'fallback' OR m.confidence < {LOW_CONFIDENCE})"
)
"""A bot answer without a trusted knowledge entry; the partial index
``ix_messages_unanswered`` holds exactly these (the query must spell them the same)."""
MAX_QUESTIONS = 2000

METRICS: Mapping[str, str] = {
    "conversations": "Conversations",
    "messages": "Messages",
    "bot_answered": "Answered by the bot (%)",
    "handoffs": "Handoffs to a person",
    "leads": "Leads and appointment requests",
    "lookups": "Order lookups",
    "verified_lookups": "Verified order lookups",
    "satisfaction": "Satisfaction (average rating, 1–5)",
    "ratings": "Ratings",
    "first_response": "First agent reply (minutes)",
    "spam": "Spam conversations blocked",
}
AVERAGES = frozenset({"bot_answered", "satisfaction", "first_response"})
"""Metrics that are a per-day average or share (None on a day without data)."""


@dataclass(frozen=True, slots=True)
class Period:
    days: int
    end: date
    """The last day shown (the merchant's today)."""
    offset_minutes: int = 0
    widget_id: int | None = None
    client_widgets: frozenset[int] | None = None
    """A client's widgets (agency mode): only their conversations count."""

    def widgets(self) -> frozenset[int] | None:
        """The widgets counted, or None for every widget (and none)."""
        if self.widget_id is not None:
            only = frozenset({self.widget_id})
            return only if self.client_widgets is None else only & self.client_widgets
        return self.client_widgets

    @property
    def first(self) -> date:
        return self.end - timedelta(days=self.days - 1)

    def moments(self) -> tuple[datetime, datetime]:
        """The period in UTC, [start, stop)."""
        shift = timedelta(minutes=self.offset_minutes)
        start = datetime.combine(self.first, time(), UTC) - shift
        stop = datetime.combine(self.end + timedelta(days=1), time(), UTC) - shift
        return start, stop

    def bounds(self) -> tuple[str, str]:
        """The period in stored UTC text, [start, stop)."""
        start, stop = self.moments()
        return _stored(start), _stored(stop)

    def params(self) -> dict[str, Any]:
        start, stop = self.bounds()
        return {
            "start": start,
            "stop": stop,
            "shift": f"{self.offset_minutes:+d} minutes",
            "widget": self.widget_id,
        }


def _stored(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True, slots=True)
class DailySeries:
    period: Period
    days: tuple[date, ...]
    values: Mapping[str, tuple[float | None, ...]]
    totals: Mapping[str, float | None]

    def points(self, metric: str) -> list[tuple[date, float]]:
        """The days that have a value for ``metric``."""
        pairs = zip(self.days, self.values[metric], strict=True)
        return [(day, value) for day, value in pairs if value is not None]


def daily_series(connection: Connection, period: Period) -> DailySeries:
    """Every metric of ``METRICS`` for each day of ``period``, summed from the hourly rollup
    (``core.analytics.rollup``), which is brought up to date first: call it in a
    transaction (``engine.begin()``) so the computed hours are kept."""
    start, stop = period.moments()
    rollup.ensure(connection, start, stop)
    sums = rollup.read_days(connection, start, stop, period.widgets(), period.offset_minutes)
    days = tuple(period.first + timedelta(days=i) for i in range(period.days))
    per_day = [_metrics(sums.get(d.isoformat(), {})) for d in days]
    values = {name: tuple(day[name] for day in per_day) for name in METRICS}
    total = dict.fromkeys(rollup.SUMS, 0.0)
    for day_sums in sums.values():
        for name, value in day_sums.items():
            total[name] += value
    return DailySeries(period, days, values, _metrics(total))


def _number(row: Mapping[str, float | None], name: str) -> float:
    value = row.get(name)
    return float(value) if value is not None else 0.0


def _metrics(row: Mapping[str, float | None]) -> dict[str, float | None]:
    conversations = _number(row, "conversations")
    ratings = _number(row, "ratings")
    waits = _number(row, "waits")
    return {
        "conversations": conversations,
        "messages": _number(row, "messages"),
        "bot_answered": (
            round(100.0 * (conversations - _number(row, "handoffs")) / conversations, 1)
            if conversations
            else None
        ),
        "handoffs": _number(row, "handoffs"),
        "leads": _number(row, "leads"),
        "lookups": _number(row, "lookups"),
        "verified_lookups": _number(row, "verified_lookups"),
        "satisfaction": round(_number(row, "rating_sum") / ratings, 2) if ratings else None,
        "ratings": ratings,
        "first_response": round(_number(row, "wait_minutes") / waits, 1) if waits else None,
        "spam": _number(row, "spam"),
    }


UNANSWERED_SQL = f"""
SELECT (
    SELECT s.text FROM messages s
    WHERE s.conversation_id = m.conversation_id AND s.role = 'shopper'
      AND s.created_at <= m.created_at
    ORDER BY s.created_at DESC LIMIT 1
) AS question, m.created_at AS at, m.conversation_id AS cid,
  (SELECT c.widget_id FROM conversations c WHERE c.id = m.conversation_id) AS widget_id
FROM messages m
WHERE m.created_at >= :start AND m.created_at < :stop
  AND {UNANSWERED_WHERE}
ORDER BY m.created_at DESC
"""


def unanswered_questions(connection: Connection, period: Period) -> list[Question]:
    """What shoppers asked when the bot found no answer it trusted (low confidence or no
    intent), newest first, at most ``MAX_QUESTIONS``."""
    params = period.params()
    widgets = period.widgets()
    found: list[Question] = []
    for row in connection.execute(text(UNANSWERED_SQL), params).mappings():
        if len(found) >= MAX_QUESTIONS:
            break
        if not row["question"] or (widgets is not None and row["widget_id"] not in widgets):
            continue
        at = datetime.fromisoformat(row["at"]).replace(tzinfo=UTC)
        found.append(Question(row["question"], at, row["cid"], row["widget_id"]))
    return found
