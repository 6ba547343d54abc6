"""Counts in words, with real plural forms: ``plural(1, "widget")`` → "1 widget",
``plural(2, "widget")`` → "2 widgets", ``plural(3, "entry")`` → "3 entries",
``plural(1_200, "order")`` → "1,200 orders". Every count the console and the command line
show goes through here (never a noun with "s" in brackets)."""

from __future__ import annotations

# nouns whose plural is not the singular plus "s"
IRREGULAR = {"entry": "entries", "feedback": "feedback", "match": "matches", "reply": "replies"}


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``count`` and the noun (the last word of ``singular`` takes the plural form)."""
    return f"{count:,} {singular if count == 1 else many or plural_of(singular)}"


def plural_of(singular: str) -> str:
    head, _, last = singular.rpartition(" ")
    word = IRREGULAR.get(last, last + "s")
    return f"{head} {word}" if head else word
