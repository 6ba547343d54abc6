"""A widget's language-model agent: an OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp,
a hosted service) answering shoppers through the bot's own tools and verification. The API
key is kept in the vault and sealed on the relay; this dialog never shows it again."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.errors import sentence_for
from core.agent import settings as limits
from core.agent.settings import AgentSettings, AgentSettingsError, agent_settings
from core.workspace.channels import ChannelRepository

if TYPE_CHECKING:
    from console.context import ConsoleContext
    from core.workspace.widgets import WidgetEntry

INTRO = (
    "Let a <b>language model</b> answer shoppers, with this widget's knowledge base, "
    "catalogue and order lookups as its tools. Any OpenAI-compatible endpoint works: "
    "<b>Ollama</b> on your own server (http://localhost:11434/v1, model such as llama3.1:8b), "
    "vLLM, llama.cpp's server, or a hosted service. It sees a shopper's orders only once "
    "they proved who they are, and the bot answers whenever the model is slow, down, "
    "unsure, or the conversation's token budget is spent."
)


class AgentDialog(QDialog):
    def __init__(
        self, ctx: ConsoleContext, entry: WidgetEntry, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entry = entry
        self.channels = ChannelRepository(ctx.session.workspace, ctx.session.vault)
        self.current = self.channels.agent(entry)
        self.setWindowTitle(f"AI agent for {entry.name}")
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
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.ApplyRole)
        self.test_button = self.buttons.addButton("Test", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self.test)
        self.buttons.rejected.connect(self.reject)
        self._task: asyncio.Task[Any] | None = None
        self._layout()

    def _layout(self) -> None:
        intro = QLabel(INTRO, self)
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("", self.enabled)
        form.addRow("Base URL", self.base_url)
        form.addRow("Model", self.model)
        form.addRow("API key", self.api_key)
        form.addRow("Persona name", self.persona)
        form.addRow("Temperature", self.temperature)
        form.addRow("Budget per conversation", self.budget)
        form.addRow("First token within", self.timeout)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(640, 520)

    def _show(self, settings: AgentSettings) -> None:
        self.enabled.setChecked(settings.enabled)
        self.base_url.setText(settings.base_url)
        self.model.setText(settings.model)
        self.persona.setText(settings.persona)
        self.temperature.setValue(settings.temperature)
        self.budget.setValue(settings.token_budget)
        self.timeout.setValue(settings.timeout)
        if settings.api_key:
            self.api_key.setPlaceholderText("saved; leave empty to keep it")

    def settings(self) -> AgentSettings | None:
        """The settings in the form, checked; ``None`` (and the reason shown) when not valid."""
        key = self.api_key.text().strip()
        if not key and self.current is not None:
            key = self.current.api_key
        data = {
            "enabled": self.enabled.isChecked(),
            "base_url": self.base_url.text(),
            "model": self.model.text(),
            "api_key": key,
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
            self.api_key.setPlaceholderText("saved; leave empty to keep it")
        client = self.ctx.relay_client()
        if client is None:
            self.message.setText("Saved. Pair with your relay (Settings) and publish to use it.")
            return
        self.message.setText("Saved; telling the relay…")
        self._task = self.ctx.spawn(self._tell_relay(client, settings), what="AI agent")

    async def _tell_relay(self, client: Any, settings: AgentSettings) -> None:
        try:
            await client.put_agent(self.entry.key, settings)
        except Exception as error:  # one sentence; the settings stay saved for publishing
            self.message.setText(f"Saved here, but the relay said: {sentence_for(error)}")
            return
        state = "answers shoppers" if settings.enabled else "is saved, and off"
        self.message.setText(f"{settings.persona} {state} on the relay.")

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
