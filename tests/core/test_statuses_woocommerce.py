"""Every WooCommerce order status, and unknown ones, normalise without raising."""

from __future__ import annotations

import logging

import pytest

from core.records import ORDER_STATUSES
from core.statuses import woocommerce_status


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("pending", "pending"),
        ("processing", "processing"),
        ("on-hold", "on_hold"),
        ("completed", "completed"),
        ("cancelled", "cancelled"),
        ("refunded", "refunded"),
        ("failed", "failed"),
        ("checkout-draft", "pending"),
        ("trash", "cancelled"),
        ("wc-completed", "completed"),  # the stored form, with its prefix
        ("Processing", "processing"),
        ("shipped", "shipped"),  # shipment-tracking plugins' own statuses
        ("partial-shipped", "partially_shipped"),
        ("delivered", "delivered"),
    ],
)
def test_known_statuses(raw: str, expected: str):
    assert woocommerce_status(raw) == expected


@pytest.mark.parametrize("raw", ["awaiting-pickup", "wc-custom-thing", "", None])
def test_unknown_statuses_map_to_a_safe_one_and_warn(
    raw: str | None, caplog: pytest.LogCaptureFixture
):
    with caplog.at_level(logging.WARNING, logger="core.statuses"):
        status = woocommerce_status(raw)
    assert status in ORDER_STATUSES
    assert status not in ("shipped", "delivered", "refunded", "completed")


def test_an_unknown_status_is_logged(caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.WARNING, logger="core.statuses"):
        woocommerce_status("wc-ready-for-pickup-7f3a")
    assert "ready-for-pickup-7f3a" in caplog.text
