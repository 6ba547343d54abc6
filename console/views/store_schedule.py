"""A store's automatic sync on the Stores screen: the line that says when it runs next and
how the last run went, and the dialog that changes the interval and the nightly full sync."""

from __future__ import annotations

import html

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from console.models.orders import local_time
from core.workspace.schedule import (
    DEFAULT_NIGHTLY,
    EVERY_CHOICES,
    NextRun,
    Schedule,
    ScheduleState,
    format_every,
)

RESULTS = {"completed": "completed", "failed": "failed", "cancelled": "cancelled",
           "busy": "skipped (another sync was running)"}  # fmt: skip


def next_text(run: NextRun | None, state: ScheduleState | None) -> str:
    """The Next sync column: ``2026-12-06 14:15`` (``full``), ``off``; a failing store says so."""
    text = "off" if run is None else local_time(run.at)
    if run is not None and run.plan == "full":
        text += " (full)"
    if state is not None and state.failing:
        text += f" · failed {state.failures}×"
    return text


def schedule_line(state: ScheduleState | None, run: NextRun | None) -> str:
    schedule = state.schedule if state is not None else Schedule()
    parts = [f"Automatic sync: {schedule.describe()}"]
    if run is not None:
        parts.append(f"next {'full sync ' if run.plan == 'full' else ''}at {local_time(run.at)}")
    if state is not None and state.last_result:
        last = f"last: {RESULTS.get(state.last_result, state.last_result)}"
        if state.last_result == "failed" and state.last_message:
            last += f" ({state.last_message})"
        parts.append(last)
    line = html.escape(" · ".join(parts))
    if state is not None and state.failing:
        return f"<span style='color:#b3261e'>{line}</span>"
    return line


class ScheduleDialog(QDialog):
    """Choose the interval (off, 5 min … a day) and the nightly full sync's time."""

    chosen = Signal(object)  # the Schedule

    def __init__(self, store: str, schedule: Schedule, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Automatic sync of {store}")
        self.every = QComboBox(self)
        choices = sorted({*EVERY_CHOICES, schedule.every_minutes})
        for minutes in choices:
            self.every.addItem("Off" if not minutes else f"Every {format_every(minutes)}", minutes)
        self.every.setCurrentIndex(choices.index(schedule.every_minutes))
        self.nightly = QCheckBox("Full sync every night at", self)
        self.nightly.setChecked(schedule.nightly is not None)
        at = schedule.nightly or DEFAULT_NIGHTLY
        self.time = QTimeEdit(QTime(at.hour, at.minute), self)
        self.time.setDisplayFormat("HH:mm")
        self.time.setEnabled(self.nightly.isChecked())
        self.nightly.toggled.connect(self.time.setEnabled)
        note = QLabel(
            "Runs while the console is open (missed runs catch up soon after it starts). The "
            "nightly full sync re-reads the whole store at a quiet hour, in this computer's "
            "time. A sync already running, here or in a terminal, is never doubled.",
            self,
        )
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Sync changes", self.every)
        form.addRow(self.nightly, self.time)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def schedule(self) -> Schedule:
        at = self.time.time()
        nightly = None
        if self.nightly.isChecked():
            nightly = DEFAULT_NIGHTLY.replace(hour=at.hour(), minute=at.minute())
        return Schedule(int(self.every.currentData()), nightly)

    def _save(self) -> None:
        self.chosen.emit(self.schedule())
        self.accept()
