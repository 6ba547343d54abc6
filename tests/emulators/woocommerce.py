"""A local WooCommerce 9.4 REST API v3, faithful to traffic recorded from a real store.

Paths, headers, pagination (``X-WP-Total``, ``X-WP-TotalPages``, a ``Link`` header that
repeats the request's ``oauth_*`` parameters), error bodies and authentication rules
(see ``woocommerce_auth``) are the real store's. Run by hand::

    python -m tests.emulators.woocommerce --port 8881 --orders 5000 [--tls] [--no-proxy-fix]

or from tests: ``async with running(ShopState.seeded()) as shop: shop.url``.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import ssl
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web

from tests.emulators.woocommerce_auth import permission_error
from tests.emulators.woocommerce_connect import authorize
from tests.emulators.woocommerce_params import error
from tests.emulators.woocommerce_routes import (
    get_customer,
    get_order,
    get_product,
    home_page,
    index,
    list_customers,
    list_orders,
    list_products,
    no_route,
    order_notes,
    order_refunds,
    product_variations,
    system_status,
)
from tests.emulators.woocommerce_state import (
    DEFAULT_KEY,
    READ_ONLY_KEY,
    STATE,
    WC_KEY,
    WRITE_ONLY_KEY,
    Failure,
    ShopState,
)
from tests.emulators.woocommerce_webhooks import HOOKS, WebhookRegistry, add_webhook_routes

__all__ = [
    "DEFAULT_KEY",
    "READ_ONLY_KEY",
    "STATE",
    "WC_KEY",
    "WRITE_ONLY_KEY",
    "Failure",
    "Running",
    "ShopState",
    "build_app",
    "main",
    "running",
    "self_signed",
]

# --- middleware ---------------------------------------------------------------------------
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_PUBLIC = {"/wp-json/wc/v3", "/wp-json/wc/v3/"}


@web.middleware
async def woo_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    state: ShopState = request.app[STATE]
    state.log.append(request.path_qs)
    if request.path.startswith("/wp-json/") and state.failures:
        failure = state.failures.popleft()
        await asyncio.sleep(failure.delay)
        return web.Response(
            body=failure.body, status=failure.status, content_type=failure.content_type
        )
    if not request.path.startswith("/wp-json/wc/") or request.path in _PUBLIC:
        return await handler(request)
    if state.slow:
        await asyncio.sleep(state.slow)
    outcome = state.auth.authenticate(
        is_ssl=request.secure and state.sees_https,
        home_url=state.home_url,
        path=request.path,
        method=request.method,
        query=request.query_string,
        headers=request.headers,
    )
    failed = outcome.error or (outcome.key and permission_error(outcome.key, request.method))
    if failed:
        return error(request, failed.code, failed.message, 401)
    if outcome.key is None:
        return await _unauthenticated(request, handler)
    request[WC_KEY] = outcome.key
    return await handler(request)


async def _unauthenticated(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)  # unknown routes say so even without keys
    if response.status == 404 and b"rest_no_route" in getattr(response, "body", b""):
        return response
    single = request.match_info.get("id") is not None
    message = (
        "Sorry, you cannot view this resource." if single else "Sorry, you cannot list resources."
    )
    return error(request, "woocommerce_rest_cannot_view", message, 401)


def build_app(state: ShopState) -> web.Application:
    app = web.Application(middlewares=[woo_middleware])
    app[STATE] = state
    api = "/wp-json/wc/v3"
    routes = [
        (api, index),
        (api + "/", index),
        (api + "/system_status", system_status),
        (api + "/orders", list_orders),
        (api + r"/orders/{id:\d+}", get_order),
        (api + r"/orders/{id:\d+}/refunds", order_refunds),
        (api + r"/orders/{id:\d+}/notes", order_notes),
        (api + "/customers", list_customers),
        (api + r"/customers/{id:\d+}", get_customer),
        (api + "/products", list_products),
        (api + r"/products/{id:\d+}", get_product),
        (api + r"/products/{id:\d+}/variations", product_variations),
        ("/", home_page),
        ("/wp-json/{tail:.*}", no_route),
    ]
    add_webhook_routes(app, api)  # before the catch-all below
    for path, handler in routes:
        app.router.add_get(path, handler)
    app.router.add_get("/wc-auth/v1/authorize", authorize)
    return app


# --- serving ------------------------------------------------------------------------------
def self_signed(directory: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context for 127.0.0.1 and the certificate file clients can trust."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "woo-cert.pem", directory / "woo-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context, cert_path


@dataclass
class Running:
    state: ShopState
    url: str
    cafile: Path | None = None
    webhooks: WebhookRegistry | None = None

    @property
    def hooks(self) -> WebhookRegistry:
        assert self.webhooks is not None
        return self.webhooks

    def client_ssl(self) -> ssl.SSLContext:
        """A client TLS context that trusts this emulator's self-signed certificate."""
        return ssl.create_default_context(cafile=str(self.cafile) if self.cafile else None)


@asynccontextmanager
async def running(state: ShopState, *, tls: bool = False, port: int = 0) -> AsyncIterator[Running]:
    """Serve ``state`` on 127.0.0.1 (a free port unless given) for the duration of the block."""
    with tempfile.TemporaryDirectory() as tmp:
        context, cafile = self_signed(Path(tmp)) if tls else (None, None)
        runner = web.AppRunner(build_app(state), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port, ssl_context=context)
        await site.start()
        bound = runner.addresses[0][1]
        state.home_url = f"{'https' if tls else 'http'}://127.0.0.1:{bound}"
        try:
            yield Running(state, state.home_url, cafile, runner.app[HOOKS])
        finally:
            await runner.cleanup()


async def _serve(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    state = ShopState.seeded(args.orders, sees_https=not args.no_proxy_fix)
    seeded = time.perf_counter() - started
    async with running(state, tls=args.tls, port=args.port) as shop:
        print(f"WooCommerce emulator at {shop.url}  ({len(state.orders)} orders, {seeded:.2f}s)")
        print(f"  consumer key:    {DEFAULT_KEY.key}")
        print(f"  consumer secret: {DEFAULT_KEY.secret}")
        print(f"  read-only key:   {READ_ONLY_KEY.key} / {READ_ONLY_KEY.secret}")
        if shop.cafile:
            print(f"  TLS certificate: {shop.cafile}")
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=8881)
    parser.add_argument("--orders", type=int, default=0, help="synthetic orders to add")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS (self-signed)")
    parser.add_argument(
        "--no-proxy-fix",
        action="store_true",
        help="with --tls: WordPress does not see HTTPS (Basic auth ignored)",
    )
    with suppress(KeyboardInterrupt):
        asyncio.run(_serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
