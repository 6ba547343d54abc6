"""Questions and messages that do not block the loop: the box opens window-modal and the
caller awaits the answer, so the network and the rest of the window keep running."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

Opener = Callable[[QUrl], bool]  # QDesktopServices.openUrl, or a stand-in in tests


def _box(parent: QWidget | None, title: str, text: str, details: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setText(text)
    if details:
        box.setInformativeText(details)
    box.setObjectName("dialog")
    return box


async def ask(
    parent: QWidget | None, title: str, text: str, details: str = "", *, yes: str = "OK"
) -> bool:
    """True when the person chose ``yes``; False for Cancel or closing the box."""
    box = _box(parent, title, text, details)
    box.setIcon(QMessageBox.Icon.Question)
    accept = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(accept)
    answered: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def done(_: int) -> None:
        if not answered.done():
            answered.set_result(box.clickedButton() is accept)

    box.finished.connect(done)
    box.open()
    try:
        return await answered
    finally:
        box.deleteLater()


def tell(parent: QWidget | None, title: str, text: str, details: str = "") -> QMessageBox:
    """A warning that stays until closed; returns the box (already open)."""
    box = _box(parent, title, text, details)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def tell_with_copy(
    parent: QWidget | None, text: str, details: str, value: str, *, copy: str = "Copy address"
) -> QMessageBox:
    """A warning with a button that puts ``value`` on the clipboard (and closes the box)."""
    box = _box(parent, "Storedesk", text, details)
    box.setIcon(QMessageBox.Icon.Warning)
    button = box.addButton(copy, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(button)
    button.clicked.connect(lambda: QGuiApplication.clipboard().setText(value))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def open_or_offer_copy(
    parent: QWidget | None, url: QUrl, opener: Opener = QDesktopServices.openUrl
) -> QMessageBox | None:
    """Open ``url`` in the system's browser (or file viewer). When nothing could open it,
    say so and offer to copy the address; returns that box, or None when it opened."""
    if opener(url):
        return None
    shown = url.toLocalFile() if url.isLocalFile() else url.toString()
    text = (
        "No program could be opened here to show this file."
        if url.isLocalFile()
        else "No web browser could be opened here."
    )
    return tell_with_copy(
        parent, text, f"Open {shown} yourself; Copy address puts it on the clipboard.", shown
    )
