"""How WooCommerce 9.4 authenticates REST API keys (``WC_REST_Authentication``), re-done
independently of the connector's signer so that tests of one check the other.

- Over HTTPS (as PHP sees it: ``is_ssl()``) keys are read from HTTP Basic or from
  ``consumer_key``/``consumer_secret`` in the query; an unknown key falls through silently,
  a wrong secret is an error. Over plain HTTP both are ignored.
- Otherwise OAuth 1.0a one-legged: parameters from the query and an ``Authorization: OAuth``
  header, the base string built over the *home URL* + path with PHP's array keys
  (``status[]`` arrives as ``status[0]``…), HMAC-SHA1 or -SHA256 keyed with ``secret&``,
  a 15-minute timestamp window and single-use nonces.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

REQUIRED = (
    "oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature",
    "oauth_signature_method",
)  # fmt: skip
WINDOW = 15 * 60


@dataclass(frozen=True, slots=True)
class ApiKey:
    key: str
    secret: str
    permissions: str = "read_write"  # read | write | read_write

    def __repr__(self) -> str:
        return f"ApiKey({self.key[:7]}…, {self.permissions})"


@dataclass(frozen=True, slots=True)
class AuthError:
    code: str
    message: str


@dataclass
class Outcome:
    key: ApiKey | None = None
    error: AuthError | None = None


@dataclass
class Authenticator:
    keys: dict[str, ApiKey]
    clock: Callable[[], float]
    used_nonces: set[tuple[str, str]] = field(default_factory=set)

    def authenticate(self, *, is_ssl: bool, home_url: str, path: str, method: str,
                     query: str, headers: Mapping[str, str]) -> Outcome:  # fmt: skip
        pairs = parse_qsl(query, keep_blank_values=True)
        if is_ssl:
            outcome = self._basic(pairs, headers)
            if outcome.key or outcome.error:
                return outcome
        scheme = "https" if is_ssl else "http"
        host = urlsplit(home_url).netloc
        return self._oauth(method, f"{scheme}://{host}{path}", pairs, headers)

    def _basic(self, pairs: list[tuple[str, str]], headers: Mapping[str, str]) -> Outcome:
        user, password = _basic_credentials(headers.get("Authorization", ""))
        if not user:
            query = dict(pairs)
            user, password = query.get("consumer_key", ""), query.get("consumer_secret", "")
        if not user or not password:
            return Outcome()
        key = self.keys.get(user)
        if key is None:
            return Outcome()
        if not hmac.compare_digest(key.secret, password):
            return Outcome(error=AuthError(_AUTH, "Consumer secret is invalid."))
        return Outcome(key=key)

    def _oauth(self, method: str, base_url: str, pairs: list[tuple[str, str]],
               headers: Mapping[str, str]) -> Outcome:  # fmt: skip
        header = _oauth_header(headers.get("Authorization", ""))
        params: dict[str, Any] = php_params(pairs)
        params.update(header)
        oauth = {k: v for k, v in params.items() if k.startswith("oauth_")}
        if not oauth:
            return Outcome()
        missing = [name for name in REQUIRED if not oauth.get(name)]
        if missing:
            message = "Missing OAuth parameters " + ", ".join(missing)
            return Outcome(
                error=AuthError("woocommerce_rest_authentication_missing_parameter", message)
            )
        key = self.keys.get(str(oauth["oauth_consumer_key"]))
        if key is None:
            return Outcome(error=AuthError(_AUTH, "Consumer key is invalid."))
        error = self._check_signature(method, base_url, params, key) or self._check_nonce(oauth)
        return Outcome(error=error) if error else Outcome(key=key)

    def _check_signature(self, method: str, base_url: str, params: dict[str, Any],
                         key: ApiKey) -> AuthError | None:  # fmt: skip
        given = unquote(str(params.pop("oauth_signature")))
        algorithm = str(params.get("oauth_signature_method"))
        if algorithm not in ("HMAC-SHA1", "HMAC-SHA256"):
            return AuthError(_AUTH, "Invalid signature - signature method is invalid.")
        normalized = {_enc(unquote(k)): _normalize(v) for k, v in params.items()}
        joined = "%26".join(_join(dict(sorted(normalized.items()))))
        text = f"{method.upper()}&{_enc(base_url)}&{joined}"
        digest = hashlib.sha1 if algorithm == "HMAC-SHA1" else hashlib.sha256
        mac = hmac.new(f"{key.secret}&".encode(), text.encode(), digest).digest()
        if not hmac.compare_digest(base64.b64encode(mac).decode(), given):
            return AuthError(_AUTH, "Invalid signature - provided signature does not match.")
        return None

    def _check_nonce(self, oauth: dict[str, Any]) -> AuthError | None:
        stamp = str(oauth["oauth_timestamp"])
        if not stamp.isdigit() or int(stamp) < self.clock() - WINDOW:
            return AuthError(_AUTH, "Invalid timestamp.")
        used = (str(oauth["oauth_consumer_key"]), str(oauth["oauth_nonce"]))
        if used in self.used_nonces:
            return AuthError(_AUTH, "Invalid nonce - nonce has already been used.")
        self.used_nonces.add(used)
        return None


_AUTH = "woocommerce_rest_authentication_error"


def permission_error(key: ApiKey, method: str) -> AuthError | None:
    if method in ("GET", "HEAD") and key.permissions == "write":
        return AuthError(_AUTH, "The API key provided does not have read permissions.")
    if method not in ("GET", "HEAD") and key.permissions == "read":
        return AuthError(_AUTH, "The API key provided does not have write permissions.")
    return None


def _enc(text: str) -> str:
    return quote(text, safe="-_.~")


def _normalize(value: Any) -> Any:
    if isinstance(value, dict):
        return {_enc(unquote(str(k))): _normalize(v) for k, v in value.items()}
    return _enc(unquote(str(value)))


def _join(params: dict[str, Any], prefix: str = "") -> list[str]:
    """WooCommerce's ``join_with_equals_sign``: nested keys as ``key%5Bsub%5D``."""
    out: list[str] = []
    for key, value in params.items():
        name = f"{prefix}%5B{key}%5D" if prefix else key
        if isinstance(value, dict):
            out.extend(_join(value, name))
        else:
            out.append(_enc(f"{name}={value}"))
    return out


def php_params(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """The query as PHP's ``$_GET`` holds it: ``a[]=x&a[]=y`` → ``{"a": {"0": x, "1": y}}``."""
    params: dict[str, Any] = {}
    for raw_key, value in pairs:
        name, bracket, rest = raw_key.partition("[")
        if not bracket or not rest.endswith("]"):
            params[raw_key] = value
            continue
        bucket = params.setdefault(name, {})
        if not isinstance(bucket, dict):
            bucket = params[name] = {}
        sub = rest[:-1]
        bucket[sub if sub else str(len(bucket))] = value
    return params


def _basic_credentials(header: str) -> tuple[str, str]:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic" or not token:
        return "", ""
    try:
        user, _, password = base64.b64decode(token.strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return "", ""
    return user, password


def _oauth_header(header: str) -> dict[str, str]:
    scheme, _, rest = header.partition(" ")
    if scheme.lower() != "oauth":
        return {}
    params: dict[str, str] = {}
    for part in rest.split(","):
        key, _, value = part.strip().partition("=")
        if key.startswith("oauth_"):
            params[key] = unquote(value.strip().strip('"'))
    return params
