"""Questions and messages that do not block the loop: the box opens window-modal and the
caller awaits the answer, so the network and the rest of the window keep running."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


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
