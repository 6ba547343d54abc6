"""Every Shopify financial × fulfilment × cancelled × delivered combination normalises
to a status that never promises the shopper something false."""

from __future__ import annotations

import itertools
import logging

import pytest

from core.records import ORDER_STATUSES, STATUS_LABELS
from core.statuses import SHOPIFY_FINANCIAL, SHOPIFY_FULFILLMENT, shopify_status

FINANCIAL = (*SHOPIFY_FINANCIAL, None, "SOMETHING_NEW")
FULFILLMENT = (*SHOPIFY_FULFILLMENT, None, "SOMETHING_NEW")
COMBINATIONS = list(itertools.product(FINANCIAL, FULFILLMENT, (False, True), (False, True)))
SHIPPING = {"shipped", "partially_shipped", "delivered"}


@pytest.mark.parametrize(("financial", "fulfillment", "cancelled", "delivered"), COMBINATIONS)
def test_every_combination_has_a_safe_status(
    financial: str | None, fulfillment: str | None, cancelled: bool, delivered: bool
) -> None:
    status = shopify_status(financial, fulfillment, cancelled=cancelled, delivered=delivered)
    assert status in ORDER_STATUSES and STATUS_LABELS[status]
    if financial == "REFUNDED":
        assert status == "refunded"
    elif cancelled or financial == "VOIDED":
        assert status == "cancelled"
    if status == "delivered":
        assert fulfillment == "FULFILLED" and delivered
    if status in SHIPPING:
        assert fulfillment in ("FULFILLED", "PARTIALLY_FULFILLED")
    if fulfillment in (None, "UNFULFILLED", "SOMETHING_NEW", "OPEN", "SCHEDULED"):
        assert status not in SHIPPING
    if status == "refunded":
        assert financial == "REFUNDED"


@pytest.mark.parametrize(
    ("financial", "fulfillment", "cancelled", "delivered", "expected"),
    [
        ("PENDING", "UNFULFILLED", False, False, "pending"),
        ("AUTHORIZED", "UNFULFILLED", False, False, "processing"),
        ("PAID", "UNFULFILLED", False, False, "processing"),
        ("PAID", "IN_PROGRESS", False, False, "processing"),
        ("PAID", "PARTIALLY_FULFILLED", False, False, "partially_shipped"),
        ("PAID", "FULFILLED", False, False, "shipped"),
        ("PAID", "FULFILLED", False, True, "delivered"),
        ("PARTIALLY_REFUNDED", "FULFILLED", False, False, "shipped"),
        ("PAID", "ON_HOLD", False, False, "on_hold"),
        ("PAID", "RESTOCKED", False, False, "cancelled"),
        ("EXPIRED", "UNFULFILLED", False, False, "failed"),
        ("VOIDED", "UNFULFILLED", True, False, "cancelled"),
        ("PAID", "UNFULFILLED", True, False, "cancelled"),
        ("REFUNDED", "FULFILLED", True, True, "refunded"),
        (None, None, False, False, "pending"),
        ("paid", "fulfilled", False, False, "shipped"),  # case does not matter
    ],
)
def test_the_usual_cases(
    financial: str | None,
    fulfillment: str | None,
    cancelled: bool,
    delivered: bool,
    expected: str,
) -> None:
    assert shopify_status(financial, fulfillment, cancelled=cancelled, delivered=delivered) == (
        expected
    )


def test_unknown_values_are_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="core.statuses"):
        status = shopify_status("BRAND_NEW_STATE", "PAID_BY_MOON", cancelled=False)
    assert status == "pending"
    assert "BRAND_NEW_STATE" in caplog.text and "PAID_BY_MOON" in caplog.text
