"""HTTP answers from the merchant's API → ``IntegrationError``s."""

from __future__ import annotations

import httpx

from connectors.errors import (
    AuthError,
    BadResponseError,
    IntegrationError,
    RateLimitedError,
    UnavailableError,
)
from connectors.http import retry_after

PLATFORM = "rest"


def from_status(response: httpx.Response) -> IntegrationError | None:
    """The error an HTTP status means (``None`` for success and for 404, which is "none")."""
    status = response.status_code
    host = response.request.url.host
    if status < 400 or status == 404:
        return None
    if status in (401, 403):
        return AuthError(
            PLATFORM,
            f"{host} refused the API key (HTTP {status}).",
            hint="Check the key and the [auth] section of the mapping (header name or bearer).",
            status=status,
        )
    if status == 429:
        wait = retry_after(response)
        return RateLimitedError(
            PLATFORM,
            f"{host} asked Storedesk to slow down.",
            wait=wait,
            hint=f"Storedesk waits {wait:g} seconds and tries again.",
            status=status,
        )
    if status >= 500:
        return UnavailableError(
            PLATFORM,
            f"{host} had an internal error (HTTP {status}).",
            hint="The API may be down; try again in a minute or check its logs.",
            status=status,
        )
    return BadResponseError(
        PLATFORM,
        f"{host} rejected the request (HTTP {status}).",
        hint="Check the endpoint templates in the mapping.",
        status=status,
    )


def unreadable(what: str, problem: object) -> BadResponseError:
    return BadResponseError(
        PLATFORM,
        f"The API's {what} could not be read: {problem}.",
        hint="Check that path in the mapping against what the API sends.",
    )
