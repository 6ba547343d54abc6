"""Group commit: one task writes what many requests asked for, in one transaction.

A job is either a list of *ops* — ``(kind, params)`` pairs that are merged across jobs and
run as one ``executemany`` per kind, kinds in a fixed order so rows exist before the rows
that refer to them — or an *exclusive* coroutine that gets a transaction of its own.

The writer drains everything queued, runs the batch, commits, and only then resolves each
caller's future. If the batch fails, it is retried job by job so one bad job fails alone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Executable

from relay.storage.errors import StorageError
from relay.storage.records import WriterStats

log = logging.getLogger(__name__)

RowStep = Callable[[AsyncConnection, dict[str, Any]], Awaitable[None]]
Step = Executable | RowStep
"""A statement run once with every job's params (executemany), or a coroutine per row."""
Op = tuple[str, dict[str, Any]]
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
        unknown = {kind for kind, _ in ops} - self._known
        if unknown:
            raise ValueError(f"unknown write kinds: {sorted(unknown)}")
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
        future.add_done_callback(_retrieve)
        self._queue.put_nowait(_Job(ops, work, future, after))
        # Shielded: a caller that goes away (client disconnected) does not undo the write.
        return await asyncio.shield(future)

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
        params: dict[str, list[dict[str, Any]]] = {}
        for job in jobs:
            for kind, row in job.ops:
                params.setdefault(kind, []).append(row)
        async with self._engine.begin() as connection:
            if self._before_batch is not None:
                await self._before_batch(connection, set(params))
            for kind, step in self._steps:
                rows = params.get(kind)
                if not rows:
                    continue
                if isinstance(step, Executable):
                    await connection.execute(step, rows)
                else:
                    for row in rows:
                        await step(connection, row)
        self.transactions += 1
        self.jobs += len(jobs)

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


def _storage_error(exc: Exception) -> Exception:
    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, DBAPIError):
        error = StorageError(f"The relay database refused the change ({exc.orig}).")
        error.__cause__ = exc
        return error
    return exc


def _retrieve(future: asyncio.Future[Any]) -> None:
    """Mark the outcome as seen, so a caller that went away leaves no noisy warning."""
    if not future.cancelled():
        future.exception()


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
