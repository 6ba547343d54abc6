"""The language-model agent's reply grows in the widget as the model writes it, then the
whole message takes its place (a fake OpenAI-compatible endpoint plays the model, set up with
``storedesk widget ai``)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.relay.fake_openai import InThread, paused
from tests.widget.page import Widget

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

    from tests.widget.shop import DemoShop


@pytest.fixture(scope="module")
def model() -> Iterator[InThread]:
    served = InThread()
    try:
        yield served
    finally:
        served.close()


@pytest.fixture(scope="module")
def agent_widget(shop: DemoShop, model: InThread) -> str:
    """A second widget of the demo shop, answered by the fake model."""
    out = shop.console(
        "widget", "create", "--name", "Agent desk", "--store", "demo",
        "--allowed-origin", shop.origin,
    )  # fmt: skip
    match = re.search(r"\bwk_[A-Za-z0-9_-]+", out)
    assert match, out
    shop.console("relay", "publish")
    said = shop.console(
        "widget", "ai", match.group(0), "--enable", "--base-url", model.url,
        "--model", "fake-model", "--persona", "Emma", "--timeout", "60",
    )  # fmt: skip
    assert "Agent of 'Agent desk': on" in said
    return match.group(0)


def test_the_agents_reply_grows_then_arrives_whole(
    context: BrowserContext, shop: DemoShop, model: InThread, agent_widget: str
) -> None:
    gate: asyncio.Event = model.call(asyncio.Event)
    page = context.new_page()
    page.goto(f"{shop.relay.base_url}/demo/{agent_widget}")
    widget = Widget(page).open()
    widget.say("hello")  # the first answer ("OK"): the event stream is open by now
    widget.reply_with("bot", "OK")
    model.call(lambda: model.fake.then(paused("Our kettles ", "pour slowly.", gate)))
    widget.input.fill("Tell me about your kettles")
    widget.send_button.click()
    draft = page.locator("[data-part=draft]")
    try:
        expect(draft).to_have_text("Our kettles")  # shown while the model is still writing
    finally:
        model.call(gate.set)
    widget.reply_with("bot", "Our kettles pour slowly.")
    expect(draft).to_have_count(0)
    expect(widget.messages("bot").filter(has_text="Our kettles")).to_have_count(1)
    page.reload()  # what was stored is the whole reply
    Widget(page).open().reply_with("bot", "Our kettles pour slowly.")
