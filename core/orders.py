"""Order numbers as shoppers and merchants write them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

_SEPARATORS = re.compile(r"[\s\-_./]+")
# Words shoppers put before a number. A word only counts when something ends it (a space,
# '#', or its own '.', ':', 'º'), so a store prefix such as "NO1001" or "NR-7" stays whole.
_LEAD_WORDS = re.compile(
    r"^(?:(?:orders?|pedido|commande|bestellung|bestellnummer|number|num[eé]ro|num|nr|no|n[º°])"
    r"(?:[.:]\s*|(?<=[º°])\s*|\s+|(?=#)))+",
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


def number_key(text: str) -> str:
    """How order numbers compare: ``"#SD-1001"``, ``"sd1001"``, ``"SD 1001"`` → ``"sd1001"``.

    Cleaned (``clean_order_number``), casefolded, and without separators (spaces, ``-``,
    ``_``, ``.``, ``/``); letters and digits, including a store's prefix, are kept.
    """
    return _SEPARATORS.sub("", clean_order_number(text).casefold())


def same_order_number(a: str, b: str) -> bool:
    """Two spellings of one order number: ``"#1001"`` and ``"1001"``, ``"SD-1001"``, ``"sd1001"``.

    ``"1001"`` and ``"10011"`` (or ``"SD-1001"``) are different numbers; empty matches nothing.
    """
    key = number_key(a)
    return bool(key) and key == number_key(b)


def pick_order(candidates: Iterable[T], wanted: str, number_of: Callable[[T], str]) -> T | None:
    """The candidate (an order, a search hit…) whose number is ``wanted``, or ``None``.

    A candidate with the same number (``same_order_number``) wins, the first one if several.
    Otherwise, when ``wanted`` is digits alone ("1001" for a store numbering "SD-1001"), the
    one candidate whose trailing digits are exactly those; two or more such candidates are
    ambiguous and give ``None``. Never a near match such as "10010" for "1001".
    """
    listed = list(candidates)
    key = number_key(wanted)
    exact = next((c for c in listed if key and number_key(number_of(c)) == key), None)
    if exact is not None or not key.isdigit():
        return exact
    same = [c for c in listed if order_number_digits(number_of(c)) == key]
    return same[0] if len(same) == 1 else None
