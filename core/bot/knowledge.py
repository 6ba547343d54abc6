"""Ranked retrieval over a widget's knowledge base, with a calibrated confidence.

Entries are scored with BM25F over three fields (question ×2, answer ×1, keywords ×3).
The confidence in [0, 1] is separate from the rank score so a widget's threshold means the
same thing whatever the size of its knowledge base: it is the share of the message's
meaning (IDF-weighted terms) the entry explains, blended with how closely the message
matches the entry's question, plus a bonus when one of the entry's keywords is named.
An exact or near-exact question scores ≥ 0.8; a message sharing nothing scores 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.bot.text import terms
from core.records import KnowledgeEntry

_K1 = 1.2
_B = 0.75
_FIELD_WEIGHTS = (2.0, 1.0, 3.0)  # question, answer, keywords
_KEYWORD_BONUS = 0.2


@dataclass(frozen=True, slots=True)
class Match:
    entry: KnowledgeEntry
    confidence: float
    score: float


@dataclass(frozen=True, slots=True)
class _Doc:
    entry: KnowledgeEntry
    weights: dict[str, float]  # term → weighted term frequency over the fields
    length: float
    question: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]  # keywords as term sequences


def _doc(entry: KnowledgeEntry) -> _Doc:
    fields = (
        [_stems(entry.question)],
        [_stems(entry.answer)],
        [_stems(keyword) for keyword in entry.keywords],
    )
    weights: dict[str, float] = {}
    for weight, groups in zip(_FIELD_WEIGHTS, fields, strict=True):
        for group in groups:
            for term in group:
                weights[term] = weights.get(term, 0.0) + weight
    phrases = tuple(tuple(dict.fromkeys(g)) for g in fields[2] if g)
    question = tuple(dict.fromkeys(fields[0][0]))
    return _Doc(entry, weights, sum(weights.values()), question, phrases)


def _stems(text: str) -> list[str]:
    return terms(text)


class KnowledgeIndex:
    """Built once per published widget version; ``best(text)`` answers a message."""

    def __init__(self, entries: Iterable[KnowledgeEntry]) -> None:
        self._docs = tuple(_doc(e) for e in entries if e.enabled)
        self._postings: dict[str, list[int]] = {}
        for number, doc in enumerate(self._docs):
            for term in doc.weights:
                self._postings.setdefault(term, []).append(number)
        count = len(self._docs)
        self._idf = {t: _idf(count, len(p)) for t, p in self._postings.items()}
        self._unknown_idf = _idf(count, 0)
        self._avg_length = sum(d.length for d in self._docs) / count if count else 1.0
        self._question_weights = [sum(self._weight(t) for t in d.question) for d in self._docs]

    def __len__(self) -> int:
        return len(self._docs)

    def search(self, text: str, *, limit: int = 3) -> tuple[Match, ...]:
        """The best entries for a message, most confident first (ties: higher rank score,
        then the entry listed first)."""
        query = _Query(terms(text), self._weight)
        candidates = sorted({n for t in query.terms for n in self._postings.get(t, ())})
        scored = [(self._confidence(query, n), self._bm25(query, n), n) for n in candidates]
        scored.sort(key=lambda item: (-item[0], -item[1], item[2]))
        return tuple(Match(self._docs[n].entry, c, s) for c, s, n in scored[:limit])

    def best(self, text: str) -> Match | None:
        found = self.search(text, limit=1)
        return found[0] if found else None

    def _weight(self, term: str) -> float:
        return self._idf.get(term, self._unknown_idf)

    def _bm25(self, query: _Query, number: int) -> float:
        doc = self._docs[number]
        norm = _K1 * (1 - _B + _B * doc.length / self._avg_length)
        total = 0.0
        for term, weight in query.weighted:
            tf = doc.weights.get(term, 0.0)
            if tf:
                total += weight * tf * (_K1 + 1) / (tf + norm)
        return round(total, 9)

    def _confidence(self, query: _Query, number: int) -> float:
        if not query.total:
            return 0.0
        doc = self._docs[number]
        covered = sum(w for t, w in query.weighted if t in doc.weights) / query.total
        shared = sum(w for t, w in query.weighted if t in doc.question)
        overlap = 2 * shared / (query.total + self._question_weights[number])
        value = 0.55 * covered + 0.45 * overlap
        if any(query.names(phrase) for phrase in doc.phrases):
            value += _KEYWORD_BONUS * covered
        return round(min(value, 1.0), 4)


class _Query:
    """A message's terms with their weights (IDF; unknown terms weigh the most)."""

    def __init__(self, words: list[str], weight: Callable[[str], float]) -> None:
        self.terms = words
        self.weighted = [(t, weight(t)) for t in words]
        self.total = sum(w for _, w in self.weighted)
        self._set = frozenset(words)

    def names(self, phrase: tuple[str, ...]) -> bool:
        return self._set.issuperset(phrase)


def _idf(count: int, frequency: int) -> float:
    return math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))
