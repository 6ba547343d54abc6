"""A relay whose Redis does not answer keeps serving on its own view: its own rate limits,
one warning in the log, and ``/readyz`` still 200 saying Redis is unavailable."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from relay.app import create_app
from tests.relay.conftest import SettingsFactory
from tests.relay.process import free_port


async def test_a_relay_without_its_redis_serves_alone_and_says_so(
    aiohttp_client: Any, relay_settings: SettingsFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="relay.shared")
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    client = await aiohttp_client(create_app(relay_settings(redis_url=nowhere, ip_burst=3)))
    response = await client.get("/readyz")
    assert response.status == 200
    body = await response.json()
    assert body["redis"] == "unavailable" and body["publishes"] == "off"
    assert "serves on its own view" in body["note"]
    statuses = [(await client.get("/v1/widgets/wk_nobody/config")).status for _ in range(4)]
    assert statuses == [404, 404, 404, 429]  # this relay's own limit still holds
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "is not answering" in warnings[0].getMessage()


async def test_a_relay_on_its_own_reports_nothing_shared(
    aiohttp_client: Any, app_client: Any
) -> None:
    response = await app_client.get("/readyz")
    body = await response.json()
    assert body.pop("alerts")["state"] == "ok"  # what the relay's alerts say (test_alerts.py)
    assert body == {"status": "ready", "redis": "off", "publishes": "off"}
