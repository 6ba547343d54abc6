"""Daily series for the Analytics screen, aggregated in SQL over the workspace tables.

Each metric is one ``GROUP BY day`` query over an indexed time range (never a Python loop
over rows), so 90 days of a million messages stays quick. Days are the merchant's local
days: ``offset_minutes`` is their UTC offset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, text

from core.analytics.unanswered import Question
from core.bot.intents import ORDER_QUESTIONS

PERIODS = (7, 30, 90)
LOW_CONFIDENCE = 0.5
MAX_QUESTIONS = 5000

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

    @property
    def first(self) -> date:
        return self.end - timedelta(days=self.days - 1)

    def bounds(self) -> tuple[str, str]:
        """The period in stored UTC text, [start, end)."""
        shift = timedelta(minutes=self.offset_minutes)
        start = datetime.combine(self.first, time(), UTC) - shift
        stop = datetime.combine(self.end + timedelta(days=1), time(), UTC) - shift
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


_WIDGET = "AND (:widget IS NULL OR c.widget_id = :widget)"

CONVERSATIONS_SQL = f"""
SELECT date(c.started_at, :shift) AS day,
       count(*) AS conversations,
       sum(c.handoff_reason IS NOT NULL) AS handoffs,
       sum(c.handoff_reason IS NULL AND NOT EXISTS (
           SELECT 1 FROM messages a WHERE a.conversation_id = c.id AND a.role = 'agent'
       )) AS bot_only,
       count(c.rating) AS ratings,
       sum(c.rating) AS rating_sum
FROM conversations c
WHERE c.started_at >= :start AND c.started_at < :stop {_WIDGET}
GROUP BY day
"""

_ORDER_INTENTS = ", ".join(f"'{i}'" for i in sorted(ORDER_QUESTIONS))
MESSAGES_SQL = f"""
SELECT date(m.created_at, :shift) AS day,
       count(*) AS messages,
       sum(m.role = 'shopper' AND m.intent IN ({_ORDER_INTENTS})) AS lookups,
       sum(m.role = 'bot' AND m.cards != '[]' AND (
           m.cards LIKE '%"type": "order"%' OR m.cards LIKE '%"type":"order"%'
       )) AS verified_lookups
FROM messages m JOIN conversations c ON c.id = m.conversation_id
WHERE m.created_at >= :start AND m.created_at < :stop {_WIDGET}
GROUP BY day
"""

LEADS_SQL = f"""
SELECT date(l.created_at, :shift) AS day, count(*) AS leads
FROM leads l LEFT JOIN conversations c ON c.id = l.conversation_id
WHERE l.created_at >= :start AND l.created_at < :stop {_WIDGET}
GROUP BY day
"""

FIRST_RESPONSE_SQL = f"""
WITH first_agent AS (
    SELECT m.conversation_id AS cid, min(m.created_at) AS at
    FROM messages m JOIN conversations c ON c.id = m.conversation_id
    WHERE m.created_at >= :start AND m.created_at < :stop AND m.role = 'agent' {_WIDGET}
    GROUP BY m.conversation_id
), waits AS (
    SELECT f.at AS at, (julianday(f.at) - julianday((
        SELECT max(s.created_at) FROM messages s
        WHERE s.conversation_id = f.cid AND s.role = 'shopper' AND s.created_at <= f.at
    ))) * 1440.0 AS minutes
    FROM first_agent f
)
SELECT date(at, :shift) AS day, avg(minutes) AS first_response
FROM waits WHERE minutes IS NOT NULL
GROUP BY day
"""


def daily_series(connection: Connection, period: Period) -> DailySeries:
    """Every metric of ``METRICS`` for each day of ``period`` (SQLite workspace)."""
    params = period.params()
    rows: dict[str, dict[str, float | None]] = {}

    def gather(sql: str) -> None:
        for row in connection.execute(text(sql), params).mappings():
            day = rows.setdefault(row["day"], {})
            day.update({k: v for k, v in row.items() if k != "day"})

    for sql in (CONVERSATIONS_SQL, MESSAGES_SQL, LEADS_SQL, FIRST_RESPONSE_SQL):
        gather(sql)
    days = tuple(period.first + timedelta(days=i) for i in range(period.days))
    per_day = [_metrics(rows.get(d.isoformat(), {})) for d in days]
    values = {name: tuple(day[name] for day in per_day) for name in METRICS}
    return DailySeries(period, days, values, _totals(rows.values()))


def _number(row: Mapping[str, float | None], name: str) -> float:
    value = row.get(name)
    return float(value) if value is not None else 0.0


def _metrics(row: Mapping[str, float | None]) -> dict[str, float | None]:
    conversations = _number(row, "conversations")
    ratings = _number(row, "ratings")
    first = row.get("first_response")
    return {
        "conversations": conversations,
        "messages": _number(row, "messages"),
        "bot_answered": (
            round(100.0 * _number(row, "bot_only") / conversations, 1) if conversations else None
        ),
        "handoffs": _number(row, "handoffs"),
        "leads": _number(row, "leads"),
        "lookups": _number(row, "lookups"),
        "verified_lookups": _number(row, "verified_lookups"),
        "satisfaction": round(_number(row, "rating_sum") / ratings, 2) if ratings else None,
        "ratings": ratings,
        "first_response": None if first is None else round(float(first), 1),
    }


def _totals(days: Any) -> dict[str, float | None]:
    """The whole period: sums, and the averages weighted as they should be."""
    total: dict[str, float] = {}
    waits: list[float] = []
    for row in days:
        for name, value in row.items():
            if name == "first_response":
                if value is not None:
                    waits.append(float(value))
            elif value is not None:
                total[name] = total.get(name, 0.0) + float(value)
    summary = _metrics(total)
    summary["first_response"] = round(sum(waits) / len(waits), 1) if waits else None
    return summary


UNANSWERED_SQL = f"""
SELECT (
    SELECT s.text FROM messages s
    WHERE s.conversation_id = m.conversation_id AND s.role = 'shopper'
      AND s.created_at <= m.created_at
    ORDER BY s.created_at DESC LIMIT 1
) AS question, m.created_at AS at, m.conversation_id AS cid, c.widget_id AS widget_id
FROM messages m JOIN conversations c ON c.id = m.conversation_id
WHERE m.created_at >= :start AND m.created_at < :stop AND m.role = 'bot'
  AND m.knowledge_entry_id IS NULL
  AND (m.intent = 'fallback' OR (m.confidence IS NOT NULL AND m.confidence < :low)) {_WIDGET}
ORDER BY m.created_at DESC
LIMIT :limit
"""


def unanswered_questions(
    connection: Connection, period: Period, *, low: float = LOW_CONFIDENCE
) -> list[Question]:
    """What shoppers asked when the bot found no answer it trusted (low confidence or no
    intent), newest first, at most ``MAX_QUESTIONS``."""
    params = {**period.params(), "low": low, "limit": MAX_QUESTIONS}
    found: list[Question] = []
    for row in connection.execute(text(UNANSWERED_SQL), params).mappings():
        if not row["question"]:
            continue
        at = datetime.fromisoformat(row["at"]).replace(tzinfo=UTC)
        found.append(Question(row["question"], at, row["cid"], row["widget_id"]))
    return found
