"""What a hostile answer or a hostile host page cannot do: HTML in a knowledge answer or an
agent's reply stays text and runs nothing; host-page CSS attacks leave the widget looking
the same; the strict Content-Security-Policy of the demo page is never violated."""

from __future__ import annotations

import pytest

from tests.widget.shop import NO_PLAYWRIGHT

pytest.importorskip("playwright.sync_api", reason=NO_PLAYWRIGHT)

from playwright.sync_api import Browser, Page, Route

from tests.widget.browsers import IN_EVERY_BROWSER
from tests.widget.page import Watcher, Widget, differing_share
from tests.widget.shop import HTML_ANSWER, HTML_QUESTION, DemoShop

# Hides the shop page around the widget the same way before and after an attack, so the
# screenshots compare the widget alone (an attack that hides the page's own divs would
# otherwise change the background).
NEUTRAL = (
    "html, body { background: #ffffff !important; }"
    " body > :not(storedesk-widget) { visibility: hidden !important; }"
)
ATTACKS = {
    "all-unset": "* { all: unset }",
    "hide-divs": "div { display: none !important }",
    "both": "* { all: unset } div { display: none !important }",
}


def _no_markup_ran(widget: Widget, watcher: Watcher) -> None:
    assert watcher.dialogs == [], watcher.dialogs
    assert widget.count_in_shadow('img[src="x"], img[onerror]') == 0
    assert widget.count_in_shadow("[data-part=log] img") == 0


@IN_EVERY_BROWSER
def test_html_in_a_knowledge_answer_is_shown_as_text(page: Page, watcher: Watcher) -> None:
    widget = Widget(page).open()
    widget.say(HTML_QUESTION)
    answer = widget.reply_with("bot", HTML_ANSWER)
    assert HTML_ANSWER in answer.inner_text()
    _no_markup_ran(widget, watcher)


def test_html_in_an_agent_reply_is_shown_as_text(
    page: Page, watcher: Watcher, shop: DemoShop
) -> None:
    widget = Widget(page).open()
    widget.say("Hello")
    shop.reply(widget.conversation_id(shop.widget_key), f"Look: {HTML_ANSWER}")
    widget.reply_with("agent", HTML_ANSWER)
    _no_markup_ran(widget, watcher)


def _sheet_server(page: Page, origin: str) -> dict[str, str]:
    """Serve stylesheets from the page's own origin (its CSP allows only 'self' styles)."""
    sheets: dict[str, str] = {}

    def fulfil(route: Route) -> None:
        name = route.request.url.rsplit("/", 1)[-1]
        route.fulfill(status=200, content_type="text/css", body=sheets.get(name, ""))

    page.route(f"{origin}/demo/assets/test-*.css", fulfil)
    return sheets


def _add_sheet(page: Page, origin: str, sheets: dict[str, str], name: str, css: str) -> None:
    sheets[name] = css
    page.add_style_tag(url=f"{origin}/demo/assets/{name}")
    rules = page.evaluate(
        """(name) => [...document.styleSheets]
          .filter((sheet) => (sheet.href || '').endsWith(name))
          .reduce((count, sheet) => count + sheet.cssRules.length, 0)""",
        name,
    )
    assert rules > 0, f"the host page did not apply {name}"


def _shot(page: Page, widget: Widget) -> bytes:
    boxes = [box for box in (widget.panel.bounding_box(), widget.launcher.bounding_box()) if box]
    left = min(box["x"] for box in boxes)
    top = min(box["y"] for box in boxes)
    right = max(box["x"] + box["width"] for box in boxes)
    bottom = max(box["y"] + box["height"] for box in boxes)
    clip = {"x": left, "y": top, "width": right - left, "height": bottom - top}
    return page.screenshot(clip=clip, animations="disabled", caret="hide")


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_host_page_css_cannot_change_the_widget(
    page: Page, shop: DemoShop, browser: Browser, attack: str
) -> None:
    sheets = _sheet_server(page, shop.origin)
    widget = Widget(page).open()
    widget.say("How long does shipping take?")
    widget.reply_with("bot", "warehouse")
    page.mouse.move(0, 0)
    _add_sheet(page, shop.origin, sheets, "test-neutral.css", NEUTRAL)
    before = _shot(page, widget)
    _add_sheet(page, shop.origin, sheets, "test-attack.css", ATTACKS[attack])
    after = _shot(page, widget)
    share = differing_share(browser, before, after)
    assert share <= 0.002, f"{share:.2%} of the widget's pixels changed under {attack!r}"


def test_the_strict_policy_of_the_page_is_never_violated(page: Page, watcher: Watcher) -> None:
    policy = page.evaluate(
        "async () => (await fetch(location.href)).headers.get('content-security-policy')"
    )
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    widget = Widget(page).open()
    widget.say("How long does shipping take?")
    widget.reply_with("bot", "warehouse")
    widget.say("where is my order 1001")
    widget.reply_with("bot", "email")
    assert watcher.violations() == []
    assert watcher.errors == []


def test_the_widget_adds_one_global_and_one_element(page: Page) -> None:
    Widget(page).open()
    added = page.evaluate(
        """() => {
          const frame = document.createElement('iframe');
          frame.hidden = true;
          document.body.appendChild(frame);
          const clean = new Set(Object.getOwnPropertyNames(frame.contentWindow));
          frame.remove();
          return Object.getOwnPropertyNames(window).filter(
            (name) => !clean.has(name) && !name.startsWith('__')
          );
        }"""
    )
    assert added == ["Storedesk"], added
    assert page.locator("body > storedesk-widget").count() == 1
