"""Which of the bot's languages a shopper writes in: English, Spanish, French or German."""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.bot.text import fold

SUPPORTED: tuple[str, ...] = ("en", "es", "fr", "de")

# Marker words (folded) per language: weight 1, then weight 2 for words that name one
# language on their own.
_MARKER_TEXT: dict[str, tuple[str, str]] = {
    "en": (
        "the is my where what how you your and can do much price stock order orders track "
        "talk person please with have when will it to need want help someone speak call are am",
        "hi hello hey thanks thank bye appointment human",
    ),
    "es": (
        "el la los las mi mis es esta donde que cuanto cuesta por de con una un quiero "
        "tienen hay precio envio puedo como hablar persona mucho muy y",
        "hola gracias pedido pedidos favor cita buenos adios",
    ),
    "fr": (
        "le la les mon ma mes est ou quel quelle combien coute je vous avec un une des du "
        "prix livraison suis parler c qu d l et",
        "bonjour merci commande commandes rendez conseiller salut",
    ),
    "de": (
        "der die das ist wo meine mein wie viel kostet ich sie mit einem einen und nicht "
        "preis lager versand menschen sprechen guten tag",
        "hallo danke bestellung bestellungen termin bitte",
    ),
}
_MARKERS: dict[str, dict[str, int]] = {
    lang: dict.fromkeys(one.split(), 1) | dict.fromkeys(two.split(), 2)
    for lang, (one, two) in _MARKER_TEXT.items()
}
_CHARS: dict[str, re.Pattern[str]] = {
    "es": re.compile("[¿¡ñáíóú]"),
    "fr": re.compile("[çœèàùêâîôû]"),
    "de": re.compile("[ßäöü]"),
}
_NOISE = re.compile(r"[^\s@]+@\S+|https?://\S+")
_SAMPLE = 500  # characters read: enough to tell, and quick for long messages
_WORD = re.compile(r"[^\W\d_]+")


def normalize_language(value: object) -> str | None:
    """``"es-ES"`` → ``"es"``; anything the bot does not speak → ``None``."""
    if not isinstance(value, str):
        return None
    code = value.strip().replace("_", "-").split("-")[0].casefold()
    return code if code in SUPPORTED else None


def scores(text: str) -> dict[str, int]:
    """How strongly the text looks like each language."""
    cleaned = _NOISE.sub(" ", text[:_SAMPLE])
    tokens = _WORD.findall(fold(cleaned))
    lowered = cleaned.casefold()
    result: dict[str, int] = {}
    for lang in SUPPORTED:
        markers = _MARKERS[lang]
        score = sum(markers.get(token, 0) for token in tokens)
        letters = _CHARS.get(lang)
        if letters and not lowered.isascii():
            score += 2 * len(letters.findall(lowered))
        result[lang] = score
    return result


def default_language(widget_languages: Iterable[str]) -> str:
    """The widget's first language the bot speaks, else English."""
    for value in widget_languages:
        code = normalize_language(value)
        if code:
            return code
    return "en"


def detect_language(text: str, widget_languages: Iterable[str], current: str | None) -> str:
    """The language to answer in.

    A message switches language when it clearly reads as another one (a score of at least 2
    and more than the current language's); otherwise the conversation keeps its language,
    or starts in the widget's first language. Ties go to the current language, then to the
    widget's languages in order.
    """
    listed = [normalize_language(v) for v in widget_languages]
    base = normalize_language(current) or default_language(widget_languages)
    points = scores(text)
    order = [base, *[code for code in listed if code], *SUPPORTED]
    best = max(dict.fromkeys(order), key=lambda code: (points[code], -order.index(code)))
    if points[best] >= 2 and points[best] > points[base]:
        return best
    return base
