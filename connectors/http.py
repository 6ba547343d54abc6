"""Transport helpers shared by the HTTP connectors: one place turns httpx's failures,
HTML error pages and malformed bodies into ``IntegrationError``s."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies

import httpx
import orjson

from connectors.errors import BadResponseError, ConfigError, UnavailableError

DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=10.0)


def make_client(
    timeout: httpx.Timeout = DEFAULT_TIMEOUT, *, verify: bool = True
) -> httpx.AsyncClient:
    """The shared client a caller injects into connectors (one per process, closed on exit).

    ``verify=False`` accepts a shop's self-signed certificate (its ``verify_ssl`` setting).
    Without a proxy in the environment, the connection pool is made on the first request.
    """
    return httpx.AsyncClient(
        timeout=timeout,
        verify=verify,
        # httpx reads the proxy variables only for the transport it makes itself
        transport=None if getproxies() else _FirstUseTransport(verify),
        follow_redirects=False,
        headers={
            "User-Agent": "Storedesk/0.1 (+store support chat)",
            "Accept": "application/json",
        },
    )


class _FirstUseTransport(httpx.AsyncBaseTransport):
    """The transport httpx would make, made for the first request: a client that never sends
    one (a relay whose stores are all read through SQL) loads neither the certificate
    authorities (about 1 MB) nor the HTTP/1.1 stack."""

    def __init__(self, verify: bool) -> None:
        self._verify = verify
        self._transport: httpx.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._transport is None:
            self._transport = httpx.AsyncHTTPTransport(verify=self._verify)
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        if self._transport is not None:
            await self._transport.aclose()


def check_base_url(platform: str, url: str, *, label: str = "store address") -> str:
    """Validate a pasted base URL and return it without a trailing slash."""
    text = (url or "").strip()
    if not text:
        raise ConfigError(
            platform,
            f"The {label} is empty.",
            hint="Paste the full address, such as https://shop.example.com.",
        )
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            platform,
            f"The {label} {text!r} is not a web address.",
            hint="Start it with https:// (for example https://shop.example.com).",
        )
    if parts.query or parts.fragment:
        raise ConfigError(
            platform,
            f"The {label} must not contain '?' or '#'.",
            hint="Paste just the site's address.",
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigError(
            platform,
            f"The {label} must not contain a user name or password.",
            hint="Give credentials in their own fields, where they are kept encrypted.",
        )
    return text.rstrip("/")


def host_of(url: str) -> str:
    """``host[:port]`` of a URL, never the ``user:password@`` part."""
    parts = urlsplit(url)
    host = parts.hostname or "the store"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


async def send(
    client: httpx.AsyncClient,
    platform: str,
    method: str,
    url: str,
    **kwargs: Any,
) -> httpx.Response:
    """Send a request; network failures become ``UnavailableError``."""
    host = host_of(url)
    try:
        return await client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise UnavailableError(
            platform,
            f"{host} did not answer in time.",
            hint="The store may be slow or down; try again in a minute.",
            detail=type(exc).__name__,
        ) from None
    except httpx.ConnectError as exc:
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            raise _untrusted(platform, host) from None
        raise UnavailableError(
            platform,
            f"Could not connect to {host}.",
            hint="Check the address and that the store is online.",
            detail=type(exc).__name__,
        ) from None
    except httpx.TransportError as exc:
        raise UnavailableError(
            platform,
            f"The connection to {host} failed.",
            hint="Check your internet connection and try again.",
            detail=type(exc).__name__,
        ) from None


def _untrusted(platform: str, host: str) -> UnavailableError:
    error = UnavailableError(
        platform,
        f"The HTTPS certificate of {host} is not trusted.",
        hint="Check the address; if the shop really uses a self-signed certificate, "
        "connect it with --no-verify-tls.",
        detail="CERTIFICATE_VERIFY_FAILED",
    )
    error.retryable = False  # waiting will not make the certificate valid
    return error


def looks_like_html(response: httpx.Response) -> bool:
    ctype = response.headers.get("content-type", "")
    if "html" in ctype:
        return True
    head = response.content[:200].lstrip().lower()
    return head.startswith((b"<!doctype", b"<html"))


def decode_json(platform: str, response: httpx.Response) -> Any:
    """The JSON body, or a ``BadResponseError`` that says what came instead."""
    if looks_like_html(response):
        raise BadResponseError(
            platform,
            f"{response.request.url.host} answered with a web page instead of store data.",
            hint="Check the store address: it should be the shop's home address.",
            status=response.status_code,
        )
    try:
        return orjson.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        raise BadResponseError(
            platform,
            f"{response.request.url.host} sent a reply Storedesk could not read.",
            hint="The store or a plugin may be printing errors into its API; check its error log.",
            status=response.status_code,
        ) from None


def retry_after(response: httpx.Response, default: float = 1.0) -> float:
    """Seconds from a ``Retry-After`` header (seconds form), else ``default``."""
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else default
    except ValueError:
        return default
