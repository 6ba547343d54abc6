"""The widget in Debian's Firefox ESR, driven over WebDriver BiDi by ``bidi.py`` (real clicks
and key presses; a fresh user context per test): a knowledge answer, a verified order's card
with its tracking link, HTML shown as text, the lead form's validation, and the page it
reports to the relay. These run even where Playwright cannot drive that Firefox
(``browsers.py`` says why); skipped, saying why, where Firefox is not installed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.widget.bidi import ENTER, Firefox, Tab
from tests.widget.browsers import firefox_path
from tests.widget.shop import HTML_ANSWER, HTML_QUESTION, DemoShop

ROOT = "document.querySelector('storedesk-widget')?.shadowRoot"


def q(selector: str) -> str:
    return f"{ROOT}?.querySelector({json.dumps(selector)})"


def visible(selector: str) -> str:
    return f"(e => !!e && e.getClientRects().length > 0)({q(selector)})"


def message_with(role: str, text: str) -> str:
    return (
        f"[...({ROOT}?.querySelectorAll('[data-part=message][data-role={role}]') || [])]"
        f".some(m => m.textContent.includes({json.dumps(text)}))"
    )


def count(selector: str) -> str:
    return f"({ROOT}?.querySelectorAll({json.dumps(selector)}).length || 0)"


@pytest.fixture
async def firefox(tmp_path: Path) -> AsyncIterator[Firefox]:
    path = firefox_path()
    if path is None:
        pytest.skip("Firefox is not installed; `make test` installs Debian's firefox-esr.")
    browser = await Firefox.start(path, tmp_path / "firefox-profile")
    try:
        yield browser
    finally:
        await browser.close()


@pytest.fixture
async def tab(firefox: Firefox, shop: DemoShop) -> Tab:
    tab = await firefox.tab()
    await tab.goto(shop.page_url)
    return tab


async def open_widget(tab: Tab) -> None:
    await tab.wait(visible("button[data-part=launcher]"), "the launcher")
    await tab.click(q("button[data-part=launcher]"))
    await tab.wait(visible("[data-part=panel]"), "the panel")
    await tab.wait(visible("[data-part=message][data-role=bot]"), "the greeting")


async def say(tab: Tab, text: str) -> None:
    await tab.click(q("textarea[data-part=input]"))
    await tab.type(text)
    await tab.click(q("button[data-part=send]"))
    await tab.wait(message_with("shopper", text), f"the shopper's {text!r}")


async def test_the_relay_lists_the_page_without_its_query(tab: Tab, shop: DemoShop) -> None:
    await tab.goto(f"{shop.page_url}?utm_source=mail#faq")
    await open_widget(tab)
    seen = await asyncio.to_thread(shop.pages_seen)
    assert shop.page_url in seen and not any("utm" in (url or "") for url in seen)


async def test_a_knowledge_question_gets_its_answer(tab: Tab) -> None:
    await open_widget(tab)
    await say(tab, "How long does shipping take?")
    await tab.wait(message_with("bot", "leave our warehouse the same day"), "the answer")
    assert tab.seen.errors == [] and tab.seen.dialogs == []


async def test_enter_sends_and_the_owner_sees_the_order_card(tab: Tab, shop: DemoShop) -> None:
    order = shop.order
    await open_widget(tab)
    await tab.click(q("textarea[data-part=input]"))
    await tab.type(f"where is my order {order.number}" + ENTER)  # Enter sends
    await tab.wait(message_with("bot", "email"), "the question for the email")
    await say(tab, order.email)
    card = "[data-part=order-card]"
    await tab.wait(visible(card), "the order card")
    number = await tab.js(f"{q(card + ' [data-part=order-number]')}.textContent")
    assert order.number in number
    text = await tab.js(f"{q(card)}.textContent")
    assert all(name in text for name in order.item_names)
    link = await tab.js(
        f"(a => a && [a.href, a.target, a.rel])({q(card + ' a[data-part=tracking]')})"
    )
    assert link is not None
    href, target, rel = link
    assert href == order.tracking_url and target == "_blank"
    assert {"noopener", "noreferrer"} <= set(rel.split())


async def test_html_in_a_knowledge_answer_is_shown_as_text(tab: Tab) -> None:
    await open_widget(tab)
    await say(tab, HTML_QUESTION)
    await tab.wait(message_with("bot", HTML_ANSWER), "the answer, as text")
    assert await tab.js(count('img[src="x"], img[onerror]')) == 0
    assert await tab.js("document.querySelectorAll('img[onerror]').length") == 0
    assert tab.seen.dialogs == []


async def test_the_lead_form_shows_its_errors(tab: Tab) -> None:
    await open_widget(tab)
    await say(tab, "Please contact me about a wholesale order")
    form = "form[data-part=lead-form]"
    await tab.wait(visible(form), "the lead form")
    await tab.click(q(f"{form} button[type=submit]"))
    await tab.wait(visible(f"{form} [data-part=error][data-for=name]"), "the name's error")
    for name in ("name", "email"):
        assert await tab.js(f"{q(f'{form} [name={name}]')}.labels.length") >= 1
    await tab.click(q(f"{form} [name=name]"))
    await tab.type("Ann Example")
    await tab.click(q(f"{form} [name=email]"))
    await tab.type("not-an-email")
    await tab.click(q(f"{form} button[type=submit]"))
    await tab.wait(visible(f"{form} [data-part=error][data-for=email]"), "the email's error")
    await tab.js(f"(e => {{ e.value = ''; }})({q(f'{form} [name=email]')})")
    await tab.click(q(f"{form} [name=email]"))
    await tab.type("ann@example.com")
    if await tab.js(f"!!{q(f'{form} [name=message]')}"):
        await tab.click(q(f"{form} [name=message]"))
        await tab.type("Twenty kettles for our café, please.")
    await tab.click(q(f"{form} button[type=submit]"))
    await tab.wait(
        message_with("bot", "We've received your details"),
        "the confirmation",
        shown=f"{q('[data-part=log]')}.innerText",
    )
    assert await tab.js(count(form)) == 0
