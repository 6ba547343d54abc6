"""Issue 5's "Done when", tried as a new user would: ``storedesk demo`` brings up the console
on the Dashboard with the demo storefront's address; on that storefront (headless Chromium)
the widget answers a question and tracks an order; a second store is connected from the
Stores screen against the WooCommerce emulator and synced with visible progress; a widget
edit is published and seen in the storefront after a reload.

The demo runs as ``storedesk demo`` runs it (``console.app.start``: the workspace in a temp
data dir, the local relay as a child process, the demo set up while the window shows), on a
free port. Window screenshots ``new-user-N-….png`` go to ``artifacts/screenshots/``.
Skipped, saying why, where Chromium or Playwright is missing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import console.app
from console.app import start, window_settings
from console.context import ConsoleContext
from console.demo_setup import DEMO_WIDGET
from console.local_relay import LocalRelay, free_port
from console.views.dashboard import DashboardView
from console.views.store_forms import WooCommerceForm
from console.views.stores import StoresView
from console.views.widgets import WidgetsView
from console.window import MainWindow
from tests.console.gui.conftest import ARTIFACTS
from tests.console.gui.helpers import Shot, question_box, wait_until
from tests.emulators.woocommerce import DEFAULT_KEY
from tests.widget.shop import CHROMIUM, CHROMIUM_ARGS, why_no_browser

if TYPE_CHECKING:
    from playwright.async_api import Browser, Locator, Page, ViewportSize

WAIT_MS = 20_000  # a reply or a page, on a busy shared machine
KNOWLEDGE_QUESTION = "How much does shipping cost?"  # core/demo/knowledge.csv
KNOWLEDGE_ANSWER = "Standard shipping is €4.90"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
NEW_TITLE = "Lumen Coffee — ask us anything"


@pytest.fixture
def relays(monkeypatch: pytest.MonkeyPatch, qapp: object) -> Iterator[list[LocalRelay]]:
    """The demo's relay on a free port (not 8787: other runs may hold it), stopped at the
    end whatever happened."""
    started: list[LocalRelay] = []

    def local_relay(ctx: ConsoleContext) -> LocalRelay:
        relay = LocalRelay(ctx.data_dir / "relay", port=free_port())
        started.append(relay)
        return relay

    monkeypatch.setattr(console.app, "_local_relay", local_relay)
    yield started
    for relay in started:
        relay.stop_now()


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


@asynccontextmanager
async def demo_console(folder: Path, relays: list[LocalRelay]) -> AsyncIterator[MainWindow]:
    """``storedesk --data-dir FOLDER demo``: the window, then the workspace and the demo.
    Opened and closed inside the test itself: qasync steps no task between two
    ``run_until_complete`` calls, so nothing may outlive a fixture's set-up."""
    window = MainWindow(window_settings(folder))
    window.show()
    opened: list[ConsoleContext] = []
    try:
        await start(window, folder, True, opened, [])
        yield window
    finally:
        for ctx in opened:
            await ctx.aclose()
        for relay in relays:
            await relay.stop()
        window.close()  # the last window: Qt quits, which ends the test's loop


def context_of(window: MainWindow) -> ConsoleContext:
    assert window.ctx is not None, window.opening.text()
    return window.ctx


def screen(window: MainWindow, title: str) -> Any:
    window.show_screen(title)
    view = window.current_view()
    assert view is not None and view.title == title
    return view


async def open_widget(page: Page) -> None:
    """Click the launcher as a shopper would; the panel opens with the greeting."""
    from playwright.async_api import expect

    launcher = page.locator("button[data-part=launcher]")
    await expect(launcher).to_be_visible(timeout=WAIT_MS)
    await launcher.click()
    await expect(page.locator("[data-part=panel]")).to_be_visible(timeout=WAIT_MS)
    bot = page.locator("[data-part=message][data-role=bot]")
    await expect(bot.first).to_be_visible(timeout=WAIT_MS)


async def say(page: Page, text: str) -> None:
    from playwright.async_api import expect

    await page.locator("textarea[data-part=input]").fill(text)
    await page.locator("button[data-part=send]").click()
    shopper = page.locator("[data-part=message][data-role=shopper]").filter(has_text=text)
    await expect(shopper.last).to_be_visible(timeout=WAIT_MS)


async def bot_says(page: Page, text: str) -> Locator:
    from playwright.async_api import expect

    found = page.locator("[data-part=message][data-role=bot]").filter(has_text=text).last
    await expect(found).to_be_visible(timeout=WAIT_MS)
    return found


async def step_1_the_console_opens_on_the_demo(window: MainWindow, shot: Shot) -> str:
    ctx = context_of(window)
    await wait_until(lambda: ctx.demo_url is not None or window.last_error, timeout=120)
    assert window.last_error is None, window.last_error
    url = ctx.demo_url
    assert url is not None and url.startswith("http://127.0.0.1:") and "/demo/wk_" in url
    dashboard = window.current_view()
    assert isinstance(dashboard, DashboardView)
    await wait_until(lambda: dashboard.demo_box.isVisible())
    assert url in dashboard.demo_label.text()
    await wait_until(lambda: "Online" in dashboard.relay_label.text(), timeout=20)
    await wait_until(lambda: window.relay_state.text().startswith("Relay: online"), timeout=20)
    shot(window, "new-user-1-dashboard")
    return url


