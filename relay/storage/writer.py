"""Group commit: one task writes what many requests asked for, in one transaction.

A job is either a list of *ops* — ``(kind, params)`` pairs that are merged across jobs and
run as one ``executemany`` per kind, kinds in a fixed order so rows exist before the rows
that refer to them — or an *exclusive* coroutine that gets a transaction of its own.

The writer drains everything queued, runs the batch, commits, and only then resolves each
caller's future. If the batch fails, it is retried job by job so one bad job fails alone.

On SQLite the kinds of a chat turn are ``DriverStep``s: their rows go to the driver's own
``executemany`` already in the form SQLAlchemy's column types store (``sqlite_datetime``,
``sqlite_json``), so a row costs no per-column type processing, and a batch made only of
them runs as one call on the driver's thread (``BEGIN IMMEDIATE``, the statements,
``COMMIT``) instead of a round trip per statement.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Executable

from relay.storage.errors import StorageError
from relay.storage.records import WriterStats

log = logging.getLogger(__name__)

RowStep = Callable[[AsyncConnection, dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class CoreStep:
    """A statement run with every job's params (executemany); ``params`` turns one op's
    value (a record) into the statement's parameters."""

    statement: Executable
    params: Callable[[Any], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class DriverStep:
    """SQL run with the SQLite driver's ``executemany`` (SQLite only): ``row`` turns one
    op's value into the statement's parameters, in their stored form."""

    sql: str
    row: Callable[[Any], tuple[Any, ...]]


Step = Executable | CoreStep | DriverStep | RowStep
"""A statement run once with every job's params (executemany; an ``Executable``'s params
are dicts), or a coroutine per row."""
Op = tuple[str, Any]
Exclusive = Callable[[AsyncConnection], Awaitable[Any]]
After = Callable[[bool], None]
"""Called by the writer once a job's fate is known (true: committed), before its caller
hears of it: the way in-memory copies follow the database in commit order."""
BeforeBatch = Callable[[AsyncConnection, set[str]], Awaitable[None]]


@dataclass(slots=True)
class _Job:
    ops: Sequence[Op]
    exclusive: Exclusive | None
    future: asyncio.Future[Any] = field(repr=False)
    after: After | None = None


_STOP = object()


class GroupWriter:
    def __init__(
        self,
        engine: AsyncEngine,
        steps: Sequence[tuple[str, Step]],
        *,
        before_batch: BeforeBatch | None = None,
        max_batch: int = 1000,
    ) -> None:
        self._engine = engine
        self._steps = list(steps)
        self._known = {kind for kind, _ in steps}
        self._before_batch = before_batch
        self._max_batch = max_batch
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.transactions = 0
        self.jobs = 0

    @property
    def stats(self) -> WriterStats:
        return WriterStats(transactions=self.transactions, jobs=self.jobs)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="relay-writer")

    async def close(self) -> None:
        """Finish every job already queued, then stop."""
        self._closing = True
        if self._task is not None:
            self._queue.put_nowait(_STOP)
            await self._task
            self._task = None

    async def write(self, ops: Sequence[Op], *, after: After | None = None) -> None:
        """Run ``ops`` in the next group transaction; return once it is committed."""
        known = self._known
        for kind, _ in ops:
            if kind not in known:
                unknown = sorted({kind for kind, _ in ops} - known)
                raise ValueError(f"unknown write kinds: {unknown}")
        await self._submit(ops, None, after)

    async def exclusive(self, work: Exclusive) -> Any:
        """Run ``work`` in a transaction of its own, in turn with the group writes."""
        return await self._submit((), work)

    async def _submit(
        self, ops: Sequence[Op], work: Exclusive | None, after: After | None = None
    ) -> Any:
        if self._closing or self._task is None:
            raise StorageError("The relay is shutting down and cannot save anything more.")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Job(ops, work, future, after))
        # A caller that goes away (client disconnected) cancels only its future: the job
        # stays queued and is written (and followed up) all the same, and its outcome is
        # not set on the cancelled future (so no exception is left unretrieved).
        return await future

    async def _run(self) -> None:
        stop = False
        while not stop:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            if _STOP in batch:
                stop = True
                batch = [job for job in batch if job is not _STOP]
            try:
                await self._commit(batch)
            except BaseException as exc:  # never leave a caller waiting
                for job in batch:
                    _fail(job, exc)
                if not isinstance(exc, Exception):
                    raise
                log.exception("The relay writer failed a batch")

    async def _commit(self, batch: list[_Job]) -> None:
        grouped = [job for job in batch if job.exclusive is None]
        if grouped:
            await self._commit_group(grouped)
        for job in batch:
            if job.exclusive is not None:
                await self._commit_exclusive(job, job.exclusive)

    async def _commit_group(self, jobs: list[_Job]) -> None:
        try:
            await self._transaction(jobs)
        except Exception as exc:
            if len(jobs) == 1:
                _fail(jobs[0], _storage_error(exc))
                return
            reason = exc.orig if isinstance(exc, DBAPIError) else type(exc).__name__
            log.warning(
                "A group write failed (%s); retrying its %d jobs one by one", reason, len(jobs)
            )
            await self._one_by_one(jobs)
            return
        for job in jobs:
            _succeed(job, None)

    async def _one_by_one(self, jobs: list[_Job]) -> None:
        for index, job in enumerate(jobs):
            try:
                await self._transaction([job])
            except (OperationalError, InterfaceError) as exc:
                # The database itself is unreachable: every remaining job would fail alike.
                for rest in jobs[index:]:
                    _fail(rest, _storage_error(exc))
                return
            except Exception as exc:
                _fail(job, _storage_error(exc))
            else:
                _succeed(job, None)

    async def _transaction(self, jobs: list[_Job]) -> None:
        params: dict[str, list[Any]] = {}
        for job in jobs:
            for kind, row in job.ops:
                params.setdefault(kind, []).append(row)
        steps = [(step, rows) for kind, step in self._steps if (rows := params.get(kind))]
        driver_steps = [(step, rows) for step, rows in steps if isinstance(step, DriverStep)]
        if self._before_batch is None and len(driver_steps) == len(steps):
            await self._driver_transaction(driver_steps)
        else:
            await self._sqlalchemy_transaction(steps, set(params))
        self.transactions += 1
        self.jobs += len(jobs)

    async def _sqlalchemy_transaction(
        self, steps: list[tuple[Step, list[Any]]], kinds: set[str]
    ) -> None:
        async with self._engine.begin() as connection:
            if self._before_batch is not None:
                await self._before_batch(connection, kinds)
            driver = None
            for step, rows in steps:
                if isinstance(step, DriverStep):
                    if driver is None:
                        driver = (await connection.get_raw_connection()).driver_connection
                    await _on_driver(driver, _executemany, [_statement(step, rows)])
                elif isinstance(step, CoreStep):
                    make = step.params
                    await connection.execute(step.statement, [make(row) for row in rows])
                elif isinstance(step, Executable):
                    await connection.execute(step, rows)
                else:
                    for row in rows:
                        await step(connection, row)

    async def _driver_transaction(self, steps: list[tuple[DriverStep, list[Any]]]) -> None:
        """A batch of driver steps only (the usual chat turns): the whole transaction —
        ``BEGIN IMMEDIATE`` as the engine begins it, the statements, ``COMMIT`` — in one
        call on the driver's thread, rather than a round trip to it for each."""
        statements = [_statement(step, rows) for step, rows in steps]
        async with self._engine.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection
            await _on_driver(driver, _in_transaction, statements)

    async def _commit_exclusive(self, job: _Job, work: Exclusive) -> None:
        try:
            async with self._engine.begin() as connection:
                result = await work(connection)
        except Exception as exc:
            _fail(job, _storage_error(exc))
            return
        self.transactions += 1
        self.jobs += 1
        _succeed(job, result)


