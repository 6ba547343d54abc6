"""The relay's alert rule: error rate and p95 latency over a rolling window, against
thresholds the operator may set, exposed to the console, /readyz and /metrics."""

from __future__ import annotations

import argparse
import base64
from typing import Any

import pytest
from aiohttp import web

from relay.alerts import AlertRules, RequestWindow
from relay.app import create_app
from relay.settings import Settings, SettingsError, alert_rules
from tests.relay.console_helpers import paired_console


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _window(**rules: Any) -> tuple[RequestWindow, Clock]:
    clock = Clock()
    return RequestWindow(AlertRules(**rules), clock=clock), clock


def test_the_error_rate_alerts_above_its_threshold_only() -> None:
    window, _ = _window(min_requests=20)
    for number in range(100):
        window.add(500 if number < 5 else 200, 0.01)
    summary = window.summary()
    assert (summary.requests, summary.errors, summary.error_rate) == (100, 5, 0.05)
    assert summary.alerts == ()  # 5 % is the threshold, not above it
    window.add(503, 0.01)
    [alert] = window.summary().alerts
    assert alert.kind == "error_rate" and "5.9%" in alert.message
    assert window.summary().as_json()["state"] == "alert"


def test_client_errors_are_not_the_relays_errors() -> None:
    window, _ = _window()
    for _ in range(50):
        window.add(404, 0.01)
        window.add(429, 0.01)
    assert window.summary().alerts == ()


def test_p95_latency_alerts_above_two_seconds() -> None:
    window, _ = _window()
    for number in range(100):
        window.add(200, 2.5 if number < 5 else 0.1)  # 5 slow of 100: p95 is still fast
    assert window.summary().p95 == pytest.approx(0.1, rel=0.01)
    assert window.summary().alerts == ()
    for _ in range(3):
        window.add(200, 3.0)
    summary = window.summary()
    assert summary.p95 == pytest.approx(2.5, rel=0.01)
    [alert] = summary.alerts
    assert alert.kind == "latency" and alert.threshold == 2.0


def test_streams_count_for_errors_but_not_for_latency() -> None:
    window, _ = _window()
    for _ in range(30):
        window.add(200, 600.0, timed=False)  # a console stream open for ten minutes
        window.add(200, 0.05)
    assert window.summary().p95 == pytest.approx(0.05, rel=0.01)
    assert window.summary().alerts == ()


def test_too_few_requests_raise_nothing() -> None:
    window, _ = _window(min_requests=20)
    for _ in range(19):
        window.add(500, 5.0)
    assert window.summary().alerts == ()
    window.add(500, 5.0)
    assert {a.kind for a in window.summary().alerts} == {"error_rate", "latency"}


def test_the_window_moves_on_and_the_incident_resolves() -> None:
    window, clock = _window(window=300.0)
    for _ in range(40):
        window.add(500, 4.0)
    assert len(window.summary().alerts) == 2
    clock.now += 200
    for _ in range(40):
        window.add(200, 0.1)
    assert window.summary().requests == 80 and len(window.summary().alerts) == 2
    clock.now += 101  # the failing requests left the window
    summary = window.summary()
    assert (summary.requests, summary.alerts) == (40, ())


def test_the_p95_is_the_nearest_rank_at_most_one_percent_above() -> None:
    for values, expected in (([5.0, 1.0, 3.0, 2.0, 4.0], 5.0), (range(1, 101), 95.0)):
        window, _ = _window()
        for value in values:
            window.add(200, float(value))
        p95 = window.summary().p95
        assert p95 is not None and expected <= p95 <= expected * 1.01


def test_the_threshold_is_decided_exactly() -> None:
    window, _ = _window(p95_seconds=2.0, min_requests=20)
    for _ in range(100):
        window.add(200, 2.0)  # exactly the threshold: not above it
    assert window.summary().alerts == ()
    for _ in range(100):
        window.add(200, 2.0001)  # a hair above, on most answers
    [alert] = window.summary().alerts
    assert alert.kind == "latency" and 2.0 < alert.value <= 2.0 * 1.01


