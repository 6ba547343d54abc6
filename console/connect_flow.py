"""Waiting for a store platform to hand Storedesk its credentials through the relay (the
console's side of the connect flows, shared by the CLI and the wizards)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from console.relay_client import RelayClient

POLL_SECONDS = 2.0
WAIT_SECONDS = 15 * 60


class NotApproved(Exception):
    """The merchant did not approve in time (the relay has forgotten the flow)."""


async def wait_for_credentials(
    client: RelayClient,
    platform: str,
    body: dict[str, Any],
    *,
    show: Callable[[str], None],
    sleep: Callable[[float], Any] = asyncio.sleep,
    wait: float = WAIT_SECONDS,
) -> dict[str, Any]:
    """Start the flow, ``show`` the address to open, and wait for the credentials. When
    cancelled (Ctrl-C, the Cancel button) or out of time, the relay forgets the flow."""
    started = await client.start_connect(platform, body)
    session_id = str(started["session_id"])
    show(str(started["authorize_url"]))
    waited = 0.0
    try:
        while waited < wait:
            state = await client.connect_state(session_id)
            if state.get("status") == "done":
                credentials: dict[str, Any] = state["credentials"]
                return credentials
            if state.get("status") == "expired":
                break
            await sleep(POLL_SECONDS)
            waited += POLL_SECONDS
    except BaseException:
        await asyncio.shield(client.cancel_connect(session_id))
        raise
    await client.cancel_connect(session_id)
    raise NotApproved("The store was not approved in time.")
