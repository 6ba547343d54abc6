"""The sync engine: pulls a store's customers, orders and products into the workspace.

Incremental by a cursor per stream (``max(cursor, record.updated_at)``), one transaction
per page, unchanged records recognised by a content hash and not rewritten, bad records
logged, skipped and counted. Pages are written and dropped as they arrive; only the ids
already seen in this run are kept, so a record read twice (a re-read boundary) is
written and counted once. Running it twice in a row changes nothing.

The cursor never passes a record not yet read: a stream that comes oldest change first
(``Page.ordered``) moves it after each committed page; any other stream moves it once
it has been read to the end, and never past the start of the sync (less a margin for the
store's clock), since records changed during the walk may sit behind it. After a stream
was read whole, what was stored is compared with the store's own total
(``connectors.base.Counts``) and a difference is reported.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from connectors.base import STREAM_KINDS, Connector, Counts, Page, StreamKind
from connectors.errors import IntegrationError
from core.workspace import Workspace
from core.workspace.catalog_writes import write_orders, write_products
from core.workspace.customer_writes import write_customers
from core.workspace.pagewrite import PageOutcome
from core.workspace.stores import (
    StoreEntry,
    finish_sync_run,
    load_cursors,
    save_cursor,
    start_sync_run,
)

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int | None], None]
MAX_KEPT_ERRORS = 200
CLOCK_MARGIN = timedelta(minutes=15)
"""How far a store's clock may be ahead of ours: the cursor of a stream read in no
particular order stays this far before the start of the sync."""
_WRITERS: dict[StreamKind, Callable[[Connection, int, Sequence[Any]], PageOutcome]] = {
    "customers": write_customers,
    "orders": write_orders,
    "products": write_products,
}


@dataclass(frozen=True, slots=True)
class StreamCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class SyncIssue:
    """One record the sync skipped, or the failure that stopped it."""

    stream: str
    external_id: str | None
    message: str


@dataclass(frozen=True, slots=True)
class StreamTotal:
    """A stream read whole: the store's own total against the distinct records stored."""

    store: int
    stored: int
    unreadable: int = 0

    @property
    def matches(self) -> bool:
        return self.store == self.stored


@dataclass(frozen=True, slots=True)
class SyncResult:
    counts: Mapping[str, StreamCounts]
    errors: tuple[SyncIssue, ...]
    cancelled: bool
    duration: float
    run_id: int
    failed_records: int = 0
    totals: Mapping[str, StreamTotal] = field(default_factory=dict)

    @property
    def warnings(self) -> tuple[str, ...]:
        """One sentence per stream whose stored records differ from the store's total."""
        found = (total_warning(stream, total) for stream, total in self.totals.items())
        return tuple(w for w in found if w)

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())


def total_warning(stream: str, total: StreamTotal | Mapping[str, Any]) -> str | None:
    """``The store reports 158 orders but this sync stored 156 …`` (``None`` if they agree)."""
    if isinstance(total, StreamTotal):
        store, stored, unreadable = total.store, total.stored, total.unreadable
    else:
        store, stored = int(total.get("store", 0)), int(total.get("stored", 0))
        unreadable = int(total.get("unreadable", 0))
    if store == stored:
        return None
    why = f" ({unreadable:,} could not be read)" if unreadable else ""
    noun = stream[:-1] if store == 1 and stream.endswith("s") else stream  # 1 order
    return (
        f"The store reports {store:,} {noun} but this sync stored {stored:,}{why}: "
        "sync again; if the numbers still differ, check the skipped records."
    )


@dataclass(slots=True)
class _Seen:
    """One stream in this run: the ids met so far (and their change time)."""

    whole: bool  # read from the start: its distinct ids are compared with the store's total
    changed: dict[str, datetime | None] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    newest: datetime | None = None  # the newest change seen, for streams read out of order

    def fresh(self, records: Sequence[Any]) -> list[Any]:
        """The records not yet met in this run (or changed since they were)."""
        kept: list[Any] = []
        for record in records:
            moment = getattr(record, "updated_at", None)
            key = str(record.id)
            if key in self.changed:
                before = self.changed[key]
                if moment is None or before is None or moment <= before:
                    continue
            self.changed[key] = moment
            self.unreadable.discard(key)
            kept.append(record)
        return kept


