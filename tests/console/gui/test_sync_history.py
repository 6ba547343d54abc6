"""The Stores screen's sync history: a sync that stored fewer records than the store holds
says so after the sync and in the history, beside each run's totals."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from console.context import ConsoleContext
from console.views.store_history import SyncHistory
from console.views.stores import StoresView
from tests.console.gui.helpers import Shot, wait_until
from tests.console.shops import DEMO_MAPPING, demo_shop_with_an_unreadable_order

WARNING = (
    "The store reports 120 orders but this sync stored 119 (1 could not be read): sync "
    "again; if the numbers still differ, check the skipped records."
)


async def test_a_sync_that_stored_less_than_the_store_holds_says_so(
    ctx: ConsoleContext, tmp_path: Path, screenshot: Shot
) -> None:
    mapping = DEMO_MAPPING.read_text()
    url = f"sqlite:///{demo_shop_with_an_unreadable_order(tmp_path)}"
    ctx.session.stores.add("shop", "sql", {"mapping_toml": mapping}, {"url": url})
    view = StoresView(ctx)
    view.resize(1300, 700)
    view.show()

    view.detail.sync_button.click()

    await wait_until(lambda: "Synced" in view.detail.message.text(), timeout=30)
    assert WARNING in view.detail.message.text()
    history = next(
        view.detail.tabs.widget(i)
        for i in range(view.detail.tabs.count())
        if view.detail.tabs.tabText(i) == "Sync history"
    )
    assert isinstance(history, SyncHistory)
    model = history.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    row = {h: model.index(0, c).data() for c, h in enumerate(headers)}
    assert row["Store totals"] == "orders: 119 of 120"
    assert row["Problem"] == WARNING
    view.detail.tabs.setCurrentWidget(history)
    screenshot(view, "sync-history")
