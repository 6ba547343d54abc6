"""The Analytics screen's numbers over 100,000 conversations / 1,000,000 messages vs. 1,000
/ 10,000, side by side.

    python -m bench.console_analytics [--runs 5] [--large 100000]     (or: make bench)

Measured: ``core.analytics`` for 30 and 90 days (every daily series and the unanswered
questions, clustered), what the screen computes on its worker thread: once with the hourly
rollup empty (the first view: every hour aggregated in SQL), then as usual (the rollup
holds the hours; only the unanswered questions are read again). Medians of several runs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from core.analytics.series import Period, daily_series, unanswered_questions
from core.analytics.unanswered import cluster_questions
from core.workspace import Workspace

END = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
DAYS = 90
PER_CONVERSATION = 10
ASKED = ("Do you have decaf beans?", "click and collect?", "Is the grinder black?", "hello")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def build(path: Path, conversations: int, seed: int = 7) -> Workspace:
    """``conversations`` over 90 days, 10 messages each (shopper/bot, some agents, ratings)."""
    workspace = Workspace.open(path)
    rng = random.Random(seed)
    span = DAYS * 86_400
    raw = workspace.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN")
        for first in range(0, conversations, 5000):
            convs, msgs = [], []
            for n in range(first, min(conversations, first + 5000)):
                start = END - timedelta(seconds=rng.randrange(span))
                handoff = n % 7 == 0
                rating = rng.choice((None, None, 3, 4, 5))
                convs.append((f"c{n}", "widget", "closed", _stamp(start), _stamp(start), rating,
                               "asked" if handoff else None))  # fmt: skip
                for k in range(PER_CONVERSATION):
                    at = _stamp(start + timedelta(seconds=30 * k))
                    role = "shopper" if k % 2 == 0 else ("agent" if handoff and k == 5 else "bot")
                    intent = "order_status" if k == 0 and n % 3 == 0 else "faq"
                    low = 0.2 if role == "bot" and k == 1 and n % 5 == 0 else 0.8
                    msgs.append((f"m{n}_{k}", f"c{n}", role, rng.choice(ASKED), at,
                                 low if role == "bot" else None, intent, "[]"))  # fmt: skip
            cursor.executemany(
                "INSERT INTO conversations (id, channel, status, started_at, updated_at, rating,"
                " handoff_reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                convs,
            )
            cursor.executemany(
                "INSERT INTO messages (id, conversation_id, role, text, created_at, confidence,"
                " intent, cards, suggestions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '[]')",
                msgs,
            )
        cursor.execute("COMMIT")
        cursor.execute("ANALYZE")
    finally:
        raw.close()
    return workspace


def screen(workspace: Workspace, days: int, *, cold: bool = False) -> None:
    period = Period(days, END.date())
    with workspace.engine.begin() as connection:
        if cold:
            connection.execute(text("DELETE FROM analytics_hours_done"))
        daily_series(connection, period)
        cluster_questions(unanswered_questions(connection, period))


def median(work: Callable[[], None], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        small = build(Path(tmp) / "small", args.large // 100)
        large = build(Path(tmp) / "large", args.large)
        built = time.perf_counter() - began
        print(
            f"workspaces: {args.large // 100:,} and {args.large:,} conversations "
            f"({args.large * PER_CONVERSATION:,} messages), built in {built:.1f} s"
        )
        for days in (30, 90):
            cold = median(lambda d=days: screen(large, d, cold=True), 1)  # type: ignore[misc]
            s = median(lambda d=days: screen(small, d), args.runs)  # type: ignore[misc]
            big = median(lambda d=days: screen(large, d), args.runs)  # type: ignore[misc]
            print(
                f"{days:>2} days: first view of the large workspace {cold * 1000:7.1f} ms "
                f"(computes every hour); then small {s * 1000:6.1f} ms · large "
                f"{big * 1000:6.1f} ms (large/small {big / s:4.1f}×)"
            )
        small.close()
        large.close()


if __name__ == "__main__":
    main()
