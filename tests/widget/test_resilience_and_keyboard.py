"""The relay going away mid-conversation gives a calm offline state that keeps what the
shopper typed and recovers when the relay is back; the whole flow works from the keyboard."""

from __future__ import annotations

import pytest

from tests.widget.shop import NO_PLAYWRIGHT

pytest.importorskip("playwright.sync_api", reason=NO_PLAYWRIGHT)

from playwright.sync_api import Page, expect

from tests.widget.page import Widget
from tests.widget.shop import DemoShop


def test_a_stopped_relay_shows_offline_keeps_the_text_and_recovers(
    page: Page, shop: DemoShop
) -> None:
    widget = Widget(page).open()
    widget.say("How long does shipping take?")
    widget.reply_with("bot", "warehouse")
    shop.relay.kill()
    try:
        typed = "Do you ship to Norway?"
        widget.input.fill(typed)
        widget.send_button.click()
        expect(widget.offline).to_be_visible()
        expect(widget.panel).to_be_visible()
        kept = widget.input.input_value() == typed or (
            widget.messages("shopper").filter(has_text=typed).count() == 1
        )
        assert kept, "the shopper's text was lost while the relay was away"
    finally:
        shop.relay.start()
    expect(widget.offline).to_be_hidden(timeout=30_000)
    if widget.input.input_value() == typed:
        widget.send_button.click()
    widget.reply_with("bot", "Norway")


def _tab_to_launcher(page: Page, widget: Widget, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if widget.focused_part() == "launcher":
            return
    raise AssertionError(f"the launcher was not reached with {limit} presses of Tab")


def test_keyboard_only(page: Page) -> None:
    widget = Widget(page)
    expect(widget.launcher).to_be_visible()
    _tab_to_launcher(page, widget)
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")
    expect(widget.input).to_be_focused()
    page.keyboard.type("How long does shipping take?")
    page.keyboard.press("Enter")
    widget.reply_with("bot", "warehouse")
    for _ in range(12):  # focus stays inside the open panel
        page.keyboard.press("Tab")
        assert widget.focused_part() is not None, "Tab left the open chat panel"
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    assert widget.focused_part() == "launcher"


def test_shift_enter_makes_a_new_line_instead_of_sending(page: Page) -> None:
    widget = Widget(page).open()
    widget.input.click()
    page.keyboard.type("first line")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("second line")
    assert widget.input.input_value() == "first line\nsecond line"
    expect(widget.messages("shopper")).to_have_count(0)
