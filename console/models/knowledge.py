"""The knowledge-base table: one row per entry, usage columns once the relay reported any."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from console.models.rows import Column, Index, RowsModel
from core.starter_kb import has_placeholder, placeholders
from core.workspace.knowledge import KnowledgeItem

USAGE_COLUMNS = (4, 5, 6)  # Used, Helpful, Not helpful


def _one_line(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _columns() -> list[Column[KnowledgeItem]]:
    return [
        Column("Question", lambda i: i.question),
        Column("Answer", lambda i: _one_line(i.answer)),
        Column("Keywords", lambda i: ", ".join(i.keywords)),
        Column("Enabled", _state),
        Column("Used", lambda i: str(i.uses), sort=lambda i: i.uses, align_right=True),
        Column("Helpful", lambda i: str(i.helpful), sort=lambda i: i.helpful, align_right=True),
        Column(
            "Not helpful", lambda i: str(i.unhelpful), sort=lambda i: i.unhelpful, align_right=True
        ),
    ]


class KnowledgeModel(RowsModel[KnowledgeItem]):
    """Disabled entries are greyed; the full answer is the answer cell's tooltip."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(_columns(), parent)

    def usage_known(self) -> bool:
        """Whether the relay has reported any use or rating of these entries yet."""
        return any(i.uses or i.helpful or i.unhelpful for i in self.rows())

    def row_of(self, entry_id: str) -> int:
        return next((n for n, i in enumerate(self.rows()) if i.id == entry_id), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid():
            item = self.row(index.row())
            if role == Qt.ItemDataRole.ForegroundRole and not item.enabled:
                return Qt.GlobalColor.gray
            if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
                return item.answer
        return super().data(index, role)


def _state(item: KnowledgeItem) -> str:
    """ "To edit" for a starter answer with placeholders left (the bot does not use it)."""
    if has_placeholder(item.answer):
        return "To edit: fill in " + ", ".join(placeholders(item.answer)[:2])
    return "Yes" if item.enabled else "No"