async def step_2_the_widget_answers_and_tracks_an_order(
    page: Page, window: MainWindow, shot: Shot
) -> None:
    from playwright.async_api import expect

    await open_widget(page)
    await say(page, KNOWLEDGE_QUESTION)
    await bot_says(page, KNOWLEDGE_ANSWER)
    await say(page, "where is my order 1001")
    await bot_says(page, "email")
    await say(page, "alice@example.com")
    card = page.locator("[data-part=order-card]").last
    await expect(card).to_be_visible(timeout=WAIT_MS)
    await expect(card.locator("[data-part=order-number]")).to_contain_text("1001")
    await expect(card.locator("[data-part=order-status]")).not_to_be_empty()
    await expect(card.locator("a[data-part=tracking]").first).to_be_visible()
    await page.screenshot(path=ARTIFACTS / "new-user-2-storefront-chat.png")
    dashboard = screen(window, "Dashboard")
    # the Dashboard's "today" from the relay (its order lookups are not counted there yet)
    await wait_until(lambda: "Today: 1 conversation," in dashboard.today_label.text(), timeout=20)
    shot(window, "new-user-2-dashboard-after-chat")


async def step_3_connect_and_sync_a_woocommerce_store(
    window: MainWindow, woo: Any, shot: Shot
) -> None:
    stores = screen(window, "Stores")
    assert isinstance(stores, StoresView)
    wizard = stores.open_wizard("woocommerce")
    assert isinstance(wizard.form, WooCommerceForm)
    wizard.name.setText("woo")
    wizard.form.url.setText(woo.url)
    wizard.form.key.setText(DEFAULT_KEY.key)
    wizard.form.secret.setText(DEFAULT_KEY.secret)
    wizard.connect_button.click()
    await wait_until(lambda: not wizard.isVisible(), timeout=30)
    selected = stores.selected()
    assert selected is not None and selected.name == "woo"

    detail, seen = stores.detail, []

    def watch(name: str, phase: str, done: int, _total: int) -> None:
        if name == "woo" and detail.progress.isVisible():
            seen.append((detail.phase.text(), detail.progress.value()))

    context_of(window).sync_state.connect(watch)
    detail.sync_button.click()
    await wait_until(lambda: detail.message.text().startswith("Synced in"), timeout=60)
    assert any(text.startswith("Orders: ") for text, _ in seen), seen
    assert max(value for _, value in seen) > min(value for _, value in seen)  # it moved
    assert not detail.progress.isVisible()
    orders = len(woo.state.orders)
    synced = next(row for row in stores.stores.rows() if row.name == "woo")
    assert synced.orders == orders and synced.customers > 0 and synced.products > 0
    assert f"{orders + synced.customers + synced.products:,} new" in detail.message.text()
    shot(window, "new-user-3-stores")


async def step_4_edit_the_demo_widget_and_publish(window: MainWindow, shot: Shot) -> None:
    ctx = context_of(window)
    widgets = screen(window, "Widgets")
    assert isinstance(widgets, WidgetsView)
    editor = widgets.editor
    assert editor.entry is not None and editor.entry.name == DEMO_WIDGET
    editor.title.setText(NEW_TITLE)
    editor.save_button.click()
    current = widgets.current()
    assert current is not None and current.config.title == NEW_TITLE
    assert widgets.model.index(0, 3).data() == "Changed since publish"

    editor.publish_button.click()
    await wait_until(lambda: question_box() is not None, timeout=30)
    box = question_box()
    assert box is not None and "Publish" in box.text()
    shot(window, "new-user-4-publish-confirmation")
    publish = next(b for b in box.buttons() if b.text().replace("&", "") == "Publish")
    publish.click()
    await wait_until(lambda: widgets.model.index(0, 3).data().startswith("Published"), timeout=30)
    assert window.last_error is None, window.last_error
    entry = ctx.widgets.get(DEMO_WIDGET)
    assert entry is not None and entry.config.title == NEW_TITLE
    link = ctx.relay_link()
    assert link is not None
    served = await ctx.http.get(f"{link.url}/v1/widgets/{entry.key}/config")
    assert served.json()["title"] == NEW_TITLE  # the relay has the edit
    shot(window, "new-user-4-widgets-published")


async def step_5_the_storefront_shows_the_new_title(page: Page) -> None:
    from playwright.async_api import expect

    await page.reload()  # a plain reload: the loader revalidates the config every load
    await open_widget(page)
    await expect(page.locator("[data-part=title]")).to_have_text(NEW_TITLE, timeout=WAIT_MS)
    await page.screenshot(path=ARTIFACTS / "new-user-5-storefront-after-publish.png")


async def test_a_new_user_tries_the_demo_then_connects_edits_and_publishes(
    tmp_path: Path, relays: list[LocalRelay], woo: Any, screenshot: Shot
) -> None:
    reason = why_no_browser()
    if reason:
        pytest.skip(reason)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with demo_console(tmp_path / "data", relays) as window, chromium() as browser:
        url = await step_1_the_console_opens_on_the_demo(window, screenshot)
        context = await browser.new_context(viewport=DESKTOP, locale="en-GB")
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(url)
        await step_2_the_widget_answers_and_tracks_an_order(page, window, screenshot)
        await step_3_connect_and_sync_a_woocommerce_store(window, woo, screenshot)
        await step_4_edit_the_demo_widget_and_publish(window, screenshot)
        await step_5_the_storefront_shows_the_new_title(page)
        screenshot(window, "new-user-5-window")
        assert errors == []
