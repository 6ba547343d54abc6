from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from core.workspace import Workspace
from core.workspace.models import ConversationRow, LeadRow, MessageRow, Widget


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(tmp_path / "ws")
    yield ws
    ws.close()


def at(day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


class Writer:
    """Writes conversations, messages and leads straight into a workspace."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.n = 0

    def widget(self, name: str, timezone: str = "UTC", **config: Any) -> int:
        moment = at(1)
        with self.workspace.engine.begin() as c:
            result = c.execute(
                insert(Widget).values(
                    key=f"w_{name}",
                    name=name,
                    config={"timezone": timezone, **config},
                    created_at=moment,
                    updated_at=moment,
                )
            )
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def conversation(self, started: datetime, **values: Any) -> str:
        self.n += 1
        cid = f"c_{self.n}"
        row = {"id": cid, "channel": "widget", "started_at": started, "updated_at": started}
        with self.workspace.engine.begin() as c:
            c.execute(insert(ConversationRow).values({**row, **values}))
        return cid

    def message(self, cid: str, role: str, moment: datetime, text: str = "", **values: Any) -> None:
        self.n += 1
        row = {"id": f"m_{self.n}", "conversation_id": cid, "role": role, "text": text}
        with self.workspace.engine.begin() as c:
            c.execute(insert(MessageRow).values({**row, "created_at": moment, **values}))

    def lead(self, moment: datetime, **values: Any) -> str:
        self.n += 1
        lid = f"l_{self.n}"
        row = {"id": lid, "kind": "contact", "created_at": moment}
        with self.workspace.engine.begin() as c:
            c.execute(insert(LeadRow).values({**row, **values}))
        return lid


@pytest.fixture
def write(workspace: Workspace) -> Writer:
    return Writer(workspace)
