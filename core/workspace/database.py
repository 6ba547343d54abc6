"""Opening a workspace: one SQLite file (WAL, foreign keys on), migrated to head on open."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from core import migrations
from core.workspace.paths import DATABASE_NAME, WorkspaceError, ensure_dir

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
HEAD_REVISION = "0011_recount_spam"
"""The newest migration; a test keeps it equal to Alembic's head."""


class Workspace:
    """One merchant workspace: the SQLite database under ``path``."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine

    @classmethod
    def open(cls, data_dir: Path) -> Workspace:
        path = ensure_dir(data_dir) / DATABASE_NAME
        engine = _create_engine(path)
        try:
            upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(path, engine)

    @property
    def data_dir(self) -> Path:
        return self.path.parent

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine) as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"


def _create_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, emit BEGIN, so SAVEPOINTs work.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    # A sync writes each page inside a SAVEPOINT (so one bad row can be retried alone): the
    # page's undo copy then stays in memory instead of a temporary file per page, which
    # made the page's upsert twice as slow. Only statements with rollback points and large
    # sorts use temporary storage; for a workspace, their size stays small.
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _on_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def current_revision(connection: Connection) -> str | None:
    return migrations.current_revision(connection)


def upgrade(engine: Engine) -> None:
    """Apply Alembic migrations up to head; cheap when the database is already there.

    A file that is not a workspace, or one from a newer Storedesk, is left untouched and
    reported in one sentence.
    """
    where = engine.url.database
    try:
        with engine.connect() as connection:
            revision = current_revision(connection)
    except DBAPIError as exc:
        raise WorkspaceError(
            f"{where} is not a Storedesk workspace or is damaged ({exc.orig}). It was left "
            "as it is: move it aside or choose another folder with --data-dir."
        ) from None
    if revision == HEAD_REVISION:
        return
    if revision is not None and revision not in known_revisions():
        raise WorkspaceError(
            f"{where} was last used by a newer Storedesk (schema {revision}). "
            "Update Storedesk to open it."
        )
    with engine.begin() as connection:
        migrations.upgrade_to_head(MIGRATIONS_DIR, connection)


def known_revisions() -> set[str]:
    """The revision ids of the migrations this version ships."""
    return migrations.known_revisions(MIGRATIONS_DIR)


def alembic_config(connection: Connection | None = None) -> Any:
    return migrations.alembic_config(MIGRATIONS_DIR, connection)
