"""Every XSS payload of ``xss_payloads.txt``, through every channel that reaches the shopper's
page, in real Chromium on a host page without a Content-Security-Policy: the widget's
settings, knowledge answers, the store's order records (item names, carriers, tracking
links) served by the relay, suggestions, the shopper's own text, an agent's reply (text,
author, cards) and the lead form. Nothing runs, nothing is injected, no payload becomes a
link or an image, and each payload is shown as the text it is."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.widget.shop import NO_PLAYWRIGHT, why_no_browser

pytest.importorskip("playwright.sync_api", reason=NO_PLAYWRIGHT)

from playwright.sync_api import Browser, Page, Route, expect

from tests.security import hostile_shop as shop
from tests.security.page_checks import Trap, assert_nothing_ran, safe_link, without_csp
from tests.security.payloads import hostile_urls, xss_payloads
from tests.widget.page import Widget

HOSTILE_CSS = (
    "red;background:url(https://attacker.invalid/leak)",
    "#fff;}</style><script>window.__xss=1</script>",
    "expression(window.__xss=1)",
    "url(javascript:window.__xss=1)",
)


class HostileRelay:
    def __init__(self, relay: shop.PortRelay, console: shop.SignedConsole) -> None:
        self.relay = relay
        self.console = console

    @property
    def config(self) -> dict[str, Any]:
        url = f"{self.relay.base_url}/v1/widgets/{shop.WIDGET_KEY}/config"
        return dict(httpx.get(url, timeout=30).json())

    @property
    def page_url(self) -> str:
        return f"{self.relay.base_url}/demo/{shop.WIDGET_KEY}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileRelay]:
    reason = why_no_browser()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("hostile")
    database = shop.hostile_database(folder)
    relay = shop.PortRelay(folder / "relay")
    relay.start()
    console = shop.SignedConsole(relay.base_url)
    try:
        console.pair(relay.pairing_code())
        status, body = console.call(
            "PUT", "/v1/console/publish", shop.hostile_bundle(database, relay.base_url)
        )
        assert status == 200, body
        yield HostileRelay(relay, console)
    finally:
        console.close()
        relay.stop()


def _page(browser: Browser, hostile: HostileRelay) -> tuple[Page, Trap]:
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    trap = Trap(hostile.relay.base_url)
    trap.attach(page)
    without_csp(page, hostile.page_url)
    return page, trap


def _close(page: Page) -> None:
    page.context.close()


def _say(page: Page, widget: Widget, text: str, role: str = "bot") -> None:
    """Send ``text`` and wait for one more ``role`` message."""
    before = widget.messages(role).count()
    widget.input.fill(text)
    widget.send_button.click()
    widget.wait_for_more(role, before)


def _hostile_config(config: dict[str, Any], batch: tuple[str, ...], n: int) -> dict[str, Any]:
    urls = hostile_urls()
    return config | {
        "title": batch[0],
        "greeting": "\n".join(batch),
        "launcher_text": batch[-1],
        "reply_time": batch[1 % len(batch)],
        "online": True,
        "avatar_url": urls[n % len(urls)],
        "color": HOSTILE_CSS[n % len(HOSTILE_CSS)],
        "text_color": HOSTILE_CSS[(n + 1) % len(HOSTILE_CSS)],
        "position": batch[2 % len(batch)],
    }


_SHOWN = """
() => {
  const root = document.querySelector('storedesk-widget').shadowRoot;
  const text = (selector) => (root.querySelector(selector) || {}).textContent;
  return {launcher: text('[data-part=launcher] span'), title: text('[data-part=title]'),
    greeting: text('[data-part=message] [data-part=text]'),
    style: root.querySelector('.sd').style.cssText,
    label: root.querySelector('[data-part=panel]').getAttribute('aria-label')};
}
"""


def _serving(config: dict[str, Any]) -> Callable[[Route], None]:
    return lambda route: route.fulfill(json=config)


def test_hostile_widget_settings_are_shown_as_text(browser: Browser, hostile: HostileRelay) -> None:
    """The settings as the widget receives them (the relay's own checks bypassed): one page
    load per batch of payloads, in the title, greeting, launcher, reply time and position,
    with a hostile avatar address and colours. No conversation starts (the greeting stays)."""
    page, trap = _page(browser, hostile)
    page.add_init_script("localStorage.clear()")
    page.route("**/v1/widgets/*/conversations", lambda route: route.abort())
    try:
        for n, batch in enumerate(shop.batches()):
            config = _hostile_config(hostile.config, batch, n)
            page.unroute("**/v1/widgets/*/config*")
            page.route("**/v1/widgets/*/config*", _serving(config))
            page.goto(hostile.page_url)
            widget = Widget(page)
            widget.launcher.click()
            expect(widget.panel).to_be_visible()
            expect(widget.messages("bot").first).to_be_attached()
            found = assert_nothing_ran(page, trap)
            assert found["images"] == []  # no hostile address became the avatar
            shown = page.evaluate(_SHOWN)
            assert "attacker.invalid" not in shown["style"] and "url(" not in shown["style"]
            assert shown["launcher"] == config["launcher_text"]
            assert shown["title"] == shown["label"] == config["title"]
            assert shown["greeting"] == config["greeting"]
    finally:
        _close(page)


def _agent_replies(hostile: HostileRelay, conversation_id: str) -> int:
    """Every payload as agent replies (author a payload too), one with a hostile card."""
    sent = 0
    for n, batch in enumerate(shop.batches()):
        body: dict[str, Any] = {"text": "\n".join(batch), "author": batch[0][:80]}
        if n == 0:
            body["cards"] = [shop.hostile_card()]
        path = f"/v1/console/conversations/{conversation_id}/reply"
        status, answer = hostile.console.call("POST", path, body)
        assert status == 201, answer
        sent += 1
    return sent


def _lead(page: Page, widget: Widget) -> None:
    _say(page, widget, "Please contact me about a wholesale order")
    form = page.locator("form[data-part=lead-form]").last
    expect(form).to_be_visible()
    form.locator("[name=name]").fill(xss_payloads()[0])
    form.locator("[name=email]").fill("ann@example.com")
    form.locator("[name=message]").fill("\n".join(xss_payloads())[:2000])
    before = widget.messages("bot").count()
    form.locator("button[type=submit]").click()
    widget.wait_for_more("bot", before)


def test_hostile_store_records_answers_replies_and_forms_are_shown_as_text(
    browser: Browser, hostile: HostileRelay
) -> None:
    page, trap = _page(browser, hostile)
    try:
        page.goto(hostile.page_url)
        widget = Widget(page).open()
        _say(page, widget, f"where is my order {shop.ORDER}")
        _say(page, widget, shop.EMAIL)
        card = page.locator("[data-part=order-card]").first
        expect(card).to_be_visible()
        for animal in shop.ANIMALS[: len(shop.batches())]:
            _say(page, widget, f"Tell me about the {animal}")
        _say(page, widget, "\n".join(xss_payloads())[:1900])
        _lead(page, widget)  # before a person answers: the bot keeps out of their way then
        conversation = widget.conversation_id(shop.WIDGET_KEY)
        before = widget.messages("agent").count()
        sent = _agent_replies(hostile, conversation)
        page.wait_for_function(
            """(n) => document.querySelector('storedesk-widget').shadowRoot
                 .querySelectorAll('[data-part=message][data-role=agent]').length >= n""",
            arg=before + sent,
        )
        found = assert_nothing_ran(page, trap)
        text = found["text"]
        missing = [p for p in xss_payloads() if p.strip() not in text]
        assert missing == [], f"payloads not shown as text: {missing}"
        links = found["links"]
        assert shop.SAFE_TRACKING in links and shop.LOCAL_TRACKING in links, links
        assert all(safe_link(u) for u in links), links
        items = card.locator("[data-part=order-item]")
        expect(items).to_have_count(len(xss_payloads()))
    finally:
        _close(page)


def test_the_relay_serves_no_hostile_address_in_a_card(hostile: HostileRelay) -> None:
    """Behind the widget's own check, the relay drops the addresses a shopper must never
    be sent to, from the store's records and from an agent's cards alike."""
    with httpx.Client(base_url=hostile.relay.base_url, timeout=30) as http:
        started = http.post(f"/v1/widgets/{shop.WIDGET_KEY}/conversations", json={}).json()
        auth = {"Authorization": f"Bearer {started['token']}"}
        path = f"/v1/conversations/{started['conversation_id']}/messages"
        http.post(path, json={"text": f"where is my order {shop.ORDER}"}, headers=auth)
        answer = http.post(path, json={"text": shop.EMAIL}, headers=auth).json()
        _agent_replies(hostile, started["conversation_id"])
        history = http.get(path, headers=auth).json()["messages"]
    cards = [c for m in answer["messages"] + history for c in m.get("cards", [])]
    assert len(cards) >= 2
    addresses = [t["url"] for c in cards for t in c["tracking"] if t.get("url")]
    addresses += [c["status_url"] for c in cards if c.get("status_url")]
    assert shop.SAFE_TRACKING in addresses
    assert [u for u in addresses if not safe_link(u)] == [], addresses


def test_payload_file_is_large_and_varied() -> None:
    payloads = xss_payloads()
    assert len(payloads) >= 80
    for family in ("<script", "onerror", "javascript:", "data:", "vbscript:", "<svg", "<math",
                   "&#", "expression(", "url(javascript:", "</style>", '" on', "{{"):  # fmt: skip
        assert any(family in p.lower() for p in payloads), family
    assert Path(__file__).with_name("xss_payloads.txt").exists()
