"""The console's look: Fusion with a light or dark palette following the OS, and the app
icon (drawn here, so no image file or image plugin is needed)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPainterPath, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

ACCENT = "#0f766e"
_DARK = {
    QPalette.ColorRole.Window: "#1f2328",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#16191d",
    QPalette.ColorRole.AlternateBase: "#23272e",
    QPalette.ColorRole.ToolTipBase: "#2b3036",
    QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#2b3036",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Link: "#5eead4",
    QPalette.ColorRole.Highlight: ACCENT,
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.PlaceholderText: "#8b949e",
}


def is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return bool(hints.colorScheme() == Qt.ColorScheme.Dark)


def palette(dark: bool) -> QPalette:
    style = QApplication.style()
    base = style.standardPalette() if style is not None else QPalette()
    if not dark:
        base.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
        return base
    for role, color in _DARK.items():
        base.setColor(role, QColor(color))
    disabled = QColor("#6e7681")
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        base.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return base


def apply_theme(app: QApplication) -> None:
    """Fusion with the OS's light or dark scheme, now and whenever the OS switches."""
    app.setStyle("Fusion")
    app.setPalette(palette(is_dark()))
    QGuiApplication.styleHints().colorSchemeChanged.connect(
        lambda scheme: app.setPalette(palette(scheme == Qt.ColorScheme.Dark))
    )


def app_icon() -> QIcon:
    """A speech bubble on a rounded square, at the usual sizes."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        icon.addPixmap(icon_pixmap(size))
    return icon


def icon_pixmap(size: int) -> QPixmap:
    """The icon at ``size`` px (the installers' icon files are rendered from it too)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(ACCENT))
    painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.22, size * 0.22)
    bubble = QPainterPath()
    bubble.addRoundedRect(
        QRectF(size * 0.2, size * 0.22, size * 0.6, size * 0.42), size * 0.1, size * 0.1
    )
    tail = QPainterPath()
    tail.moveTo(size * 0.32, size * 0.6)
    tail.lineTo(size * 0.3, size * 0.8)
    tail.lineTo(size * 0.5, size * 0.62)
    painter.setBrush(QColor("#ffffff"))
    painter.drawPath(bubble.united(tail))
    painter.end()
    return pixmap
