"""What needs the merchant's attention now: a store whose syncs keep failing, a relay that
answers with errors or slowly. Each incident is notified once (a desktop notification,
unless muted) when it starts, shown on the Dashboard while it lasts, and forgotten when it
is resolved, so a later incident is notified again.

The same alerts are listed by ``storedesk alerts`` (``console.alert_list``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from PySide6.QtCore import QObject, Signal

from console.alert_list import ConsoleAlert, relay_alerts, store_alerts
from core.workspace.schedule import ScheduleState

Notify = Callable[[str, str], None]


class AlertCenter(QObject):
    """The alerts in force; ``changed`` whenever one starts or ends."""

    changed = Signal()

    def __init__(self, notify: Notify, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._notify = notify
        self._alerts: dict[str, ConsoleAlert] = {}

    def alerts(self) -> list[ConsoleAlert]:
        return list(self._alerts.values())

    def update_stores(self, states: Iterable[ScheduleState]) -> None:
        self._replace("store:", store_alerts(states))

    def update_relay(self, status: Mapping[str, Any] | None) -> None:
        """The relay's status as it answered (``None``: it did not, so nothing is known
        and its alerts stay as they were)."""
        if status is not None:
            self._replace("relay:", relay_alerts(status))

    def _replace(self, prefix: str, now: list[ConsoleAlert]) -> None:
        fresh = {alert.key: alert for alert in now}
        before = {k: a for k, a in self._alerts.items() if k.startswith(prefix)}
        for key, alert in fresh.items():
            if key not in before:
                self._notify(alert.title, alert.text)  # once, when the incident starts
        changed = fresh != before
        for key in before:
            del self._alerts[key]
        self._alerts.update(fresh)
        if changed:
            self.changed.emit()
