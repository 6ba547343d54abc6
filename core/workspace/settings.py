"""Workspace-wide settings kept in the workspace itself (``workspace_settings``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert

from core.workspace.database import Workspace
from core.workspace.models import WorkspaceSetting

RETENTION_KEY = "retention_days"


class WorkspaceSettings:
    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    def get(self, key: str, default: Any = None) -> Any:
        with self._workspace.engine.connect() as connection:
            found = connection.execute(
                select(WorkspaceSetting.value).where(WorkspaceSetting.key == key)
            ).first()
        return default if found is None else found[0]

    def set(self, key: str, value: Any) -> None:
        statement = insert(WorkspaceSetting).values(key=key, value=value)
        statement = statement.on_conflict_do_update(index_elements=["key"], set_={"value": value})
        with self._workspace.engine.begin() as connection:
            connection.execute(statement)

    @property
    def retention_days(self) -> int | None:
        value = self.get(RETENTION_KEY)
        return value if isinstance(value, int) and not isinstance(value, bool) else None
