"""A shopper's data on both sides (the workspace and the paired relay): find, export as
JSON, erase; and the retention period, set on both.

Erasing asks the relay first and erases here only once the relay confirmed (with its
counts): a relay that refuses or cannot be reached leaves everything as it was, and says so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from console.plural import plural
from console.relay_client import RelayClient, RelayError
from core.privacy import Shopper
from core.workspace.activity import record
from core.workspace.database import Workspace
from core.workspace.privacy import PrivacyRepository, ShopperData
from core.workspace.settings import RETENTION_KEY, WorkspaceSettings

RELAY_PARTS = ("conversations", "messages", "leads")


NOUNS = {
    "conversations": "conversation",
    "messages": "message",
    "leads": "lead",
    "customers": "store customer",
    "orders": "store order",
    "events": "queued event",
    "cached_lookups": "cached lookup",
}


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(plural(n, NOUNS.get(name, name)) for name, n in counts.items())


class PrivacyFlowError(Exception):
    """Erasing or setting retention did not happen (or only in part); ``str()`` says what."""


@dataclass(frozen=True, slots=True)
class Findings:
    local: ShopperData
    relay: dict[str, Any] | None
    """What the relay holds; None when not paired."""
    relay_error: str | None = None

    def relay_counts_any(self) -> bool:
        return any(self.relay_counts().values())

    def relay_counts(self) -> dict[str, int]:
        relay = self.relay or {}
        return {part: len(relay.get(part) or []) for part in RELAY_PARTS}

    def summary(self) -> str:
        local = self.local.counts()
        here = _counts(local)
        if self.relay_error:
            there = f"the relay could not be asked: {self.relay_error}"
        elif self.relay is None:
            there = "no relay is paired"
        else:
            there = _counts(self.relay_counts())
        return f"This workspace: {here}. Relay: {there}."

    def as_json(self) -> dict[str, Any]:
        relay = None if self.relay is None else {p: self.relay.get(p, []) for p in RELAY_PARTS}
        return {
            "shopper": self.local.shopper.as_json(),
            "exported_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "workspace": self.local.as_json(),
            "relay": relay,
            "relay_error": self.relay_error,
        }


async def find_everywhere(
    workspace: Workspace, client: RelayClient | None, shopper: Shopper
) -> Findings:
    """Both sides; the relay's failure is reported in the findings, not raised."""
    local = PrivacyRepository(workspace).find(shopper)
    if client is None:
        return Findings(local, None)
    try:
        relay = await client.find_shopper(shopper.email, shopper.phone)
    except RelayError as err:
        return Findings(local, None, str(err))
    return Findings(local, relay)


def export_json(workspace: Workspace, findings: Findings, path: Path) -> Path:
    """Write the findings as JSON (UTF-8, readable) to ``path``; logged, without who."""
    text = json.dumps(findings.as_json(), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")
    record(workspace, "privacy.exported", "a shopper", findings.local.counts())
    return path


@dataclass(frozen=True, slots=True)
class Erased:
    local: Mapping[str, int]
    relay: Mapping[str, int] | None

    def summary(self) -> str:
        here = _counts(self.local)
        if self.relay is None:
            return f"Erased from this workspace: {here}. No relay is paired, so none was asked."
        there = _counts(self.relay)
        return f"Erased from this workspace: {here}. The relay confirmed: {there}."


async def erase_everywhere(
    workspace: Workspace, client: RelayClient | None, shopper: Shopper
) -> Erased:
    """The relay first; this workspace only after the relay confirmed."""
    relay: dict[str, int] | None = None
    if client is not None:
        try:
            relay = await client.erase_shopper(shopper.email, shopper.phone)
        except RelayError as err:
            raise PrivacyFlowError(
                f"Nothing was erased: the relay did not confirm ({err}). Try again when it "
                "answers; this workspace still holds the shopper's data."
            ) from None
    try:
        local = PrivacyRepository(workspace).erase(shopper, relay=relay)
    except SQLAlchemyError as err:
        there = _counts(relay or {})
        raise PrivacyFlowError(
            f"The relay erased the shopper ({there}) but this workspace could not "
            f"({err.__class__.__name__}); erase again to finish here."
        ) from None
    return Erased(local, relay)


def apply_local_retention(workspace: Workspace) -> dict[str, int]:
    """Apply the workspace's retention period now (the console does it on start)."""
    days = WorkspaceSettings(workspace).retention_days
    return PrivacyRepository(workspace).apply_retention(days)


async def set_retention(workspace: Workspace, client: RelayClient | None, days: int | None) -> str:
    """Save the period here, apply it here, then on the relay; one sentence of what happened."""
    WorkspaceSettings(workspace).set(RETENTION_KEY, days)
    record(workspace, "retention.set", "off" if days is None else f"{days} days")
    if days is None:
        here = "Conversations are kept without a limit here"
    else:
        local = PrivacyRepository(workspace).apply_retention(days)
        old = plural(local["conversations"], "old conversation")
        here = f"Kept {plural(days, 'day')} here ({old} deleted)"
    if client is None:
        return f"{here}; no relay is paired, set it there after pairing."
    try:
        answer = await client.set_retention(days)
    except RelayError as err:
        raise PrivacyFlowError(
            f"{here}, but the relay did not take the new period ({err}); set it again when "
            "it answers."
        ) from None
    deleted = (answer.get("deleted") or {}).get("conversations", 0)
    gone = plural(deleted, "old conversation")
    return f"{here}; the relay applies it too ({gone} deleted there)."
