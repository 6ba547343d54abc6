"""The relay's settings: one frozen record, built from the command line and the environment."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from relay.alerts import AlertRules
from relay.crypto import CryptoError, load_relay_key
from relay.storage import StorageError, database_url

ENV_HOME = "STOREDESK_RELAY_HOME"
ENV_DATABASE_URL = "STOREDESK_RELAY_DATABASE_URL"
ENV_TRUST_PROXY = "STOREDESK_RELAY_TRUST_PROXY"
ENV_PUBLIC_URL = "STOREDESK_RELAY_PUBLIC_URL"
ENV_REDIS_URL = "STOREDESK_RELAY_REDIS_URL"
ENV_SHOPIFY_PROXY_SECRET = "STOREDESK_RELAY_SHOPIFY_PROXY_SECRET"
ENV_REQUESTS_PER_MINUTE = "STOREDESK_RELAY_REQUESTS_PER_MINUTE"
ENV_ALERT_ERROR_PERCENT = "STOREDESK_RELAY_ALERT_ERROR_PERCENT"
ENV_ALERT_P95_SECONDS = "STOREDESK_RELAY_ALERT_P95_SECONDS"
ENV_ALERT_WINDOW_SECONDS = "STOREDESK_RELAY_ALERT_WINDOW_SECONDS"


class SettingsError(Exception):
    """A setting the relay cannot start with; the message is one sentence for the operator."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def utc_now() -> datetime:
    return datetime.now(UTC)


