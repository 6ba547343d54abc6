"""The Dashboard: the next step for a merchant still setting up, the relay online/offline,
stores and widgets with where they are installed, today's counts, and the demo button."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from sqlalchemy import insert

from console.commands.store import connection_for_demo
from console.context import ConsoleContext
from console.publish_flow import publish
from console.views.dashboard import DashboardView
from core.workspace.models import ConversationRow, LeadRow, MessageRow
from tests.console.gui.helpers import Shot, pair_with
from tests.relay.live import LiveRelay


@pytest.fixture
def view(ctx: ConsoleContext) -> Iterator[DashboardView]:
    screen = DashboardView(ctx)
    screen.resize(1000, 760)
    screen.show()
    yield screen
    screen.close()


class Browser(QObject):
    """Stands in for the system browser: records the addresses it was asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def browser() -> Iterator[Browser]:
    fake = Browser()
    QDesktopServices.setUrlHandler("http", fake, "open")
    yield fake
    QDesktopServices.unsetUrlHandler("http")


def add_store(ctx: ConsoleContext) -> None:
    settings, secrets = connection_for_demo()
    ctx.session.stores.add("demo", "sql", settings, secrets)


def emitted(signal: object) -> list[object]:
    seen: list[object] = []
    signal.connect(lambda *args: seen.append(args[0] if args else None))  # type: ignore[attr-defined]
    return seen


async def test_the_next_step_leads_a_new_merchant_through_setting_up(
    view: DashboardView, ctx: ConsoleContext
) -> None:
    screens = emitted(ctx.navigate)
    await view.refresh()
    assert view.next_box.isVisible() and view.next_button.text() == "Connect a store"
    view.next_button.click()

    add_store(ctx)
    await view.refresh()
    assert view.next_button.text() == "Create a widget"
    view.next_button.click()

    ctx.widgets.create(
        "Shop chat", store="demo", settings={"allowed_origins": ["https://shop.example"]}
    )
    await view.refresh()
    assert view.next_button.text() == "Pair with a relay"
    view.next_button.click()
    assert screens == ["Stores", "Widgets", "Settings"]
    assert "Not paired" in view.relay_label.text()
    assert view.widgets.row(0).config.allowed_origins == ("https://shop.example",)
    assert view.widgets.data(view.widgets.index(0, 2)) == "https://shop.example"
    assert view.widgets.data(view.widgets.index(0, 3)) == "not yet"
    assert view.stores.data(view.stores.index(0, 3)) == "never"


async def test_online_relay_unpublished_work_then_all_done(
    view: DashboardView, ctx: ConsoleContext, relay: LiveRelay, screenshot: Shot
) -> None:
    add_store(ctx)
    store = ctx.session.stores.get("demo")
    assert store is not None
    await ctx.session.sync_store(store, full=False)
    ctx.widgets.create(
        "Shop chat", store="demo", settings={"allowed_origins": ["https://shop.example"]}
    )
    await pair_with(ctx, relay)
    publishes = emitted(ctx.publish_requested)

    await view.refresh()
    assert view.relay_label.text().startswith("<b>Online</b> · version ")
    assert view.next_button.text() == "Publish…"
    view.next_button.click()
    assert len(publishes) == 1

    client, link = ctx.relay_client(), ctx.relay_link()
    assert client is not None and link is not None
    await publish(ctx.session, client, link)
    await view.refresh()
    assert not view.next_box.isVisible()
    assert "1 widget and 1 store published" in view.relay_label.text()
    assert "(on the relay)" in view.today_label.text()
    assert view.widgets.data(view.widgets.index(0, 3)) not in ("not yet", "")
    assert view.stores.data(view.stores.index(0, 2)) == "120"
    screenshot(view, "dashboard")


async def test_a_stopped_relay_shows_offline_with_the_reason(
    view: DashboardView, ctx: ConsoleContext, relay: LiveRelay
) -> None:
    await pair_with(ctx, relay)
    relay.stop()
    relay.stop = lambda: None  # type: ignore[method-assign]  # already stopped
    await view.refresh()
    assert view.relay_label.text().startswith("<b>Offline</b>")
    assert "is not reachable" in view.relay_label.text()


async def test_today_counts_what_was_pulled_today(view: DashboardView, ctx: ConsoleContext) -> None:
    now, yesterday = datetime.now(UTC), datetime.now(UTC) - timedelta(days=1, hours=1)
    card = {"type": "order", "number": "1001"}
    with ctx.session.workspace.engine.begin() as db:
        for cid, at, spam in (
            ("c1", now, None),
            ("c2", now, None),
            ("c0", yesterday, None),
            ("s1", now, "word casino"),  # counted apart, with its lead and lookup
            ("s0", yesterday, "rate 3"),
        ):
            db.execute(
                insert(ConversationRow).values(
                    id=cid, channel="widget", started_at=at, updated_at=at, spam=spam
                )
            )
        for lid, cid in (("l1", "c1"), ("ls", "s1")):
            db.execute(
                insert(LeadRow).values(id=lid, kind="contact", conversation_id=cid, created_at=now)
            )
        for mid, at, role, intent, cards in (
            ("m1", now, "shopper", "order_status", []),  # an order asked about today
            ("m2", now, "shopper", "provide_email", []),  # the same lookup's follow-up
            ("m3", now, "bot", None, [card]),  # the answer: not counted again
            ("m4", now, "shopper", "faq", []),
            ("m0", yesterday, "shopper", "my_orders", []),
        ):
            db.execute(
                insert(MessageRow).values(
                    id=mid, conversation_id="c1", role=role, text="…", created_at=at,
                    cards=cards, intent=intent,
                )
            )  # fmt: skip
        db.execute(
            insert(MessageRow).values(
                id="ms", conversation_id="s1", role="shopper", text="casino", created_at=now,
                cards=[], intent="order_status",
            )
        )  # fmt: skip
    await view.refresh()
    assert view.today_label.text() == (
        "Today: 2 conversations, 1 lead, 1 order lookup (pulled into this workspace). "
        "Spam blocked: 1."
    )


async def test_in_demo_mode_a_button_opens_the_storefront(
    view: DashboardView, ctx: ConsoleContext, browser: Browser, screenshot: Shot
) -> None:
    await view.refresh()
    assert not view.demo_box.isVisible()
    ctx.demo_url = "http://127.0.0.1:8787/demo/wk_test"
    await view.refresh()
    assert view.demo_box.isVisible() and ctx.demo_url in view.demo_label.text()
    screenshot(view, "dashboard-demo")
    view.demo_button.click()
    assert browser.opened == ["http://127.0.0.1:8787/demo/wk_test"]


async def test_an_older_relay_is_pointed_out_on_the_dashboard(
    view: DashboardView, ctx: ConsoleContext, relay: LiveRelay, monkeypatch: pytest.MonkeyPatch
) -> None:
    await pair_with(ctx, relay)
    await view.refresh()
    assert "Update your relay" not in view.relay_label.text()

    monkeypatch.setattr("relay.routes.console.__version__", "0.0.9")  # a relay not yet updated
    await view.refresh()
    text = view.relay_label.text()
    assert text.startswith("<b>Online</b> · version 0.0.9")
    assert "<b>Update your relay.</b> Your relay runs Storedesk 0.0.9, older than" in text
