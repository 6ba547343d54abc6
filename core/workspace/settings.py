"""Workspace-wide settings kept in the workspace itself (``workspace_settings``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert

from core.workspace.database import Workspace
from core.workspace.models import WorkspaceSetting

RETENTION_KEY = "retention_days"
MIN_RETENTION_DAYS = 1
MAX_RETENTION_DAYS = 3650


class RetentionError(ValueError):
    """A retention period the workspace cannot use; ``str()`` is the sentence."""


def check_retention(value: object) -> int | None:
    """Whole days from 1 to 3650, or None ("keep everything"); one sentence otherwise."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("", "off", "never", "forever", "none"):
            return None
        if not text.isdigit():
            raise RetentionError(
                f"{value!r} is not a number of days: give a whole number from "
                f"{MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS}, or 'off' to keep everything."
            )
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RetentionError("The retention period must be a whole number of days.")
    if not MIN_RETENTION_DAYS <= value <= MAX_RETENTION_DAYS:
        raise RetentionError(
            f"The retention period must be from {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} "
            f"days (you gave {value}); use 'off' to keep everything."
        )
    return value


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
