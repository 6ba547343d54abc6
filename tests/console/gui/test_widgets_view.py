"""The Widgets screen: create and edit through the editor, errors by the field, the embed
snippet, preview, an edit published to a real relay, the Pages tab (the pages the widget was
loaded on, a site not allowed, "Allow this site") and a new widget's starter answers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication

from console import publish_flow
from console.context import ConsoleContext
from console.views.widget_pages import NOT_ALLOWED
from console.views.widgets import WidgetsView
from tests.console.gui.helpers import Shot, pair_with, wait_until
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


def create(view: WidgetsView, name: str = "Shop chat", **fields: str) -> None:
    view.new_widget()
    editor = view.editor
    editor.name.setText(name)
    editor.title.setText(fields.get("title", "Questions? Ask us"))
    editor.color.set_value(fields.get("color", "#0f766e"))
    editor.save_button.click()


async def pair(ctx: ConsoleContext, relay: LiveRelay) -> None:
    await pair_with(ctx, relay)
    ctx.relay_changed.emit()


async def publish(ctx: ConsoleContext) -> None:
    """What the window's publish flow does once the merchant confirms."""
    client, link = ctx.relay_client(), ctx.relay_link()
    assert client is not None and link is not None
    await publish_flow.publish(ctx.session, client, link)
    ctx.widgets_changed.emit()


async def test_a_widget_is_created_through_the_editor(view: WidgetsView, screenshot: Shot) -> None:
    assert view.empty.isVisible()
    create(view)
    entry = view.ctx.widgets.get("Shop chat")
    assert entry is not None
    assert (entry.config.title, entry.config.color) == ("Questions? Ask us", "#0f766e")
    assert view.model.rowCount() == 1 and not view.empty.isVisible()
    assert view.current() == entry and view.editor.entry == entry
    assert view.model.index(0, 3).data() == "Not published"
    assert "Publish" in view.editor.status.text()
    screenshot(view, "widgets")
    view.editor.tabs.setCurrentIndex(1)
    screenshot(view.editor, "widget-editor")


async def test_an_invalid_colour_is_shown_by_the_field_and_nothing_is_saved(
    view: WidgetsView,
) -> None:
    create(view, color="blue")
    assert view.ctx.widgets.list() == []
    assert "#2563eb" in view.editor.error_text("color")
    assert view.editor.tabs.currentIndex() == 0

    view.editor.color.set_value("#0f766e")
    view.editor.save_button.click()
    assert view.editor.error_text("color") == ""
    assert view.ctx.widgets.get("Shop chat") is not None


async def test_an_invalid_origin_is_refused_by_the_field_and_saves_nothing(
    view: WidgetsView,
) -> None:
    create(view)
    before = view.ctx.widgets.get("Shop chat")
    origins = view.editor.install.origins
    origins.edit.setText("shop dot com")
    origins.add.click()
    assert "not a web address" in view.editor.error_text("allowed_origins")
    assert view.editor.tabs.currentIndex() == 2
    view.editor.save_button.click()  # the typed address is checked on save too
    assert "not a web address" in view.editor.error_text("allowed_origins")
    assert view.ctx.widgets.get("Shop chat") == before

    origins.edit.setText("https://Shop.Example.com/cart")
    origins.add.click()
    assert origins.origins() == ["https://shop.example.com"]
    assert view.editor.error_text("allowed_origins") == ""
    view.editor.save_button.click()
    saved = view.ctx.widgets.get("Shop chat")
    assert saved is not None and saved.config.allowed_origins == ("https://shop.example.com",)


