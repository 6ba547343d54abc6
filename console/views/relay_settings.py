"""The frame of a dialog for one widget's settings that are kept in the workspace and sent to
the paired relay (WhatsApp, the AI agent): an introduction, the form, a message line for the
reason a value is refused and for what the relay said, and Save and Close buttons."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.errors import sentence_for
from core.workspace.channels import ChannelRepository

if TYPE_CHECKING:
    from console.context import ConsoleContext
    from console.relay_client import RelayClient
    from core.workspace.widgets import WidgetEntry

KEPT = "saved; leave empty to keep it"  # the placeholder of a secret field once saved

Row = tuple[str, QWidget]  # a form row: its label and its field


class RelaySettingsDialog(QDialog):
    """Subclasses create their fields, then call ``finish()`` (so that the fields come first
    in the focus order), and implement ``save()``."""

    message: QLabel
    buttons: QDialogButtonBox
    save_button: QPushButton

    def __init__(
        self, ctx: ConsoleContext, entry: WidgetEntry, title: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entry = entry
        self.channels = ChannelRepository(ctx.session.workspace, ctx.session.vault)
        self.setWindowTitle(title)
        self._task: asyncio.Task[Any] | None = None

    def finish(self, intro: str, rows: Sequence[Row], size: tuple[int, int]) -> None:
        """Add the message line and the buttons, and lay out ``intro`` above the form."""
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        label = QLabel(intro, self)
        label.setWordWrap(True)
        form = QFormLayout()
        for name, field in rows:
            form.addRow(name, field)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(*size)

    def save(self) -> None:
        raise NotImplementedError

    def send(
        self, tell: Callable[[RelayClient], Awaitable[str]], *, unpaired: str, what: str
    ) -> None:
        """Tell the relay what was saved (``tell`` answers the sentence to show once it is
        done); unpaired, say what to do: "Pair … and publish to ``unpaired``"."""
        client = self.ctx.relay_client()
        if client is None:
            self.message.setText(
                f"Saved. Pair with your relay (Settings) and publish to {unpaired}."
            )
            return
        self.message.setText("Saved; telling the relay…")
        self._task = self.ctx.spawn(self._told(tell(client)), what=what)

    async def _told(self, answer: Awaitable[str]) -> None:
        try:
            said = await answer
        except Exception as error:  # one sentence; the settings stay saved for publishing
            self.message.setText(f"Saved here, but the relay said: {sentence_for(error)}")
            return
        self.message.setText(said)


def secret(field: QLineEdit, saved: str) -> str:
    """The secret typed in ``field``, or the ``saved`` one when the field was left empty."""
    return field.text().strip() or saved
