"""The local workspace: one SQLite database per merchant, changed only by migrations.

``Workspace`` and the migration helpers load SQLAlchemy; they are imported on first use so
that code needing only the folder rules (``resolve_data_dir``) starts quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.workspace.paths import WorkspaceError, resolve_data_dir

if TYPE_CHECKING:
    from core.workspace.database import HEAD_REVISION, Workspace, upgrade

__all__ = ["HEAD_REVISION", "Workspace", "WorkspaceError", "resolve_data_dir", "upgrade"]


def __getattr__(name: str) -> Any:
    if name in ("HEAD_REVISION", "Workspace", "upgrade"):
        from core.workspace import database

        return getattr(database, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
