"""``View``: what the main window expects of a screen."""

from __future__ import annotations

from collections.abc import Callable
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


def unsaved_settled(confirm: Callable[[str], bool], what: str, save: Callable[[], object]) -> bool:
    """Ask whether to save unsaved changes to ``what`` before the screen shows something
    else: True once saved or discarded; False when saving failed (the screen shows why and
    keeps them)."""
    if not confirm(f"Save your changes to {what} first? (No discards them.)"):
        return True
    return save() is not None