async def test_appearance_and_behaviour_edits_are_saved(view: WidgetsView) -> None:
    create(view)
    editor = view.editor
    editor.color.set_value("#fde047")
    assert editor.color.text_color == "#111827"  # dark text on yellow
    editor.color.set_value("#1e3a8a")
    assert editor.color.text_color == "#ffffff"
    editor.position.setCurrentIndex(editor.position.findData("bottom-left"))
    editor.greeting.setPlainText("Hello! Ask about orders or returns.")
    editor.launcher_text.setText("Help")
    editor.timezone.set_value("Europe/Paris")
    is_open, _, _ = editor.hours.rows[0]
    is_open.setChecked(True)
    editor.threshold.setValue(0.5)
    editor.appointment_form.setChecked(True)
    editor.languages.also["es"].setChecked(True)
    editor.suggestions.setPlainText("Track my order\nReturns")
    assert editor.identity_max_age.value() == 1440  # 24 hours unless the merchant shortens it
    editor.identity_max_age.setValue(30)
    assert editor.retention_days.text() == "as in Privacy"  # no period of its own yet
    editor.retention_days.setValue(45)
    editor.save_button.click()

    config = view.ctx.widgets.get("Shop chat").config  # type: ignore[union-attr]
    assert (config.color, config.position, config.launcher_text) == (
        "#1e3a8a",
        "bottom-left",
        "Help",
    )
    assert config.greeting == "Hello! Ask about orders or returns."
    assert config.timezone == "Europe/Paris" and config.confidence_threshold == 0.5
    assert [(h.day, h.opens, h.closes) for h in config.business_hours] == [(0, "09:00", "17:00")]
    assert config.appointment_form and config.languages == ("en", "es")
    assert config.suggestions == ("Track my order", "Returns")
    assert config.identity_max_age == 1800
    assert config.retention_days == 45


async def test_bad_business_hours_and_time_zone_are_shown_by_their_fields(
    view: WidgetsView,
) -> None:
    create(view)
    editor = view.editor
    is_open, opens, closes = editor.hours.rows[2]
    is_open.setChecked(True)
    opens.setTime(closes.time())
    editor.save_button.click()
    assert "not a valid opening time" in editor.error_text("business_hours")
    assert editor.tabs.currentIndex() == 1
    is_open.setChecked(False)
    editor.timezone.set_value("Mars/Olympus")
    editor.save_button.click()
    assert "not a time zone" in editor.error_text("timezone")
    assert view.ctx.widgets.get("Shop chat").config.timezone == "UTC"  # type: ignore[union-attr]


async def test_the_embed_snippet_is_copied(view: WidgetsView) -> None:
    create(view)
    key = view.ctx.widgets.get("Shop chat").key  # type: ignore[union-attr]
    view.editor.tabs.setCurrentIndex(2)
    view.editor.install.copy.click()
    copied = QGuiApplication.clipboard().text()
    assert f'data-widget="{key}"' in copied and "https://YOUR-RELAY/widget.js" in copied
    assert "Copied" in view.editor.install.note.text()


async def test_remove_asks_first(view: WidgetsView) -> None:
    create(view)
    view.confirm = lambda question: False
    view.remove_button.click()
    assert len(view.ctx.widgets.list()) == 1
    view.confirm = lambda question: "Shop chat" in question
    view.remove_button.click()
    assert view.ctx.widgets.list() == [] and view.model.rowCount() == 0
    assert view.editor.entry is None


async def test_an_edit_is_published_to_the_relay_and_preview_says_what_it_can(
    view: WidgetsView, relay: LiveRelay
) -> None:
    ctx = view.ctx
    opened: list[QUrl] = []
    view.editor.open_url = opened.append
    create(view, title="Ask us anything")
    assert "Pair" in await view.editor.open_preview()

    await pair(ctx, relay)
    key = ctx.widgets.get("Shop chat").key  # type: ignore[union-attr]
    assert relay.base_url in view.editor.install.snippet.toPlainText()
    assert "Publish the widget first" in await view.editor.open_preview()

    requested: list[bool] = []
    ctx.publish_requested.connect(lambda: requested.append(True))
    view.editor.publish_button.click()
    assert requested == [True]
    await publish(ctx)
    assert view.model.index(0, 3).data().startswith("Published")

    view.editor.title.setText("Chat with Lumen & Co")
    view.editor.color.set_value("#b91c1c")
    view.editor.save_button.click()
    assert view.model.index(0, 3).data() == "Changed since publish"
    await publish(ctx)

    config = (await ctx.http.get(f"{relay.base_url}/v1/widgets/{key}/config")).json()
    assert (config["title"], config["color"], config["text_color"]) == (
        "Chat with Lumen & Co",
        "#b91c1c",
        "#ffffff",
    )
    said = await view.editor.open_preview()  # this relay was started without demo pages
    assert "--demo-pages" in said and opened == []


