"""A widget's agent settings, checked: endpoint, model, key, persona, limits.

Pure: no I/O. The API key is a secret (kept in the vault, sealed on the relay): it never
appears in ``repr`` nor in ``public_json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

DEFAULT_PERSONA = "Emma"
DEFAULT_BUDGET = 20_000
DEFAULT_TIMEOUT = 8.0
DEFAULT_TEMPERATURE = 0.3
BUDGET_RANGE = (500, 1_000_000)
TIMEOUT_RANGE = (1.0, 120.0)
TEMPERATURE_RANGE = (0.0, 2.0)
_MODEL = re.compile(r"^[\w.:/@+-]{1,200}$")
_PERSONA = re.compile(r"^[^\x00-\x1f<>{}]{1,40}$")


class AgentSettingsError(ValueError):
    """A setting that cannot work; ``field`` names it, the message says why and how to fix it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class AgentSettings:
    """``timeout``: seconds to wait for the model's first token (and between tokens);
    ``token_budget``: tokens one conversation may spend before the bot answers alone."""

    base_url: str
    model: str
    api_key: str = ""
    enabled: bool = True
    persona: str = DEFAULT_PERSONA
    temperature: float = DEFAULT_TEMPERATURE
    token_budget: int = DEFAULT_BUDGET
    timeout: float = DEFAULT_TIMEOUT

    def __repr__(self) -> str:
        key = "set" if self.api_key else "none"
        return (
            f"AgentSettings(base_url={self.base_url!r}, model={self.model!r}, api_key={key}, "
            f"enabled={self.enabled}, persona={self.persona!r})"
        )

    def public_json(self) -> dict[str, Any]:
        """Everything but the key (which is only said to be there or not)."""
        return {
            "enabled": self.enabled,
            "base_url": self.base_url,
            "model": self.model,
            "persona": self.persona,
            "temperature": self.temperature,
            "token_budget": self.token_budget,
            "timeout": self.timeout,
            "api_key_set": bool(self.api_key),
        }

    def to_json(self) -> dict[str, Any]:
        """The full settings, the key included (for the vault and the relay only)."""
        data = self.public_json()
        del data["api_key_set"]
        return data | {"api_key": self.api_key}


def base_url(text: str) -> str:
    """``http://localhost:11434/v1/`` → ``http://localhost:11434/v1``; other forms raise."""
    cleaned = text.strip().rstrip("/")
    parts = urlsplit(cleaned)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise AgentSettingsError(
            "base_url",
            "The base URL must be a web address ending before /chat/completions, such as "
            "http://localhost:11434/v1 (Ollama) or https://api.openai.com/v1.",
        )
    if parts.username or parts.password:
        raise AgentSettingsError(
            "base_url", "Put the API key in its own field, not in the base URL."
        )
    return cleaned.removesuffix("/chat/completions")


def agent_settings(data: Any) -> AgentSettings:
    """Checked settings from ``to_json``'s form (missing limits take their defaults)."""
    if not isinstance(data, dict):
        raise AgentSettingsError("ai", "The agent settings must be an object.")
    model = str(data.get("model") or "").strip()
    if not _MODEL.match(model):
        raise AgentSettingsError(
            "model", "Name the model as the endpoint knows it, such as llama3.1:8b or gpt-4o-mini."
        )
    key = data.get("api_key") or ""
    if not isinstance(key, str) or len(key) > 4096 or any(c.isspace() for c in key.strip()):
        raise AgentSettingsError("api_key", "The API key must be one line without spaces.")
    persona = str(data.get("persona") or DEFAULT_PERSONA).strip()
    if not _PERSONA.match(persona):
        raise AgentSettingsError("persona", "The persona name is 1 to 40 plain characters.")
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        raise AgentSettingsError("enabled", "enabled must be true or false.")
    return AgentSettings(
        base_url=base_url(str(data.get("base_url") or "")),
        model=model,
        api_key=key.strip(),
        enabled=enabled,
        persona=persona,
        temperature=_number(data, "temperature", DEFAULT_TEMPERATURE, TEMPERATURE_RANGE),
        token_budget=int(_number(data, "token_budget", DEFAULT_BUDGET, BUDGET_RANGE, whole=True)),
        timeout=_number(data, "timeout", DEFAULT_TIMEOUT, TIMEOUT_RANGE),
    )


def _number(
    data: dict[str, Any],
    name: str,
    default: float,
    bounds: tuple[float, float],
    *,
    whole: bool = False,
) -> float:
    value = data.get(name)
    if value is None:
        return default
    low, high = bounds
    shown = f"{low:g} to {high:g}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AgentSettingsError(name, f"{name} must be a number from {shown}.")
    if whole and value != int(value):
        raise AgentSettingsError(name, f"{name} must be a whole number from {shown}.")
    if not low <= value <= high:
        raise AgentSettingsError(name, f"{name} must be from {shown}.")
    return float(value)
