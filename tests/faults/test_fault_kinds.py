"""Which errors the relay answers 503 (the database cannot be used right now) and which stay
500 (a bug to fix): ``relay.storage.faults.fault_of``, through the causes the writer adds;
and an outage's 503s are logged without flooding the log."""

from __future__ import annotations

import errno
import logging
import sqlite3

import psycopg
import pytest
from aiohttp.test_utils import make_mocked_request
from sqlalchemy.exc import DBAPIError

from relay.middleware.errors import FaultLog
from relay.storage.errors import StorageError
from relay.storage.faults import fault_of


def _wrapped(orig: Exception) -> StorageError:
    """What the relay's writer raises for a failed write."""
    error = StorageError(f"The relay database refused the change ({orig}).")
    error.__cause__ = DBAPIError.instance("INSERT …", None, orig, type(orig), hide_parameters=True)
    return error


def _sqlite_error(kind: type[sqlite3.Error], message: str, code: int) -> sqlite3.Error:
    error = kind(message)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    ("error", "fault"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "disk_full"),
        (
            _wrapped(_sqlite_error(sqlite3.OperationalError, "database or disk is full", 13)),
            "disk_full",
        ),
        (
            _wrapped(_sqlite_error(sqlite3.OperationalError, "database is locked", 5)),
            "database_unavailable",
        ),
        (
            _wrapped(psycopg.OperationalError("server closed the connection unexpectedly")),
            "database_unavailable",
        ),
        (_wrapped(psycopg.errors.DiskFull("could not extend file")), "disk_full"),
        (_wrapped(_sqlite_error(sqlite3.IntegrityError, "UNIQUE constraint failed", 2067)), None),
        (_wrapped(psycopg.errors.UndefinedTable('relation "x" does not exist')), None),
        (OSError(errno.EACCES, "Permission denied"), None),
        (ValueError("a bug"), None),
    ],
)
def test_a_database_that_cannot_be_used_now_is_a_fault_a_bug_is_not(
    error: Exception, fault: str | None
) -> None:
    assert fault_of(error) == fault


def test_an_outage_is_logged_once_per_kind_every_few_seconds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    faults = FaultLog(clock=lambda: now[0])
    request = make_mocked_request("POST", "/v1/conversations/c_1/messages")
    full = OSError(errno.ENOSPC, "No space left on device")
    caplog.set_level(logging.ERROR, logger="relay.errors")
    for _ in range(50):
        faults.write(request, "disk_full", full)
    faults.write(request, "database_unavailable", psycopg.OperationalError("gone"))
    now[0] += FaultLog.EVERY
    faults.write(request, "disk_full", full)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "POST /v1/conversations/c_1/messages answered 503 (disk_full): "
        "OSError: [Errno 28] No space left on device",
        "POST /v1/conversations/c_1/messages answered 503 (database_unavailable): "
        "OperationalError: gone",
        "POST /v1/conversations/c_1/messages answered 503 (disk_full): "
        "OSError: [Errno 28] No space left on device; 49 more since the last line",
    ]
