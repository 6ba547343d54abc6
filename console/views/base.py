"""``View``: what the main window expects of a screen."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtWidgets import QWidget

from console.context import ConsoleContext


class View(QWidget):
    """A screen: built once with the context, ``refresh()``ed each time it is shown."""

    title: ClassVar[str] = ""
    shortcut: ClassVar[str] = ""  # e.g. "Ctrl+1", set by the window's order

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    async def refresh(self) -> None:
        """Reload what the screen shows (from services; quick, or spawned)."""
