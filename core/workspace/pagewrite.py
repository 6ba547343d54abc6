"""Shared pieces of writing one page of synced records: row hashing, isolation of bad rows."""

from __future__ import annotations

import hashlib
import logging
import marshal
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar

from sqlalchemy import Connection
from sqlalchemy.engine.interfaces import DBAPICursor

from core.contacts import email_key as email_key  # re-exported: the writers index by it

log = logging.getLogger(__name__)

Outcome = Literal["created", "updated", "unchanged", "failed"]
T = TypeVar("T")
IN_CHUNK = 500


@dataclass(slots=True)
class PageOutcome:
    """What writing one page did, per record; ``errors`` holds (external id, reason)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[tuple[str | None, str]] = field(default_factory=list)

    def add(self, outcome: Outcome, count: int = 1) -> None:
        setattr(self, outcome, getattr(self, outcome) + count)

    def fail(self, external_id: str | None, reason: str) -> None:
        self.failed += 1
        self.errors.append((external_id, reason))


def content_hash(values: Mapping[str, Any], extra: Iterable[Any] = ()) -> str:
    """A short digest of a row's content, so unchanged rows are recognised without reading them.

    Values are taken in the mapping's order (the row builders fix it). Rows hold plain
    values (text, numbers, ``None``), whose ``repr`` is stable and cheap.
    """
    material = repr((tuple(values.values()), tuple(extra))).encode()
    return hashlib.blake2b(material, digest_size=16).hexdigest()


def row_digest(values: tuple[Any, ...]) -> str:
    """The digest of a row of plain values (text, integers, ``None``, nested tuples).

    This is the per-record hot path of a sync, so the values are serialised by ``marshal``
    (C speed). Format version 2 encodes each value by its content alone (no back-references
    to repeated objects, no interning flags), so equal rows always give equal digests. Should
    a future Python change that format, every row would be rewritten once, nothing worse.
    """
    return hashlib.blake2b(marshal.dumps(values, 2), digest_size=16).hexdigest()


def driver_cursor(connection: Connection) -> DBAPICursor:
    """A cursor of the driver connection, inside the connection's transaction.

    The bulk statements of a page go straight to the driver: SQLAlchemy's per-statement
    work would cost more than SQLite's own for these small, pre-converted rows.
    """
    if not connection.in_transaction():
        connection.begin()  # what SQLAlchemy's autobegin would have done
    return connection.connection.cursor()


def utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def money(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else Decimal(format(amount, "f"))


def chunks(values: Sequence[T], size: int = IN_CHUNK) -> list[Sequence[T]]:
    return [values[start : start + size] for start in range(0, len(values), size)]


def paired_chunks(first: Sequence[T], second: Sequence[T]) -> list[tuple[Sequence[T], Sequence[T]]]:
    """Two lists cut into chunks side by side (the shorter one runs out into empty chunks)."""
    count = max(len(first), len(second))
    return [
        (first[start : start + IN_CHUNK], second[start : start + IN_CHUNK])
        for start in range(0, count, IN_CHUNK)
    ]


def write_isolated(
    connection: Connection,
    items: Sequence[T],
    write: Callable[[Connection, Sequence[T]], None],
) -> list[tuple[T, str]]:
    """Write ``items`` in one go; if that fails, one by one, returning those that failed."""
    if not items:
        return []
    try:
        with _savepoint(connection):
            write(connection, items)
        return []
    except Exception:
        log.debug("A batch write failed; retrying its rows one by one", exc_info=True)
    failed: list[tuple[T, str]] = []
    for item in items:
        try:
            with _savepoint(connection):
                write(connection, [item])
        except Exception as error:
            failed.append((item, f"could not be stored ({type(error).__name__})"))
    return failed


@contextmanager
def _savepoint(connection: Connection) -> Iterator[None]:
    """A SAVEPOINT through the driver: one per page, so SQLAlchemy's bookkeeping is skipped."""
    cursor = driver_cursor(connection)
    cursor.execute("SAVEPOINT page_write")
    try:
        yield
    except BaseException:
        cursor.execute("ROLLBACK TO page_write")
        cursor.execute("RELEASE page_write")
        raise
    cursor.execute("RELEASE page_write")
