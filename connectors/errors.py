"""The one error hierarchy every connector raises.

Each error reads as one sentence a merchant understands, followed by a hint that says
what to do about it. Secrets never appear in these messages.
"""

from __future__ import annotations


class IntegrationError(Exception):
    """A store platform could not give what was asked."""

    code = "integration_error"
    retryable = False

    def __init__(
        self,
        platform: str,
        message: str,
        *,
        hint: str | None = None,
        status: int | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.platform = platform
        self.message = message
        self.hint = hint
        self.status = status
        self.detail = detail  # the platform's own error code or text, for logs

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(platform={self.platform!r}, message={self.message!r})"


class AuthError(IntegrationError):
    code = "auth"


class NotFoundError(IntegrationError):
    code = "not_found"


class RateLimitedError(IntegrationError):
    code = "rate_limited"
    retryable = True

    def __init__(
        self,
        platform: str,
        message: str,
        *,
        wait: float,
        hint: str | None = None,
        status: int | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(platform, message, hint=hint, status=status, detail=detail)
        self.wait = max(0.0, wait)


class UnavailableError(IntegrationError):
    code = "unavailable"
    retryable = True


class BadResponseError(IntegrationError):
    code = "bad_response"


class ConfigError(IntegrationError):
    """The connection settings themselves are wrong (bad URL, bad shop domain, bad mapping)."""

    code = "config"
