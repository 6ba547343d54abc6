"""The widget's AI agent dialog: checked settings, the key kept out of sight, sent to the
relay with the publish and on save, and a test prompt to a fake OpenAI-compatible endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from console.views.widgets import WidgetsView
from tests.console.gui.helpers import Shot, wait_until
from tests.console.gui.test_widgets_view import create, pair, publish, view  # noqa: F401
from tests.relay import fake_openai
from tests.relay.fake_openai import FakeOpenAI, text
from tests.relay.live import LiveRelay

KEY = "sk-dialog-0123456789"


@pytest.fixture
async def model() -> AsyncIterator[tuple[FakeOpenAI, str]]:
    fake = FakeOpenAI()
    async with fake_openai.running(fake) as url:
        yield fake, url


async def test_the_agent_is_set_up_from_the_widgets_screen(
    view: WidgetsView,  # noqa: F811
    relay: LiveRelay,
    model: tuple[FakeOpenAI, str],
    screenshot: Shot,
) -> None:
    from console.views.widget_agent import AgentDialog
    from relay.keys import AGENTS

    fake, url = model
    ctx = view.ctx
    create(view)
    entry = ctx.widgets.get("Shop chat")
    assert entry is not None
    dialog = view.open_agent()
    assert isinstance(dialog, AgentDialog)
    assert not dialog.enabled.isChecked() and dialog.persona.text() == "Emma"  # off by default
    dialog.enabled.setChecked(True)
    dialog.base_url.setText("localhost:11434")
    dialog.model.setText("llama3.1:8b")
    dialog.save_button.click()
    assert "base URL must be a web address" in dialog.message.text()
    dialog.base_url.setText(url)
    dialog.api_key.setText(KEY)
    dialog.save_button.click()
    assert "Pair with your relay" in dialog.message.text()  # saved here, not yet sent
    dialog.close()

    await pair(ctx, relay)
    await publish(ctx)  # the saved settings go to the relay with the publish
    agent = relay.run(lambda: relay.app[AGENTS].settings(entry.key))
    assert agent is not None and agent.api_key == KEY and agent.model == "llama3.1:8b"

    dialog = view.open_agent()
    assert isinstance(dialog, AgentDialog)
    assert dialog.api_key.text() == "" and "saved" in dialog.api_key.placeholderText()
    assert dialog.base_url.text() == url and dialog.enabled.isChecked()
    fake.then(text("Hi! I'm Emma."))
    dialog.test_button.click()
    await wait_until(lambda: "The model answered: Hi! I'm Emma." in dialog.message.text())
    assert fake.requests[0]["headers"]["Authorization"] == f"Bearer {KEY}"  # the kept key
    dialog.persona.setText("Maya")
    dialog.save_button.click()
    await wait_until(lambda: "Maya answers shoppers on the relay" in dialog.message.text())
    screenshot(dialog, "widget-agent")
    agent = relay.run(lambda: relay.app[AGENTS].settings(entry.key))
    assert agent is not None and agent.persona == "Maya" and agent.api_key == KEY
    dialog.close()
