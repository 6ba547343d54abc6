"""Widget settings: validation, JSON form, and what the shopper's browser may see.

A widget's settings travel as JSON (workspace → relay → browser). ``widget_from_json``
is the one gate: every field is checked and a bad one becomes a ``WidgetError`` naming it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast, get_args
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.privacy import RetentionError, check_retention
from core.records import BusinessHours, SpamRules, WidgetConfig, WidgetPosition
from core.spam import SpamRuleError, spam_from_json, spam_to_json

SUPPORTED_LANGUAGES = ("en", "es", "fr", "de")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_KEY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
_DEFAULT = WidgetConfig(key="default-widget", name="default")
#: The shortest and longest time a signed shopper identity is accepted (core.bot.identity).
IDENTITY_MAX_AGE_RANGE = (60, 86400)
_TEXT_LIMITS = {"name": 80, "title": 80, "greeting": 500, "launcher_text": 30, "reply_time": 80}


class WidgetError(ValueError):
    """A widget setting that cannot be used; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def new_widget_key() -> str:
    """A public widget key such as ``wk_7hq2…`` (24 random characters)."""
    return "wk_" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(24))


def normalise_origin(text: str) -> str:
    """``https://Shop.Example.com/path`` → ``https://shop.example.com``; other forms raise."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WidgetError(
            "allowed_origins",
            f"{text!r} is not a web address; write it like https://shop.example.com.",
        )
    default_port = {"http": 80, "https": 443}[parts.scheme]
    try:
        port = parts.port
    except ValueError:
        raise WidgetError("allowed_origins", f"{text!r} has a port that is not a number.") from None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    suffix = f":{port}" if port not in (None, default_port) else ""
    return f"{parts.scheme}://{host}{suffix}"


def origin_allowed(config: WidgetConfig, origin: str | None) -> bool:
    """Whether a browser page at ``origin`` may use the widget; no list means any origin."""
    if origin is None:
        return True
    if not config.allowed_origins:
        return True
    try:
        return normalise_origin(origin) in config.allowed_origins
    except WidgetError:
        return False


def _text(data: Mapping[str, Any], name: str, default: str | None) -> str | None:
    value = data.get(name, default)
    if value is None:
        return None
    if not isinstance(value, str):
        raise WidgetError(name, f"The {name.replace('_', ' ')} must be text.")
    value = value.strip()
    limit = _TEXT_LIMITS.get(name, 2000)
    if len(value) > limit:
        raise WidgetError(name, f"The {name.replace('_', ' ')} is longer than {limit} characters.")
    return value


def _required_text(data: Mapping[str, Any], name: str, default: str) -> str:
    value = _text(data, name, default)
    if not value:
        raise WidgetError(name, f"The {name.replace('_', ' ')} cannot be empty.")
    return value


def _color(data: Mapping[str, Any]) -> str:
    value = data.get("color", _DEFAULT.color)
    if not isinstance(value, str) or not _COLOR.match(value.strip()):
        raise WidgetError("color", "The colour must be written like #2563eb.")
    return value.strip().lower()


def _position(data: Mapping[str, Any]) -> WidgetPosition:
    value = data.get("position", _DEFAULT.position)
    if value not in get_args(WidgetPosition):
        raise WidgetError("position", "The position must be bottom-right or bottom-left.")
    return cast(WidgetPosition, value)


def _bool(data: Mapping[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise WidgetError(name, f"{name.replace('_', ' ').capitalize()} must be true or false.")
    return value


def _threshold(data: Mapping[str, Any]) -> float:
    value = data.get("confidence_threshold", _DEFAULT.confidence_threshold)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise WidgetError(
            "confidence_threshold", "The answer-confidence threshold must be between 0 and 1."
        )
    return float(value)


def _string_list(data: Mapping[str, Any], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = data.get(name, list(default))
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise WidgetError(name, f"The {name.replace('_', ' ')} must be a list of texts.")
    return tuple(v.strip() for v in value if v.strip())


def _languages(data: Mapping[str, Any]) -> tuple[str, ...]:
    languages = tuple(dict.fromkeys(v.lower() for v in _string_list(data, "languages", ("en",))))
    unknown = [lang for lang in languages if lang not in SUPPORTED_LANGUAGES]
    if unknown or not languages:
        raise WidgetError(
            "languages", f"Languages must be among {', '.join(SUPPORTED_LANGUAGES)} (at least one)."
        )
    return languages


def _timezone(data: Mapping[str, Any]) -> str:
    value = data.get("timezone", "UTC")
    try:
        if not isinstance(value, str):
            raise ValueError
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise WidgetError(
            "timezone", f"{value!r} is not a time zone; use a name like Europe/Paris."
        ) from None
    return value


def _hours(data: Mapping[str, Any]) -> tuple[BusinessHours, ...]:
    value = data.get("business_hours", [])
    if not isinstance(value, list | tuple):
        raise WidgetError("business_hours", "Business hours must be a list.")
    hours = []
    for item in value:
        if not isinstance(item, Mapping):
            raise WidgetError("business_hours", "Each entry needs day, opens and closes.")
        day, opens, closes = item.get("day"), item.get("opens"), item.get("closes")
        if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6:
            raise WidgetError("business_hours", "A business-hours day is 0 (Monday) to 6 (Sunday).")
        if not (isinstance(opens, str) and isinstance(closes, str)):
            raise WidgetError("business_hours", "Opening times are written like 09:00.")
        if not (_TIME.match(opens) and _TIME.match(closes)) or opens >= closes:
            raise WidgetError(
                "business_hours", f"{opens}–{closes} is not a valid opening time range."
            )
        hours.append(BusinessHours(day, opens, closes))
    return tuple(hours)


def _identity_max_age(data: Mapping[str, Any]) -> int:
    value = data.get("identity_max_age", _DEFAULT.identity_max_age)
    low, high = IDENTITY_MAX_AGE_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise WidgetError(
            "identity_max_age",
            "A signed-in shopper's signature must be accepted for 1 minute to 24 hours "
            "(60 to 86400 seconds).",
        )
    return value


def _retention(data: Mapping[str, Any]) -> int | None:
    try:
        return check_retention(data.get("retention_days"))
    except RetentionError as err:
        raise WidgetError("retention_days", str(err)) from None


def _avatar(data: Mapping[str, Any]) -> str | None:
    value = _text(data, "avatar_url", None)
    if not value:
        return None
    if urlsplit(value).scheme != "https":
        raise WidgetError("avatar_url", "The avatar must be an https:// address.")
    return value


def _spam(data: Mapping[str, Any]) -> SpamRules:
    try:
        return spam_from_json(data.get("spam"))
    except SpamRuleError as exc:
        raise WidgetError(f"spam.{exc.part}", str(exc)) from None


def widget_from_json(data: Mapping[str, Any]) -> WidgetConfig:
    """Check every field; raise ``WidgetError`` naming the first bad one."""
    if not isinstance(data, Mapping):
        raise WidgetError("config", "The widget settings must be a JSON object.")
    key = data.get("key")
    if not isinstance(key, str) or not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", key):
        raise WidgetError("key", "The widget key is missing or malformed.")
    store = data.get("store")
    if store is not None and not isinstance(store, str):
        raise WidgetError("store", "The store must be named by text.")
    origins = tuple(
        dict.fromkeys(normalise_origin(o) for o in _string_list(data, "allowed_origins", ()))
    )
    return WidgetConfig(
        key=key,
        name=_required_text(data, "name", ""),
        store=store or None,
        title=_required_text(data, "title", _DEFAULT.title),
        greeting=_required_text(data, "greeting", _DEFAULT.greeting),
        color=_color(data),
        position=_position(data),
        launcher_text=_required_text(data, "launcher_text", _DEFAULT.launcher_text),
        allowed_origins=origins,
        confidence_threshold=_threshold(data),
        languages=_languages(data),
        lead_form=_bool(data, "lead_form", True),
        appointment_form=_bool(data, "appointment_form", False),
        avatar_url=_avatar(data),
        reply_time=_text(data, "reply_time", None) or None,
        timezone=_timezone(data),
        business_hours=_hours(data),
        suggestions=_string_list(data, "suggestions", ())[:6],
        identity_max_age=_identity_max_age(data),
        retention_days=_retention(data),
        spam=_spam(data),
    )


def widget_to_json(config: WidgetConfig) -> dict[str, Any]:
    return {
        "key": config.key,
        "name": config.name,
        "store": config.store,
        "title": config.title,
        "greeting": config.greeting,
        "color": config.color,
        "position": config.position,
        "launcher_text": config.launcher_text,
        "allowed_origins": list(config.allowed_origins),
        "confidence_threshold": config.confidence_threshold,
        "languages": list(config.languages),
        "lead_form": config.lead_form,
        "appointment_form": config.appointment_form,
        "avatar_url": config.avatar_url,
        "reply_time": config.reply_time,
        "timezone": config.timezone,
        "business_hours": [
            {"day": h.day, "opens": h.opens, "closes": h.closes} for h in config.business_hours
        ],
        "suggestions": list(config.suggestions),
        "identity_max_age": config.identity_max_age,
        "retention_days": config.retention_days,
        "spam": spam_to_json(config.spam),
    }


def updated(config: WidgetConfig, changes: Mapping[str, Any]) -> WidgetConfig:
    """``config`` with ``changes`` applied, checked as a whole."""
    merged = widget_to_json(config) | dict(changes)
    return widget_from_json(merged)


def _luminance(color: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(color[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_color_for(background: str) -> str:
    """The text colour for ``background`` that passes WCAG AA (4.5:1): white, else a soft
    black, else pure black; one of white and pure black always passes."""
    for candidate in ("#ffffff", "#111827"):
        if contrast_ratio(background, candidate) >= 4.5:
            return candidate
    return "#000000"


def in_business_hours(config: WidgetConfig, now: datetime) -> bool:
    """Within the widget's business hours, in its time zone (never when none are set)."""
    if not config.business_hours:
        return False
    local = now.astimezone(ZoneInfo(config.timezone))
    clock = local.strftime("%H:%M")
    return any(
        h.day == local.weekday() and h.opens <= clock < h.closes for h in config.business_hours
    )


