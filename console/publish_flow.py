"""Publishing the workspace to the paired relay: what would change (a dry run), then the
real thing. ``publish_with_confirmation`` is the console's flow: summary, question, publish."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from console.plural import plural
from console.publishing import build_bundle, describe_changes, has_changes
from console.relay_client import RelayClient, require_secure
from console.runtime import CliError
from core.workspace.activity import record as record_activity
from core.workspace.clients import ClientEntry
from core.workspace.relay_link import RelayLinkEntry, RelayLinkRepository
from core.workspace.settings import WorkspaceSettings
from core.workspace.widgets import WidgetRepository

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from console.context import ConsoleContext
    from console.session import CliSession

NOT_PAIRED = (
    "This console is not paired with a relay yet. Pair it in Settings (the relay's address "
    "and a code from `storedesk-relay pairing-code`), then publish."
)


class PublishError(CliError):
    """Publishing cannot start; ``str()`` is the sentence with the way forward."""


@dataclass(frozen=True, slots=True)
class PublishPlan:
    relay_url: str
    lines: tuple[str, ...]
    changed: bool
    widgets: int
    stores: int


def _now() -> datetime:
    return datetime.now(UTC)


async def _send(
    session: CliSession, client: RelayClient, *, dry_run: bool, only: ClientEntry | None
) -> tuple[PublishPlan, dict[str, Any]]:
    require_secure(client.url, "publish")
    bundle = build_bundle(session, only)
    changes = await client.publish(bundle, dry_run=dry_run)
    names = {w["key"]: w["name"] for w in bundle["widgets"]}
    plan = PublishPlan(
        relay_url=client.url,
        lines=tuple(line.strip() for line in describe_changes(changes, names)),
        changed=has_changes(changes),
        widgets=len(bundle["widgets"]),
        stores=len(bundle["stores"]),
    )
    return plan, bundle


async def plan_publish(
    session: CliSession, client: RelayClient, *, only: ClientEntry | None = None
) -> PublishPlan:
    """What publishing (everything, or ``only`` one client's widgets) would change on the
    relay; nothing is changed."""
    plan, _ = await _send(session, client, dry_run=True, only=only)
    return plan


async def publish(
    session: CliSession,
    client: RelayClient,
    link: RelayLinkEntry,
    *,
    now: Callable[[], datetime] = _now,
    only: ClientEntry | None = None,
) -> PublishPlan:
    """Publish everything (or ``only`` one client's widgets and their stores); the relay
    applies only what changed. Marks the widgets sent published."""
    plan, bundle = await _send(session, client, dry_run=False, only=only)
    RelayLinkRepository(session.workspace, session.vault).touch_publish(link)
    widgets = WidgetRepository(session.workspace, session.vault)
    await _publish_channels(session, client, widgets, only)
    widgets.mark_published([w["key"] for w in bundle["widgets"]], now())
    days = WorkspaceSettings(session.workspace).retention_days
    if days is not None:  # a newly paired relay learns the period with the first publish
        await client.set_retention(days)
    if plan.changed:
        details: dict[str, Any] = {"changes": list(plan.lines)}
        if only is not None:
            details["client"] = only.name
        record_activity(session.workspace, "published", plan.relay_url, details)
    return plan


async def _publish_channels(
    session: CliSession,
    client: RelayClient,
    widgets: WidgetRepository,
    only: ClientEntry | None,
) -> None:
    """Each widget's WhatsApp settings and language-model agent (sent apart from the
    bundle: the token and API key are sealed)."""
    from core.workspace.channels import ChannelRepository

    channels = ChannelRepository(session.workspace, session.vault)
    for entry in widgets.list(client_id=only.id if only is not None else None):
        settings = channels.whatsapp(entry)
        if settings is not None:
            await client.put_whatsapp(entry.key, settings)
        agent = channels.agent(entry)
        if agent is not None:
            await client.put_agent(entry.key, agent)


def _client(ctx: ConsoleContext) -> tuple[RelayClient, RelayLinkEntry]:
    link, client = ctx.relay_link(), ctx.relay_client()
    if link is None or client is None:
        raise PublishError(NOT_PAIRED)
    return client, link


async def publish_with_confirmation(ctx: ConsoleContext, parent: QWidget | None) -> bool:
    """Dry run, show what will change and ask; publish on Yes. True when published."""
    from console.dialogs import ask

    client, link = _client(ctx)
    only = ctx.client()  # agency mode: the client every screen shows
    ctx.status.emit(f"Checking what publishing to {link.url} would change…")
    plan = await plan_publish(ctx.session, client, only=only)
    summary = "\n".join(plan.lines)
    if not plan.changed:
        ctx.status.emit(f"Nothing to publish: {link.url} already has exactly this.")
        return False
    whose = f" of {only.name}" if only is not None else ""
    question = (
        f"Publish {plural(plan.widgets, 'widget')}{whose} and the credentials of "
        f"{plural(plan.stores, 'store')} to {link.url}?"
    )
    if only is not None:
        summary += "\n\nOther clients' widgets on the relay stay as they are."
    title = f"Publish {only.name}" if only is not None else "Publish to the relay"
    if not await ask(parent, title, question, summary, yes="Publish"):
        ctx.status.emit("Publishing cancelled; nothing was sent.")
        return False
    done = await publish(ctx.session, client, link, only=only)
    ctx.status.emit(f"Published to {done.relay_url}: " + "; ".join(done.lines))
    ctx.widgets_changed.emit()
    ctx.relay_changed.emit()
    return True
