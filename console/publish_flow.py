"""Publishing the workspace to the paired relay: what would change (a dry run), then the
real thing. ``publish_with_confirmation`` is the console's flow: summary, question, publish."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from console.plural import plural
from console.publishing import (
    PublishTarget,
    build_bundle,
    describe_changes,
    has_changes,
    kept_widgets,
    removed_widgets,
)
from console.relay_client import RelayClient, require_secure
from console.runtime import CliError
from core.workspace.activity import record as record_activity
from core.workspace.clients import RemovedClient
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
    removed: tuple[str, ...] = ()
    """The widgets it takes off the relay: ``'Old chat' (wk_…)`` each."""
    kept: tuple[str, ...] = ()
    """Widgets of the client's scope left as they are (moved to another client)."""

    def removal_line(self) -> str | None:
        """``Removes 2 widgets: 'Old chat' (wk_…), …`` (None when it removes none)."""
        if not self.removed:
            return None
        return f"Removes {plural(len(self.removed), 'widget')}: {', '.join(self.removed)}."

    def kept_line(self) -> str | None:
        if not self.kept:
            return None
        return (
            f"{plural(len(self.kept), 'widget')} published for this client now belonging to "
            f"another client or none ({', '.join(self.kept)}) stay as they are until that "
            "one is published."
        )

    def notes(self) -> list[str]:
        return [line for line in (self.removal_line(), self.kept_line()) if line]


def _now() -> datetime:
    return datetime.now(UTC)


async def _send(
    session: CliSession, client: RelayClient, *, dry_run: bool, only: PublishTarget
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
        removed=tuple(removed_widgets(changes, names)),
        kept=tuple(kept_widgets(changes)),
    )
    return plan, bundle


async def plan_publish(
    session: CliSession, client: RelayClient, *, only: PublishTarget = None
) -> PublishPlan:
    """What publishing (everything, ``only`` one client's widgets, or a removed client's
    scope) would change on the relay; nothing is changed."""
    plan, _ = await _send(session, client, dry_run=True, only=only)
    return plan


async def publish(
    session: CliSession,
    client: RelayClient,
    link: RelayLinkEntry,
    *,
    now: Callable[[], datetime] = _now,
    only: PublishTarget = None,
) -> PublishPlan:
    """Publish everything (or ``only`` one client's widgets and their stores, or a removed
    client's scope); the relay applies only what changed, in one transaction. Marks the
    widgets sent published."""
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
        if plan.removed:
            details["removed"] = list(plan.removed)
        record_activity(session.workspace, "published", plan.relay_url, details)
    return plan


async def _publish_channels(
    session: CliSession,
    client: RelayClient,
    widgets: WidgetRepository,
    only: PublishTarget,
) -> None:
    """Each widget's WhatsApp settings and language-model agent (sent apart from the
    bundle: the token and API key are sealed)."""
    from core.workspace.channels import ChannelRepository

    if isinstance(only, RemovedClient):
        return
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


async def publish_with_confirmation(
    ctx: ConsoleContext, parent: QWidget | None, *, only: PublishTarget | bool = True
) -> bool:
    """Dry run, show what will change and ask; publish on Yes. True when published.
    ``only``: True for the client every screen shows (agency mode), else what to publish
    (a removed client's scope takes its widgets the workspace no longer has off the relay)."""
    from console.dialogs import ask

    client, link = _client(ctx)
    target = ctx.client() if only is True else only or None
    ctx.status.emit(f"Checking what publishing to {link.url} would change…")
    plan = await plan_publish(ctx.session, client, only=target)
    if not plan.changed:
        ctx.status.emit(f"Nothing to publish: {link.url} already has exactly this.")
        return False
    title, question, summary = _confirmation(plan, target, link.url)
    yes = "Take off" if isinstance(target, RemovedClient) else "Publish"
    if not await ask(parent, title, question, summary, yes=yes):
        ctx.status.emit("Publishing cancelled; nothing was sent.")
        return False
    done = await publish(ctx.session, client, link, only=target)
    ctx.status.emit(f"Published to {done.relay_url}: " + "; ".join(done.lines))
    ctx.widgets_changed.emit()
    ctx.relay_changed.emit()
    return True


def _confirmation(plan: PublishPlan, target: PublishTarget, url: str) -> tuple[str, str, str]:
    """The question's title, text and details (what changes, what is removed)."""
    summary = "\n".join(plan.lines)
    notes = plan.notes()
    if isinstance(target, RemovedClient):
        title = f"Take {target.name} off the relay"
        question = (
            f"Client {target.name!r} was removed, but {url} still has widgets published for "
            "it that this workspace no longer has. Take them off the relay? "
            + (plan.removal_line() or "")
        ).strip()
        kept = plan.kept_line()
        return title, question, "\n\n".join([summary, kept] if kept else [summary])
    whose = f" of {target.name}" if target is not None else ""
    question = (
        f"Publish {plural(plan.widgets, 'widget')}{whose} and the credentials of "
        f"{plural(plan.stores, 'store')} to {url}?"
    )
    if notes:
        question += " " + " ".join(notes)
    if target is not None:
        summary += "\n\nOther clients' widgets on the relay stay as they are."
    title = f"Publish {target.name}" if target is not None else "Publish to the relay"
    return title, question, summary
