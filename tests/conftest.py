"""Shared test set-up: headless Qt, no OS keyring, and the paths of recorded fixtures."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
# real WooCommerce 9.4.3 traffic, recorded once and kept with the tests (see its README.md)
WOO_FIXTURES = ROOT / "tests" / "fixtures" / "woocommerce-9.4.3"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own workspace and a master key from the environment,
    never the developer's real keyring or data dir."""
    monkeypatch.setenv("STOREDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STOREDESK_KEYRING", "off")
    monkeypatch.setenv("STOREDESK_MASTER_KEY", base64.b64encode(b"k" * 32).decode())


@pytest.fixture
def woo_fixtures() -> Path:
    assert WOO_FIXTURES.is_dir(), f"the recorded WooCommerce traffic is missing: {WOO_FIXTURES}"
    return WOO_FIXTURES
