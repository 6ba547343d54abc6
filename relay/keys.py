"""Every piece of relay state lives in one of these typed application keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    import httpx

    from relay.metrics import Metrics
    from relay.services.agents import Agents
    from relay.services.api_keys import ApiKeys
    from relay.services.broker import Broker
    from relay.services.connect import ConnectService
    from relay.services.console_feed import ConsoleFeed
    from relay.services.conversations import ConversationService
    from relay.services.installations import InstallationLog
    from relay.services.lookups import LookupPool
    from relay.services.presence import Presence
    from relay.services.webhooks import WebhookProcessor
    from relay.services.whatsapp import WhatsAppChannel
    from relay.settings import Settings
    from relay.shared.setup import SharedState
    from relay.state import RuntimeState
    from relay.storage import RelayStore
    from relay.storage.records import ConsoleRecord

SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
STORE: web.AppKey[RelayStore] = web.AppKey("store")
METRICS: web.AppKey[Metrics] = web.AppKey("metrics")
HTTP: web.AppKey[httpx.AsyncClient] = web.AppKey("http")
RUNTIME: web.AppKey[RuntimeState] = web.AppKey("runtime")  # draining flag, limiters
BROKER: web.AppKey[Broker] = web.AppKey("broker")  # live fan-out to event streams
FEED: web.AppKey[ConsoleFeed] = web.AppKey("feed")  # live notices to console streams
LOOKUPS: web.AppKey[LookupPool] = web.AppKey("lookups")  # store connectors + caches
CONVERSATIONS: web.AppKey[ConversationService] = web.AppKey("conversations")
WEBHOOKS: web.AppKey[WebhookProcessor] = web.AppKey("webhooks")  # the inbox's worker
PRESENCE: web.AppKey[Presence] = web.AppKey("presence")  # is a console connected now
SHARED: web.AppKey[SharedState] = web.AppKey("shared")  # what several relays share
CONNECT: web.AppKey[ConnectService] = web.AppKey("connect")  # connect flows
API_KEYS: web.AppKey[ApiKeys] = web.AppKey("api_keys")  # the API channel's keys
WHATSAPP: web.AppKey[WhatsAppChannel] = web.AppKey("whatsapp")  # the Twilio channel
AGENTS: web.AppKey[Agents] = web.AppKey("agents")  # widgets' language-model agents
INSTALLATIONS: web.AppKey[InstallationLog] = web.AppKey("installations")  # pages widgets ran on

# per-request values set by the middleware (aiohttp wants typed keys for request storage)
REQUEST_ID: web.RequestKey[str] = web.RequestKey("request_id", str)
CLIENT_IP: web.RequestKey[str] = web.RequestKey("client_ip", str)
CORS_ORIGIN: web.RequestKey[str] = web.RequestKey("cors_origin", str)
CONSOLE: web.RequestKey[ConsoleRecord] = web.RequestKey("console")
