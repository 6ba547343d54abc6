"""An hourly rollup of the analytics, kept in the workspace so 90 days of a million messages
are summed from about two thousand rows, not scanned again.

``analytics_hours`` holds each UTC hour's sums per widget (0: none; a conversation taken for
spam is counted as a ``spam`` conversation only: its messages, lookups, leads, handoff, rating
and replies are left out of the other sums, as on the relay); ``analytics_hours_done``
the hours computed. Triggers (migration 0004) forget an hour the moment a conversation,
message or lead of that hour is added, changed or deleted — whoever writes it (inbox,
privacy erasure, retention) — so what is read is never stale. ``ensure`` recomputes the
forgotten hours of a period in SQL, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, text

from core.bot.intents import LOOKUP_INTENTS, ORDER_QUESTIONS

SUMS = (
    "conversations", "handoffs", "ratings", "rating_sum", "messages", "lookups",
    "verified_lookups", "leads", "waits", "wait_minutes", "spam",
)  # fmt: skip
HOUR_FORMAT = "%Y-%m-%d %H"

_ORDER = ", ".join(f"'{i}'" for i in sorted(ORDER_QUESTIONS))
_LOOKUP = ", ".join(f"'{i}'" for i in sorted(LOOKUP_INTENTS))
_WIDGET = "coalesce(c.widget_id, 0)"

PARTS = (
    f"""SELECT substr(c.started_at, 1, 13) AS hour, {_WIDGET} AS widget,
       sum(c.spam IS NULL) AS conversations, sum(c.spam IS NOT NULL) AS spam,
       sum(c.spam IS NULL AND c.handoff_reason IS NOT NULL) AS handoffs,
       count(CASE WHEN c.spam IS NULL THEN c.rating END) AS ratings,
       coalesce(sum(CASE WHEN c.spam IS NULL THEN c.rating END), 0) AS rating_sum
FROM conversations c WHERE c.started_at >= :start AND c.started_at < :stop
GROUP BY hour, widget""",
    f"""SELECT substr(m.created_at, 1, 13) AS hour, {_WIDGET} AS widget,
       sum(c.spam IS NULL) AS messages,
       sum(c.spam IS NULL AND m.role = 'shopper' AND m.intent IN ({_ORDER})) AS lookups
FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id
WHERE m.created_at >= :start AND m.created_at < :stop
GROUP BY hour, widget""",
    f"""SELECT substr(m.created_at, 1, 13) AS hour, {_WIDGET} AS widget,
       count(*) AS verified_lookups
FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id
WHERE m.created_at >= :start AND m.created_at < :stop AND c.spam IS NULL
  AND m.role = 'bot' AND m.intent IN ({_LOOKUP})
  AND (m.cards LIKE '%"type": "order"%' OR m.cards LIKE '%"type":"order"%')
GROUP BY hour, widget""",
    f"""SELECT substr(l.created_at, 1, 13) AS hour, {_WIDGET} AS widget, count(*) AS leads
FROM leads l LEFT JOIN conversations c ON c.id = l.conversation_id
WHERE l.created_at >= :start AND l.created_at < :stop AND c.spam IS NULL
GROUP BY hour, widget""",
    f"""SELECT substr(m.created_at, 1, 13) AS hour, {_WIDGET} AS widget,
       count(*) AS waits,
       sum((julianday(m.created_at) - julianday((
           SELECT max(s.created_at) FROM messages s
           WHERE s.conversation_id = m.conversation_id AND s.role = 'shopper'
             AND s.created_at <= m.created_at
       ))) * 1440.0) AS wait_minutes
FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id
WHERE m.created_at >= :start AND m.created_at < :stop AND m.role = 'agent' AND c.spam IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM messages e WHERE e.conversation_id = m.conversation_id
        AND e.role = 'agent' AND e.created_at < m.created_at)
  AND EXISTS (
      SELECT 1 FROM messages s WHERE s.conversation_id = m.conversation_id
        AND s.role = 'shopper' AND s.created_at <= m.created_at)
GROUP BY hour, widget""",
)


def hour_key(moment: datetime) -> str:
    return moment.strftime(HOUR_FORMAT)


def hours(first: datetime, stop: datetime) -> Iterator[str]:
    """The hour keys from ``first``'s hour up to (not including) ``stop``."""
    moment = first.replace(minute=0, second=0, microsecond=0, tzinfo=None)
    end = stop.replace(tzinfo=None)
    while moment < end:
        yield moment.strftime(HOUR_FORMAT)
        moment += timedelta(hours=1)


def ensure(connection: Connection, first: datetime, stop: datetime) -> int:
    """Compute the hours of [first, stop) the rollup does not hold; how many were missing."""
    wanted = list(hours(first, stop))
    if not wanted:
        return 0
    done = set(
        connection.scalars(
            text("SELECT hour FROM analytics_hours_done WHERE hour BETWEEN :a AND :b"),
            {"a": wanted[0], "b": wanted[-1]},
        )
    )
    missing = [h for h in wanted if h not in done]
    for run in _runs(wanted, set(missing)):
        _compute(connection, run[0], run[-1], run)
    return len(missing)


def _runs(wanted: list[str], missing: set[str], most: int = 24) -> list[list[str]]:
    """The missing hours in contiguous runs (one span over all when there are many)."""
    runs: list[list[str]] = []
    last = -2
    for position, hour in enumerate(wanted):
        if hour not in missing:
            continue
        if position == last + 1:
            runs[-1].append(hour)
        else:
            runs.append([hour])
        last = position
    if len(runs) > most:
        first, last = wanted.index(runs[0][0]), wanted.index(runs[-1][-1])
        return [wanted[first : last + 1]]
    return runs


