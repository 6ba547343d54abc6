"""The shared connector plumbing: retries, and finding connectors (plug-ins included)."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import EntryPoint
from typing import Any

import pytest

from connectors import registry
from connectors.base import ConnectorContext
from connectors.errors import AuthError, ConfigError, RateLimitedError, UnavailableError
from connectors.retry import RetryPolicy, with_retry
from tests.connectors.fake_store import FakeConnector


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def _failing(errors: list[Exception], result: str = "ok") -> Any:
    async def call() -> str:
        if errors:
            raise errors.pop(0)
        return result

    return call


async def test_retryable_errors_are_retried_with_bounded_jitter() -> None:
    sleeps = Sleeps()
    policy = RetryPolicy(attempts=4, base=0.5, cap=10, sleep=sleeps, random=lambda: 1.0)
    errors: list[Exception] = [UnavailableError("x", "down"), UnavailableError("x", "down")]
    assert await with_retry(_failing(errors), policy) == "ok"
    assert sleeps.calls == [1.0, 2.0]  # base·2^attempt, the jitter at its top


async def test_a_rate_limit_waits_exactly_as_long_as_asked() -> None:
    sleeps = Sleeps()
    errors: list[Exception] = [RateLimitedError("x", "slow down", wait=3.25)]
    assert await with_retry(_failing(errors), RetryPolicy(sleep=sleeps)) == "ok"
    assert sleeps.calls == [3.25]


async def test_non_retryable_errors_fail_at_once() -> None:
    sleeps = Sleeps()
    with pytest.raises(AuthError):
        await with_retry(_failing([AuthError("x", "bad key")]), RetryPolicy(sleep=sleeps))
    assert sleeps.calls == []


async def test_retries_stop_after_the_last_attempt_or_an_unreasonable_wait() -> None:
    sleeps = Sleeps()
    errors: list[Exception] = [UnavailableError("x", "down") for _ in range(5)]
    with pytest.raises(UnavailableError):
        await with_retry(_failing(errors), RetryPolicy(attempts=3, sleep=sleeps))
    assert len(sleeps.calls) == 2
    with pytest.raises(RateLimitedError):
        slow: list[Exception] = [RateLimitedError("x", "later", wait=3600)]
        await with_retry(_failing(slow), RetryPolicy(sleep=sleeps))


def test_unknown_platforms_are_a_clear_config_error() -> None:
    with pytest.raises(ConfigError, match="no connector for 'magento'"):
        registry.factory_for("magento")


def _plugin(settings: Mapping[str, Any], secrets: Mapping[str, str], ctx: Any) -> Any:
    return FakeConnector()


def test_third_party_connectors_come_from_the_entry_point_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    point = EntryPoint("acme", f"{__name__}:_plugin", registry.ENTRY_POINT_GROUP)
    broken = EntryPoint("broken", "no_such_module:create", registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [point, broken])
    assert "acme" in registry.available_platforms()
    connector = registry.build("acme", {}, {}, ConnectorContext())
    assert isinstance(connector, FakeConnector)
    with pytest.raises(ConfigError, match="failed to load"):
        registry.factory_for("broken")
