"""Order numbers as shoppers and merchants write them."""

from __future__ import annotations

import re

_LEAD_WORDS = re.compile(
    r"^(?:(?:order|orders|pedido|commande|bestellung|bestellnummer|n[oº°]\.?|nr\.?|num(?:ber|éro|ero)?\.?)\s*)+",
    re.IGNORECASE,
)


def clean_order_number(text: str) -> str:
    """``"#1001"``, ``"order 1001"``, ``" no. 1001 "`` → ``"1001"``; ``"#SD-1001"`` → ``"SD-1001"``.

    Prefixes that are part of the number (``SD-1001``) are kept: whether they matter is the
    store's business.
    """
    if text.isdigit():  # already plain: nothing the steps below would remove
        return text
    value = text.strip()
    value = _LEAD_WORDS.sub("", value).strip()
    value = value.lstrip("#").strip()
    value = _LEAD_WORDS.sub("", value).strip()
    return value.lstrip("#").strip()


def order_number_digits(number: str) -> str | None:
    """The trailing run of digits of an order number (``"SD-1001"`` → ``"1001"``), if any."""
    match = re.search(r"(\d+)\s*$", number)
    return match.group(1) if match else None


def same_order_number(a: str, b: str) -> bool:
    """Two spellings of one order number: ``"#1001"`` and ``"1001"`` match, case-insensitively."""
    return clean_order_number(a).casefold() == clean_order_number(b).casefold()
