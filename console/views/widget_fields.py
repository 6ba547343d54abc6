"""Field widgets of the widget editor: brand colour with a live swatch, business hours,
languages and allowed origins. Each has ``value()`` / ``set_value()`` in the settings' JSON
form; checking stays with ``core.widgets`` (the editor shows its ``WidgetError`` by the field).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from zoneinfo import available_timezones

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from core.widgets import SUPPORTED_LANGUAGES, WidgetError, normalise_origin, text_color_for

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German"}
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def error_label() -> QLabel:
    """The red sentence shown under a field whose value cannot be used (hidden when empty)."""
    label = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
    label.setStyleSheet("color: #c62828;")
    label.hide()
    return label


def stacked(top: QWidget | QLayout, bottom: QWidget) -> QWidget:
    """``top`` (a field) with ``bottom`` (its error or note) under it."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    if isinstance(top, QWidget):
        layout.addWidget(top)
    else:
        layout.addLayout(top)
    layout.addWidget(bottom)
    return box


class ColorField(QWidget):
    """``#rrggbb`` text, a Choose… button and a swatch drawn as the launcher will be: the
    brand colour behind the text colour the widget picks for it (``text_color_for``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(placeholderText="#2563eb", maxLength=7)
        self.edit.setFixedWidth(90)
        self.choose = QPushButton("Choose…")
        self.swatch = QLabel("Chat")
        self.swatch.setMinimumWidth(120)
        self.swatch.setMargin(6)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for part in (self.edit, self.choose, self.swatch):
            layout.addWidget(part)
        layout.addStretch()
        self.edit.textChanged.connect(self._paint)
        self.choose.clicked.connect(self._pick)

    @property
    def text_color(self) -> str | None:
        """The text colour the widget will use on this colour; None while it is not valid."""
        color = self.value()
        return text_color_for(color) if _HEX.match(color) else None

    def value(self) -> str:
        return self.edit.text().strip()

    def set_value(self, color: str) -> None:
        self.edit.setText(color)
        self._paint()

    def _pick(self) -> None:
        start = QColor(self.value()) if _HEX.match(self.value()) else QColor("#2563eb")
        chosen = QColorDialog.getColor(start, self, "Brand colour")
        if chosen.isValid():
            self.set_value(chosen.name())

    def _paint(self) -> None:
        text = self.text_color
        if text is None:
            self.swatch.setText("Not a colour")
            self.swatch.setStyleSheet("border: 1px dashed gray;")
            return
        self.swatch.setText(f"Chat  (text {text})")
        self.swatch.setStyleSheet(
            f"background: {self.value().lower()}; color: {text}; border-radius: 6px;"
        )


class TimezoneField(QComboBox):
    """Every IANA time zone, searchable by typing (``Europe/Pa`` → Europe/Paris)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.addItems(sorted(available_timezones() | {"UTC"}))
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(completer.filterMode().MatchContains)
        completer.setCaseSensitivity(completer.caseSensitivity().CaseInsensitive)
        self.setCompleter(completer)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)

    def value(self) -> str:
        return self.currentText().strip()

    def set_value(self, zone: str) -> None:
        self.setCurrentText(zone)


class HoursEditor(QWidget):
    """One row per weekday: open or closed, opening and closing time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.rows: list[tuple[QCheckBox, QTimeEdit, QTimeEdit]] = []
        for day, name in enumerate(DAYS):
            is_open = QCheckBox(name)
            opens, closes = QTimeEdit(QTime(9, 0)), QTimeEdit(QTime(17, 0))
            for edit in (opens, closes):
                edit.setDisplayFormat("HH:mm")
                edit.setEnabled(False)
                is_open.toggled.connect(edit.setEnabled)
            grid.addWidget(is_open, day, 0)
            grid.addWidget(opens, day, 1)
            grid.addWidget(QLabel("to"), day, 2)
            grid.addWidget(closes, day, 3)
            self.rows.append((is_open, opens, closes))
        grid.setColumnStretch(4, 1)

    def value(self) -> list[dict[str, Any]]:
        return [
            {"day": day, "opens": o.time().toString("HH:mm"), "closes": c.time().toString("HH:mm")}
            for day, (is_open, o, c) in enumerate(self.rows)
            if is_open.isChecked()
        ]

    def set_value(self, hours: Sequence[Any]) -> None:
        by_day = {h.day: h for h in hours}
        for day, (is_open, opens, closes) in enumerate(self.rows):
            found = by_day.get(day)
            is_open.setChecked(found is not None)
            if found is not None:
                opens.setTime(QTime.fromString(found.opens, "HH:mm"))
                closes.setTime(QTime.fromString(found.closes, "HH:mm"))


class LanguagesField(QWidget):
    """The first language (greeting and fallback) and the others the bot also answers in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = QComboBox()
        for code in SUPPORTED_LANGUAGES:
            self.first.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.also = {
            code: QCheckBox(LANGUAGE_NAMES.get(code, code)) for code in SUPPORTED_LANGUAGES
        }
        grid = QGridLayout()  # two columns: the row fits a narrow editor
        for number, box in enumerate(self.also.values()):
            grid.addWidget(box, number // 2, number % 2)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.first, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(QLabel("also:"), 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(grid)
        layout.addStretch()
        self.first.currentIndexChanged.connect(self._sync)

    def value(self) -> list[str]:
        first = str(self.first.currentData())
        return [first, *(c for c, box in self.also.items() if box.isChecked() and c != first)]

    def set_value(self, languages: Sequence[str]) -> None:
        self.first.setCurrentIndex(max(0, self.first.findData(languages[0] if languages else "en")))
        for code, box in self.also.items():
            box.setChecked(code in languages[1:])
        self._sync()

    def _sync(self) -> None:
        first = self.first.currentData()
        for code, box in self.also.items():
            box.setEnabled(code != first)


class OriginsEditor(QWidget):
    """The sites that may show the widget (none: any site). A typed address is checked when
    added; ``problem`` carries the sentence, ``value()`` includes an address typed but not
    yet added (so saving checks it too)."""

    problem = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setMaximumHeight(110)
        self.edit = QLineEdit(placeholderText="https://shop.example.com")
        self.add = QPushButton("Add")
        self.remove = QPushButton("Remove")
        row = QHBoxLayout()
        for part in (self.edit, self.add, self.remove):
            row.addWidget(part)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(row)
        self.add.clicked.connect(self.add_typed)
        self.edit.returnPressed.connect(self.add_typed)
        self.remove.clicked.connect(self._remove_selected)

    def add_typed(self) -> bool:
        text = self.edit.text().strip()
        if not text:
            return True
        try:
            origin = normalise_origin(text)
        except WidgetError as err:
            self.problem.emit(str(err))
            return False
        if origin not in self.origins():
            self.list.addItem(origin)
        self.edit.clear()
        self.problem.emit("")
        return True

    def origins(self) -> list[str]:
        return [self.list.item(n).text() for n in range(self.list.count())]

    def value(self) -> list[str]:
        typed = self.edit.text().strip()
        return [*self.origins(), typed] if typed else self.origins()

    def set_value(self, origins: Sequence[str]) -> None:
        self.list.clear()
        self.list.addItems(list(origins))
        self.edit.clear()

    def _remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
