"""The per-address request limit can be set from the environment, and a bad value is refused."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from relay.settings import Settings, SettingsError


def settings(tmp_path: Path, value: str) -> Settings:
    args = SimpleNamespace(data_dir=str(tmp_path))
    return Settings.from_env(args, {"STOREDESK_RELAY_REQUESTS_PER_MINUTE": value})


def test_the_limit_comes_from_the_environment(tmp_path: Path) -> None:
    assert settings(tmp_path, "1200").ip_requests_per_minute == 1200
    assert settings(tmp_path, "0").ip_requests_per_minute == 0


@pytest.mark.parametrize("value", ["-5", "lots", "1.5"])
def test_a_bad_limit_is_one_sentence(tmp_path: Path, value: str) -> None:
    with pytest.raises(SettingsError, match="whole number of requests"):
        settings(tmp_path, value)
