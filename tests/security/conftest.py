"""The attack suite shares the browser tests' Chromium (``tests/widget/conftest.py``) and the
relay tests' settings and clients (``tests/relay/conftest.py``)."""

from __future__ import annotations

from tests.relay.conftest import app_client, relay_pg_url, relay_settings
from tests.widget.conftest import browser, playwright

__all__ = ["app_client", "browser", "playwright", "relay_pg_url", "relay_settings"]
