"""Erasing on both sides: the workspace is erased only after the relay confirmed, and a
half-done erasure says which half."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from console.privacy_flow import PrivacyFlowError, erase_everywhere
from console.relay_client import RelayError
from core.privacy import shopper_from
from core.workspace import Workspace
from core.workspace.privacy import PrivacyRepository
from tests.core.analytics.conftest import Writer, at

ANN = shopper_from("ann@example.com", None)


class FakeRelay:
    def __init__(self, answer: Any) -> None:
        self.answer = answer

    async def erase_shopper(self, email: str | None, phone: str | None) -> dict[str, int]:
        if isinstance(self.answer, Exception):
            raise self.answer
        return dict(self.answer)


@pytest.fixture
def workspace(tmp_path: Path) -> Any:
    ws = Workspace.open(tmp_path / "ws")
    writer = Writer(ws)
    cid = writer.conversation(at(2), customer_email="ann@example.com")
    writer.message(cid, "shopper", at(2), "hello")
    yield ws
    ws.close()


async def test_a_refusing_relay_erases_nothing(workspace: Workspace) -> None:
    relay = FakeRelay(RelayError("The relay refused: try later."))
    with pytest.raises(PrivacyFlowError, match="Nothing was erased: the relay did not confirm"):
        await erase_everywhere(workspace, relay, ANN)  # type: ignore[arg-type]
    assert PrivacyRepository(workspace).find(ANN).counts()["conversations"] == 1


async def test_a_local_failure_after_the_relay_erased_says_so(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> None:
        raise OperationalError("DELETE", {}, Exception("disk I/O error"))

    monkeypatch.setattr(PrivacyRepository, "erase", broken)
    relay = FakeRelay({"conversations": 1, "messages": 1})
    with pytest.raises(
        PrivacyFlowError, match=r"The relay erased the shopper \(1 conversation, 1 message"
    ):
        await erase_everywhere(workspace, relay, ANN)  # type: ignore[arg-type]


async def test_both_sides_confirmed(workspace: Workspace) -> None:
    relay = FakeRelay({"conversations": 1, "messages": 2, "leads": 0})
    erased = await erase_everywhere(workspace, relay, ANN)  # type: ignore[arg-type]
    assert erased.local == {"conversations": 1, "messages": 1, "leads": 0}
    assert "The relay confirmed: 1 conversation, 2 messages, 0 leads." in erased.summary()
