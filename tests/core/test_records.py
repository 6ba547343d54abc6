from __future__ import annotations

import dataclasses
import json
import logging
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from core.orders import clean_order_number, same_order_number
from core.records import ORDER_STATUSES, STATUS_LABELS, CustomerRef, Order, OrderItem, Tracking
from core.serialize import parse_datetime, parse_decimal, to_jsonable
from core.statuses import generic_status


def _order() -> Order:
    return Order(
        platform="sql",
        id="7",
        number="1001",
        status="shipped",
        total=Decimal("59.90"),
        currency="EUR",
        created_at=datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
        updated_at=datetime(2026, 3, 3, 9, 30, tzinfo=timezone(timedelta(hours=2))),
        customer=CustomerRef(id="3", email="zoe@example.com", name="Zoë Müller"),
        items=(OrderItem(name="Mug", quantity=2, sku="MUG-1", price=Decimal("12.00")),),
        tracking=(Tracking(number="1Z999AA10123456784", carrier="UPS"),),
    )


def test_records_are_frozen() -> None:
    order = _order()
    with pytest.raises(dataclasses.FrozenInstanceError):
        order.status = "delivered"  # type: ignore[misc]


def test_json_form_uses_strings_for_money_and_utc_times() -> None:
    data = to_jsonable(_order())
    assert data["total"] == "59.90"
    assert data["items"][0]["price"] == "12.00"
    assert data["created_at"] == "2026-03-01T10:00:00Z"
    assert data["updated_at"] == "2026-03-03T07:30:00Z"
    assert data["customer"]["name"] == "Zoë Müller"
    json.dumps(data)  # plain JSON all the way down


def test_every_status_has_a_label() -> None:
    assert set(STATUS_LABELS) == set(ORDER_STATUSES)
    assert len(ORDER_STATUSES) == 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1001", "1001"),
        ("#1001", "1001"),
        ("order 1001", "1001"),
        ("Order #1001", "1001"),
        ("no. 1001", "1001"),
        ("  #SD-1001 ", "SD-1001"),
        ("pedido 1001", "1001"),
        ("commande n° 1001", "1001"),
        ("Bestellung 1001", "1001"),
        ("nº1001", "1001"),
        ("NO1001", "NO1001"),  # a store prefix, not the word "no"
        ("NR-7", "NR-7"),
    ],
)
def test_order_numbers_in_usual_forms(text: str, expected: str) -> None:
    assert clean_order_number(text) == expected


def test_same_order_number_ignores_hash_and_case() -> None:
    assert same_order_number("#sd-1001", "SD-1001")
    assert not same_order_number("1001", "10011")


def test_parsers_never_raise_on_bad_values() -> None:
    assert parse_decimal("12.5") == Decimal("12.5")
    assert parse_decimal("abc") is None
    assert parse_decimal("NaN") is None
    assert parse_decimal(True) is None
    assert parse_datetime("not a date") is None
    assert parse_datetime("2026-03-01T10:00:00") == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert parse_datetime("2026-03-01T10:00:00+01:00") == datetime(2026, 3, 1, 9, tzinfo=UTC)
    for outside in ("9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "9999-12-31"):
        assert parse_datetime(outside) is None  # not an OverflowError, nor a time no zone shows


def test_generic_status_aliases_overrides_and_unknown(caplog: pytest.LogCaptureFixture) -> None:
    assert generic_status("Shipped") == "shipped"
    assert generic_status("on-hold") == "on_hold"
    assert generic_status("canceled") == "cancelled"
    assert generic_status("ZX", {"ZX": "delivered"}) == "delivered"
    with caplog.at_level(logging.WARNING):
        assert generic_status("teleported") == "processing"
    assert "teleported" in caplog.text
