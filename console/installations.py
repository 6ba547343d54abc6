"""Installations: ask the relay which pages a widget was loaded on and keep its answer in
the workspace (the console and ``storedesk widget installations`` both do this)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.relay_client import RelayError
from core.workspace.installations import InstallationItem, parse_installations

if TYPE_CHECKING:
    from console.relay_client import RelayClient
    from core.workspace.installations import InstallationRepository
    from core.workspace.widgets import WidgetEntry


async def pull_installations(
    client: RelayClient, repository: InstallationRepository, entry: WidgetEntry
) -> list[InstallationItem]:
    """The relay's list for ``entry``, stored in place of the previous one."""
    answer = await client.installations(entry.key)
    try:
        items = parse_installations(answer)
    except ValueError:
        raise RelayError(
            f"The relay at {client.url} listed the widget's pages in a form this console does "
            "not understand; update the relay."
        ) from None
    repository.replace(entry.id, items)
    return items
