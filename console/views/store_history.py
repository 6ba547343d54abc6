"""A store's sync history: each run's time, outcome, counts, the records it skipped and,
for runs that read the whole store, whether what was stored matches the store's totals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from connectors.sync import total_warning
from console.models.orders import local_time
from console.models.rows import Column, RowsModel
from core.workspace.models import SyncRun

OUTCOMES = {"completed": "Completed", "cancelled": "Cancelled", "failed": "Failed",
            "running": "Running"}  # fmt: skip


def _total(run: SyncRun, outcome: str) -> int:
    counts: dict[str, Any] = run.counts or {}
    return sum(int(stream.get(outcome, 0)) for stream in counts.values())


def _duration(run: SyncRun) -> str:
    if run.finished_at is None:
        return "—"
    return f"{(run.finished_at - run.started_at).total_seconds():.1f} s"


def _totals(run: SyncRun) -> dict[str, Any]:
    return dict(getattr(run, "totals", None) or {})


def checked(run: SyncRun) -> str:
    """``all 318 orders stored`` or ``orders: 156 of 158`` (— when not read whole)."""
    totals = _totals(run)
    if not totals:
        return "—"
    off = [
        f"{stream}: {int(t.get('stored', 0)):,} of {int(t.get('store', 0)):,}"
        for stream, t in totals.items()
        if t.get("stored") != t.get("store")
    ]
    if off:
        return "; ".join(off)
    return (
        "all stored ("
        + ", ".join(f"{int(t.get('store', 0)):,} {s}" for s, t in totals.items())
        + ")"
    )


def warnings(run: SyncRun) -> list[str]:
    found = (total_warning(stream, total) for stream, total in _totals(run).items())
    return [w for w in found if w]


def _problem(run: SyncRun) -> str:
    errors: list[Any] = run.errors or []
    differ = warnings(run)
    if differ:
        return differ[0] + (f" (+{len(differ) - 1} more)" if len(differ) > 1 else "")
    if not errors:
        return ""
    first = errors[-1] if run.status == "failed" else errors[0]
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{first.get('message', '')}{more}"


HISTORY_COLUMNS: list[Column[SyncRun]] = [
    Column("Started", lambda r: local_time(r.started_at), sort=lambda r: r.started_at),
    Column("Outcome", lambda r: OUTCOMES.get(r.status, r.status)),
    Column("Kind", lambda r: "full" if r.full else "changes only"),
    Column("Took", _duration),
    Column("New", lambda r: f"{_total(r, 'created'):,}", align_right=True),
    Column("Updated", lambda r: f"{_total(r, 'updated'):,}", align_right=True),
    Column("Skipped", lambda r: f"{_total(r, 'failed'):,}", align_right=True),
    Column("Store totals", checked),
    Column("Problem", _problem),
]


class SyncHistory(QWidget):
    """Newest run first."""

    def __init__(self, runs: Sequence[SyncRun], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RowsModel(HISTORY_COLUMNS, self)
        self.model.set_rows(sorted(runs, key=lambda r: r.id, reverse=True))
        table = QTableView(self)
        table.setModel(self.model)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if not runs:
            layout.addWidget(QLabel("Not synced yet: press Sync now.", self))
        layout.addWidget(table, 1)
