"""Which failures mean "the database cannot be used right now" rather than a bug.

A full disk (SQLite's ``SQLITE_FULL``, an ``ENOSPC`` from any write), a database that went
away (a PostgreSQL restart or a terminated backend: the driver's ``OperationalError``, a
connection SQLAlchemy invalidated) and a SQLite file busy beyond its timeout are conditions
an operator fixes or that pass; the relay answers them 503 with ``Retry-After`` instead of
500. ``fault_of`` walks the exception's causes, since the writer wraps driver errors in a
``StorageError``.
"""

from __future__ import annotations

import errno
import sqlite3
from typing import Literal

from sqlalchemy.exc import DBAPIError

Fault = Literal["disk_full", "database_unavailable"]

_SQLITE_FULL = 13
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_DISK_FULL_TEXT = "database or disk is full"


def fault_of(exc: BaseException) -> Fault | None:
    """The fault behind ``exc`` (looking through its causes), or ``None`` for any other error."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        found = _own_fault(current)
        if found is not None:
            return found
        current = current.__cause__ or current.__context__
    return None


def _own_fault(exc: BaseException) -> Fault | None:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "disk_full"
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF == _SQLITE_FULL:
            return "disk_full"
        if _DISK_FULL_TEXT in str(exc):
            return "disk_full"
        if code is not None and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return "database_unavailable"
        return None
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return "database_unavailable"
        return _driver_fault(exc.orig)
    return None


def _driver_fault(orig: BaseException | None) -> Fault | None:
    """PostgreSQL's connection-level errors (psycopg is imported only by a relay using it)."""
    if orig is None or isinstance(orig, sqlite3.Error):
        return _own_fault(orig) if orig is not None else None
    module = type(orig).__module__
    if module.startswith("psycopg"):
        import psycopg

        if isinstance(orig, psycopg.errors.DiskFull):
            return "disk_full"
        if isinstance(orig, psycopg.OperationalError | psycopg.InterfaceError):
            return "database_unavailable"
    return None