def default_data_dir(env: Mapping[str, str]) -> Path:
    home = env.get(ENV_HOME, "").strip()
    return Path(home).expanduser() if home else Path(platformdirs.user_data_dir("storedesk-relay"))


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    relay_key: bytes = field(repr=False)
    host: str = "127.0.0.1"
    port: int = 8080
    database_url: str | None = None
    public_url: str | None = None  # --public-url as given (checked); see ``public_address``
    redis_url: str | None = field(default=None, repr=False)  # several relays share it
    now: Callable[[], datetime] = utc_now
    # rate limits (0 turns one off)
    ip_requests_per_minute: int = 600
    ip_burst: int = 120
    conversation_messages_per_minute: int = 20
    conversation_burst: int = 10
    pairing_attempts: int = 5  # wrong pairing codes per IP per pairing_window
    pairing_window: float = 600.0
    ip_verification_failures: int = 10  # failed shopper verifications per IP per 15 min
    trust_forwarded: bool = False  # take the client address from X-Forwarded-For
    # the client secret of the Shopify app whose app proxy points at this relay
    shopify_proxy_secret: bytes | None = field(default=None, repr=False)
    # sizes
    body_limit: int = 16384  # public widget API
    console_body_limit: int = 8 * 1024 * 1024  # a publish carries every knowledge base
    webhook_body_limit: int = 2 * 1024 * 1024  # a store webhook: an order with many lines
    text_limit: int = 2000
    # store lookups
    lookup_timeout: float = 3.0
    customer_ttl: float = 300.0
    order_list_ttl: float = 60.0
    order_ttl: float = 30.0
    lookup_cache_size: int = 1000  # entries per store and kind
    breaker_failures: int = 5
    breaker_open: float = 30.0
    verify_tls: bool = True
    # misc
    twilio_api_url: str = "https://api.twilio.com"  # Twilio's REST API (an emulator in tests)
    demo_pages: bool = False  # serve /demo/{widget_key}, a shop page with the widget
    access_log: bool = False  # one JSON line per request
    stream_ping: float = 15.0
    shutdown_grace: float = 10.0
    retention_interval: float = 3600.0  # seconds between two retention passes
    # the alert rule the console is told about (/readyz, /v1/console/status, /metrics)
    alert_rules: AlertRules = field(default_factory=AlertRules)

    @property
    def public_address(self) -> str:
        """The address shoppers' browsers reach this relay at, without a trailing slash:
        ``--public-url`` / ``$STOREDESK_RELAY_PUBLIC_URL``, else the bound address (a
        wildcard address reads as the loopback one). Pages never take it from a request."""
        if self.public_url:
            return self.public_url
        host = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(self.host, self.host)
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def store_url(self) -> str:
        """The SQLAlchemy URL of the relay database (SQLite in the data dir by default)."""
        return database_url(self.data_dir, self.database_url)

    @classmethod
    def from_env(cls, args: Any, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from parsed command-line ``args`` (attributes may be missing) and ``env``.

        Raises ``SettingsError`` with one sentence when the data dir or relay key is unusable.
        """
        env = os.environ if env is None else env
        data_dir = getattr(args, "data_dir", None)
        data_dir = Path(data_dir).expanduser() if data_dir else default_data_dir(env)
        _prepare_data_dir(data_dir)
        database_url = getattr(args, "database_url", None) or env.get(ENV_DATABASE_URL) or None
        _check_database_url(database_url)
        try:
            relay_key = load_relay_key(data_dir, env)
        except CryptoError as exc:
            raise SettingsError(str(exc)) from None
        values: dict[str, Any] = {}
        if getattr(args, "host", None):
            values["host"] = args.host
        if getattr(args, "port", None) is not None:
            values["port"] = int(args.port)
        if getattr(args, "access_log", False):
            values["access_log"] = True
        if getattr(args, "demo_pages", False):
            values["demo_pages"] = True
        public_url = getattr(args, "public_url", None) or env.get(ENV_PUBLIC_URL) or None
        if public_url:
            values["public_url"] = check_public_url(public_url)
        redis_url = getattr(args, "redis_url", None) or env.get(ENV_REDIS_URL) or None
        if redis_url:
            values["redis_url"] = check_redis_url(redis_url)
        trust = env.get(ENV_TRUST_PROXY, "").strip().lower()
        values["trust_forwarded"] = trust in ("1", "true", "yes", "on")
        per_minute = env.get(ENV_REQUESTS_PER_MINUTE, "").strip()
        if per_minute:
            values["ip_requests_per_minute"] = _requests_per_minute(per_minute)
        values["alert_rules"] = alert_rules(env)
        proxy_secret = env.get(ENV_SHOPIFY_PROXY_SECRET, "").strip()
        if proxy_secret:
            values["shopify_proxy_secret"] = proxy_secret.encode()
        return cls(data_dir=data_dir, relay_key=relay_key, database_url=database_url, **values)


def alert_rules(env: Mapping[str, str]) -> AlertRules:
    """The alert thresholds: defaults (5 % errors, p95 2 s, 5 minutes) unless set."""
    defaults = AlertRules()
    percent = _positive(env, ENV_ALERT_ERROR_PERCENT, defaults.error_rate * 100, "a percentage")
    if percent > 100:
        raise SettingsError(f"{ENV_ALERT_ERROR_PERCENT} is a percentage from 0 to 100.")
    p95 = _positive(env, ENV_ALERT_P95_SECONDS, defaults.p95_seconds, "a number of seconds")
    window = _positive(env, ENV_ALERT_WINDOW_SECONDS, defaults.window, "a number of seconds")
    if window < 10:
        raise SettingsError(f"{ENV_ALERT_WINDOW_SECONDS} must be at least 10 seconds.")
    return AlertRules(error_rate=percent / 100, p95_seconds=p95, window=window)


def _positive(env: Mapping[str, str], name: str, default: float, what: str) -> float:
    text = env.get(name, "").strip().rstrip("%s").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value != value or value == float("inf"):
        raise SettingsError(f"{name} must be {what} above 0, e.g. {default:g}, not {text!r}.")
    return value


def _requests_per_minute(text: str) -> int:
    if not text.isdigit():
        raise SettingsError(
            f"{ENV_REQUESTS_PER_MINUTE} must be a whole number of requests per address per "
            f"minute (0 turns the limit off), not {text!r}."
        )
    return int(text)


def check_public_url(text: str) -> str:
    """``https://Chat.Example.com/`` → ``https://chat.example.com``; a path is kept."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(
            f"The public URL {text.strip()!r} is not a web address; give --public-url like "
            "https://chat.example.com."
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise SettingsError(
            "The --public-url must be just the relay's address (no ?, #, user or password)."
        )
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        raise SettingsError("The --public-url has a port that is not a number.") from None
    host = parts.hostname.lower()
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}{port}{parts.path.rstrip('/')}"


def check_redis_url(text: str) -> str:
    """``redis://``, ``rediss://`` (TLS) or ``unix://`` (a socket), as given."""
    url = text.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.hostname or parts.path):
        raise SettingsError(
            f"The Redis URL {redact_url(url)!r} is not one; give --redis-url like "
            "redis://127.0.0.1:6379/0 (rediss:// for TLS)."
        )
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise SettingsError("The --redis-url has a port that is not a number.") from None
    return url


def redact_url(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()


def _prepare_data_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise SettingsError(
            f"The data folder {path} cannot be created ({exc.strerror or exc}); "
            "choose another with --data-dir."
        ) from None
    if not path.is_dir() or not os.access(path, os.R_OK | os.W_OK | os.X_OK):
        raise SettingsError(
            f"The data folder {path} is not a folder this user can read and write; "
            "choose another with --data-dir."
        )


def _check_database_url(url: str | None) -> None:
    try:
        database_url(Path("."), url)
    except StorageError as exc:
        raise SettingsError(str(exc)) from None