Statement = tuple[str, list[tuple[Any, ...]]]


def _statement(step: DriverStep, rows: list[Any]) -> Statement:
    make = step.row
    return step.sql, [make(row) for row in rows]


def _executemany(connection: sqlite3.Connection, statements: list[Statement]) -> None:
    for sql, rows in statements:
        connection.executemany(sql, rows)


def _in_transaction(connection: sqlite3.Connection, statements: list[Statement]) -> None:
    connection.execute("BEGIN IMMEDIATE")
    try:
        _executemany(connection, statements)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


async def _on_driver(
    driver: Any,
    work: Callable[[sqlite3.Connection, list[Statement]], None],
    statements: list[Statement],
) -> None:
    """Run ``work`` on the aiosqlite connection's own thread, in one round trip (through
    aiosqlite's queue, as SQLAlchemy's aiosqlite adapter does too). Its errors become
    SQLAlchemy's, as if SQLAlchemy had run the statements (``hide_parameters``)."""
    try:
        await driver._execute(work, driver._conn, statements)
    except sqlite3.Error as exc:
        sql = "; ".join(sql for sql, _ in statements)
        raise DBAPIError.instance(sql, None, exc, sqlite3.Error, hide_parameters=True) from exc


_datetimes: dict[datetime, str] = {}


def sqlite_datetime(value: datetime | None) -> str | None:
    """A datetime as ``UTCDateTime`` stores it on SQLite: naive UTC text, microseconds always
    (``2026-03-03 10:00:00.000000``). A turn's rows share a few moments: each is formatted
    once (equal datetimes are the same instant, so the same text)."""
    if value is None:
        return None
    text = _datetimes.get(value)
    if text is None:
        if len(_datetimes) >= 256:
            _datetimes.clear()
        if value.tzinfo is UTC:  # the usual case, and the quickest: drop the "+00:00"
            text = value.isoformat(" ", "microseconds")[:-6]
        elif value.tzinfo is not None:
            text = value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        else:
            text = value.isoformat(" ", "microseconds")
        _datetimes[value] = text
    return text


def sqlite_json(value: Any) -> str:
    """A JSON column's value as SQLAlchemy stores it with the relay's serializer (text)."""
    return orjson.dumps(value).decode()


def _storage_error(exc: Exception) -> Exception:
    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, DBAPIError):
        error = StorageError(f"The relay database refused the change ({exc.orig}).")
        error.__cause__ = exc
        return error
    return exc


def _succeed(job: _Job, result: Any) -> None:
    _after(job, True)
    if not job.future.done():
        job.future.set_result(result)


def _fail(job: _Job, exc: BaseException) -> None:
    _after(job, False)
    if not job.future.done():
        job.future.set_exception(exc)


def _after(job: _Job, committed: bool) -> None:
    if job.after is not None:
        after, job.after = job.after, None  # once, even if the job is failed twice
        try:
            after(committed)
        except Exception:
            log.exception("A write's follow-up failed")
