"""``create_app(settings)``: the relay's aiohttp application, wired and ready to run."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from connectors.http import make_client
from relay.assets import WidgetAssets, packaged_assets
from relay.keys import HTTP, METRICS, RUNTIME, SETTINGS, STORE
from relay.metrics import Metrics
from relay.middleware import setup_middlewares
from relay.routes.ai import setup_ai
from relay.routes.api_channel import setup_api_channel
from relay.routes.connect import setup_connect
from relay.routes.console import setup_console
from relay.routes.demo import setup_demo
from relay.routes.installations import setup_installations
from relay.routes.ops import setup_ops
from relay.routes.privacy import setup_privacy
from relay.routes.public import setup_public
from relay.routes.shopify_proxy import setup_shopify_proxy
from relay.routes.webhooks import setup_webhooks
from relay.routes.whatsapp import setup_whatsapp
from relay.routes.widget import setup_widget
from relay.settings import Settings
from relay.shared.setup import setup_shared
from relay.state import RuntimeState
from relay.storage import RelayStore


async def _store_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    store = await RelayStore.open(
        settings.store_url, relay_key=settings.relay_key, now=settings.now
    )
    try:
        await store.migrate()
        app[STORE] = store
        yield
    finally:
        await store.close()


async def _http_ctx(app: web.Application) -> AsyncIterator[None]:
    client = make_client(verify=app[SETTINGS].verify_tls)
    app[HTTP] = client
    yield
    await client.aclose()


def create_app(settings: Settings, *, assets: WidgetAssets | None = None) -> web.Application:
    """The relay; ``assets`` are the widget's files (default: the installed ones)."""
    app = web.Application(client_max_size=max(settings.body_limit, settings.console_body_limit) + 1)
    app[SETTINGS] = settings
    app[METRICS] = Metrics(settings.alert_rules)
    app[RUNTIME] = RuntimeState(settings)
    setup_middlewares(app)
    app.cleanup_ctx.append(_store_ctx)
    app.cleanup_ctx.append(_http_ctx)
    setup_public(app)
    setup_console(app)
    setup_privacy(app)
    setup_connect(app)
    setup_api_channel(app)
    setup_installations(app)
    setup_whatsapp(app)
    setup_ai(app)
    setup_webhooks(app)
    setup_ops(app)
    setup_shared(app)
    setup_shopify_proxy(app)
    assets = assets if assets is not None else packaged_assets()
    setup_widget(app, assets)
    setup_demo(app, assets)
    return app
