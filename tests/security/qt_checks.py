"""How a console view renders text, read back from Qt: every label and text view under a
widget as the document Qt draws (rich text where the label's format — or, for ``AutoText``,
Qt's own guess — makes it so). Hostile text must come out as the same text: no image (Qt
would load it), no link other than https, and the payload readable as written."""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument, QTextFormat
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTextEdit, QWidget


def _document(widget: QWidget) -> QTextDocument | None:
    if isinstance(widget, QTextEdit):  # QTextBrowser too
        return widget.document()
    if not isinstance(widget, QLabel):
        return None
    text, doc = widget.text(), QTextDocument()
    rich = widget.textFormat() == Qt.TextFormat.RichText or (
        widget.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)
    )
    if rich:
        doc.setHtml(text)
    else:
        doc.setPlainText(text)
    return doc


def _problems(name: str, doc: QTextDocument) -> list[str]:
    found = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            form = fragment.charFormat()
            if form.isImageFormat():
                found.append(f"{name}: an image {form.toImageFormat().name()!r}")
            href = form.anchorHref()
            if form.isAnchor() and href and not href.startswith("https://"):
                found.append(f"{name}: a link to {href!r}")
            if form.hasProperty(QTextFormat.Property.AnchorHref) and not href.startswith(
                "https://"
            ):
                found.append(f"{name}: an anchor {href!r}")
            it += 1
        block = block.next()
    return found


def rendered(root: QWidget) -> tuple[str, list[str]]:
    """All the text under ``root`` as drawn (whitespace collapsed), and what must not be."""
    texts, problems = [], []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        doc = _document(widget)
        if doc is not None:
            texts.append(doc.toPlainText())
            problems += _problems(widget.objectName() or type(widget).__name__, doc)
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QAbstractButton):
            texts.append(widget.text())
    return squeeze("\n".join(texts)), problems


def squeeze(text: str) -> str:
    """Whitespace as HTML shows it: any run of it is one space."""
    return " ".join(text.replace("\u2029", " ").replace("\u2028", " ").split())


def assert_shown_as_text(root: QWidget, payloads: list[str] | tuple[str, ...]) -> None:
    text, problems = rendered(root)
    assert problems == [], problems
    missing = [p for p in payloads if squeeze(p) not in text]
    assert missing == [], f"shown as markup, not text: {missing}"
