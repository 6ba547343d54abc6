"""The widget editor's Pages tab against a real relay: the pages the widget was loaded on,
a warning for a site it is not allowed on, and "Allow this site" in one click; a new
widget's starter answers (or none, unticked)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from console.context import ConsoleContext
from console.views.widget_pages import NOT_ALLOWED
from console.views.widgets import WidgetsView
from tests.console.gui.helpers import Shot, wait_until
from tests.console.gui.test_widgets_view import create, pair, publish
from tests.relay.live import LiveRelay

SHOP = "https://shop.example.com"
COPY = "https://copycat.example.net"


@pytest.fixture
def view(ctx: ConsoleContext) -> Iterator[WidgetsView]:
    screen = WidgetsView(ctx)
    screen.resize(1280, 820)
    screen.show()
    yield screen
    screen.close()


async def page_load(ctx: ConsoleContext, relay: LiveRelay, key: str, origin: str) -> int:
    url = f"{relay.base_url}/v1/widgets/{key}/config"
    headers = {"Origin": origin, "Referer": f"{origin}/products/mug?from=mail"}
    return (await ctx.http.get(url, headers=headers)).status_code


async def test_pages_flag_a_site_not_allowed_and_allow_it(
    view: WidgetsView, relay: LiveRelay, screenshot: Shot
) -> None:
    ctx, editor = view.ctx, view.editor
    create(view)
    entry = ctx.widgets.get("Shop chat")
    assert entry is not None
    ctx.widgets.update(entry, {"allowed_origins": [SHOP]})
    editor.load(ctx.widgets.get(entry.key))
    pages = editor.pages
    editor.tabs.setCurrentWidget(pages)
    assert "Pair" in pages.status.text()

    await pair(ctx, relay)
    await publish(ctx)
    editor.load(ctx.widgets.get(entry.key))
    assert await page_load(ctx, relay, entry.key, SHOP) == 200
    assert await page_load(ctx, relay, entry.key, COPY) == 403
    pages.refresh.click()
    await wait_until(lambda: pages.model.rowCount() == 2)
    sites = {pages.model.index(r, 0).data() for r in range(2)}
    assert sites == {SHOP, f"{COPY}  {NOT_ALLOWED}"}
    urls = {pages.model.index(r, 1).data() for r in range(2)}
    assert urls == {f"{SHOP}/products/mug", f"{COPY}/products/mug"}
    assert pages.warning.isVisible() and COPY in pages.warning.text()
    assert [i.origin for i in ctx.installations.list(entry.id)].count(COPY) == 1  # kept here
    screenshot(view, "widget-pages")

    row = next(r for r in range(2) if pages.model.index(r, 0).data() == SHOP)
    pages.table.selectRow(row)
    assert not pages.allow.isEnabled()  # an allowed site needs nothing
    pages.table.selectRow(1 - row)
    assert pages.allow.isEnabled()
    pages.allow.click()
    saved = ctx.widgets.get(entry.key)
    assert saved is not None and saved.config.allowed_origins == (SHOP, COPY)
    assert editor.install.origins.origins() == [SHOP, COPY]
    assert "Publish" in pages.status.text() and not pages.warning.isVisible()
    assert not editor.has_unsaved_changes()
    await publish(ctx)
    assert await page_load(ctx, relay, entry.key, COPY) == 200


async def test_a_new_widget_gets_starter_answers_unless_unticked(view: WidgetsView) -> None:
    ctx = view.ctx
    view.new_widget()
    assert view.editor.starter.isVisible() and view.editor.starter.isChecked()
    create(view, "With starter")
    entry = ctx.widgets.get("With starter")
    assert entry is not None and entry.knowledge > 0
    assert not view.editor.starter.isVisible()  # an existing widget: nothing to start with

    view.new_widget()
    view.editor.starter.setChecked(False)
    editor = view.editor
    editor.name.setText("Bare")
    editor.save_button.click()
    bare = ctx.widgets.get("Bare")
    assert bare is not None and bare.knowledge == 0
