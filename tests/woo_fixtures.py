"""Where the recorded WooCommerce 9.4.3 traffic lives (kept with the tests, see its README.md),
and its webhook deliveries read back byte for byte."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WOO_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "woocommerce-9.4.3"
WEBHOOK_SECRET = "realwoo-webhook-secret"
"""The secret the recorded webhooks were created with (a throwaway loopback store's)."""


def woo_fixtures() -> Path:
    assert WOO_FIXTURES.is_dir(), f"the recorded WooCommerce traffic is missing: {WOO_FIXTURES}"
    return WOO_FIXTURES


@dataclass(frozen=True)
class Recorded:
    name: str
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    check: dict[str, Any]


def recorded_delivery(name: str) -> Recorded:
    """``delivery_03_order_updated`` → its request line, headers and exact body bytes."""
    folder = woo_fixtures() / "webhooks"
    raw = (folder / f"{name}.http").read_bytes()
    head, _, body = raw.partition(b"\r\n\r\n")
    if not _:
        head, _, body = raw.partition(b"\n\n")
    lines = head.decode("latin-1").splitlines()
    method, target, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name_, _, value = line.partition(":")
        headers[name_.strip()] = value.strip()
    check = json.loads((folder / f"{name}.check.json").read_text())
    return Recorded(name, method, target, headers, body, check)


DELIVERIES = (
    "delivery_01_noheader",
    "delivery_02_noheader",
    "delivery_03_order_updated",
    "delivery_04_order_created",
    "delivery_05_order_updated",
)
