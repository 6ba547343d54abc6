"""A widget's language-model agent: an OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp,
a hosted service) answering shoppers through the bot's own tools and verification. The API
key is kept in the vault and sealed on the relay; this dialog never shows it again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from console.views.relay_settings import KEPT, RelaySettingsDialog, secret
from core.agent import settings as limits
from core.agent.settings import AgentSettings, AgentSettingsError, agent_settings

if TYPE_CHECKING:
    from console.context import ConsoleContext
    from console.relay_client import RelayClient
    from core.workspace.widgets import WidgetEntry

INTRO = (
    "Let a <b>language model</b> answer shoppers, with this widget's knowledge base, "
    "catalogue and order lookups as its tools. Any OpenAI-compatible endpoint works: "
    "<b>Ollama</b> on your own server (http://localhost:11434/v1, model such as llama3.1:8b), "
    "vLLM, llama.cpp's server, or a hosted service. It sees a shopper's orders only once "
    "they proved who they are, and the bot answers whenever the model is slow, down, "
    "unsure, or the conversation's token budget is spent."
)


class AgentDialog(RelaySettingsDialog):
    def __init__(
        self, ctx: ConsoleContext, entry: WidgetEntry, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, entry, f"AI agent for {entry.name}", parent)
        self.current = self.channels.agent(entry)
        self.enabled = QCheckBox("Answer shoppers with the model", self)
        self.base_url = QLineEdit(self)
        self.base_url.setPlaceholderText("http://localhost:11434/v1")
        self.model = QLineEdit(self)
        self.model.setPlaceholderText("llama3.1:8b")
        self.api_key = QLineEdit(self)
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText("none (Ollama needs none)")
        self.persona = QLineEdit(limits.DEFAULT_PERSONA, self)
        self.temperature = _decimal(self, limits.TEMPERATURE_RANGE, limits.DEFAULT_TEMPERATURE, 0.1)
        self.timeout = _decimal(self, limits.TIMEOUT_RANGE, limits.DEFAULT_TIMEOUT, 1.0)
        self.timeout.setSuffix(" s")
        self.budget = QSpinBox(self)
        self.budget.setRange(*limits.BUDGET_RANGE)
        self.budget.setSingleStep(1000)
        self.budget.setValue(limits.DEFAULT_BUDGET)
        self.budget.setSuffix(" tokens")
        if self.current is not None:
            self._show(self.current)
        rows = [
            ("", self.enabled),
            ("Base URL", self.base_url),
            ("Model", self.model),
            ("API key", self.api_key),
            ("Persona name", self.persona),
            ("Temperature", self.temperature),
            ("Budget per conversation", self.budget),
            ("First token within", self.timeout),
        ]
        self.finish(INTRO, rows, (640, 520))
        self.test_button = self.buttons.addButton("Test", QDialogButtonBox.ButtonRole.ActionRole)
        self.test_button.clicked.connect(self.test)

    def _show(self, settings: AgentSettings) -> None:
        self.enabled.setChecked(settings.enabled)
        self.base_url.setText(settings.base_url)
        self.model.setText(settings.model)
        self.persona.setText(settings.persona)
        self.temperature.setValue(settings.temperature)
        self.budget.setValue(settings.token_budget)
        self.timeout.setValue(settings.timeout)
        if settings.api_key:
            self.api_key.setPlaceholderText(KEPT)

    def settings(self) -> AgentSettings | None:
        """The settings in the form, checked; ``None`` (and the reason shown) when not valid."""
        data = {
            "enabled": self.enabled.isChecked(),
            "base_url": self.base_url.text(),
            "model": self.model.text(),
            "api_key": secret(self.api_key, self.current.api_key if self.current else ""),
            "persona": self.persona.text(),
            "temperature": self.temperature.value(),
            "token_budget": self.budget.value(),
            "timeout": self.timeout.value(),
        }
        try:
            return agent_settings(data)
        except AgentSettingsError as exc:
            self.message.setText(str(exc))
            return None

    def save(self) -> None:
        settings = self.settings()
        if settings is None:
            return
        self.channels.set_agent(self.entry, settings)
        self.current = settings
        self.api_key.clear()
        if settings.api_key:
            self.api_key.setPlaceholderText(KEPT)
        self.send(
            lambda client: self._tell_relay(client, settings), unpaired="use it", what="AI agent"
        )

    async def _tell_relay(self, client: RelayClient, settings: AgentSettings) -> str:
        await client.put_agent(self.entry.key, settings)
        state = "answers shoppers" if settings.enabled else "is saved, and off"
        return f"{settings.persona} {state} on the relay."

    def test(self) -> None:
        settings = self.settings()
        if settings is None:
            return
        self.message.setText(f"Asking {settings.model}…")
        self._task = self.ctx.spawn(self._test(settings), what="AI agent test")

    async def _test(self, settings: AgentSettings) -> None:
        from connectors.llm.client import try_model
        from core.agent.model import ModelError

        try:
            answer, _ = await try_model(self.ctx.http, settings)
        except ModelError as exc:
            self.message.setText(
                f"The model did not answer: {exc.reason}. Check the base URL (it ends before "
                "/chat/completions), the model's name and the API key."
            )
            return
        self.message.setText(f"The model answered: {answer[:300]}")


def _decimal(
    parent: QWidget, bounds: tuple[float, float], value: float, step: float
) -> QDoubleSpinBox:
    box = QDoubleSpinBox(parent)
    box.setRange(*bounds)
    box.setSingleStep(step)
    box.setDecimals(1)
    box.setValue(value)
    return box
