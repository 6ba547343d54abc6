"""Shared test set-up: headless Qt, no OS keyring, and the paths of recorded fixtures."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from tests.woo_fixtures import woo_fixtures as _woo_fixtures

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own workspace and a master key from the environment,
    never the developer's real keyring or data dir."""
    monkeypatch.setenv("STOREDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STOREDESK_KEYRING", "off")
    monkeypatch.setenv("STOREDESK_MASTER_KEY", base64.b64encode(b"k" * 32).decode())


@pytest.fixture
def woo_fixtures() -> Path:
    return _woo_fixtures()
