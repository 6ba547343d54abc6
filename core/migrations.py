"""Running a package's own Alembic migrations, shared by the workspace and the relay's
database. Alembic is imported only when a schema actually has to change."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, inspect, text

_REVISION = re.compile(r"""^revision\s*=\s*["']([^"']+)["']""", re.MULTILINE)


def known_revisions(migrations_dir: Path) -> set[str]:
    """The revision ids of the migrations in ``migrations_dir/versions`` (as each file
    declares it: an id such as ``0005_insights`` is more than the file name's number)."""
    found = set()
    for path in (migrations_dir / "versions").glob("[0-9]*.py"):
        declared = _REVISION.search(path.read_text(encoding="utf-8"))
        found.add(declared.group(1) if declared else path.stem.split("_", 1)[0])
    return found


def alembic_config(migrations_dir: Path, connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.attributes["connection"] = connection
    return config


def current_revision(connection: Connection) -> str | None:
    """The database's revision, read from Alembic's version table (``None`` when new)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if revision is None else str(revision)


def upgrade_to_head(migrations_dir: Path, connection: Connection) -> None:
    from alembic import command

    command.upgrade(alembic_config(migrations_dir, connection), "head")
