"""Shared pieces of writing one page of synced records: row hashing, isolation of bad rows."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar

from sqlalchemy import Connection

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


def utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def money(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else Decimal(format(amount, "f"))


def email_key(email: str | None) -> str | None:
    cleaned = (email or "").strip()
    return cleaned.casefold() or None


def chunks(values: Sequence[T], size: int = IN_CHUNK) -> list[Sequence[T]]:
    return [values[start : start + size] for start in range(0, len(values), size)]


def write_isolated(
    connection: Connection,
    items: Sequence[T],
    write: Callable[[Connection, Sequence[T]], None],
) -> list[tuple[T, str]]:
    """Write ``items`` in one go; if that fails, one by one, returning those that failed."""
    if not items:
        return []
    try:
        with connection.begin_nested():
            write(connection, items)
        return []
    except Exception:
        log.debug("A batch write failed; retrying its rows one by one", exc_info=True)
    failed: list[tuple[T, str]] = []
    for item in items:
        try:
            with connection.begin_nested():
                write(connection, [item])
        except Exception as error:
            failed.append((item, f"could not be stored ({type(error).__name__})"))
    return failed