def test_a_busy_window_keeps_one_small_bucket_per_second() -> None:
    window, clock = _window(window=300.0)
    for second in range(600):
        clock.now = 1000.0 + second
        for number in range(200):
            window.add(500 if number == 0 else 200, 0.01 * (1 + number % 7))
    assert len(window._seconds) <= 301
    summary = window.summary()
    assert 299 * 200 <= summary.requests <= 301 * 200
    assert summary.errors == summary.requests // 200


def test_thresholds_come_from_the_environment() -> None:
    assert alert_rules({}) == AlertRules(0.05, 2.0, 300.0)
    env = {
        "STOREDESK_RELAY_ALERT_ERROR_PERCENT": "2.5",
        "STOREDESK_RELAY_ALERT_P95_SECONDS": "0.8",
        "STOREDESK_RELAY_ALERT_WINDOW_SECONDS": "600",
    }
    assert alert_rules(env) == AlertRules(0.025, 0.8, 600.0)
    for name, bad in (
        ("STOREDESK_RELAY_ALERT_ERROR_PERCENT", "lots"),
        ("STOREDESK_RELAY_ALERT_ERROR_PERCENT", "150"),
        ("STOREDESK_RELAY_ALERT_P95_SECONDS", "-1"),
        ("STOREDESK_RELAY_ALERT_WINDOW_SECONDS", "5"),
    ):
        with pytest.raises(SettingsError, match=name):
            alert_rules({name: bad})


def test_settings_from_the_environment_carry_the_rules(tmp_path: Any) -> None:
    args = argparse.Namespace(data_dir=str(tmp_path / "relay"))
    key = base64.b64encode(b"r" * 32).decode()
    env = {"STOREDESK_RELAY_ALERT_P95_SECONDS": "1.5", "STOREDESK_RELAY_KEY": key}
    assert Settings.from_env(args, env).alert_rules == AlertRules(p95_seconds=1.5)


async def _broken(request: web.Request) -> web.Response:
    raise RuntimeError("the database fell over")


async def test_the_console_status_readyz_and_metrics_report_the_alert(
    aiohttp_client: Any, relay_settings: Any
) -> None:
    rules = AlertRules(error_rate=0.05, p95_seconds=2.0, window=300.0, min_requests=10)
    app = create_app(relay_settings(alert_rules=rules))
    app.router.add_get("/broken", _broken)
    client = await aiohttp_client(app)
    console = await paired_console(client)
    for _ in range(12):
        assert (await client.get("/healthz")).status == 200
    status, body = await console.call("GET", "/v1/console/status")
    assert status == 200
    assert body["alerts"]["state"] == "ok" and body["alerts"]["alerts"] == []
    assert body["alerts"]["thresholds"] == {"error_rate": 0.05, "p95_seconds": 2.0,
                                            "min_requests": 10}  # fmt: skip
    for _ in range(3):
        assert (await client.get("/broken")).status == 500
    status, body = await console.call("GET", "/v1/console/status")
    [alert] = body["alerts"]["alerts"]
    assert alert["kind"] == "error_rate" and alert["threshold"] == 0.05
    ready = await (await client.get("/readyz")).json()
    assert ready["alerts"] == {"state": "alert", "raised": ["error_rate"]}
    metrics = await (await client.get("/metrics")).text()
    assert 'storedesk_relay_alert{kind="error_rate"} 1.0' in metrics
    assert 'storedesk_relay_alert{kind="latency"} 0.0' in metrics
    assert "storedesk_relay_window_p95_seconds" in metrics


async def test_a_slow_relay_is_reported(aiohttp_client: Any, relay_settings: Any) -> None:
    rules = AlertRules(p95_seconds=1e-9, min_requests=5)  # every answer is "slow" here
    client = await aiohttp_client(create_app(relay_settings(alert_rules=rules)))
    for _ in range(6):
        await client.get("/healthz")
    ready = await (await client.get("/readyz")).json()
    assert ready["alerts"]["raised"] == ["latency"]
