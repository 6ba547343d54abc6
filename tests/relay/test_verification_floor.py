"""The answer-time floor of a failed shopper verification: the 90th percentile of the store's
recent order lookups of either kind (found, not found), capped by the lookup budget; a
failed turn waits out what is left of it after its first checked lookup began. Clocks and
sleeps are fakes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from connectors.errors import NotFoundError
from core.records import Order
from relay.services.lookup_times import LookupTimes
from relay.services.lookups import LookupSettings, StoreLookup
from relay.services.verification import GatedLookup
from tests.relay.test_lookups import order


class Ticks:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_floor_is_the_slowest_recent_answer_of_either_kind() -> None:
    times = LookupTimes(size=4)
    assert times.floor(3.0) == 0.0
    times.add(0.3, found=True)
    times.add(0.1, found=False)
    assert times.floor(3.0) == 0.3
    times.add(0.5, found=False)
    assert times.floor(3.0) == 0.5
    assert times.floor(0.4) == 0.4  # never past the lookup budget


def test_one_slow_answer_in_a_full_window_does_not_set_the_floor() -> None:
    times = LookupTimes()  # 32 answers of each kind
    times.add(2.5, found=True)  # a cold connection
    for _ in range(31):
        times.add(0.2, found=True)
    assert times.floor(3.0) == 0.2
    for _ in range(4):  # but the slowest tenth of the answers does
        times.add(0.7, found=True)
    assert times.floor(3.0) == 0.7


def test_quick_guesses_of_one_kind_do_not_lower_the_floor_the_other_kind_set() -> None:
    times = LookupTimes(size=4)
    times.add(0.3, found=True)
    for _ in range(100):  # a guesser's flood of unknown numbers, answered at once
        times.add(0.01, found=False)
    assert times.floor(3.0) == 0.3
    for _ in range(4):  # the store got quicker at finding orders: the window moves on
        times.add(0.05, found=True)
    assert times.floor(3.0) == 0.05


class TimedConnector:
    """Each lookup takes ``seconds`` on ``ticks``; numbers starting with 9 do not exist."""

    platform = "sql"

    def __init__(self, ticks: Ticks, seconds: dict[str, float]) -> None:
        self.ticks = ticks
        self.seconds = seconds
        self.calls = 0

    async def get_order(self, number: str) -> Order | None:
        self.calls += 1
        self.ticks.now += self.seconds[number]
        if number.startswith("9"):
            raise NotFoundError("sql", "No such order.")
        return order(number)


def _lookup(connector: TimedConnector, ticks: Ticks, timeout: float = 3.0) -> StoreLookup:
    def now() -> datetime:
        return datetime(2025, 6, 2, 12, 0, tzinfo=UTC)

    def build() -> Any:  # a connector as far as order lookups go
        return connector

    return StoreLookup(build, LookupSettings(timeout=timeout), now, clock=ticks)


async def test_the_store_lookup_keeps_its_order_answer_times() -> None:
    ticks = Ticks()
    connector = TimedConnector(ticks, {"1001": 0.4, "9001": 0.2, "1002": 5.0})
    lookup = _lookup(connector, ticks)
    assert lookup.verification_floor() == 0.0
    assert await lookup.get_order("9001") is None
    assert lookup.verification_floor() == pytest.approx(0.2)
    assert await lookup.get_order("1001") is not None
    assert lookup.verification_floor() == pytest.approx(0.4)
    assert await lookup.get_order("1001") is not None  # from the cache: not the store's time
    assert connector.calls == 2
    await lookup.get_order("1002")
    assert lookup.verification_floor() == 3.0  # the lookup budget at most


class OpenGate:
    """A turn gate that always grants the attempt."""

    reserved = 0

    async def reserve(self) -> None:
        self.reserved += 1


class Sleeps:
    def __init__(self, ticks: Ticks) -> None:
        self.ticks = ticks
        self.slept: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.ticks.now += seconds


def _gated(
    connector: TimedConnector, ticks: Ticks, floor: float, verified: tuple[str, ...] = ()
) -> tuple[GatedLookup, Sleeps]:
    sleeps = Sleeps(ticks)
    store = _lookup(connector, ticks)
    gate: Any = OpenGate()
    gated = GatedLookup(store, gate, verified, floor=lambda: floor, clock=ticks, sleep=sleeps)
    return gated, sleeps


async def test_a_failed_turn_waits_out_the_floor_from_its_first_checked_lookup() -> None:
    ticks = Ticks()
    connector = TimedConnector(ticks, {"1001": 0.1, "9001": 0.3})
    for number, left in (("1001", 0.4), ("9001", 0.2)):
        gated, sleeps = _gated(connector, ticks, floor=0.5)
        await gated.get_order(number)
        await gated.hold()
        assert sleeps.slept == [left]  # both answered 0.5 s after the lookup began


async def test_no_wait_past_the_floor_nor_without_a_checked_lookup() -> None:
    ticks = Ticks()
    connector = TimedConnector(ticks, {"1001": 0.6})
    gated, sleeps = _gated(connector, ticks, floor=0.5)
    await gated.get_order("1001")
    await gated.hold()  # the store took longer than the floor already
    gated_known, sleeps_known = _gated(connector, ticks, floor=0.5, verified=("1001",))
    await gated_known.get_order("1001")  # an order this conversation proved: not a guess
    await gated_known.hold()
    nothing, sleeps_nothing = _gated(connector, ticks, floor=0.5)
    await nothing.hold()
    assert sleeps.slept == sleeps_known.slept == sleeps_nothing.slept == []
