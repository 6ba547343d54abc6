"""Agency mode in the window: the client picker narrows every screen to one client's stores,
widgets, conversations and leads; the Clients dialog manages clients without orphaning
anything; publishing while a client is chosen publishes only that client's widgets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from console.commands.store import connection_for_demo
from console.context import ConsoleContext
from console.overview import midnight
from console.views.analytics import AnalyticsView
from console.views.clients import ClientsDialog
from console.views.dashboard import DashboardView
from console.views.inbox import InboxView
from console.views.knowledge import KnowledgeView
from console.views.leads import LeadsView
from console.views.store_wizard import StoreWizard
from console.views.stores import StoresView
from console.views.widget_editor import WidgetEditor
from console.views.widgets import WidgetsView
from console.window import MainWindow
from core.workspace.clients import ClientEntry
from relay.keys import STORE
from tests.console.gui.helpers import Shot, pair_with, press, question_box, wait_until
from tests.core.test_clients import add_chat
from tests.relay.live import LiveRelay


@dataclass
class Agency:
    acme: ClientEntry
    bolt: ClientEntry


def agency(ctx: ConsoleContext) -> Agency:
    """Acme (a store, a widget, one chat with a lead) and Bolt Bikes (a store, a widget,
    two chats, one lead), plus a widget without a client."""
    settings, secrets = connection_for_demo()
    acme, bolt = ctx.clients.add("Acme"), ctx.clients.add("Bolt Bikes")
    ctx.session.stores.add("acme-shop", "sql", settings, secrets, client_id=acme.id)
    ctx.session.stores.add("bolt-shop", "sql", settings, secrets, client_id=bolt.id)
    acme_chat = ctx.widgets.create("Acme chat", store="acme-shop")
    bolt_chat = ctx.widgets.create("Bolt chat", store="bolt-shop")
    ctx.widgets.create("Loose chat", store=None)
    # a minute past midnight UTC: today for the Dashboard whatever the time the test runs
    now = midnight(datetime.now(UTC)) + timedelta(minutes=61)
    workspace = ctx.session.workspace
    add_chat(workspace, "acme-1", acme_chat.id, lead=True, now=now)
    add_chat(workspace, "bolt-1", bolt_chat.id, lead=True, now=now)
    add_chat(workspace, "bolt-2", bolt_chat.id, lead=False, now=now)
    for changed in (ctx.clients_changed, ctx.stores_changed, ctx.widgets_changed):
        changed.emit()
    return Agency(acme, bolt)


def screen(window: MainWindow, kind: type[object]) -> object:
    return next(view for view in window.views if isinstance(view, kind))


async def shown(window: MainWindow, title: str) -> object:
    window.show_screen(title)
    view = window.current_view()
    assert view is not None and view.title == title
    await view.refresh()
    return view


@dataclass(frozen=True)
class Seen:
    """What each screen lists."""

    dashboard: tuple[list[str], list[str], str]
    inbox: int
    widgets: list[str]
    knowledge: list[str]
    stores: list[str]
    leads: list[str]
    analytics: tuple[float | None, list[str]]


async def everything_seen(window: MainWindow) -> Seen:
    dashboard = await shown(window, "Dashboard")
    assert isinstance(dashboard, DashboardView)
    inbox = await shown(window, "Inbox")
    assert isinstance(inbox, InboxView)
    widgets = await shown(window, "Widgets")
    assert isinstance(widgets, WidgetsView)
    knowledge = await shown(window, "Knowledge base")
    assert isinstance(knowledge, KnowledgeView)
    stores = await shown(window, "Stores")
    assert isinstance(stores, StoresView)
    leads = await shown(window, "Leads")
    assert isinstance(leads, LeadsView)
    analytics = await shown(window, "Analytics")
    assert isinstance(analytics, AnalyticsView)
    assert analytics.data is not None
    return Seen(
        dashboard=(
            [s.name for s in dashboard.stores.rows()],
            [w.name for w in dashboard.widgets.rows()],
            dashboard.today_label.text(),
        ),
        inbox=inbox.model.row_total(),
        widgets=[w.name for w in widgets.model.rows()],
        knowledge=[knowledge.picker.itemText(n) for n in range(knowledge.picker.count())],
        stores=[s.name for s in stores.stores.rows()],
        leads=[item.name or "" for item in leads.contacts.model.rows()],
        analytics=(
            analytics.data.totals["conversations"],
            [analytics.widget_picker.itemText(n) for n in range(analytics.widget_picker.count())],
        ),
    )


async def test_without_clients_the_window_is_as_it_was(window: MainWindow) -> None:
    assert not window.client_picker.isVisible()
    assert window.publish_action.text() == "&Publish…"
    wizard = StoreWizard(window.ctx, "sql")  # type: ignore[arg-type]
    assert wizard.client.isHidden()


async def test_choosing_a_client_narrows_every_screen(
    window: MainWindow, ctx: ConsoleContext, screenshot: Shot
) -> None:
    agency(ctx)
    picker = window.client_picker
    await wait_until(picker.isVisible)
    assert [picker.itemText(n) for n in range(picker.count())] == [
        "All clients",
        "Acme",
        "Bolt Bikes",
    ]
    everyone = await everything_seen(window)
    assert everyone.inbox == 3 and len(everyone.widgets) == 3 and len(everyone.leads) == 2

    picker.setCurrentText("Bolt Bikes")
    assert ctx.client_id is not None and window.publish_action.text() == "&Publish Bolt Bikes…"
    bolt = await everything_seen(window)
    assert bolt.dashboard[:2] == (["bolt-shop"], ["Bolt chat"])
    assert "Today: 2 conversations, 1 lead" in bolt.dashboard[2]
    assert bolt.inbox == 2
    assert bolt.widgets == ["Bolt chat"]
    assert bolt.knowledge == ["Bolt chat"]
    assert bolt.stores == ["bolt-shop"]
    assert bolt.leads == ["bolt-1"]
    assert bolt.analytics == (2.0, ["All widgets", "Bolt chat"])
    assert window.unread == 2
    screenshot(window, "clients-one-client")

    picker.setCurrentText("Acme")
    acme = await everything_seen(window)
    assert (acme.inbox, acme.widgets, acme.leads) == (1, ["Acme chat"], ["acme-1"])
    assert acme.analytics[0] == 1.0

    remembered = ConsoleContext.open(ctx.data_dir)  # the choice outlives the window
    try:
        assert remembered.client_id == ctx.client_id
    finally:
        await remembered.aclose()

    picker.setCurrentText("All clients")
    assert await everything_seen(window) == everyone


async def test_the_clients_dialog_adds_renames_assigns_and_never_orphans(
    window: MainWindow, ctx: ConsoleContext, screenshot: Shot
) -> None:
    found = agency(ctx)
    window.show_clients()
    dialog = window.clients_dialog
    assert isinstance(dialog, ClientsDialog)
    assert dialog.add_client("Cobalt") is not None
    assert dialog.add_client("ACME") is None and "already exists" in dialog.message.text()
    assert window.client_picker.count() == 4  # the picker follows

    dialog.list.setCurrentRow(0)  # Acme
    assert dialog.rename_client("Acme Corp") is not None
    assert ctx.widgets.get("Acme chat").client == "Acme Corp"  # type: ignore[union-attr]

    dialog.list.setCurrentRow(0)
    assert not dialog.remove_client()
    text = dialog.message.text()
    assert "still has 1 store (acme-shop) and 1 widget (Acme chat)" in text
    assert "Move its stores and widgets to" in text
    screenshot(dialog, "clients-dialog")
    dialog.move_to.setCurrentText("Bolt Bikes")
    assert dialog.remove_client()
    assert [s.name for s in ctx.session.stores.list(client_id=found.bolt.id)] == [
        "acme-shop",
        "bolt-shop",
    ]

    cobalt = ctx.clients.require("Cobalt")
    dialog.assign("Store", "bolt-shop", cobalt.id)  # the store's widgets follow it
    assert ctx.widgets.get("Bolt chat").client == "Cobalt"  # type: ignore[union-attr]
    loose = ctx.widgets.get("Loose chat")
    assert loose is not None
    dialog.assign("Widget", loose.key, cobalt.id)
    assert [w.name for w in ctx.widgets.list(client_id=cobalt.id)] == ["Bolt chat", "Loose chat"]


async def test_the_store_wizard_offers_the_chosen_client(ctx: ConsoleContext) -> None:
    found = agency(ctx)
    ctx.choose_client(found.bolt.id)
    wizard = StoreWizard(ctx, "sql")
    assert not wizard.client.isHidden() and wizard.client.currentText() == "Bolt Bikes"


async def test_the_widget_editor_offers_a_client_only_when_clients_exist(
    ctx: ConsoleContext,
) -> None:
    editor = WidgetEditor(ctx)
    editor.show()
    assert not editor.client.isVisible()  # no clients: no row

    found = agency(ctx)
    ctx.choose_client(found.bolt.id)
    editor.load(None)
    assert editor.client.isVisible() and editor.client.currentText() == "Bolt Bikes"
    editor.name.setText("Bolt help")
    editor.store.setCurrentIndex(editor.store.findData("acme-shop"))
    saved = editor.save()
    assert saved is not None and (saved.client, saved.client_pinned) == ("Bolt Bikes", True)

    editor.client.setCurrentText("Same as its store")
    saved = editor.save()
    assert saved is not None and (saved.client, saved.client_pinned) == ("Acme", False)
    ctx.clients.assign_store("acme-shop", found.bolt)  # it follows its store again
    assert ctx.widgets.get("Bolt help").client == "Bolt Bikes"  # type: ignore[union-attr]
    editor.close()


async def test_publish_while_a_client_is_chosen_publishes_only_its_widgets(
    window: MainWindow, ctx: ConsoleContext, relay: LiveRelay
) -> None:
    found = agency(ctx)
    await pair_with(ctx, relay)
    window.client_picker.setCurrentText("Acme")

    ctx.publish_requested.emit()
    await wait_until(lambda: question_box() is not None)
    box = question_box()
    assert box is not None and box.windowTitle() == "Publish Acme"
    assert "Publish 1 widget of Acme and" in box.text()
    assert "Other clients' widgets on the relay stay as they are." in box.informativeText()
    press(box, "Publish")
    await wait_until(lambda: not window._publishing)
    published = {w.name: w.published_at is not None for w in ctx.widgets.list()}
    assert published == {"Acme chat": True, "Bolt chat": False, "Loose chat": False}
    assert relay.app[STORE].widget_count() == 1

    ctx.choose_client(found.bolt.id)
    ctx.publish_requested.emit()
    await wait_until(lambda: question_box() is not None)
    box = question_box()
    assert box is not None and "Publish 1 widget of Bolt Bikes" in box.text()
    press(box, "Publish")
    await wait_until(lambda: not window._publishing)
    assert relay.app[STORE].widget_count() == 2  # Acme's stayed


async def test_publishing_a_client_asks_about_and_removes_its_deleted_widgets(
    window: MainWindow, ctx: ConsoleContext, relay: LiveRelay
) -> None:
    found = agency(ctx)
    extra = ctx.widgets.create("Acme extra", store="acme-shop")
    await pair_with(ctx, relay)
    window.client_picker.setCurrentText("All clients")
    ctx.publish_requested.emit()  # everything, each widget under its client
    await wait_until(lambda: question_box() is not None)
    press(question_box(), "Publish")  # type: ignore[arg-type]
    await wait_until(lambda: not window._publishing)
    assert relay.app[STORE].widget_count() == 4
    ctx.widgets.delete(extra)
    ctx.widgets.delete(ctx.widgets.get("Bolt chat"))  # type: ignore[arg-type]

    ctx.choose_client(found.acme.id)
    ctx.publish_requested.emit()
    await wait_until(lambda: question_box() is not None)
    box = question_box()
    assert box is not None and box.windowTitle() == "Publish Acme"
    assert f"Removes 1 widget: 'Acme extra' ({extra.key})." in box.text()
    press(box, "Publish")
    await wait_until(lambda: not window._publishing)
    assert relay.app[STORE].widget(extra.key) is None
    assert relay.app[STORE].widget_count() == 3  # Bolt's deleted widget is Bolt's to remove


async def test_removing_a_client_offers_to_take_its_widgets_off_the_relay(
    window: MainWindow, ctx: ConsoleContext, relay: LiveRelay, screenshot: Shot
) -> None:
    agency(ctx)
    await pair_with(ctx, relay)
    ctx.publish_requested.emit()
    await wait_until(lambda: question_box() is not None)
    press(question_box(), "Publish")  # type: ignore[arg-type]
    await wait_until(lambda: not window._publishing)
    acme_chat = ctx.widgets.get("Acme chat")
    assert acme_chat is not None
    ctx.widgets.delete(acme_chat)

    window.show_clients()
    dialog = window.clients_dialog
    assert isinstance(dialog, ClientsDialog)
    dialog.list.setCurrentRow(0)  # Acme: its store is released, its widget was deleted
    dialog.move_to.setCurrentText("No client (keep them unassigned)")
    assert dialog.remove_client()
    await wait_until(lambda: question_box() is not None)
    box = question_box()
    assert box is not None and box.windowTitle() == "Take Acme off the relay"
    assert f"Removes 1 widget: 'Acme chat' ({acme_chat.key})." in box.text()
    screenshot(box, "clients-unpublish")
    press(box, "Take off")
    await wait_until(lambda: relay.app[STORE].widget(acme_chat.key) is None)
    assert relay.app[STORE].widget_count() == 2  # Bolt's and the one without a client
