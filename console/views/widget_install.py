"""The widget editor's Installation tab: where the widget may run, the embed snippet with
Copy, and how to install it on WordPress/WooCommerce, Shopify and a plain HTML site."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from console.commands.widget import RELAY_PLACEHOLDER, embed_snippet
from console.views.widget_fields import OriginsEditor, error_label, stacked

_INSTRUCTIONS = """
<h3>WordPress / WooCommerce</h3>
<ol>
<li>In WordPress, open <b>Appearance → Theme File Editor</b> (or a header-and-footer code
plugin such as WPCode: <b>Code Snippets → Header &amp; Footer</b>).</li>
<li>Paste the snippet into the <b>footer</b>, just before <code>&lt;/body&gt;</code>, so it
is on every page, and save.</li>
</ol>
<h3>Shopify</h3>
<ol>
<li>In Shopify admin, open <b>Online Store → Themes</b>, then <b>⋯ → Edit code</b> on your
live theme.</li>
<li>Open <code>layout/theme.liquid</code>, paste the snippet just before
<code>&lt;/body&gt;</code> and click <b>Save</b>.</li>
</ol>
<h3>Plain HTML site</h3>
<ol>
<li>Paste the snippet just before <code>&lt;/body&gt;</code> on every page (or in the
shared footer template), and upload the pages.</li>
</ol>
<p>Add each site's address (for example <code>https://shop.example.com</code>) to
<b>Allowed sites</b> above, then <b>Publish…</b>: the relay refuses the widget on other
sites once the list is not empty.</p>
"""


class InstallPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.origins = OriginsEditor()
        self.origins_error = error_label()
        self.snippet = QPlainTextEdit(readOnly=True)
        self.snippet.setMaximumHeight(70)
        self.copy = QPushButton("Copy")
        self.note = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.instructions = QTextBrowser(openExternalLinks=True)
        self.instructions.setHtml(_INSTRUCTIONS)
        snippet_row = QHBoxLayout()
        snippet_row.addWidget(self.snippet, 1)
        snippet_row.addWidget(self.copy)
        form = QFormLayout()
        form.addRow("Allowed sites", stacked(self.origins, self.origins_error))
        form.addRow("Embed snippet", stacked(snippet_row, self.note))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.instructions, 1)
        self.copy.clicked.connect(self.copy_snippet)

    def show_for(self, key: str | None, relay: str | None) -> None:
        """The snippet for widget ``key`` on ``relay`` (None: not paired yet)."""
        if key is None:
            self.snippet.setPlainText("")
            self.note.setText("Save the widget to get its snippet.")
        else:
            self.snippet.setPlainText(embed_snippet(relay, key))
            self.note.setText(
                ""
                if relay
                else f"Replace {RELAY_PLACEHOLDER} with your relay's address, or pair "
                "with your relay in Settings and this snippet will show it."
            )
        self.copy.setEnabled(key is not None)

    def copy_snippet(self) -> None:
        QGuiApplication.clipboard().setText(self.snippet.toPlainText())
        self.note.setText("Copied. Paste it just before </body> on every page of your shop.")
