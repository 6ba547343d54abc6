"""`storedesk sync NAME [--full] [--json]`: pull customers, orders and products."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import TYPE_CHECKING, Any, TextIO

from console.runtime import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    CliError,
    open_session,
    print_json,
    warn,
)

if TYPE_CHECKING:
    from console.session import CliSession


def register(commands: Any) -> None:
    sync = commands.add_parser("sync", help="copy a store's customers, orders, products locally")
    sync.add_argument("name")
    sync.add_argument("--full", action="store_true", help="ignore the cursor, fetch everything")
    sync.add_argument("--json", action="store_true", help="print the counts as JSON")
    sync.set_defaults(handler=cmd_sync)


class ProgressBar:
    """One line redrawn in place on a terminal; silent elsewhere."""

    def __init__(self, stream: TextIO | None = None, width: int = 28) -> None:
        # sys.stderr as it is now (a default argument would keep the one of import time)
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.enabled = self.stream.isatty()

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if total:
            filled = min(self.width, self.width * done // max(total, 1))
            bar = "█" * filled + "·" * (self.width - filled)
            text = f"\r{phase:<10} {bar} {done}/{total}"
        else:
            text = f"\r{phase:<10} {done}"
        self.stream.write(text.ljust(60))
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


async def _run(session: CliSession, name: str, full: bool, bar: ProgressBar) -> Any:
    entry = session.require_store(name)
    cancel = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):  # Ctrl-C stops after a page
        loop.add_signal_handler(signal.SIGINT, cancel.set)
    try:
        return await session.sync_store(entry, full=full, progress=bar, cancel=cancel)
    finally:
        bar.finish()


def cmd_sync(args: argparse.Namespace) -> int:
    from core.workspace.sync_lock import SyncBusy

    bar = ProgressBar()
    with open_session(args) as session:
        try:
            result = asyncio.run(_run(session, args.name, args.full, bar))
        except SyncBusy as busy:
            raise CliError(str(busy), EXIT_UNAVAILABLE) from None
    if args.json:
        print_json(result)
    else:
        print(summarise(args.name, result))
    for warning in result.warnings:  # the store holds records this sync did not store
        warn(f"{args.name}: {warning}")
    return EXIT_INTERRUPTED if result.cancelled else EXIT_OK


def summarise(name: str, result: Any) -> str:
    head = f"{name}: sync {'cancelled' if result.cancelled else 'done'}"
    lines = [f"{head} in {result.duration:.1f}s"]
    for stream, counts in result.counts.items():
        total = result.totals.get(stream)
        checked = f"; {total.stored:,} of the store's {total.store:,} stored" if total else ""
        lines.append(
            f"  {stream:<10} {counts.created} new, {counts.updated} updated, "
            f"{counts.unchanged} unchanged, {counts.failed} failed{checked}"
        )
    shown = result.errors[:10]
    for issue in shown:
        record = f" record {issue.external_id}" if issue.external_id else ""
        lines.append(f"  skipped {issue.stream}{record}: {issue.message}")
    failed = sum(counts.failed for counts in result.counts.values())
    if failed > len(shown):
        lines.append(f"  … and {failed - len(shown)} more skipped (see the sync history)")
    return "\n".join(lines)
