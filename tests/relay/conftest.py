"""Shared relay fixtures: ``relay_settings(**overrides)`` builds test settings in a temporary
data dir, ``app_client`` is a test client of the real app (SQLite, migrated), ``relay_pg_url``
a PostgreSQL URL on a fresh schema (skipped without PostgreSQL)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from relay.app import create_app
from relay.settings import Settings

RELAY_KEY = b"r" * 32
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
SettingsFactory = Callable[..., Settings]


@pytest.fixture
def relay_settings(tmp_path: Path) -> SettingsFactory:
    """``relay_settings(**overrides)`` → ``Settings`` with a data dir under ``tmp_path``."""

    def make(**overrides: Any) -> Settings:
        data_dir = tmp_path / "relay"
        data_dir.mkdir(exist_ok=True)
        values: dict[str, Any] = {"data_dir": data_dir, "relay_key": RELAY_KEY}
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
async def app_client(aiohttp_client: Any, relay_settings: SettingsFactory) -> TestClient:
    """A client of ``create_app(relay_settings())``; build your own for other settings."""
    return await aiohttp_client(create_app(relay_settings()))


def _postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def relay_pg_url() -> Iterator[str]:
    """A PostgreSQL URL on a schema made for this test (dropped after); skipped when the
    machine's PostgreSQL (127.0.0.1:5432) does not answer."""
    if not _postgres_answers():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    import psycopg

    schema = f"relay_app_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
