"""What a shopper's message carries: an order number, an email address, a postcode."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.bot.text import fold
from core.orders import clean_order_number

_EMAIL = re.compile(r"[\w.%+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63})+")
_NOUNS = r"(?:orders?|pedidos?|commandes?|bestellung(?:en)?|bestellnummer|auftrag|orden|compra)"
_NUMBER_WORDS = r"(?:number|n[uú]mero|num[eé]ro|nummer|nr|no|num)"
_NUM = r"(?P<num>(?:[A-Za-z]{1,6}[-_]?)?\d{1,12}(?:[-_]\d{1,6})?)(?![\w@]|[.,]\d)"
# 3: '#', an order word or "no."/"nº" right before; 2: a store prefix ("SD-1001"); 1: digits.
_STRONG = re.compile(
    rf"(?:(?<!\w)(?:(?:{_NOUNS}(?:\s+{_NUMBER_WORDS})?|{_NUMBER_WORDS})(?!\w)"
    rf"|(?:{_NOUNS}\s+)?n[º°])\.?\s*[:#]?\s*#?\s*|#\s*){_NUM}",
    re.IGNORECASE,
)
_PREFIXED = re.compile(r"(?<![\w\-./@,#])(?P<num>[A-Za-z]{1,6}[-_]?\d{3,12})(?![\w@]|[.,]\d|-\w)")
_DIGITS = re.compile(r"(?<![\w\-./@,#])(?P<num>\d{3,12})(?![\w@]|[.,]\d|-\w)")
_POSTCODE_LEAD = re.compile(
    r"^(?:(?:my|the|mi|el|mon|le|ma|meine|die)\s+)?(?:billing\s+)?"
    r"(?:post\s*code|postal\s*code|zip(?:\s*code)?|codigo\s+postal|code\s+postal|cp|"
    r"postleitzahl|plz)\s*(?:is|es|est|ist|:|=)?\s*"
)
_IT_IS = re.compile(r"^(?:it'?s|it\s+is|es|c'est|ist|sure|yes|si|oui|ja)[\s,:]+")
_POSTCODE = re.compile(r"[a-z0-9]{1,8}(?:[ \-][a-z0-9]{1,8})?")


@dataclass(frozen=True, slots=True)
class Found:
    """An order number (cleaned) and how sure we are it is one (0 none … 3 certain)."""

    number: str | None = None
    strength: int = 0
    alone: bool = False


def find_email(text: str) -> str | None:
    """The first email address in the text (only one: one guess per message)."""
    if "@" not in text:
        return None
    match = _EMAIL.search(text)
    return match.group(0).strip(".-").casefold() if match else None


def without_emails(text: str) -> str:
    return _EMAIL.sub(" ", text) if "@" in text else text


def find_order_number(text: str) -> Found:
    """The most likely order number: ``#1001``, ``order 1001``, ``no. 1001``, ``SD-1001``."""
    text = without_emails(text)
    for strength, pattern in ((3, _STRONG), (2, _PREFIXED), (1, _DIGITS)):
        match = pattern.search(text)
        if match:
            number = clean_order_number(match.group("num"))
            if number:
                rest = text[: match.start()] + text[match.end() :]
                return Found(number, strength, alone=not re.search(r"\w", rest))
    return Found()


def postcode_candidate(text: str) -> str | None:
    """A short reply that could be a postcode (``"SW1A 1AA"``, ``"my postcode is 28013"``).

    Only a message that is one postcode and little else counts, so a long list of guesses
    is never tried in one go. Returned without spaces, case-folded.
    """
    folded = fold(text).strip()
    if len(folded) > 60:
        return None
    rest = _IT_IS.sub("", _POSTCODE_LEAD.sub("", folded)).strip(" .!?,;:")
    if not _POSTCODE.fullmatch(rest) or not re.search(r"\d", rest):
        return None
    compact = postcode_key(rest)
    return compact if 3 <= len(compact) <= 10 else None


def postcode_key(text: str | None) -> str:
    """How postcodes compare: case and spaces ignored (``"sw1a1aa"``)."""
    return re.sub(r"\s+", "", text or "").casefold()