def _compute(connection: Connection, first: str, last: str, span: list[str]) -> None:
    span = [h for h in span if h <= last]
    start = datetime.strptime(first, HOUR_FORMAT)
    stop = datetime.strptime(last, HOUR_FORMAT) + timedelta(hours=1)
    params = {
        "first": first,
        "last": last,
        "start": start.strftime("%Y-%m-%d %H:%M:%S"),
        "stop": stop.strftime("%Y-%m-%d %H:%M:%S"),
    }
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for sql in PARTS:
        for row in connection.execute(text(sql), params).mappings():
            sums = rows.setdefault((row["hour"], row["widget"]), dict.fromkeys(SUMS, 0))
            sums.update({k: v or 0 for k, v in row.items() if k in SUMS})
    connection.execute(
        text("DELETE FROM analytics_hours WHERE hour BETWEEN :first AND :last"), params
    )
    if rows:
        columns = ", ".join(SUMS)
        values = ", ".join(f":{name}" for name in SUMS)
        connection.execute(
            text(
                f"INSERT INTO analytics_hours (hour, widget_id, {columns}) "
                f"VALUES (:hour, :widget, {values})"
            ),
            [{"hour": h, "widget": w, **sums} for (h, w), sums in rows.items()],
        )
    connection.execute(
        text("INSERT OR IGNORE INTO analytics_hours_done (hour) VALUES (:hour)"),
        [{"hour": h} for h in span],
    )


def read_days(
    connection: Connection,
    first: datetime,
    stop: datetime,
    widget_ids: Collection[int] | None,
    offset_minutes: int,
) -> dict[str, dict[str, float]]:
    """The sums of [first, stop) per local day ("YYYY-MM-DD"), for some widgets or all."""
    keys = list(hours(first, stop))
    if not keys:
        return {}
    where = "" if widget_ids is None else "AND widget_id IN :widgets"
    totals = ", ".join(f"sum({name}) AS {name}" for name in SUMS)
    query = text(
        f"SELECT date(hour || ':00:00', :shift) AS day, {totals} FROM analytics_hours "
        f"WHERE hour BETWEEN :a AND :b {where} GROUP BY day"
    )
    if widget_ids is not None:
        query = query.bindparams(bindparam("widgets", expanding=True))
    params = {
        "a": keys[0],
        "b": keys[-1],
        **({} if widget_ids is None else {"widgets": sorted(widget_ids)}),
        "shift": f"{offset_minutes:+d} minutes",
    }
    return {
        row["day"]: {name: float(row[name] or 0) for name in SUMS}
        for row in connection.execute(query, params).mappings()
    }


TRIGGERS = (
    """CREATE TRIGGER analytics_message_added AFTER INSERT ON messages BEGIN
    DELETE FROM analytics_hours_done WHERE hour = substr(NEW.created_at, 1, 13); END""",
    """CREATE TRIGGER analytics_message_deleted AFTER DELETE ON messages BEGIN
    DELETE FROM analytics_hours_done WHERE hour = substr(OLD.created_at, 1, 13); END""",
    """CREATE TRIGGER analytics_message_changed
    AFTER UPDATE OF role, intent, cards, created_at, conversation_id ON messages BEGIN
    DELETE FROM analytics_hours_done
    WHERE hour IN (substr(OLD.created_at, 1, 13), substr(NEW.created_at, 1, 13)); END""",
    """CREATE TRIGGER analytics_conversation_added AFTER INSERT ON conversations BEGIN
    DELETE FROM analytics_hours_done WHERE hour = substr(NEW.started_at, 1, 13); END""",
    """CREATE TRIGGER analytics_conversation_deleted AFTER DELETE ON conversations BEGIN
    DELETE FROM analytics_hours_done WHERE hour = substr(OLD.started_at, 1, 13); END""",
    """CREATE TRIGGER analytics_conversation_changed
    AFTER UPDATE OF started_at, rating, handoff_reason, widget_id, spam ON conversations BEGIN
    DELETE FROM analytics_hours_done
    WHERE hour IN (substr(OLD.started_at, 1, 13), substr(NEW.started_at, 1, 13));
    DELETE FROM analytics_hours_done
    WHERE (OLD.widget_id IS NOT NEW.widget_id OR OLD.spam IS NOT NEW.spam) AND hour IN (
        SELECT substr(created_at, 1, 13) FROM messages WHERE conversation_id = NEW.id
        UNION SELECT substr(created_at, 1, 13) FROM leads WHERE conversation_id = NEW.id); END""",
    """CREATE TRIGGER analytics_lead_added AFTER INSERT ON leads BEGIN
    DELETE FROM analytics_hours_done WHERE hour = substr(NEW.created_at, 1, 13); END""",
    """CREATE TRIGGER analytics_lead_deleted AFTER DELETE ON leads BEGIN
    DELETE FROM analytics_hours_done WHERE hour = substr(OLD.created_at, 1, 13); END""",
    """CREATE TRIGGER analytics_lead_changed
    AFTER UPDATE OF created_at, conversation_id ON leads BEGIN
    DELETE FROM analytics_hours_done
    WHERE hour IN (substr(OLD.created_at, 1, 13), substr(NEW.created_at, 1, 13)); END""",
)
TRIGGER_NAMES = tuple(t.split()[2] for t in TRIGGERS)
