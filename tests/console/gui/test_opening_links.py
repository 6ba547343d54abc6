"""Opening a web page or a file from the console: when no browser (or viewer) opens, the
console says so and offers to copy the address, never fails silently; Help → Documentation
opens the README."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from console.context import ConsoleContext
from console.docs import COPY_NAME, README, documentation_file
from console.views.dashboard import DashboardView
from console.window import MainWindow
from tests.console.gui.helpers import wait_until

DEMO = "http://127.0.0.1:8787/demo/wk_test"


class Opener:
    """Stands in for QDesktopServices.openUrl: records the addresses, answers ``works``."""

    def __init__(self, works: bool) -> None:
        self.works = works
        self.asked: list[QUrl] = []

    def __call__(self, url: QUrl) -> bool:
        self.asked.append(url)
        return self.works


def open_box() -> QMessageBox | None:
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    return next((box for box in boxes if box.isVisible()), None)


def click(box: QMessageBox, text: str) -> None:
    (button,) = [b for b in box.buttons() if b.text().replace("&", "") == text]
    button.click()


@pytest.fixture
async def dashboard(ctx: ConsoleContext) -> AsyncIterator[DashboardView]:
    view = DashboardView(ctx)
    view.show()
    ctx.demo_url = DEMO
    await view.refresh()
    yield view
    view.close()


async def test_a_browser_that_opens_shows_nothing_more(dashboard: DashboardView) -> None:
    dashboard.open_url = opener = Opener(works=True)
    dashboard.demo_button.click()
    assert [u.toString() for u in opener.asked] == [DEMO]
    assert dashboard.open_failed is None and open_box() is None


async def test_no_browser_says_so_and_copies_the_address(dashboard: DashboardView) -> None:
    QGuiApplication.clipboard().setText("something else")
    dashboard.open_url = Opener(works=False)
    dashboard.demo_button.click()
    await wait_until(lambda: open_box() is not None)
    box = open_box()
    assert box is not None and box is dashboard.open_failed
    assert box.text() == "No web browser could be opened here."
    assert DEMO in box.informativeText()
    click(box, "Copy address")
    assert QGuiApplication.clipboard().text() == DEMO
    await wait_until(lambda: open_box() is None)


def help_action(win: MainWindow, text: str) -> object:
    (menu,) = [a.menu() for a in win.menuBar().actions() if a.text() == "&Help"]
    (action,) = [a for a in menu.actions() if a.text() == text]
    return action


async def test_help_documentation_opens_the_readme(window: MainWindow) -> None:
    window.open_url = opener = Opener(works=True)
    action = help_action(window, "&Documentation")
    action.trigger()  # type: ignore[attr-defined]
    (url,) = opener.asked
    assert url.isLocalFile() and Path(url.toLocalFile()) == README
    assert "make run" in README.read_text(encoding="utf-8")
    assert open_box() is None


async def test_help_documentation_without_a_viewer_offers_the_path(window: MainWindow) -> None:
    window.open_url = Opener(works=False)
    window.show_documentation()
    await wait_until(lambda: open_box() is not None)
    box = open_box()
    assert box is not None and str(README) in box.informativeText()
    click(box, "Copy address")
    assert QGuiApplication.clipboard().text() == str(README)


def test_an_installed_copy_writes_its_readme_into_the_workspace(tmp_path: Path) -> None:
    found = documentation_file(tmp_path, readme=tmp_path / "not-here" / "README.md")
    assert found == tmp_path / COPY_NAME
    assert found.read_text(encoding="utf-8").startswith("# Storedesk")
