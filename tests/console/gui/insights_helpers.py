"""The demo workspace (shop synced, demo widget and its month of conversations) and a
shopper talking to a live relay, for the Leads, Analytics, Activity and Privacy tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from console.commands.relay import pull_all
from console.commands.store import connection_for_demo
from console.context import ConsoleContext
from console.demo_setup import KNOWLEDGE_FILE
from console.publish_flow import publish
from core.workspace.demo_month import add_demo_month
from core.workspace.inbox import InboxRepository
from core.workspace.knowledge import KnowledgeRepository
from core.workspace.widgets import WidgetEntry
from tests.console.gui.helpers import pair_with
from tests.relay.live import LiveRelay

ORIGIN = "https://shop.example"


async def demo_workspace(ctx: ConsoleContext) -> WidgetEntry:
    settings, secrets = connection_for_demo()
    store = ctx.session.stores.add("demo", "sql", settings, secrets)
    await ctx.session.sync_store(store, full=False)
    widget = ctx.widgets.create(
        "Demo shop",
        store="demo",
        settings={"allowed_origins": [ORIGIN], "timezone": "Europe/Paris"},
    )
    KnowledgeRepository(ctx.session.workspace).import_file(widget.id, KNOWLEDGE_FILE)
    add_demo_month(ctx.session.workspace, widget.id, store.id)
    return widget


async def publish_to(ctx: ConsoleContext, relay: LiveRelay) -> None:
    await pair_with(ctx, relay)
    client, link = ctx.relay_client(), ctx.relay_link()
    assert client is not None and link is not None
    await publish(ctx.session, client, link)


class Shopper:
    """A shopper's conversation through the relay's public API (as the widget talks)."""

    def __init__(self, ctx: ConsoleContext, relay: LiveRelay, widget: WidgetEntry) -> None:
        self.http, self.base, self.widget = ctx.http, relay.base_url, widget
        self.id = self.token = ""

    async def start(self) -> Shopper:
        response = await self.http.post(
            f"{self.base}/v1/widgets/{self.widget.key}/conversations",
            json={},
            headers={"Origin": ORIGIN},
        )
        assert response.status_code == 201, response.text
        body = response.json()
        self.id, self.token = body["conversation_id"], body["token"]
        return self

    async def post(self, what: str, body: dict[str, Any]) -> Any:
        response = await self.http.post(
            f"{self.base}/v1/conversations/{self.id}/{what}",
            json=body,
            headers={"Authorization": f"Bearer {self.token}", "Origin": ORIGIN},
        )
        assert response.status_code in (200, 201), response.text
        return response.json()

    async def say(self, text: str) -> Any:
        return await self.post("messages", {"text": text})

    async def ask_appointment(self, name: str, email: str) -> datetime:
        slot = (datetime.now(UTC) + timedelta(days=3)).replace(
            hour=13, minute=30, second=0, microsecond=0
        )
        await self.post(
            "lead",
            {
                "kind": "appointment",
                "name": name,
                "email": email,
                "requested_time": slot.isoformat(),
            },
        )
        return slot

    async def messages(self) -> list[dict[str, Any]]:
        response = await self.http.get(
            f"{self.base}/v1/conversations/{self.id}/messages",
            headers={"Authorization": f"Bearer {self.token}", "Origin": ORIGIN},
        )
        assert response.status_code == 200, response.text
        return list(response.json()["messages"])


async def pull(ctx: ConsoleContext) -> None:
    """Pull the relay's events into the workspace, as the console's inbox does."""
    client = ctx.relay_client()
    assert client is not None
    await pull_all(client, InboxRepository(ctx.session.workspace).apply)
