"""Text helpers shared by the bot: cleaning shoppers' input, folding, words, light stemming."""

from __future__ import annotations

import functools
import re
import unicodedata

#: The longest message the bot reads; the relay refuses longer ones, the bot never raises.
MAX_TEXT = 2000

_WORD = re.compile(r"\w+")
_DOUBLE_END = re.compile(r"([bcdfghjklmnpqrtvz])\1$")

# Function words of English, Spanish, French and German (folded: no accents, lower case).
_STOP_TEXT = """
    a an and are as at be been but by can could did do does for from had has have how i if
    in is it its me my of on or our please so that the their them there this to us was we
    what when where which who why will with would you your yours i'm im it's s t d ll ve re
    m hi hello hey any some just also about get got want need know tell like should may
    might let make help thanks thank ok okay al algo como con de del donde el en es esta
    estan este esto hay la las lo los me mi mis mucho muy no o para pero por puedo que se si
    sin su sus te tengo tiene tu tus un una uno unos y yo cual cuales cuando quiero hola
    favor necesito puede puedes saber gracias au aux avec c ce ces comment d dans de des du
    elle en est et il ils j je l la le les leur m ma mais me mes moi mon n ne nous on ou par
    pas pour qu que quel quelle quels qui sa se ses son sont sur ta te tes ton tu un une vos
    votre vous y bonjour veux voudrais besoin savoir peux puis merci am an auf aus bei bin
    bitte das dass dem den der des die du ein eine einem einen einer er es fur gibt habe
    haben hat ich ihr ihre im in ist ja kann konnen mein meine meinen mir mit nach nicht
    noch oder sie sind so uber um und uns unser von was welche wie wir wo zu zum zur hallo
    mochte will brauche wissen danke
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

_SUFFIXES = (
    ("ies", "y"),
    ("ing", ""),
    ("ed", ""),
    ("es", ""),
    ("en", ""),
    ("er", ""),
    ("s", ""),
    ("e", ""),
    ("x", ""),
    ("y", ""),
)


def clean_input(text: str) -> str:
    """NFC, no control or format characters (but newlines and tabs), at most ``MAX_TEXT``."""
    if text.isascii() and text.isprintable():
        return text[:MAX_TEXT].strip()
    normal = unicodedata.normalize("NFC", text[: MAX_TEXT * 2])
    kept = [ch for ch in normal if ch in "\n\t" or unicodedata.category(ch)[0] != "C"]
    return "".join(kept)[:MAX_TEXT].strip()


def fold(text: str) -> str:
    """Case- and accent-free form for matching: ``"¿Dónde ESTÁ?"`` → ``"¿donde esta?"``."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold()


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return _WORD.findall(fold(text))


@functools.lru_cache(maxsize=8192)  # ~1 MB when full; shoppers' words never stop coming
def stem(word: str) -> str:
    """A light, language-blind stemmer: the same word in singular/plural/verb forms meets."""
    for _ in range(2):
        word = _strip_suffix(word)
    return word


def _strip_suffix(word: str) -> str:
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= 3:
            if suffix == "s" and word.endswith("ss"):
                return word
            base = word[: -len(suffix)] + replacement
            return _DOUBLE_END.sub(r"\1", base)
    return word


def terms(text: str, *, limit: int = 64) -> list[str]:
    """Content words, stemmed, first occurrence order, no repeats (at most ``limit``)."""
    unique = (w for w in dict.fromkeys(words(text)) if w not in STOP_WORDS)
    stems = dict.fromkeys(stem(w) for w in unique)
    return list(stems)[:limit]
