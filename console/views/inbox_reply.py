"""The Inbox's reply box (Enter sends, Shift+Enter starts a new line, ``/shortcut`` inserts a
canned reply) and the canned replies editor."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.ui import named
from core.workspace.inbox_replies import Canned, CannedError, CannedReplies


class ReplyBox(QPlainTextEdit):
    submitted = Signal()
    typing = Signal()

    def __init__(self, canned: CannedReplies, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._canned = canned
        self._words = QStringListModel(self)
        self.completer = QCompleter(self._words, self)
        self.completer.setWidget(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.activated.connect(self._chosen)
        self.setPlaceholderText(
            "Write a reply — Enter sends, Shift+Enter starts a new line, / inserts a canned reply"
        )
        self.setTabChangesFocus(True)
        self.setMaximumHeight(110)
        self.textChanged.connect(self._changed)

    def _changed(self) -> None:
        text = self.toPlainText()
        if text.strip():
            self.typing.emit()
        if text.startswith("/") and " " not in text and "\n" not in text:
            self._words.setStringList([f"/{c.shortcut}" for c in self._canned.all()])
            self.completer.setCompletionPrefix(text)
            if self.completer.completionCount():
                self.completer.complete(self.cursorRect())
                return
        self._popup_hide()

    def _chosen(self, word: str) -> None:
        self.expand(word)

    def expand(self, word: str | None = None) -> bool:
        """Replace ``/shortcut`` (the whole box) with its canned reply; True if it did."""
        word = (word or self.toPlainText()).strip()
        if not word.startswith("/"):
            return False
        found = [c for c in self._canned.all() if c.shortcut == word[1:].lower()]
        if not found:
            return False
        self._popup_hide()
        self.setPlainText(found[0].text)
        self.moveCursor(self.textCursor().MoveOperation.End)
        return True

    def _popup_visible(self) -> bool:
        popup = self.completer.popup()
        return popup is not None and popup.isVisible()

    def _popup_hide(self) -> None:
        popup = self.completer.popup()
        if popup is not None:
            popup.hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self._popup_visible():  # take the highlighted canned reply
            self.expand(self.completer.currentCompletion() or None)
            return
        if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            if not self.expand():
                self.submitted.emit()
            return
        if enter:  # Shift+Enter: a new line, not a paragraph separator
            self.insertPlainText("\n")
            return
        super().keyPressEvent(event)


class CannedDialog(QDialog):
    """Add, edit and delete canned replies (kept in the workspace)."""

    def __init__(self, canned: CannedReplies, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Canned replies")
        self.setObjectName("cannedDialog")
        self._canned = canned
        self._editing: int | None = None
        self.list = named(QListWidget(), "cannedList")
        self.list.currentItemChanged.connect(self._pick)
        self.shortcut = named(QLineEdit(placeholderText="shipping"), "cannedShortcut")
        self.text = named(QPlainTextEdit(), "cannedText")
        self.error = named(QLabel(wordWrap=True), "cannedError")
        self.error.setStyleSheet("color: #b91c1c")
        form = QFormLayout()
        form.addRow("Shortcut  /", self.shortcut)
        form.addRow("Reply", self.text)
        new, save, delete = QPushButton("New"), QPushButton("Save"), QPushButton("Delete")
        for button, name, slot in (
            (new, "cannedNew", self._new),
            (save, "cannedSave", self.save),
            (delete, "cannedDelete", self._delete),
        ):
            button.setObjectName(name)
            button.clicked.connect(slot)
        row = QHBoxLayout()
        for button in (new, save, delete):
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(row)
        layout.addWidget(close)
        self.resize(520, 460)
        self._load()

    def _load(self, select: int | None = None) -> None:
        self.list.clear()
        for canned in self._canned.all():
            item = QListWidgetItem(f"/{canned.shortcut} — {canned.text[:60]}")
            item.setData(Qt.ItemDataRole.UserRole, canned)
            self.list.addItem(item)
            if canned.id == select:
                self.list.setCurrentItem(item)

    def _pick(self, item: QListWidgetItem | None) -> None:
        canned: Canned | None = item.data(Qt.ItemDataRole.UserRole) if item else None
        self._editing = canned.id if canned else None
        self.shortcut.setText(canned.shortcut if canned else "")
        self.text.setPlainText(canned.text if canned else "")
        self.error.clear()

    def _new(self) -> None:
        self.list.setCurrentRow(-1)
        self._pick(None)
        self.shortcut.setFocus()

    def save(self) -> bool:
        try:
            saved = self._canned.save(
                self.shortcut.text(), self.text.toPlainText(), canned_id=self._editing
            )
        except CannedError as err:
            self.error.setText(str(err))
            return False
        self.error.clear()
        self._load(select=saved.id)
        return True

    def _delete(self) -> None:
        if self._editing is not None:
            self._canned.remove(self._editing)
            self._load()
            self._pick(None)
