"""Pair this console with a relay: a fresh Ed25519 key, the relay's one-time code, the link
saved in the workspace (replacing any earlier one)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from console.relay_client import RelayClient, check_relay_url
from core.signing import fingerprint, new_private_key, public_key_of
from core.team import TeamRole
from core.workspace.activity import record as record_activity
from core.workspace.relay_link import RelayLinkEntry, RelayLinkRepository


@dataclass(frozen=True, slots=True)
class PairResult:
    link: RelayLinkEntry
    version: str
    previous_url: str | None
    mismatch: str | None
    """The fingerprint the relay reports when it differs from this console's key."""
    role: TeamRole = "admin"
    """What the relay lets this console do (the pairing code's role)."""
    console_id: str | None = None
    """This console's id on the relay (its replies are "You" in the Inbox)."""


def console_name() -> str:
    return (socket.gethostname() or "Storedesk console").strip()[:80] or "Storedesk console"


async def pair(
    links: RelayLinkRepository,
    http: httpx.AsyncClient,
    url: str,
    code: str,
    *,
    name: str | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> PairResult:
    """Raises ``RelayError`` (one sentence) when the address or the code is refused."""
    url = check_relay_url(url)
    label = (name or console_name()).strip()[:80]
    key = new_private_key()
    previous = links.current()
    paired = await RelayClient(url, key, http, now).pair(code.strip(), label)
    mine = fingerprint(public_key_of(key))
    link = links.save(
        url=url, name=label, relay_id=paired.relay_id, fingerprint=mine, private_key=key
    )
    record_activity(links.workspace, "relay.paired", url, {"relay_id": paired.relay_id})
    return PairResult(
        link=link,
        version=paired.version,
        previous_url=previous.url if previous is not None and previous.url != url else None,
        mismatch=paired.fingerprint if paired.fingerprint != mine else None,
        role=paired.role,
        console_id=paired.console_id,
    )
