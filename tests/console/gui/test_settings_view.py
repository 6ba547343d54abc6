"""Settings: pair with a relay started by the test (the console's key fingerprint shown),
a wrong code explained, relay health, the workspace folder and where the master key is."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from console.context import ConsoleContext
from console.views.settings import SettingsView, key_source_text
from tests.console.gui.helpers import Shot, pairing_code, wait_until
from tests.relay.live import LiveRelay


@pytest.fixture
def view(ctx: ConsoleContext) -> Iterator[SettingsView]:
    screen = SettingsView(ctx)
    screen.resize(1000, 820)
    screen.show()
    yield screen
    screen.close()


async def test_pairing_shows_this_consoles_key_and_the_relay_is_healthy(
    view: SettingsView, ctx: ConsoleContext, relay: LiveRelay, screenshot: Shot
) -> None:
    await view.refresh()
    assert "Not paired" in view.link_label.text()
    assert not view.publish_button.isEnabled()

    view.url_edit.setText(relay.base_url)
    view.code_edit.setText(pairing_code(relay))
    view.pair_button.click()
    await wait_until(lambda: view.pair_result.text().startswith("Paired with relay"))

    link = ctx.relay_link()
    assert link is not None and link.url == relay.base_url
    assert link.fingerprint.startswith("SHA256:")
    assert link.fingerprint in view.pair_result.text()
    assert link.fingerprint in view.link_label.text()
    assert view.code_edit.text() == ""  # a used code is gone
    assert view.publish_button.isEnabled()

    view.health_button.click()
    await wait_until(lambda: "is up (version" in view.health_label.text())
    assert "0 widgets and 0 stores published" in view.health_label.text()
    screenshot(view, "settings")


async def test_a_wrong_code_is_explained_and_nothing_is_saved(
    view: SettingsView, ctx: ConsoleContext, relay: LiveRelay
) -> None:
    view.url_edit.setText(relay.base_url)
    view.code_edit.setText("AAAA-BBBB")
    view.pair_button.click()
    await wait_until(lambda: view.pair_result.text().startswith("Not paired:"))
    assert "pairing code is wrong" in view.pair_result.text()
    assert ctx.relay_link() is None and view.pair_button.isEnabled()


async def test_plain_http_to_another_machine_is_refused(
    view: SettingsView, ctx: ConsoleContext
) -> None:
    view.url_edit.setText("http://chat.shop.example")
    view.code_edit.setText("ABCD-EFGH")
    view.pair_button.click()
    await wait_until(lambda: view.pair_result.text().startswith("Not paired:"))
    assert "https://" in view.pair_result.text() and ctx.relay_link() is None


async def test_publish_asks_the_window(
    view: SettingsView, ctx: ConsoleContext, relay: LiveRelay
) -> None:
    asked: list[bool] = []
    ctx.publish_requested.connect(lambda: asked.append(True))
    view.url_edit.setText(relay.base_url)
    view.code_edit.setText(pairing_code(relay))
    view.pair_button.click()
    await wait_until(view.publish_button.isEnabled)
    view.publish_button.click()
    assert asked == [True]


async def test_workspace_and_master_key_are_shown(view: SettingsView, ctx: ConsoleContext) -> None:
    await view.refresh()
    assert str(ctx.data_dir) in view.workspace_label.text()
    assert "STOREDESK_MASTER_KEY" in view.key_label.text()  # the tests' key source
    assert "no secure OS keyring" in view.key_label.text()
    assert "OS keyring (encrypted" in key_source_text("OS keyring")
