"""The widget editor's Spam tab: blocked addresses, words and regular expressions, a message
rate limit and the lead form's honeypot, with a tester that says which rule a message breaks.

``value()`` / ``set_value()`` speak the settings' JSON form (``spam`` in the widget JSON);
checking stays with ``core.spam`` through the editor's save, which shows a bad rule's
sentence under its list (``spam.ips``, ``spam.words``, ``spam.regexes``, ...).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from console.ui import named
from console.views.widget_fields import error_label, stacked
from core.spam import SpamRuleError, address_of, match, spam_from_json


def _lines(box: QPlainTextEdit) -> list[str]:
    return [line.strip() for line in box.toPlainText().splitlines() if line.strip()]


class SpamPanel(QWidget):
    """The Spam tab. ``errors`` holds one error label per part, keyed ``spam.<part>``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.ips = named(_list_box("203.0.113.7\n198.51.100.0/24\n2001:db8::/32"), "spamIps")
        self.words = named(_list_box("casino\nfree money"), "spamWords")
        self.regexes = named(_list_box(r"https?://\S+\.ru\b"), "spamRegexes")
        self.rate = named(QSpinBox(minimum=0, maximum=1000, suffix=" a minute"), "spamRate")
        self.rate.setSpecialValueText("No limit")
        self.rate.setMaximumWidth(140)
        self.honeypot = named(
            QCheckBox("Hidden honeypot field in the contact and appointment forms"),
            "spamHoneypot",
        )
        for label, name, field in (
            ("Blocked addresses", "ips", self.ips),
            ("Blocked words", "words", self.words),
            ("Regular expressions", "regexes", self.regexes),
            ("Message rate", "rate_per_minute", self.rate),
            ("Robots", "honeypot", self.honeypot),
        ):
            self.errors[f"spam.{name}"] = error_label()
            form.addRow(label, stacked(field, self.errors[f"spam.{name}"]))
        form.addRow("", _hint())
        form.addRow("Try a message", self._tester())

    def _tester(self) -> QWidget:
        self.sample = named(QLineEdit(placeholderText="A shopper's message"), "spamSample")
        self.sample_ip = named(QLineEdit(placeholderText="From address (optional)"), "spamSampleIp")
        self.sample_ip.setMaximumWidth(200)
        self.test_button = named(QPushButton("Test"), "spamTest")
        self.test_button.clicked.connect(self.run_test)
        self.sample.returnPressed.connect(self.run_test)
        self.verdict = named(
            QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText), "spamVerdict"
        )
        row = QHBoxLayout()
        row.addWidget(self.sample, 1)
        row.addWidget(self.sample_ip)
        row.addWidget(self.test_button)
        return stacked(row, self.verdict)

    def value(self) -> dict[str, Any]:
        """The tab as the settings' ``spam`` JSON (unchecked: saving checks it)."""
        return {
            "ips": _lines(self.ips),
            "words": _lines(self.words),
            "regexes": _lines(self.regexes),
            "rate_per_minute": self.rate.value() or None,
            "honeypot": self.honeypot.isChecked(),
        }

    def set_value(self, data: dict[str, Any]) -> None:
        self.ips.setPlainText("\n".join(data.get("ips", [])))
        self.words.setPlainText("\n".join(data.get("words", [])))
        self.regexes.setPlainText("\n".join(data.get("regexes", [])))
        self.rate.setValue(data.get("rate_per_minute") or 0)
        self.honeypot.setChecked(bool(data.get("honeypot", True)))
        self.verdict.clear()

    def run_test(self) -> str:
        """Say which of the rules as typed (saved or not) the sample message breaks."""
        address = self.sample_ip.text().strip() or None
        try:
            rules = spam_from_json(self.value())
        except SpamRuleError as err:
            return self._say(f"Fix the rules first: {err}")
        if address is not None and address_of(address) is None:
            return self._say(f"{address!r} is not an IP address, like 203.0.113.7.")
        verdict = match(rules, [self.sample.text()], address)
        found = verdict.match
        skipped = "".join(
            f" The regular expression {p!r} took too long and was skipped."
            for p in verdict.timed_out
        )
        if found is None:
            return self._say("No rule matches: the bot answers this message." + skipped)
        return self._say(f"Spam: {found.describe()}." + skipped)

    def _say(self, text: str) -> str:
        self.verdict.setText(text)
        return text


def _list_box(placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit(placeholderText=f"One per line, e.g.\n{placeholder}")
    box.setFixedHeight(84)
    return box


def _hint() -> QLabel:
    return QLabel(
        "A message that breaks a rule marks its conversation as spam: it gets a polite, "
        'neutral reply, never order details, and waits under Inbox → Spam ("Not spam" '
        "restores it). Words match whole words in any case; regular expressions are "
        "case-insensitive and stop after a fraction of a second on any message. Addresses "
        "block the website's visitors (a range like 203.0.113.0/24 or 2001:db8::/32 works). "
        "Beyond the message rate, from one chat or one address, messages count as spam. "
        "People never see the honeypot field; robots that fill it in are spam. Publish… "
        "makes the rules live.",
        wordWrap=True,
    )
