"""The fault suite: the relay and the console under crashes, full disks, failing stores and
a database that goes away. Reuses the relay tests' fixtures (settings in a temporary data
dir, a PostgreSQL URL)."""

from __future__ import annotations

from tests.relay.conftest import relay_settings

__all__ = ["relay_settings"]
