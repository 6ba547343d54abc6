"""The widget editor: appearance, behaviour, installation, pages and spam tabs; Save,
Preview, Publish….

Saving goes through ``WidgetRepository`` (which checks the settings as a whole with
``core.widgets``); a ``WidgetError`` is shown under the field it names and nothing is saved.
A saved widget is "changed since publish" until the next publish.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.context import ConsoleContext
from console.dialogs import tell_with_copy
from console.views.clients import ClientField
from console.views.widget_fields import (
    ColorField,
    HoursEditor,
    LanguagesField,
    TimezoneField,
    error_label,
    stacked,
)
from console.views.widget_install import InstallPanel
from console.views.widget_pages import PagesPanel
from console.views.widget_spam import SpamPanel
from core.records import WidgetConfig
from core.spam import spam_to_json
from core.widgets import WidgetError
from core.workspace.widgets import WidgetEntry

_DEFAULT = WidgetConfig(key="new-widget", name="")
_FIELD_TAB = {"allowed_origins": 2} | dict.fromkeys(
    (
        "business_hours",
        "timezone",
        "confidence_threshold",
        "lead_form",
        "appointment_form",
        "languages",
        "suggestions",
        "identity_max_age",
        "retention_days",
    ),
    1,
)


SPAM_TAB = 4


def changed_since_publish(entry: WidgetEntry) -> bool:
    return entry.published_at is None or entry.updated_at > entry.published_at


class WidgetEditor(QWidget):
    saved = Signal(object)  # the WidgetEntry just saved

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entry: WidgetEntry | None = None
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.errors: dict[str, QLabel] = {}
        self.heading = QLabel(textFormat=Qt.TextFormat.PlainText)
        self.heading.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.key_label = QLabel(textFormat=Qt.TextFormat.PlainText)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tabs = QTabWidget()
        self.tabs.addTab(_scrolled(self._appearance()), "Appearance")
        self.tabs.addTab(_scrolled(self._behaviour()), "Behaviour")
        self.install = InstallPanel()
        self.errors["allowed_origins"] = self.install.origins_error
        self.install.origins.problem.connect(lambda text: self.show_error("allowed_origins", text))
        self.tabs.addTab(self.install, "Installation")
        self.pages = PagesPanel(ctx)
        self.pages.allowed.connect(self._origin_allowed)
        self.tabs.addTab(self.pages, "Pages")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.spam = SpamPanel()
        self.errors.update(self.spam.errors)
        self.tabs.addTab(_scrolled(self.spam), "Spam")
        self.general_error = error_label()
        self.status = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.starter = QCheckBox(
            "Start with starter answers (shipping, returns, payment, contact) to fill in"
        )
        self.starter.setChecked(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.key_label)
        layout.addWidget(self.starter)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.general_error)
        layout.addLayout(self._buttons())
        self.load(None)

    # building

    def _field(self, form: QFormLayout, label: str, name: str, field: QWidget) -> None:
        self.errors[name] = error_label()
        form.addRow(label, stacked(field, self.errors[name]))

    def _appearance(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.name = QLineEdit(placeholderText="Shop chat")
        self.store = QComboBox()
        self.title = QLineEdit()
        self.greeting = QPlainTextEdit()
        self.greeting.setFixedHeight(64)
        self.color = ColorField()
        self.position = QComboBox()
        self.position.addItem("Bottom right", "bottom-right")
        self.position.addItem("Bottom left", "bottom-left")
        self.launcher_text = QLineEdit()
        self.avatar_url = QLineEdit(placeholderText="https://shop.example.com/avatar.png")
        self.reply_time = QLineEdit(placeholderText="We usually reply within an hour")
        for label, name, field in (
            ("Name", "name", self.name),
            ("Store", "store", self.store),
            ("Title", "title", self.title),
            ("Greeting", "greeting", self.greeting),
            ("Brand colour", "color", self.color),
            ("Position", "position", self.position),
            ("Launcher text", "launcher_text", self.launcher_text),
            ("Avatar (https)", "avatar_url", self.avatar_url),
            ("Reply time", "reply_time", self.reply_time),
        ):
            self._field(form, label, name, field)
        self.client = ClientField(self.ctx)  # agency mode: a row only while clients exist
        form.insertRow(2, "Client", self.client)
        self.client.row_shown.connect(lambda shown: form.setRowVisible(self.client, shown))
        return page

    def _behaviour(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow: label above
        self.hours = HoursEditor()
        self.timezone = TimezoneField()
        self.threshold = QDoubleSpinBox(minimum=0.0, maximum=1.0, singleStep=0.05, decimals=2)
        self.threshold.setMaximumWidth(100)
        self.timezone.setMaximumWidth(320)
        self.lead_form = QCheckBox("Offer the contact form when the bot cannot answer")
        self.appointment_form = QCheckBox("Let shoppers ask for an appointment")
        self.languages = LanguagesField()
        self.suggestions = QPlainTextEdit(placeholderText="One per line, up to six")
        self.suggestions.setFixedHeight(84)
        # minutes in the form, seconds in the settings (1 minute to 24 hours)
        self.identity_max_age = QSpinBox(minimum=1, maximum=1440, suffix=" min")
        self.identity_max_age.setMaximumWidth(120)
        self.identity_max_age.setToolTip(
            "How long a signed-in shopper's signature from your storefront is accepted "
            "(at most 24 hours = 1440 min)"
        )
        # 0 days in the form: no period of its own (the Privacy screen's applies)
        self.retention_days = QSpinBox(minimum=0, maximum=3650, suffix=" days")
        self.retention_days.setSpecialValueText("as in Privacy")
        self.retention_days.setMaximumWidth(140)
        self.retention_days.setToolTip(
            "Delete this widget's conversations this many days after their last message, "
            "here and on the relay; 'as in Privacy' follows the retention set there"
        )
        for label, name, field in (
            ("Business hours", "business_hours", self.hours),
            ("Time zone", "timezone", self.timezone),
            ("Answer confidence", "confidence_threshold", self.threshold),
            ("Lead form", "lead_form", self.lead_form),
            ("Appointments", "appointment_form", self.appointment_form),
            ("Languages", "languages", self.languages),
            ("Suggestions", "suggestions", self.suggestions),
            ("Sign-in valid for", "identity_max_age", self.identity_max_age),
            ("Keep conversations", "retention_days", self.retention_days),
        ):
            self._field(form, label, name, field)
        self.behaviour_hint = QLabel(
            "Below this confidence the bot does not guess: it offers the contact form or a "
            "person. The widget shows you online while this console (or an agent) is "
            "connected, or within business hours; otherwise shoppers read that you reply by "
            "email. A shopper your storefront signed in is trusted for the sign-in time "
            "above, counted from when the storefront signed the page (shorter is safer).",
            wordWrap=True,
        )
        form.addRow("", self.behaviour_hint)
        return page

    def _buttons(self) -> QHBoxLayout:
        self.preview_button = QPushButton("Preview")
        self.publish_button = QPushButton("Publish…")
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.preview_button.clicked.connect(self._preview_clicked)
        self.publish_button.clicked.connect(self._publish_clicked)
        self.save_button.clicked.connect(self._save_clicked)
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self._save_clicked)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        for button in (self.preview_button, self.publish_button, self.save_button):
            row.addWidget(button)
        return row

    # loading and saving

    def _publish_clicked(self) -> None:
        self.ctx.publish_requested.emit()

    def _save_clicked(self) -> None:
        self.save()

    def load(self, entry: WidgetEntry | None) -> None:
        """Show ``entry`` (None: a new widget's defaults)."""
        self.entry = entry
        config = entry.config if entry else _DEFAULT
        self._fill_stores(config.store)
        self.client.show_for(entry)
        self.name.setText(config.name)
        self.title.setText(config.title)
        self.greeting.setPlainText(config.greeting)
        self.color.set_value(config.color)
        self.position.setCurrentIndex(max(0, self.position.findData(config.position)))
        self.launcher_text.setText(config.launcher_text)
        self.avatar_url.setText(config.avatar_url or "")
        self.reply_time.setText(config.reply_time or "")
        self.hours.set_value(config.business_hours)
        self.timezone.set_value(config.timezone)
        self.threshold.setValue(config.confidence_threshold)
        self.lead_form.setChecked(config.lead_form)
        self.appointment_form.setChecked(config.appointment_form)
        self.languages.set_value(config.languages)
        self.suggestions.setPlainText("\n".join(config.suggestions))
        self.identity_max_age.setValue(max(1, config.identity_max_age // 60))
        self.retention_days.setValue(config.retention_days or 0)
        self.install.origins.set_value(config.allowed_origins)
        self.spam.set_value(spam_to_json(config.spam))
        self.clear_errors()
        self.refresh_install()
        self.heading.setText(entry.name if entry else "New widget")
        self.key_label.setText(f"Widget key: {entry.key}" if entry else "")
        self.key_label.setVisible(entry is not None)
        self.starter.setVisible(entry is None)
        if entry is None:
            self.starter.setChecked(True)
        self.preview_button.setEnabled(entry is not None)
        self.status.setText(_state(entry))
        self._loaded = self.values()
        self.pages.show_for(entry, ask_relay=self.tabs.currentWidget() is self.pages)

    def has_unsaved_changes(self) -> bool:
        """Whether the form differs from what was last loaded or saved."""
        return self.values() != self._loaded

    def refresh_install(self) -> None:
        link = self.ctx.relay_link()
        self.install.show_for(self.entry.key if self.entry else None, link.url if link else None)

    # pages the widget was loaded on

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.pages:
            self.pages.refresh_from_relay()

    def _origin_allowed(self, entry: WidgetEntry) -> None:
        """The Pages tab saved a new allowed site: other unsaved edits stay in the form."""
        self.entry = entry
        self.install.origins.set_value(entry.config.allowed_origins)
        self._loaded["allowed_origins"] = list(entry.config.allowed_origins)
        self.status.setText(_state(entry))
        self.saved.emit(entry)
        self.ctx.widgets_changed.emit()

    def values(self) -> dict[str, Any]:
        """The form as WidgetConfig JSON fields (unchecked: saving checks them)."""
        lines = self.suggestions.toPlainText().splitlines()
        return {
            "name": self.name.text(),
            "store": self.store.currentData(),
            "title": self.title.text(),
            "greeting": self.greeting.toPlainText(),
            "color": self.color.value(),
            "position": self.position.currentData(),
            "launcher_text": self.launcher_text.text(),
            "avatar_url": self.avatar_url.text().strip() or None,
            "reply_time": self.reply_time.text().strip() or None,
            "business_hours": self.hours.value(),
            "timezone": self.timezone.value(),
            "confidence_threshold": round(self.threshold.value(), 2),
            "lead_form": self.lead_form.isChecked(),
            "appointment_form": self.appointment_form.isChecked(),
            "languages": self.languages.value(),
            "suggestions": [line.strip() for line in lines if line.strip()],
            "identity_max_age": self.identity_max_age.value() * 60,
            "retention_days": self.retention_days.value() or None,
            "allowed_origins": self.install.origins.value(),
            "spam": self.spam.value(),
        }

    def save(self) -> WidgetEntry | None:
        """Save the form; on a bad field show why next to it and return None."""
        self.clear_errors()
        values = self.values()
        try:
            if self.entry is None:
                name, store = values.pop("name"), values.pop("store")
                entry = self.ctx.widgets.create(
                    name,
                    store=store,
                    settings=values,
                    client_id=self.client.chosen(),
                    starter=self.starter.isChecked(),
                )
            else:
                entry = self.ctx.widgets.update(self.entry, values)
                entry = self.client.save(entry)
        except WidgetError as err:
            self.show_error(err.field, str(err))
            return None
        self.load(entry)
        self.status.setText("Saved. Publish… to make the change live on your shop.")
        self.saved.emit(entry)
        self.ctx.widgets_changed.emit()
        return entry

    def show_error(self, field: str, text: str) -> None:
        label = self.errors.get(field, self.general_error)
        label.setText(text)
        label.setVisible(bool(text))
        if text:
            spam = field.startswith("spam")
            self.tabs.setCurrentIndex(SPAM_TAB if spam else _FIELD_TAB.get(field, 0))

    def error_text(self, field: str) -> str:
        label = self.errors.get(field, self.general_error)
        return label.text() if label.isVisibleTo(self) else ""

    def clear_errors(self) -> None:
        for label in (*self.errors.values(), self.general_error):
            label.clear()
            label.hide()

    def _fill_stores(self, current: str | None) -> None:
        self.store.clear()
        self.store.addItem("No store (answers only, no order lookups)", None)
        for store in self.ctx.session.stores.list():
            self.store.addItem(f"{store.name} ({store.platform})", store.name)
        self.store.setCurrentIndex(max(0, self.store.findData(current)))

    # preview

    def _preview_clicked(self) -> None:
        self.ctx.spawn(self.open_preview(), what="Opening the preview")

    async def open_preview(self) -> str:
        """Open the relay's demo storefront page for this widget in the browser; returns
        (and shows) the sentence saying what happened."""
        text = await self._preview()
        self.status.setText(text)
        return text

    async def _preview(self) -> str:
        entry, link = self.entry, self.ctx.relay_link()
        if entry is None:
            return "Save the widget, then publish it, to preview it."
        if link is None:
            return "Pair with your relay in Settings and publish, then preview the real widget."
        if entry.published_at is None:
            return "Publish the widget first (Publish…): the preview shows what your relay serves."
        url = f"{link.url}/demo/{entry.key}"
        try:
            response = await self.ctx.http.get(url)
        except httpx.HTTPError:
            return f"Your relay at {link.url} does not answer; is it running?"
        if response.status_code != 200:
            return (
                "Your relay has no demo page for this widget: demo pages are served when it is "
                "started with --demo-pages (as `storedesk demo` does). Otherwise preview it on "
                "a page of your shop where the snippet is installed."
            )
        if self.open_url(QUrl(url)) is False:
            tell_with_copy(
                self, "No web browser could be opened here.", f"Open {url} yourself.", url
            )
            return f"No web browser could be opened here; open {url} yourself."
        stale = " It shows the last published version; Publish… to see your latest changes."
        return f"Opened {url} in your browser." + (stale if changed_since_publish(entry) else "")


def _state(entry: WidgetEntry | None) -> str:
    if entry is None:
        return "Fill in the name (and a store for order tracking), then Save."
    if entry.published_at is None:
        return "Not published yet: Publish… sends it to your relay."
    if changed_since_publish(entry):
        return "Changed since the last publish: Publish… to make it live."
    return f"Live since {entry.published_at:%Y-%m-%d %H:%M} UTC."


def _scrolled(page: QWidget) -> QScrollArea:
    """``page`` (a form) at its natural height, scrolling when the window is short (and
    sideways only when it is narrower than the form can wrap to)."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.addWidget(page)
    column.addStretch(1)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setWidget(holder)
    return area
