"""Ranked retrieval over a widget's knowledge base, with a calibrated confidence.

Entries are scored with BM25F over three fields (question ×2, answer ×1, keywords ×3).
The confidence in [0, 1] is separate from the rank score so a widget's threshold means the
same thing whatever the size of its knowledge base: it is the share of the message's
meaning (IDF-weighted terms) the entry explains, blended with how closely the message
matches the entry's question, plus a bonus when one of the entry's keywords is named, then
scaled by the square root of that share: what the entry leaves unexplained weighs twice.
Generic words ("sell", "how long", "cost") weigh a fraction of their IDF, so "do you sell
bananas?" is not explained by "Do you sell gift cards?". An exact or near-exact question
scores ≥ 0.8; a message sharing nothing scores 0. ``tests/core/bot/test_calibration.py``
holds the calibration: off-topic questions in four languages stay below the default
threshold (0.35), paraphrases of the shipped knowledge bases' questions above it.

The index is compact (a relay keeps one per widget it serves): one posting per term,
``(entry, code, entry, code, …)`` as bytes while every number fits in one, and a few
numbers per entry. A posting's code packs the term's weighted frequency in the entry with
two flags: the term is in the entry's question, and the term alone is one of its keywords.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from core.bot.text import stem, terms
from core.records import KnowledgeEntry

_K1 = 1.2
_B = 0.75
_FIELD_WEIGHTS = (2, 1, 3)  # question, answer, keywords (ints: frequencies stay exact)
_KEYWORD_BONUS = 0.2

# Words that carry little of a question's topic ("do you *sell* bananas", "how *long*
# does it *take* to boil an egg"): they weigh a fraction of their IDF, so an entry that
# shares only them with a message does not explain it. Folded; stemmed when used.
_WEAK_TEXT = """
    sell sold buy bought purchase have has take took get got give make do done go come
    remove cost price
    find look see use try keep put ask say tell send change happen work long fast quick
    quickly soon much many more most less other else new good best big small real really
    still right now today tomorrow time day days way thing things something anything
    everything one ones possible able sure exactly usually normally also
    vender venden vendeis vendes comprar compro tener tienen teneis hacer tomar tardar
    tarda largo rapido pronto mucho muchos otro nuevo bueno cosa algo tiempo dia hoy cuesta
    precio
    vendre vendez vend acheter avoir avez ai faire fait prendre long longtemps vite
    rapide bientot beaucoup autre nouveau bon chose quelque temps jour aujourd hui coute prix
    verkaufen verkauft kaufen haben habt machen nehmen dauert dauern lange schnell bald
    viel viele andere neu gut sache etwas zeit tag heute kostet kosten preis
"""
WEAK_TERMS = frozenset(stem(w) for w in _WEAK_TEXT.split())
_WEAK = 0.3

_IN_QUESTION = 0b10
_IS_KEYWORD = 0b01
_FLAG_BITS = 2


@dataclass(frozen=True, slots=True)
class Match:
    entry: KnowledgeEntry
    confidence: float
    score: float


class KnowledgeIndex:
    """Built once per published widget version; ``best(text)`` answers a message."""

    __slots__ = (
        "_avg_length",
        "_entries",
        "_lengths",
        "_phrases",
        "_postings",
        "_question_weights",
    )

    def __init__(self, entries: Iterable[KnowledgeEntry]) -> None:
        self._entries = tuple(e for e in entries if e.enabled)
        postings: dict[str, list[int]] = {}
        lengths: list[int] = []
        phrases: list[tuple[tuple[str, ...], ...]] = []
        questions: list[list[str]] = []
        for number, entry in enumerate(self._entries):
            question = terms(entry.question)
            keywords = [g for g in (terms(k) for k in entry.keywords) if g]
            weights: dict[str, int] = {}
            for weight, groups in zip(
                _FIELD_WEIGHTS, ([question], [terms(entry.answer)], keywords), strict=True
            ):
                for group in groups:
                    for term in group:
                        weights[term] = weights.get(term, 0) + weight
            asked = frozenset(question)
            single = frozenset(g[0] for g in keywords if len(g) == 1)
            for term, frequency in weights.items():
                flags = (_IN_QUESTION if term in asked else 0) | (
                    _IS_KEYWORD if term in single else 0
                )
                postings.setdefault(term, []).extend((number, frequency << _FLAG_BITS | flags))
            lengths.append(sum(weights.values()))
            questions.append(list(dict.fromkeys(question)))
            # keywords of one term are flagged in the postings; longer ones are kept here
            phrases.append(tuple(tuple(dict.fromkeys(g)) for g in keywords if len(g) > 1))
        self._postings = {t: _packed(p) for t, p in postings.items()}
        self._lengths = _packed(lengths)
        self._phrases = tuple(phrases) if any(phrases) else ()
        count = len(lengths)
        self._avg_length = sum(lengths) / count if count else 1.0
        self._question_weights = array("d", (sum(self._weight(t) for t in q) for q in questions))

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, text: str, *, limit: int = 3) -> tuple[Match, ...]:
        """The best entries for a message, most confident first (ties: higher rank score,
        then the entry listed first)."""
        words = terms(text)
        weighted = [(t, self._weight(t)) for t in words]
        total = sum(w for _, w in weighted)
        # each candidate entry's postings for the message's terms, in the message's order
        hits: dict[int, list[tuple[float, int]]] = {}
        for term, weight in weighted:
            posting = self._postings.get(term, ())
            for i in range(0, len(posting), 2):
                hits.setdefault(posting[i], []).append((weight, posting[i + 1]))
        named = frozenset(words)
        scored = [
            (self._confidence(total, hits[n], n, named), self._bm25(hits[n], n), n)
            for n in sorted(hits)
        ]
        scored.sort(key=lambda item: (-item[0], -item[1], item[2]))
        return tuple(Match(self._entries[n], c, s) for c, s, n in scored[:limit])

    def best(self, text: str) -> Match | None:
        found = self.search(text, limit=1)
        return found[0] if found else None

    def _weight(self, term: str) -> float:
        """The term's IDF (unknown terms weigh the most), a fraction of it for weak words."""
        idf = _idf(len(self._lengths), len(self._postings.get(term, ())) // 2)
        return idf * _WEAK if term in WEAK_TERMS else idf

    def _bm25(self, hits: list[tuple[float, int]], number: int) -> float:
        norm = _K1 * (1 - _B + _B * self._lengths[number] / self._avg_length)
        total = 0.0
        for weight, code in hits:
            tf = code >> _FLAG_BITS
            total += weight * tf * (_K1 + 1) / (tf + norm)
        return round(total, 9)

    def _confidence(
        self, total: float, hits: list[tuple[float, int]], number: int, named: frozenset[str]
    ) -> float:
        if not total:
            return 0.0
        covered = sum(w for w, _ in hits) / total
        shared = sum(w for w, code in hits if code & _IN_QUESTION)
        overlap = 2 * shared / (total + self._question_weights[number])
        value = 0.55 * covered + 0.45 * overlap
        phrases = self._phrases[number] if self._phrases else ()
        if any(code & _IS_KEYWORD for _, code in hits) or any(map(named.issuperset, phrases)):
            value += _KEYWORD_BONUS * covered
        value *= math.sqrt(covered)
        return round(min(value, 1.0), 4)


def _packed(values: list[int]) -> Sequence[int]:
    """The numbers as bytes (a quarter of a tuple's size) when each fits in one."""
    return bytes(values) if max(values, default=0) < 256 else tuple(values)


def _idf(count: int, frequency: int) -> float:
    return math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))
