"""Parts of the Knowledge base screen: the entry form, the "test the bot" box and the
import report."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.views.widget_fields import error_label
from core.bot.trial import Trial
from core.workspace.knowledge import ImportReport, KnowledgeItem


def _plain(text: str = "") -> QLabel:
    label = QLabel(text, wordWrap=True, textFormat=Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class EntryForm(QGroupBox):
    """Question, answer, keywords, enabled; New / Save / Delete…."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("New answer", parent)
        self.question = QLineEdit(placeholderText="What is your return policy?")
        self.answer = QPlainTextEdit(placeholderText="The answer the bot gives, word for word.")
        self.keywords = QLineEdit(placeholderText="returns, refund, exchange")
        self.answer.setMaximumHeight(160)
        self.enabled = QCheckBox("Enabled (the bot may use it)")
        self.error = error_label()
        self.new_button = QPushButton("New")
        self.save_button = QPushButton("Save")
        self.delete_button = QPushButton("Delete…")
        form = QFormLayout(self)
        form.addRow("Question", self.question)
        form.addRow("Answer", self.answer)
        form.addRow("Keywords", self.keywords)
        form.addRow("", self.enabled)
        form.addRow("", self.error)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        self.show_item(None)

    def show_item(self, item: KnowledgeItem | None, widget_id: int | None = None) -> None:
        """Show ``item`` (None: a new answer) of the widget ``widget_id``."""
        self.item, self.widget_id = item, widget_id
        self.setTitle("Edit answer" if item else "New answer")
        self.question.setText(item.question if item else "")
        self.answer.setPlainText(item.answer if item else "")
        self.keywords.setText(", ".join(item.keywords) if item else "")
        self.enabled.setChecked(item.enabled if item else True)
        self.delete_button.setEnabled(item is not None)
        self.show_error("")
        self._shown = self.values()

    def values(self) -> tuple[str, str, str, bool]:
        return (
            self.question.text(),
            self.answer.toPlainText(),
            self.keywords.text(),
            self.enabled.isChecked(),
        )

    def has_unsaved_changes(self) -> bool:
        """Whether the form differs from the answer it shows (or an empty new one)."""
        return self.values() != self._shown

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))


class BotTester(QGroupBox):
    """A question in; the bot's answer, the matched entry and its confidence out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Test the bot", parent)
        self.question = QLineEdit(
            placeholderText="Ask as a shopper would, e.g. can I return shoes?"
        )
        self.ask_button = QPushButton("Ask")
        self.answer = _plain()
        self.matched = _plain()
        self.confidence = _plain()
        self.note = _plain()
        row = QHBoxLayout()
        row.addWidget(self.question, 1)
        row.addWidget(self.ask_button)
        form = QFormLayout(self)
        form.addRow(row)
        form.addRow("Bot says", self.answer)
        form.addRow("Matched entry", self.matched)
        form.addRow("Confidence", self.confidence)
        form.addRow("", self.note)

    def show_trial(self, trial: Trial) -> None:
        self.answer.setText(trial.answer)
        match = trial.match
        self.matched.setText(match.entry.question if match else "None: no answer shares a word")
        self.confidence.setText(
            f"{trial.confidence:.2f} (this widget answers from {trial.threshold:.2f})"
        )
        self.note.setText(_note(trial))

    def show_message(self, text: str) -> None:
        for label in (self.answer, self.matched, self.confidence):
            label.clear()
        self.note.setText(text)


def _note(trial: Trial) -> str:
    if trial.from_knowledge:
        return "Answered from the knowledge base."
    if not trial.below_threshold:
        return f"The bot answered this itself ({trial.intent.replace('_', ' ')})."
    offer = (
        "the shopper is offered the contact form"
        if trial.form == "lead"
        else "the shopper is told the team will reply"
    )
    return (
        "Below the widget's threshold: the bot does not guess, and "
        f"{offer}. Add keywords or a question worded like this one to answer it."
    )


class ImportReportDialog(QDialog):
    """What an import did, and each rejected row with the reason."""

    def __init__(self, file_name: str, report: ImportReport, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Imported {file_name}")
        counts = (
            f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
            f"{len(report.rejected)} rejected."
        )
        fix = " Fix those rows and import the file again; the others are saved."
        self.summary = _plain(counts + (fix if report.rejected else ""))
        self.rows = QTableWidget(len(report.rejected), 2)
        self.rows.setHorizontalHeaderLabels(["Where", "Why it was rejected"])
        self.rows.verticalHeader().hide()
        self.rows.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for n, rejected in enumerate(report.rejected):
            self.rows.setItem(n, 0, QTableWidgetItem(rejected.where))
            self.rows.setItem(n, 1, QTableWidgetItem(rejected.reason))
        self.rows.setVisible(bool(report.rejected))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.rows, 1)
        layout.addWidget(buttons)
        self.resize(620, 320 if report.rejected else 140)

    def rejected_rows(self) -> list[tuple[str, str]]:
        return [(self._cell(n, 0), self._cell(n, 1)) for n in range(self.rows.rowCount())]

    def _cell(self, row: int, column: int) -> str:
        item = self.rows.item(row, column)
        return item.text() if item else ""
