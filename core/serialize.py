"""Records to JSON-ready dicts: Decimal as string, datetimes as UTC ISO 8601."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

# ``naive + (epoch offset)`` is how a naive time is read as UTC: same result as
# ``replace(tzinfo=UTC)``, which is an order of magnitude slower (syncs parse millions).
_NAIVE_EPOCH = datetime(1970, 1, 1)
_UTC_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A day inside each end of ``datetime``'s range: any time kept can be shown in any time zone
# (offsets are under a day) without overflowing.
EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, 23, 59, 59, tzinfo=UTC)


def to_jsonable(value: Any) -> Any:
    """Turn a record (or any nesting of records, tuples, dicts) into plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def utc_iso(moment: datetime) -> str:
    """``2026-03-03T10:00:00Z``; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_datetime(text: str | None) -> datetime | None:
    """Parse the ISO 8601 forms platforms send (``Z``, offsets, or naive = UTC).

    ``None`` for anything unreadable, and for times outside ``EARLIEST``..``LATEST`` (such
    as ``9999-12-31T23:59:59-23:59``, which is past the end of time once in UTC)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = _UTC_EPOCH + (moment - _NAIVE_EPOCH)
        else:
            moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return moment if EARLIEST <= moment <= LATEST else None


def parse_decimal(value: object) -> Decimal | None:
    """A money amount from a string or number; ``None`` for empty or unreadable values."""
    if type(value) is str:  # the usual cases first: skip the checks below
        text = value.strip()
    elif type(value) is float or type(value) is int:
        text = str(value)
    elif value is None or value == "" or isinstance(value, bool):
        return None
    else:
        text = str(value).strip()
    try:
        amount = Decimal(text)
    except ArithmeticError:
        return None
    return amount if amount.is_finite() else None
