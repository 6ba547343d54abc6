"""The console's Inbox: opening it over 100,000 conversations (1,000,000 messages) vs. 1,000,
and how fast a merchant's reply reaches the shopper's live stream.

    python -m bench.console_inbox [--runs 11] [--replies 30]      (or: make bench)

Inbox open: the Inbox screen built on the workspace (offscreen Qt), shown and painted with
the newest conversations on screen, and the newest one opened (its thread and shopper).
Runs alternate between the two workspaces; medians are compared (budget ≤ 2×: the list
reads a count and the rows on screen through the activity index, never every row).

Reply to widget: a real relay on loopback; the console's signed reply (``RelayClient.reply``)
until the shopper's SSE stream (``GET /v1/conversations/{id}/stream``) delivers it; side by
side with a bare signed round trip (``GET /v1/console/status``) for scale (budget ≤ 1 s).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("STOREDESK_KEYRING", "off")

from PySide6.QtWidgets import QApplication

from console.context import ConsoleContext
from console.views.inbox import InboxView

START = datetime(2025, 1, 1)
MESSAGES_PER = 10
BUDGET_RATIO = 2.0
BUDGET_LATENCY = 1.0
ROLES = ("shopper", "bot")
TEXTS = ("where is my order {n}", "Your order #{n} shipped with UPS.", "thanks!", "Glad to help.")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def fill(path: Path, conversations: int) -> None:
    """``conversations`` conversations of 10 messages each, written straight to SQLite."""
    connection = sqlite3.connect(path)
    statuses = ("open", "closed", "closed", "waiting")
    rows, messages = [], []
    for i in range(conversations):
        at = START + timedelta(seconds=30 * i)
        cid = f"c_{i:032x}"
        preview = TEXTS[(MESSAGES_PER - 1) % 4].format(n=1000 + i)
        rows.append(
            (
                cid,
                "web",
                statuses[i % 4],
                _stamp(at),
                _stamp(at + timedelta(minutes=5)),
                f"shopper{i}@example.com",
                f"Shopper {i}",
                "en",
                _stamp(at),
                i % 3,
                preview,
            )
        )
        for m in range(MESSAGES_PER):
            text = TEXTS[m % 4].format(n=1000 + i)
            messages.append(
                (f"m_{i:024x}{m:08x}", cid, ROLES[m % 2], text, _stamp(at + timedelta(seconds=m)))
            )
        if len(messages) >= 200_000:
            _write(connection, rows, messages)
            rows, messages = [], []
    _write(connection, rows, messages)
    connection.close()


def _write(connection: sqlite3.Connection, rows: list[tuple], messages: list[tuple]) -> None:  # type: ignore[type-arg]
    with connection:
        connection.executemany(
            "INSERT INTO conversations (id, channel, status, started_at, updated_at,"
            " customer_email, customer_name, language, last_message_at, unread, preview)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        connection.executemany(
            "INSERT INTO messages (id, conversation_id, role, text, created_at) VALUES (?,?,?,?,?)",
            messages,
        )


def open_inbox(app: QApplication, ctx: ConsoleContext) -> float:
    """Seconds to build the Inbox, show and paint the newest conversations, open the newest."""
    started = time.perf_counter()
    view = InboxView(ctx)
    view.resize(1200, 760)
    view.show()
    app.processEvents()
    view.table.viewport().repaint()
    view.table.selectRow(0)
    newest = view.model.record(0)
    elapsed = time.perf_counter() - started
    if newest is None or view.panel.conversation is None or view.panel.conversation.id != newest.id:
        raise SystemExit("the newest conversation was not opened")
    view.close()
    view.deleteLater()
    app.processEvents()
    return elapsed


def inbox_ratio(app: QApplication, runs: int, small: int, large: int) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        sizes = (small, large)
        built = time.perf_counter()
        contexts = {}
        for n in sizes:
            ctx = ConsoleContext.open(Path(tmp) / f"ws-{n}")
            fill(ctx.data_dir / "workspace.sqlite", n)
            contexts[n] = ctx
        print(
            f"built workspaces of {small:,} and {large:,} conversations ({large * MESSAGES_PER:,} "
            f"messages) in {time.perf_counter() - built:.1f} s"
        )
        times: dict[int, list[float]] = {n: [] for n in sizes}
        for n in sizes:  # a warm-up each
            open_inbox(app, contexts[n])
        for _ in range(runs):
            for n in sizes:
                times[n].append(open_inbox(app, contexts[n]))
        for ctx in contexts.values():
            asyncio.run(ctx.aclose())
    low, high = (statistics.median(times[n]) for n in sizes)
    ratio = high / low
    print(f"Inbox: open, paint the newest conversations, open the newest (median of {runs} runs)")
    print(f"  {small:>9,} conversations  {low * 1000:8.1f} ms")
    print(f"  {large:>9,} conversations  {high * 1000:8.1f} ms")
    ok = ratio <= BUDGET_RATIO
    print(f"  ratio {ratio:.2f}× (budget ≤ {BUDGET_RATIO:.0f}×) {'ok' if ok else 'OVER BUDGET'}")
    return ok


def reply_latency(replies: int) -> bool:
    from bench.inbox_relay import measure

    latencies, round_trips = asyncio.run(measure(replies))
    median, worst = statistics.median(latencies), max(latencies)
    base = statistics.median(round_trips)
    print(f"Reply to widget: console reply → shopper's SSE stream, loopback ({replies} replies)")
    print(
        f"  reply reaches the stream   median {median * 1000:7.1f} ms   max {worst * 1000:7.1f} ms"
    )
    print(f"  signed round trip (status) median {base * 1000:7.1f} ms   ratio {median / base:.2f}×")
    ok = worst <= BUDGET_LATENCY
    print(f"  budget ≤ {BUDGET_LATENCY:.0f} s: {'ok' if ok else 'OVER BUDGET'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Inbox: 100,000 vs 1,000 conversations; replies")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--replies", type=int, default=30)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    fast = inbox_ratio(app, args.runs, args.small, args.large)
    live = reply_latency(args.replies)
    return 0 if fast and live else 1


if __name__ == "__main__":
    raise SystemExit(main())
