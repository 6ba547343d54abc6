"""Questions the bot could not answer, grouped by similar wording.

Pure: a list of ``Question`` in, ``Cluster``s out (largest first). Two questions belong
together when their content words (stemmed, stop words dropped; ``core.bot.text.terms``)
overlap enough (Jaccard similarity of the word sets against the cluster's first question).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from core.bot.text import terms

SIMILARITY = 0.5
MAX_EXAMPLES = 5


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    at: datetime
    conversation_id: str
    widget_id: int | None = None


@dataclass(frozen=True, slots=True)
class Cluster:
    question: str
    """The wording asked most often in the cluster (the earliest on a tie)."""
    count: int
    last_at: datetime
    examples: tuple[str, ...]
    conversations: tuple[str, ...]
    widget_id: int | None


@dataclass(slots=True)
class _Group:
    words: frozenset[str]
    members: list[Question] = field(default_factory=list)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _key(text: str) -> frozenset[str]:
    return frozenset(terms(text))


def cluster_questions(
    questions: Iterable[Question], *, threshold: float = SIMILARITY
) -> list[Cluster]:
    """Group ``questions``; most asked first, then most recent."""
    groups: list[_Group] = []
    by_word: defaultdict[str, list[int]] = defaultdict(list)
    for question in sorted(questions, key=lambda q: q.at):
        words = _key(question.text)
        if not words:
            continue  # nothing to go on ("?", "hm"): not a question to answer
        best, best_score = -1, 0.0
        candidates = {i for w in words for i in by_word[w]}
        for index in candidates:
            score = similarity(words, groups[index].words)
            if score > best_score or (score == best_score and 0 <= index < best):
                best, best_score = index, score
        if best >= 0 and best_score >= threshold:
            groups[best].members.append(question)
            continue
        groups.append(_Group(words, [question]))
        for word in words:
            by_word[word].append(len(groups) - 1)
    clusters = [_cluster(group.members) for group in groups]
    return sorted(clusters, key=lambda c: (-c.count, -c.last_at.timestamp(), c.question))


def _cluster(members: Sequence[Question]) -> Cluster:
    wordings = Counter(" ".join(m.text.split()) for m in members)
    first_seen: dict[str, datetime] = {}
    for m in members:
        first_seen.setdefault(" ".join(m.text.split()), m.at)
    top = max(wordings, key=lambda w: (wordings[w], -first_seen[w].timestamp()))
    examples = tuple(w for w, _ in wordings.most_common(MAX_EXAMPLES))
    conversations = tuple(dict.fromkeys(m.conversation_id for m in members))
    widgets = {m.widget_id for m in members}
    return Cluster(
        question=top,
        count=len(members),
        last_at=max(m.at for m in members),
        examples=examples,
        conversations=conversations,
        widget_id=widgets.pop() if len(widgets) == 1 else None,
    )
