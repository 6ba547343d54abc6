"""The agent's settings: checked field by field, the API key never shown."""

from __future__ import annotations

import pytest

from core.agent.settings import AgentSettingsError, agent_settings


def test_defaults_and_a_normalised_base_url() -> None:
    settings = agent_settings(
        {"base_url": " http://localhost:11434/v1/chat/completions ", "model": "llama3.1:8b"}
    )
    assert settings.base_url == "http://localhost:11434/v1"
    assert (settings.persona, settings.enabled, settings.token_budget) == ("Emma", True, 20000)


def test_the_key_stays_out_of_repr_and_public_json() -> None:
    settings = agent_settings(
        {"base_url": "https://api.example.com/v1", "model": "m", "api_key": "sk-secret"}
    )
    assert "sk-secret" not in repr(settings) and "sk-secret" not in str(settings.public_json())
    assert settings.public_json()["api_key_set"] is True
    assert agent_settings(settings.to_json()) == settings


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"base_url": "localhost:11434"}, "base_url"),
        ({"base_url": "https://user:pw@api.example.com/v1"}, "base_url"),
        ({"model": "two words"}, "model"),
        ({"api_key": "has a space"}, "api_key"),
        ({"persona": "<script>"}, "persona"),
        ({"temperature": 3}, "temperature"),
        ({"token_budget": 1.5}, "token_budget"),
        ({"timeout": True}, "timeout"),
        ({"enabled": "yes"}, "enabled"),
    ],
)
def test_each_bad_setting_is_named(change: dict[str, object], field: str) -> None:
    with pytest.raises(AgentSettingsError) as caught:
        agent_settings({"base_url": "http://127.0.0.1:8080/v1", "model": "m"} | change)
    assert caught.value.field == field
