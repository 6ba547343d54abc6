"""The local workspace: one SQLite database per merchant, changed only by migrations."""

from __future__ import annotations

from core.workspace.database import HEAD_REVISION, Workspace, upgrade
from core.workspace.paths import WorkspaceError, resolve_data_dir

__all__ = ["HEAD_REVISION", "Workspace", "WorkspaceError", "resolve_data_dir", "upgrade"]
