"""What the Dashboard shows, read from the workspace (and the relay's status): stores and their
last sync, widgets and where they are installed, today's activity, and the next step for a
merchant who has not finished setting up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import func, select

from console.session import CliSession
from core.bot.intents import ORDER_QUESTIONS
from core.workspace.clients import ClientScope
from core.workspace.models import ConversationRow, LeadRow, MessageRow
from core.workspace.relay_link import RelayLinkEntry, RelayLinkRepository
from core.workspace.stores import StoreEntry
from core.workspace.widgets import WidgetEntry, WidgetRepository

Source = Literal["relay", "workspace"]


@dataclass(frozen=True, slots=True)
class Today:
    conversations: int = 0
    leads: int = 0
    lookups: int = 0
    source: Source = "workspace"
    spam: int = 0
    """Conversations started that were taken for spam (left out of the other counts)."""


@dataclass(frozen=True, slots=True)
class Overview:
    stores: tuple[StoreEntry, ...]
    widgets: tuple[WidgetEntry, ...]
    link: RelayLinkEntry | None
    today: Today


@dataclass(frozen=True, slots=True)
class NextStep:
    text: str
    button: str
    target: str
    """A screen's title, or ``publish``."""


def midnight(now: datetime) -> datetime:
    moment = now.astimezone(UTC)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def today_in_workspace(
    session: CliSession, now: datetime, widget_ids: frozenset[int] | None = None
) -> Today:
    """Counts since midnight UTC from what `pull` brought into the workspace (of these
    widgets' conversations: one client's, or None for all). Conversations taken for spam,
    their leads and messages are left out, and counted apart (``spam``) as the relay does."""
    start = midnight(now)
    c = ConversationRow
    mine = [] if widget_ids is None else [c.widget_id.in_(sorted(widget_ids))]
    kept = [c.spam.is_(None), *mine]
    with session.workspace.session() as db:
        started = select(func.count()).where(c.started_at >= start, *mine)
        conversations = db.scalar(started.where(c.spam.is_(None)))
        spam = db.scalar(started.where(c.spam.is_not(None)))
        leads = db.scalar(
            select(func.count())
            .select_from(LeadRow)
            .outerjoin(c, c.id == LeadRow.conversation_id)
            .where(LeadRow.created_at >= start, *kept)
        )
        lookups = db.scalar(
            select(func.count())
            .select_from(MessageRow)
            .join(c, c.id == MessageRow.conversation_id)
            .where(
                MessageRow.created_at >= start,
                MessageRow.role == "shopper",
                MessageRow.intent.in_(sorted(ORDER_QUESTIONS)),
                *kept,
            )
        )
    return Today(
        int(conversations or 0), int(leads or 0), int(lookups or 0), "workspace", int(spam or 0)
    )


def today_on_relay(status: Mapping[str, Any]) -> Today | None:
    """The relay's own counts for today, when its status carries them."""
    today = status.get("today")
    if not isinstance(today, Mapping):
        return None

    def number(name: str) -> int:
        value = today.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    return Today(
        number("conversations"), number("leads"), number("lookups"), "relay", number("spam")
    )


def load_overview(
    session: CliSession, now: datetime, client: ClientScope | None = None
) -> Overview:
    """Everything, or one client's stores, widgets and conversations (agency mode)."""
    client_id = client.client_id if client is not None else None
    widgets = WidgetRepository(session.workspace, session.vault).list(client_id=client_id)
    link = RelayLinkRepository(session.workspace, session.vault).current()
    return Overview(
        stores=tuple(session.stores.list(client_id=client_id)),
        widgets=tuple(widgets),
        link=link,
        today=today_in_workspace(session, now, client.widget_ids if client else None),
    )


def unpublished(widget: WidgetEntry) -> bool:
    return widget.published_at is None or widget.updated_at > widget.published_at


def next_step(overview: Overview, *, pending_publish: bool | None) -> NextStep | None:
    """The first thing left to do, or None when the setup is complete."""
    if not overview.stores:
        return NextStep(
            "Connect your store so the bot can answer questions about orders.",
            "Connect a store",
            "Stores",
        )
    if not overview.widgets:
        return NextStep("Create a chat widget for your shop's pages.", "Create a widget", "Widgets")
    if overview.link is None:
        return NextStep(
            "Pair this console with your relay so the widget can go live.",
            "Pair with a relay",
            "Settings",
        )
    if pending_publish or (pending_publish is None and any(map(unpublished, overview.widgets))):
        return NextStep("Your latest changes are not on the relay yet.", "Publish…", "publish")
    return None
