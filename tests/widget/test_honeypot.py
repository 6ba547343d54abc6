"""The lead form's honeypot in a real browser: a field people never see or reach with the
keyboard (off screen, aria-hidden, out of the tab order, no autofill); a robot that fills it
in gets a polite non-answer and no lead is taken."""

from __future__ import annotations

import pytest

from tests.widget.shop import NO_PLAYWRIGHT

pytest.importorskip("playwright.sync_api", reason=NO_PLAYWRIGHT)

from playwright.sync_api import Locator, Page, expect

from tests.widget.page import Widget

NEUTRAL = "Thanks for your message."


def lead_form(page: Page) -> tuple[Widget, Locator]:
    widget = Widget(page).open()
    widget.say("Please contact me about a wholesale order")
    form = page.locator("form[data-part=lead-form]").last
    expect(form).to_be_visible()
    return widget, form


def test_the_honeypot_is_invisible_and_out_of_reach(page: Page) -> None:
    widget, form = lead_form(page)
    trap = form.locator("input[name=website]")
    expect(trap).to_have_count(1)
    expect(trap).not_to_be_in_viewport()
    expect(trap).to_have_attribute("tabindex", "-1")
    expect(trap).to_have_attribute("autocomplete", "off")
    hidden = trap.evaluate("el => el.closest('[aria-hidden=true]') !== null")
    assert hidden, "the honeypot is not hidden from screen readers"
    box = trap.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 0  # drawn off screen
    # the keyboard goes from the name to the send button without ever landing on it
    form.locator("[name=name]").focus()
    reached = []
    for _ in range(8):
        page.keyboard.press("Tab")
        reached.append(widget.focused_part())
    assert "honeypot" not in reached
    assert trap.evaluate("el => el.getRootNode().activeElement !== el")


def test_a_robot_filling_the_honeypot_gets_no_lead_taken(page: Page) -> None:
    widget, form = lead_form(page)
    form.locator("[name=name]").fill("Robot")
    form.locator("[name=email]").fill("robot@example.com")
    trap = form.locator("input[name=website]")
    trap.evaluate("el => { el.value = 'http://spam.example'; }")  # what form-filling bots do
    before = widget.messages("bot").count()
    form.locator("button[type=submit]").click()
    widget.reply_with("bot", NEUTRAL)
    assert widget.messages("bot").count() == before + 1
    assert "received your details" not in widget.log.inner_text()
