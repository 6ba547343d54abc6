"""The alerts in force, from the workspace (stores whose syncs keep failing) and from the
relay's status (its error rate or latency over its alert thresholds). Free of Qt: the
console's ``AlertCenter`` and ``storedesk alerts`` both use it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from console.plural import plural
from core.workspace.schedule import ScheduleState


@dataclass(frozen=True, slots=True)
class ConsoleAlert:
    key: str  # "store:3", "relay:error_rate"
    title: str
    text: str


def store_alerts(states: Iterable[ScheduleState]) -> list[ConsoleAlert]:
    """A store whose last syncs failed in a row (three or more)."""
    return [
        ConsoleAlert(
            f"store:{state.store_id}",
            f"{state.store} cannot sync",
            f"The last {plural(state.failures, 'sync')} failed: "
            f"{state.last_message or 'no reason was given'}",
        )
        for state in states
        if state.failing
    ]


def relay_alerts(status: Mapping[str, Any] | None) -> list[ConsoleAlert]:
    """The alerts the relay raised (``alerts`` of its console status)."""
    block = status.get("alerts") if status else None
    raised = block.get("alerts") if isinstance(block, Mapping) else None
    if not isinstance(raised, list):
        return []
    titles = {"error_rate": "The relay answers with errors", "latency": "The relay is slow"}
    found = []
    for alert in raised:
        if not isinstance(alert, Mapping):
            continue
        kind = str(alert.get("kind") or "")
        title = titles.get(kind, "The relay raised an alert")
        found.append(ConsoleAlert(f"relay:{kind}", title, str(alert.get("message") or "")))
    return found
