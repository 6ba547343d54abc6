"""Database driver failures (PyMySQL, psycopg, sqlite3) → ``IntegrationError``s.

Driver messages can name the user and host but never the password; still, only the
missing table or column is copied into what the merchant reads.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import exc as sa_exc

from connectors.errors import (
    AuthError,
    BadResponseError,
    ConfigError,
    IntegrationError,
    UnavailableError,
)

PLATFORM = "sql"

_MYSQL_AUTH = {1044, 1045, 1142, 1143, 1227, 1698}
_MYSQL_DOWN = {2002, 2003, 2005, 2006, 2013, 1040, 1053}
_PG_AUTH = {"28P01", "28000", "42501"}
_QUOTED = re.compile(r"""["'`]([^"'`]+)["'`]""")
_SQLITE_NAME = re.compile(r"no such (?:table|column): (\S+)")


class ValueMismatchError(BadResponseError):
    """A looked-up value does not fit the column's type (``'SD-1001'`` against an integer)."""


def bad_url() -> ConfigError:
    return ConfigError(
        PLATFORM,
        "The database address is not valid.",
        hint="Use an address such as postgresql://user:password@host:5432/shop, "
        "mysql://user:password@host/shop or sqlite:///path/to/shop.sqlite.",
    )


def translate(exc: Exception, where: str) -> IntegrationError:
    """One driver exception → the merchant's sentence; ``where`` is the hidden-password URL."""
    if isinstance(exc, IntegrationError):
        return exc
    if isinstance(exc, (sa_exc.ArgumentError, sa_exc.NoSuchModuleError)):
        return bad_url()
    if not isinstance(exc, sa_exc.DBAPIError):
        return UnavailableError(
            PLATFORM,
            f"Reading the database {where} failed.",
            hint="Try again; if it persists, check the database server's log.",
            detail=type(exc).__name__,
        )
    orig: BaseException = exc.orig or exc
    args: tuple[Any, ...] = getattr(orig, "args", ())
    text = str(args[1]) if len(args) > 1 and isinstance(args[0], int) else str(orig)
    detail = f"{type(orig).__name__}: {text[:200]}"
    kind = "value" if isinstance(exc, sa_exc.DataError) else _classify(orig, text)
    return _error(kind, _name_in(text), where, detail)


def _classify(orig: BaseException, text: str) -> str:
    sqlstate = getattr(orig, "sqlstate", None)
    args: tuple[Any, ...] = getattr(orig, "args", ())
    code = args[0] if args and isinstance(args[0], int) else None
    lowered = text.lower()
    if (
        code in _MYSQL_AUTH
        or sqlstate in _PG_AUTH
        or "password authentication failed" in lowered
        or ("role" in lowered and "does not exist" in lowered)
        or "no password supplied" in lowered
    ):
        return "auth"
    if (
        code == 1049
        or sqlstate == "3D000"
        or ("database" in lowered and "does not exist" in lowered)
    ):
        return "database"
    if code == 1146 or sqlstate == "42P01" or "no such table" in lowered:
        return "table"
    if code == 1054 or sqlstate == "42703" or "no such column" in lowered:
        return "column"
    if "unable to open database file" in lowered or "file is not a database" in lowered:
        return "file"
    if (
        code in _MYSQL_DOWN
        or (sqlstate or "").startswith(("08", "57P"))
        or "connection" in lowered
        or "locked" in lowered
    ):
        return "down"
    return "other"


def _name_in(text: str) -> str:
    match = _SQLITE_NAME.search(text) or _QUOTED.search(text)
    return match.group(1) if match else "?"


def _error(kind: str, name: str, where: str, detail: str) -> IntegrationError:
    if kind == "auth":
        return AuthError(
            PLATFORM,
            f"The database {where} refused the user name or password.",
            hint="Check the user and password in the database address, "
            "and that this user may read the shop's tables.",
            detail=detail,
        )
    if kind == "database":
        return ConfigError(
            PLATFORM,
            f"The database {name!r} does not exist on {where}.",
            hint="Check the database name at the end of the address.",
            detail=detail,
        )
    if kind in ("table", "column"):
        return ConfigError(
            PLATFORM,
            f"The {kind} {name!r} does not exist in the database.",
            hint="Fix the table or column name in the mapping.",
            detail=detail,
        )
    if kind == "file":
        return ConfigError(
            PLATFORM,
            f"The database file {where} cannot be opened.",
            hint="Check the path to the SQLite file and that it is a database.",
            detail=detail,
        )
    if kind == "down":
        return UnavailableError(
            PLATFORM,
            f"Could not reach the database {where}.",
            hint="Check that the database server is running and reachable from this computer.",
            detail=detail,
        )
    if kind == "value":
        return ValueMismatchError(
            PLATFORM,
            f"A value did not fit a column's type in the database {where}.",
            hint="Check the mapping's column types.",
            detail=detail,
        )
    return BadResponseError(
        PLATFORM,
        f"The database {where} could not answer a query.",
        hint="Check the mapping's column types; the detail is in the log.",
        detail=detail,
    )