@dataclass(slots=True)
class _Tally:
    store: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[SyncIssue] = field(default_factory=list)
    failed: int = 0
    totals: dict[str, StreamTotal] = field(default_factory=dict)

    def add(self, stream: str, outcome: PageOutcome) -> None:
        counts = self.counts.setdefault(stream, dict.fromkeys(StreamCounts.__slots__, 0))
        for name in StreamCounts.__slots__:
            counts[name] += getattr(outcome, name)
        for external_id, message in outcome.errors:
            self.issue(SyncIssue(stream, external_id, message))

    def issue(self, issue: SyncIssue) -> None:
        log.warning(
            "Skipped a %s record (%s) from store %r: %s",
            issue.stream,
            issue.external_id,
            self.store,
            issue.message,
        )
        self.failed += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(issue)

    def frozen(self) -> dict[str, StreamCounts]:
        return {stream: StreamCounts(**self.counts.get(stream, {})) for stream in STREAM_KINDS}


class SyncEngine:
    def __init__(
        self,
        workspace: Workspace,
        store: StoreEntry,
        connector: Connector,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        batch_size: int = 500,
    ) -> None:
        self._workspace = workspace
        self._store = store
        self._connector = connector
        self._now = now
        self._batch_size = max(1, batch_size)

    async def run(
        self,
        full: bool = False,
        progress: Progress | None = None,
        cancel: asyncio.Event | None = None,
    ) -> SyncResult:
        started = self._now()
        with self._workspace.engine.begin() as connection:
            run_id = start_sync_run(connection, self._store.id, started, full)
            cursors = load_cursors(connection, self._store.id)
        tally, status = _Tally(self._store.name), "completed"
        try:
            for stream in STREAM_KINDS:
                if cancel is not None and cancel.is_set():
                    status = "cancelled"
                    break
                since = None if full else cursors[stream]
                seen = _Seen(whole=since is None)
                if not await self._stream(stream, since, cursors, seen, tally, progress, cancel):
                    status = "cancelled"
                    break
                self._close_stream(stream, seen, cursors[stream], started)
                if seen.whole:
                    await self._compare_total(stream, seen, tally)
        except BaseException as error:
            self._finish(run_id, started, "failed", tally, _failure(error))
            raise
        return self._finish(run_id, started, status, tally, None)

    async def _stream(
        self,
        stream: StreamKind,
        since: datetime | None,
        cursors: Mapping[str, datetime | None],
        seen: _Seen,
        tally: _Tally,
        progress: Progress | None,
        cancel: asyncio.Event | None,
    ) -> bool:
        """Sync one stream; ``False`` when cancelled part-way.

        Each page is committed as it arrives (cursor, progress and the cancellation point
        follow the commit), so memory stays at one page. Connectors request the following
        pages ahead, so the store prepares them while this one is written: writing on the
        loop measured faster than a worker thread, which only fought it for the GIL.
        """
        done, cursor = 0, cursors[stream]
        _report(progress, stream, 0, None)
        pages = self._pages(stream, since)
        try:
            async for page in pages:
                cursor = self._commit_page(stream, page, cursor, seen, tally)
                done += len(page.records) + len(page.errors)
                _report(progress, stream, done, page.total)
                if cancel is not None and cancel.is_set():
                    return False
                await asyncio.sleep(0)  # let the requests for the next pages move on
        finally:
            close = getattr(pages, "aclose", None)
            if close is not None:
                await close()
        return not (cancel is not None and cancel.is_set())

    def _pages(self, stream: StreamKind, since: datetime | None) -> AsyncIterator[Page[Any]]:
        if stream == "customers":
            return self._connector.changed_customers(since)
        if stream == "orders":
            return self._connector.changed_orders(since)
        return self._connector.changed_products(since)

    def _commit_page(
        self,
        stream: StreamKind,
        page: Page[Any],
        cursor: datetime | None,
        seen: _Seen,
        tally: _Tally,
    ) -> datetime | None:
        write = _WRITERS[stream]
        records = seen.fresh(page.records)
        with self._workspace.engine.begin() as connection:
            for start in range(0, len(records), self._batch_size):
                batch = records[start : start + self._batch_size]
                outcome = write(connection, self._store.id, batch)
                tally.add(stream, outcome)
                seen.unreadable.update(str(e) for e, _ in outcome.errors if e is not None)
            if page.ordered:
                cursor = advance(cursor, records)
                if cursor is not None:
                    save_cursor(connection, self._store.id, stream, cursor)
            else:
                seen.newest = advance(seen.newest, records)
        for error in page.errors:
            tally.counts.setdefault(stream, dict.fromkeys(StreamCounts.__slots__, 0))["failed"] += 1
            tally.issue(SyncIssue(stream, error.external_id, error.message))
            if error.external_id is not None and error.external_id not in seen.changed:
                seen.unreadable.add(error.external_id)
        return cursor

    def _close_stream(
        self, stream: StreamKind, seen: _Seen, cursor: datetime | None, started: datetime
    ) -> None:
        """A stream read out of order moves its cursor now that it was read to the end."""
        if seen.newest is None:
            return
        moved = min(seen.newest, started - CLOCK_MARGIN)
        if cursor is not None and moved <= cursor:
            return
        with self._workspace.engine.begin() as connection:
            save_cursor(connection, self._store.id, stream, moved)

    async def _compare_total(self, stream: StreamKind, seen: _Seen, tally: _Tally) -> None:
        if not isinstance(self._connector, Counts):
            return
        try:
            total = await self._connector.count(stream)
        except IntegrationError as error:
            log.info("Store %r did not count its %s: %s", self._store.name, stream, error)
            return
        if total is None:
            return
        stored = len(seen.changed.keys() - seen.unreadable)
        found = StreamTotal(total, stored, len(seen.unreadable))
        tally.totals[stream] = found
        if not found.matches:
            log.warning("Store %r: %s", self._store.name, total_warning(stream, found))

    def _finish(
        self,
        run_id: int,
        started: datetime,
        status: str,
        tally: _Tally,
        failure: SyncIssue | None,
    ) -> SyncResult:
        if failure is not None:
            tally.errors.append(failure)
        finished = self._now()
        counts = tally.frozen()
        with self._workspace.engine.begin() as connection:
            finish_sync_run(
                connection,
                run_id,
                store_id=self._store.id,
                finished=finished,
                status=status,
                counts={stream: _as_dict(c) for stream, c in counts.items()},
                errors=[_as_dict(issue) for issue in tally.errors],
                totals={stream: _as_dict(t) for stream, t in tally.totals.items()},
            )
        duration = max(0.0, (finished - started).total_seconds())
        log.info("Sync of store %r %s in %.1fs", self._store.name, status, duration)
        return SyncResult(
            counts,
            tuple(tally.errors),
            status == "cancelled",
            duration,
            run_id,
            tally.failed,
            dict(tally.totals),
        )


def advance(cursor: datetime | None, records: Sequence[Any]) -> datetime | None:
    """The stream cursor after these records: ``max(cursor, record.updated_at)``."""
    for record in records:
        moment = getattr(record, "updated_at", None)
        if moment is not None and (cursor is None or moment > cursor):
            cursor = moment
    return cursor


def _report(progress: Progress | None, phase: str, done: int, total: int | None) -> None:
    if progress is not None:
        progress(phase, done, total)


def _failure(error: BaseException) -> SyncIssue:
    if isinstance(error, asyncio.CancelledError):
        return SyncIssue("sync", None, "The sync was interrupted.")
    if isinstance(error, IntegrationError):
        return SyncIssue("sync", None, str(error))  # written for merchants, free of secrets
    return SyncIssue("sync", None, f"The sync stopped on an unexpected {type(error).__name__}.")


def _as_dict(value: StreamCounts | SyncIssue | StreamTotal) -> dict[str, Any]:
    return {name: getattr(value, name) for name in type(value).__slots__}
