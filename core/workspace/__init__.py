"""The local workspace: one SQLite database per merchant, changed only by migrations."""

from __future__ import annotations

from core.workspace.database import HEAD_REVISION, Workspace, WorkspaceError, upgrade
from core.workspace.paths import resolve_data_dir

__all__ = ["HEAD_REVISION", "Workspace", "WorkspaceError", "resolve_data_dir", "upgrade"]