def pick_language(config: WidgetConfig, wanted: str | None) -> str:
    """The widget's language for a browser asking for ``wanted`` (``es-MX`` → ``es``)."""
    if wanted:
        base = wanted.strip().lower().split("-")[0].split("_")[0]
        if base in config.languages:
            return base
    return config.languages[0]


def team_available(config: WidgetConfig, now: datetime, *, connected: bool) -> bool:
    """Whether the shop's team can answer a shopper now: someone is connected (a console or
    an agent), or it is within the business hours the shop promises to answer in."""
    return connected or in_business_hours(config, now)


def public_config(
    config: WidgetConfig, *, now: datetime, language: str | None, connected: bool = False
) -> dict[str, Any]:
    """What ``GET /v1/widgets/{key}/config`` shows a browser: no origins, no store, no secret.
    ``online`` is true only while the team is available (see ``team_available``)."""
    return {
        "key": config.key,
        "name": config.name,
        "title": config.title,
        "greeting": config.greeting,
        "color": config.color,
        "text_color": text_color_for(config.color),
        "position": config.position,
        "launcher_text": config.launcher_text,
        "avatar_url": config.avatar_url,
        "reply_time": config.reply_time,
        "languages": list(config.languages),
        "language": pick_language(config, language),
        "lead_form": config.lead_form,
        "appointment_form": config.appointment_form,
        "online": team_available(config, now, connected=connected),
        "business_hours": [
            {"day": h.day, "opens": h.opens, "closes": h.closes} for h in config.business_hours
        ],
        "timezone": config.timezone,
        "suggestions": list(config.suggestions),
    }