async def test_preview_opens_the_demo_page_when_the_relay_serves_it(
    view: WidgetsView, relay: LiveRelay
) -> None:
    """Against a stand-in transport: the demo page answering 200 opens the browser."""
    ctx = view.ctx
    create(view)
    await pair(ctx, relay)
    await publish(ctx)
    key = ctx.widgets.get("Shop chat").key  # type: ignore[union-attr]
    opened: list[QUrl] = []
    view.editor.open_url = opened.append

    def demo_page(request: httpx.Request) -> httpx.Response:
        found = request.url.path == f"/demo/{key}"
        return httpx.Response(200 if found else 404, text="<html></html>")

    async with httpx.AsyncClient(transport=httpx.MockTransport(demo_page)) as fake:
        ctx.http, real = fake, ctx.http
        try:
            said = await view.editor.open_preview()
        finally:
            ctx.http = real
    assert [u.toString() for u in opened] == [f"{relay.base_url}/demo/{key}"]
    assert said.startswith("Opened")


def edit_title_then_open(view: WidgetsView, title: str, other: str) -> None:
    view.editor.title.setText(title)
    row = next(n for n, e in enumerate(view.model.rows()) if e.name == other)
    view.table.selectRow(view.proxy.mapFromSource(view.model.index(row, 0)).row())


async def test_unsaved_edits_are_never_dropped_silently(view: WidgetsView) -> None:
    create(view, "First")
    create(view, "Second")
    view.reload(select=view.ctx.widgets.get("First").key)  # type: ignore[union-attr]
    asked: list[str] = []

    view.confirm = lambda question: asked.append(question) is not None  # "No": discard
    edit_title_then_open(view, "Discarded title", "Second")
    assert "'First'" in asked[-1] and view.editor.entry.name == "Second"  # type: ignore[union-attr]
    assert view.ctx.widgets.get("First").config.title == "Questions? Ask us"  # type: ignore[union-attr]

    view.confirm = lambda question: True  # "Yes": save, then open the other widget
    edit_title_then_open(view, "Saved title", "First")
    assert view.editor.entry.name == "First"  # type: ignore[union-attr]
    assert view.ctx.widgets.get("Second").config.title == "Saved title"  # type: ignore[union-attr]

    view.editor.color.set_value("not a colour")  # saving fails: stay, keep the edit, say why
    edit_title_then_open(view, "Kept title", "Second")
    assert view.editor.entry.name == "First" and view.editor.title.text() == "Kept title"  # type: ignore[union-attr]
    assert view.editor.error_text("color")
    assert view.current().name == "First"  # type: ignore[union-attr]

    view.confirm = lambda question: False
    view.new_widget()
    assert view.editor.entry is None and view.editor.title.text() != "Kept title"


async def test_a_refresh_underneath_keeps_what_is_being_typed(view: WidgetsView) -> None:
    create(view)
    view.editor.title.setText("Half typed")
    view.ctx.widgets_changed.emit()  # e.g. answers added in Knowledge base
    assert view.editor.title.text() == "Half typed"


async def test_whatsapp_is_set_up_from_the_widgets_screen(
    view: WidgetsView, relay: LiveRelay, screenshot: Shot
) -> None:
    from console.views.widget_channels import WhatsAppDialog
    from relay.keys import WHATSAPP

    ctx = view.ctx
    create(view)
    entry = ctx.widgets.get("Shop chat")
    assert entry is not None
    dialog = view.open_whatsapp()
    assert isinstance(dialog, WhatsAppDialog)
    dialog.account_sid.setText("AC" + "0" * 32)
    dialog.number.setText("0800 123")
    dialog.auth_token.setText("b" * 32)
    dialog.save_button.click()
    assert "international form" in dialog.message.text()  # said by the field's rule
    dialog.number.setText("+1 415 523 8886")
    dialog.save_button.click()
    assert "Pair with your relay" in dialog.message.text()  # saved here, not yet sent
    dialog.close()

    await pair(ctx, relay)
    await publish(ctx)  # the saved settings go to the relay with the publish
    settings = relay.run(lambda: relay.app[WHATSAPP].settings(entry.key))
    assert settings is not None and settings.number == "+14155238886"

    dialog = view.open_whatsapp()
    assert isinstance(dialog, WhatsAppDialog)
    assert dialog.auth_token.text() == "" and "saved" in dialog.auth_token.placeholderText()
    dialog.save_button.click()  # the saved token is kept
    await wait_until(lambda: "/v1/channels/whatsapp/" in dialog.message.text())
    screenshot(dialog, "widget-whatsapp")
    dialog.off_button.click()
    await wait_until(lambda: "off" in dialog.message.text())
    assert relay.run(lambda: relay.app[WHATSAPP].settings(entry.key)) is None
    dialog.close()


# -- the Pages tab (where the widget was loaded) and starter answers --------------------------


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
