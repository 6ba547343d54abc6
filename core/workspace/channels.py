"""A widget's channels in the workspace: its WhatsApp (Twilio) settings and its
language-model agent, sealed by the vault with the widget's identity secret (label
``widget:<key>``), so the auth token and API key are never stored in the clear and go when
the widget goes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from core.channels import ChannelError, WhatsAppSettings, whatsapp_settings
from core.vault import widget_label
from core.workspace.database import Workspace
from core.workspace.models import Widget

if TYPE_CHECKING:
    from core.agent.settings import AgentSettings
    from core.vault import Vault
    from core.workspace.widgets import WidgetEntry


class ChannelRepository:
    def __init__(self, workspace: Workspace, vault: Vault) -> None:
        self._workspace = workspace
        self._vault = vault

    def _sealed(self, entry: WidgetEntry) -> dict[str, str]:
        with self._workspace.engine.connect() as connection:
            blob = connection.scalar(select(Widget.identity_secret).where(Widget.id == entry.id))
        return {} if blob is None else self._vault.unseal(widget_label(entry.key), blob)

    def whatsapp(self, entry: WidgetEntry) -> WhatsAppSettings | None:
        raw = self._sealed(entry).get("whatsapp")
        if not raw:
            return None
        try:
            return whatsapp_settings(json.loads(raw))
        except (ValueError, ChannelError):
            return None

    def set_whatsapp(self, entry: WidgetEntry, settings: WhatsAppSettings | None) -> None:
        """Save (or, with ``None``, forget) the widget's WhatsApp settings."""
        self._put(entry, "whatsapp", None if settings is None else settings.to_json())

    def agent(self, entry: WidgetEntry) -> AgentSettings | None:
        """The widget's language-model agent (on or off), ``None`` when never set up."""
        from core.agent.settings import AgentSettingsError, agent_settings

        raw = self._sealed(entry).get("ai")
        if not raw:
            return None
        try:
            return agent_settings(json.loads(raw))
        except (ValueError, AgentSettingsError):
            return None

    def set_agent(self, entry: WidgetEntry, settings: AgentSettings | None) -> None:
        """Save (or, with ``None``, forget) the widget's agent settings, the key among them."""
        self._put(entry, "ai", None if settings is None else settings.to_json())

    def _put(self, entry: WidgetEntry, name: str, value: dict[str, Any] | None) -> None:
        secrets = self._sealed(entry)
        if value is None:
            secrets.pop(name, None)
        else:
            secrets[name] = json.dumps(value)
        blob = self._vault.seal(widget_label(entry.key), secrets)
        with self._workspace.engine.begin() as connection:
            connection.execute(
                update(Widget).where(Widget.id == entry.id).values(identity_secret=blob)
            )
