"""A thin, read-only, synchronous database client (the connector runs it in a worker thread).

Every statement is built with SQLAlchemy Core's ``table()``/``column()``/``select()``, so
identifiers are quoted by the dialect and every value is a bound parameter. Sessions are
read-only where the backend allows it: SQLite opens the file with ``mode=ro`` and
``query_only``; PostgreSQL and MySQL/MariaDB set the session's transactions READ ONLY.
Sessions run in UTC so naive timestamps compare the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.sqltypes import NULLTYPE

from connectors.sql.errors import bad_url, translate
from connectors.sql.mapping import Entity

Row = dict[str, Any]
T = TypeVar("T")

CURSOR = "_sd_cursor"
KEY = "_sd_key"
_DRIVERS = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
}
_PRODUCTS = {"postgresql": "PostgreSQL", "mysql": "MySQL", "mariadb": "MariaDB", "sqlite": "SQLite"}
_SESSION_SQL = {
    "postgresql": (
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
        "SET TIME ZONE 'UTC'",
    ),
    "mysql": ("SET SESSION TRANSACTION READ ONLY", "SET time_zone = '+00:00'"),
    "mariadb": ("SET SESSION TRANSACTION READ ONLY", "SET time_zone = '+00:00'"),
    "sqlite": ("PRAGMA query_only = ON",),
}


def parse_url(text: str) -> URL:
    """The merchant's database URL, with a sync driver we ship."""
    try:
        url = make_url((text or "").strip())
    except (sa.exc.ArgumentError, ValueError):
        raise bad_url() from None
    return url.set(drivername=_DRIVERS.get(url.drivername, url.drivername))


def read_only_url(url: URL) -> URL:
    """SQLite files open with ``mode=ro`` (and are never created when missing)."""
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = url.database.removeprefix("file:")
        query = {**url.query, "mode": "ro", "uri": "true"}
        return url.set(database="file:" + quote(path, safe="/:\\"), query=query)
    return url


class SqlClient:
    """Read-only queries over one database; every failure becomes an ``IntegrationError``."""

    def __init__(self, url: str) -> None:
        given = parse_url(url)
        self.display_url = given.render_as_string(hide_password=True)
        self._url = read_only_url(given)
        self._tables: dict[str, sa.TableClause] = {}
        try:
            self._engine = sa.create_engine(
                self._url, pool_pre_ping=True, connect_args=_connect_args(self._url)
            )
        except Exception as exc:  # bad driver names, bad query options
            raise translate(exc, self.display_url) from None
        event.listen(self._engine, "connect", _read_only_session(self.backend))

    def __repr__(self) -> str:
        return f"SqlClient({self.display_url!r})"

    @property
    def backend(self) -> str:
        return self._url.get_backend_name()

    @property
    def database(self) -> str:
        name = self._url.database or ""
        return name.rsplit("/", 1)[-1].split("?", 1)[0] or self.backend

    def run(self, work: Callable[[sa.Connection], T]) -> T:
        """Run ``work`` in one read-only connection (rolled back, never committed)."""
        try:
            with self._engine.connect() as conn:
                return work(conn)
        except Exception as exc:
            raise translate(exc, self.display_url) from None

    def rows(self, stmt: Select[Any]) -> list[Row]:
        return self.run(lambda conn: [dict(r._mapping) for r in conn.execute(stmt)])

    def scalar(self, stmt: Select[Any]) -> Any:
        return self.run(lambda conn: conn.execute(stmt).scalar())

    def server_version(self) -> str:
        def probe(conn: sa.Connection) -> str:
            dialect = conn.dialect
            name = _PRODUCTS.get(self.backend, self.backend)
            if getattr(dialect, "is_mariadb", False):
                name = "MariaDB"
            return f"{name} {'.'.join(str(p) for p in dialect.server_version_info or ())}"

        return self.run(probe)

    def columns_of(self, entities: Iterable[Entity]) -> dict[str, set[str] | None]:
        """Each entity's table → its column names, or ``None`` when the table is missing."""

        def inspect(conn: sa.Connection) -> dict[str, set[str] | None]:
            found: dict[str, set[str] | None] = {}
            insp = sa.inspect(conn)
            for e in entities:
                if not insp.has_table(e.table, schema=e.schema):
                    found[e.label] = None
                else:
                    cols = insp.get_columns(e.table, schema=e.schema)
                    found[e.label] = {str(c["name"]) for c in cols}
            return found

        return self.run(inspect)

    def dispose(self) -> None:
        self._engine.dispose()

    # --- statement building -------------------------------------------------------------
    def table(self, entity: Entity) -> sa.TableClause:
        """One table construct per entity, so its columns share a single FROM."""
        if entity.name not in self._tables:
            columns: list[sa.ColumnClause[Any]] = [sa.column(c) for c in entity.all_columns()]
            self._tables[entity.name] = sa.table(entity.table, *columns, schema=entity.schema)
        return self._tables[entity.name]

    def col(self, entity: Entity, field: str) -> ColumnElement[Any] | None:
        name = entity.column(field)
        return self.table(entity).c[name] if name else None

    def cursor_expr(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        """The change-stream cursor: SQLite text times are normalised to one sortable form."""
        if self.backend == "sqlite":
            return sa.func.strftime("%Y-%m-%d %H:%M:%f", column)
        return column

    def cursor_value(self, since: datetime) -> Any:
        """``since`` as the backend compares it: naive UTC (sessions run in UTC)."""
        moment = since.astimezone(UTC).replace(tzinfo=None)
        if self.backend == "sqlite":
            return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
        return moment


def untyped(value: Any) -> sa.BindParameter[Any]:
    """A bound value the database coerces to the column's type (``'1001'`` = integer column)."""
    return sa.bindparam(None, value, type_=NULLTYPE)


def matches_text(column: ColumnElement[Any], value: str) -> ColumnElement[bool]:
    """Case-insensitive equality."""
    return sa.func.lower(column) == value.strip().lower()


def rows_by(rows: Iterable[Row], key: str) -> Mapping[Any, list[Row]]:
    grouped: dict[Any, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row.get(key), []).append(row)
    return grouped


def _connect_args(url: URL) -> dict[str, Any]:
    backend = url.get_backend_name()
    if backend in ("postgresql", "mysql", "mariadb") and "connect_timeout" not in url.query:
        return {"connect_timeout": 10}
    if backend == "sqlite":
        return {"timeout": 5}
    return {}


def _read_only_session(backend: str) -> Callable[[Any, Any], None]:
    statements = _SESSION_SQL.get(backend, ())

    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        try:
            for sql in statements:
                cursor.execute(sql)
        finally:
            cursor.close()
        if backend != "sqlite":
            dbapi_conn.commit()  # end the transaction the SETs opened; the session keeps them

    return on_connect
