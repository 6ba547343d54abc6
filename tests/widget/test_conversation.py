"""A shopper on the demo storefront: knowledge answers, a verified order with its tracking
link, nothing for a wrong email, the lead form, an agent's live reply, and a conversation
that survives a reload."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.widget.shop import NO_PLAYWRIGHT

pytest.importorskip("playwright.sync_api", reason=NO_PLAYWRIGHT)

from playwright.sync_api import Page, expect

from tests.widget.browsers import IN_EVERY_BROWSER
from tests.widget.page import Watcher, Widget
from tests.widget.shop import DemoShop

SHIPPING_QUESTION = "How long does shipping take?"
SHIPPING_ANSWER = "leave our warehouse the same day"


def test_the_relay_lists_the_page_without_its_query(page: Page, shop: DemoShop) -> None:
    """The demo page forbids referrers (Referrer-Policy: no-referrer); the widget still
    reports its page, without the query string or fragment."""
    page.goto(f"{shop.page_url}?utm_source=mail&email=ann%40example.com#faq")
    Widget(page).open()
    assert shop.page_url in shop.pages_seen()
    assert not any("utm" in (url or "") for url in shop.pages_seen())


@IN_EVERY_BROWSER
def test_a_knowledge_question_gets_its_answer(page: Page, watcher: Watcher) -> None:
    widget = Widget(page).open()
    widget.say(SHIPPING_QUESTION)
    widget.reply_with("bot", SHIPPING_ANSWER)
    assert watcher.errors == [] and watcher.violations() == []


@IN_EVERY_BROWSER
def test_the_owner_of_an_order_sees_its_card_and_tracking_link(page: Page, shop: DemoShop) -> None:
    order = shop.order
    widget = Widget(page).open()
    widget.say(f"where is my order {order.number}")
    widget.reply_with("bot", "email")
    widget.say(order.email)
    card = page.locator("[data-part=order-card]").last
    expect(card).to_be_visible()
    expect(card.locator("[data-part=order-number]")).to_contain_text(order.number)
    expect(card.locator("[data-part=order-status]")).not_to_be_empty()
    for name in order.item_names:
        expect(card).to_contain_text(name)
    mugs = card.locator("[data-part=order-item]").filter(has_text="2 × Stoneware Mug, Sand")
    expect(mugs.locator("[data-part=line-total]")).to_have_text("€36.00")  # the line's total
    expect(mugs.locator("[data-part=unit-price]")).to_have_text("€18.00 each")
    kettle = card.locator("[data-part=order-item]").filter(has_text="1 × Gooseneck Kettle")
    expect(kettle.locator("[data-part=unit-price]")).to_have_count(0)  # one: no "each"
    link = card.locator("a[data-part=tracking]").first
    expect(link).to_have_attribute("href", order.tracking_url)
    expect(link).to_have_attribute("target", "_blank")
    rel = (link.get_attribute("rel") or "").split()
    assert "noopener" in rel and "noreferrer" in rel


def test_a_wrong_email_reveals_nothing_about_the_order(page: Page, shop: DemoShop) -> None:
    order = shop.order
    widget = Widget(page).open()
    widget.say(f"where is my order {order.number}")
    widget.reply_with("bot", "email")
    before = widget.messages("bot").count()
    widget.say("mallory@example.com")
    widget.wait_for_more("bot", before)
    expect(page.locator("[data-part=order-card]")).to_have_count(0)
    log = widget.log.inner_text()
    for secret in (*order.item_names, order.tracking_url, "1Z"):
        assert secret not in log


@IN_EVERY_BROWSER
def test_the_lead_form_shows_its_errors_then_takes_the_details(page: Page) -> None:
    widget = Widget(page).open()
    widget.say("Please contact me about a wholesale order")
    form = page.locator("form[data-part=lead-form]").last
    expect(form).to_be_visible()
    form.locator("button[type=submit]").click()
    errors = form.locator("[data-part=error]")
    expect(errors.first).to_be_visible()
    expect(form.locator("[data-part=error][data-for=name]")).to_be_visible()
    for field in ("name", "email"):
        labels = form.locator(f"[name={field}]").evaluate("input => input.labels.length")
        assert labels >= 1, f"the {field} field has no <label>"
    form.locator("[name=name]").fill("Ann Example")
    form.locator("[name=email]").fill("not-an-email")
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-part=error][data-for=email]")).to_be_visible()
    form.locator("[name=email]").fill("ann@example.com")
    message = form.locator("[name=message]")
    if message.count():
        message.fill("Twenty kettles for our café, please.")
    before = widget.messages("bot").count()
    form.locator("button[type=submit]").click()
    widget.reply_with("bot", "We've received your details")
    expect(page.locator("form[data-part=lead-form]")).to_have_count(0)
    assert widget.messages("bot").count() == before + 1
    # said once: the relay's confirmation, not a second note of the widget's own
    expect(page.locator("[data-part=form-done]")).to_have_count(0)
    assert widget.log.inner_text().count("Thanks") == 1


def test_an_agent_reply_from_the_console_appears_live(page: Page, shop: DemoShop) -> None:
    widget = Widget(page).open()
    widget.say("I would like to talk to a person")
    conversation = widget.conversation_id(shop.widget_key)
    shop.reply(conversation, "Hi, your kettle ships today!")
    reply = widget.reply_with("agent", "your kettle ships today!")
    expect(reply.locator("[data-part=author]")).to_have_text("Sam")  # not "Support team"
    page.reload()
    widget.open()
    after = widget.reply_with("agent", "your kettle ships today!")
    expect(after.locator("[data-part=author]")).to_have_text("Sam")


def test_the_header_says_online_only_when_the_relay_says_so(page: Page, shop: DemoShop) -> None:
    def config(online: bool):
        def fulfil(route) -> None:  # the relay's config, with "online" as given
            response = route.fetch()
            body = response.json() | {"online": online, "reply_time": "Replies in minutes"}
            route.fulfill(response=response, json=body)

        return fulfil

    status = page.locator("[data-part=status]")
    page.route("**/v1/widgets/*/config*", config(False))
    page.reload()
    Widget(page).open()
    expect(status).to_have_text("Away — we’ll reply by email")  # no promised reply time
    page.unroute("**/v1/widgets/*/config*")
    page.route("**/v1/widgets/*/config*", config(True))
    page.reload()
    Widget(page).open()
    expect(status).to_have_text("Online · Replies in minutes")


def test_opening_the_panel_later_asks_again_whether_the_team_is_there(page: Page) -> None:
    online = {"now": False}

    def fulfil(route) -> None:
        response = route.fetch()
        route.fulfill(response=response, json=response.json() | {"online": online["now"]})

    page.route("**/v1/widgets/*/config*", fulfil)
    page.reload()
    widget = Widget(page).open()
    status = page.locator("[data-part=status]")
    expect(status).to_have_text("Away — we’ll reply by email")
    online["now"] = True  # a console connected meanwhile
    page.locator("button[data-part=close]").click()
    page.evaluate("() => { const real = Date.now; Date.now = () => real() + 61000; }")
    widget.open()
    expect(status).to_have_text("Online")


def test_the_conversation_survives_a_reload_and_a_new_one_starts_clean(
    page: Page, shop: DemoShop
) -> None:
    widget = Widget(page).open()
    widget.say(SHIPPING_QUESTION)
    widget.reply_with("bot", SHIPPING_ANSWER)
    before = widget.conversation_id(shop.widget_key)
    page.reload()
    widget.open()
    widget.reply_with("shopper", SHIPPING_QUESTION)
    widget.reply_with("bot", SHIPPING_ANSWER)
    assert widget.conversation_id(shop.widget_key) == before
    page.locator("button[data-part=new]").click()
    expect(widget.messages("shopper")).to_have_count(0)
    expect(widget.messages("bot").first).to_be_visible()


def test_screenshots_of_the_open_panel(page: Page, shop: DemoShop, screenshots: Path) -> None:
    widget = Widget(page).open()
    widget.say(SHIPPING_QUESTION)
    widget.reply_with("bot", SHIPPING_ANSWER)
    page.screenshot(path=screenshots / "widget-desktop.png", animations="disabled")
    page.set_viewport_size({"width": 375, "height": 740})
    expect(widget.panel).to_be_visible()
    box = widget.panel.bounding_box()
    assert box is not None
    assert box["width"] >= 370 and box["height"] >= 700, f"not full screen on a phone: {box}"
    page.screenshot(path=screenshots / "widget-mobile.png", animations="disabled")


def test_saying_goodbye_brings_the_rating_and_a_rating_is_sent(page: Page) -> None:
    widget = Widget(page).open()
    widget.say(SHIPPING_QUESTION)
    widget.reply_with("bot", SHIPPING_ANSWER)
    expect(page.locator("[data-part=rating]")).to_have_count(0)  # not before the end
    with page.expect_response(lambda r: r.url.endswith("/feedback")) as sent:
        widget.say("thanks, bye")
        rating = page.locator("[data-part=rating]")
        expect(rating).to_be_visible()
        rating.locator("button[data-value='5']").click()
    assert sent.value.status == 200
