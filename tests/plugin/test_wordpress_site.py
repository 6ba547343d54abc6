"""The plugin on a real WordPress, as a merchant and a shopper use it: activated on the
Plugins screen, set up through its settings form, the widget on the shop's pages, and a
signed-in customer who asks for their order without typing an email."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.plugin.wordpress import ADMIN, ADMIN_PASSWORD, PLUGIN, WordPress
from tests.widget.storefront import Relay

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CUSTOMER, CUSTOMER_PASSWORD = "alice", "alice-likes-coffee"
CUSTOMER_EMAIL, CUSTOMER_NAME = "alice@example.com", "Alice Martin"
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    try:
        yield context
    finally:
        context.close()


def log_in(page: Page, site: WordPress, user: str, password: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{site.url}/wp-login.php")
    page.fill("#user_login", user)
    page.fill("#user_pass", password)
    page.click("#wp-submit")
    expect(page.locator("body")).not_to_have_class("login")


def widget_tag(page: Page) -> dict[str, str]:
    attributes = page.evaluate(
        """() => {
          const s = document.querySelector('script#storedesk-widget-js');
          return s ? Object.fromEntries([...s.attributes].map(a => [a.name, a.value])) : null;
        }"""
    )
    assert attributes is not None, "the page has no Storedesk script tag"
    return dict(attributes)


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("zip") / "storedesk-wordpress.zip"
    done = subprocess.run(
        [sys.executable, str(PLUGIN / "tools" / "build.py"), "zip", str(target)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return target


def test_a_merchant_sets_it_up_and_a_customer_is_recognised(
    wordpress: WordPress,
    relay: Relay,
    plugin_zip: Path,
    context: BrowserContext,
    screenshots: Path,
) -> None:
    from playwright.sync_api import expect

    from tests.widget.page import Widget

    admin = context.new_page()
    log_in(admin, wordpress, ADMIN, ADMIN_PASSWORD)

    # Uploaded as the zip `make wordpress-plugin` builds, then activated.
    admin.goto(f"{wordpress.url}/wp-admin/plugin-install.php?tab=upload")
    admin.set_input_files("#pluginzip", str(plugin_zip))
    admin.click("#install-plugin-submit")
    expect(admin.get_by_text("Plugin installed successfully.")).to_be_visible()
    admin.goto(f"{wordpress.url}/wp-admin/plugins.php")
    admin.click("#activate-storedesk")
    expect(admin.locator("tr[data-slug=storedesk].active")).to_be_visible()

    # Set up through Settings → Storedesk (the form carries the Settings API's nonce).
    admin.goto(f"{wordpress.url}/wp-admin/options-general.php?page=storedesk")
    admin.check("#storedesk_enabled")
    admin.fill("#storedesk_relay_url", relay.url + "/")
    admin.fill("#storedesk_widget_key", relay.widget_key)
    admin.fill("#storedesk_secret", relay.secret)
    admin.check("input[name='storedesk_settings[pages]'][value=all]")
    admin.click("#submit")
    expect(admin.locator("#setting-error-settings_updated")).to_be_visible()
    expect(admin.locator("#storedesk_relay_url")).to_have_value(relay.url)
    expect(admin.locator("#storedesk_widget_key")).to_have_value(relay.widget_key)
    expect(admin.get_by_text(f"A secret ending in …{relay.secret[-4:]} is saved")).to_be_visible()
    assert relay.secret not in admin.content(), "the settings page printed the secret back"
    admin.screenshot(path=str(screenshots / "wordpress-settings.png"), full_page=True)
    context.clear_cookies()

    # A guest sees the launcher, and the tag says nothing about who they are.
    guest = context.new_page()
    guest.goto(wordpress.url + "/")
    expect(Widget(guest).launcher).to_be_visible()
    tag = widget_tag(guest)
    assert tag["src"] == f"{relay.url}/widget.js"
    assert tag["data-widget"] == relay.widget_key
    assert "async" in tag
    assert not [name for name in tag if name.startswith("data-customer")]
    assert relay.secret not in guest.content()

    # A signed-in customer whose email has orders in the shop asks without giving an email.
    wordpress.wp(
        f"wp_insert_user( array( 'user_login' => '{CUSTOMER}', 'user_pass' =>"
        f" '{CUSTOMER_PASSWORD}', 'user_email' => '{CUSTOMER_EMAIL}', 'first_name' => 'Alice',"
        " 'last_name' => 'Martin', 'role' => 'subscriber', 'show_admin_bar_front' => 'false' ) );"
    )
    shopper = context.new_page()
    log_in(shopper, wordpress, CUSTOMER, CUSTOMER_PASSWORD)
    shopper.goto(wordpress.url + "/")
    tag = widget_tag(shopper)
    assert tag["data-customer-email"] == CUSTOMER_EMAIL
    assert tag["data-customer-name"] == CUSTOMER_NAME
    assert relay.secret not in shopper.content()
    widget = Widget(shopper).open()
    widget.say("Where are my orders?")
    card = shopper.locator("[data-part=order-card]").filter(has_text="1001")
    expect(card.first).to_be_visible()
    asked = widget.messages("bot").filter(has_text="email address")
    expect(asked).to_have_count(0)
    shopper.screenshot(path=str(screenshots / "wordpress-shop-widget.png"))

    assert wordpress.warnings() == []
