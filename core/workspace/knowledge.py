"""A widget's knowledge base: question, answer, keywords; counters the inbox keeps up to
date (how often an entry answered, and how shoppers rated it)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from core.ids import new_id
from core.records import KnowledgeEntry
from core.workspace.activity import record
from core.workspace.database import Workspace
from core.workspace.knowledge_files import KnowledgeError, RawEntry, Rejected, read_entries
from core.workspace.models import KnowledgeEntryRow

__all__ = [
    "ImportReport",
    "KnowledgeError",
    "KnowledgeItem",
    "KnowledgeRepository",
    "Rejected",
    "parse_keywords",
    "question_key",
]

MAX_QUESTION = 500
MAX_ANSWER = 4000
MAX_KEYWORD = 60
MAX_KEYWORDS = 30
_KEYWORD_SPLIT = re.compile(r"[,;]")


@dataclass(frozen=True, slots=True)
class KnowledgeItem:
    id: str
    question: str
    answer: str
    keywords: tuple[str, ...]
    enabled: bool
    created_at: datetime
    updated_at: datetime
    helpful: int = 0
    unhelpful: int = 0
    uses: int = 0

    def entry(self) -> KnowledgeEntry:
        """The record the bot answers from."""
        return KnowledgeEntry(self.id, self.question, self.answer, self.keywords, self.enabled)


@dataclass(frozen=True, slots=True)
class Saved:
    item: KnowledgeItem
    created: bool


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: tuple[Rejected, ...] = ()


def parse_keywords(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"returns, refund; exchange"`` or a list → distinct, trimmed keywords."""
    if value is None:
        return ()
    texts = [value] if isinstance(value, str) else [str(v) for v in value]
    parts = [part for text in texts for part in _KEYWORD_SPLIT.split(text)]
    seen: dict[str, str] = {}
    for part in parts:
        word = " ".join(part.split())
        if word:
            seen.setdefault(word.casefold(), word)
    return tuple(seen.values())


def question_key(question: str) -> str:
    """Questions that differ only in case, spacing or final punctuation are the same."""
    return " ".join(question.casefold().split()).rstrip("?!.¿¡ ")


def check_entry(question: str, answer: str, keywords: tuple[str, ...]) -> tuple[str, str]:
    question, answer = " ".join(question.split()), answer.strip()
    if not question:
        raise KnowledgeError("The question is empty.")
    if not answer:
        raise KnowledgeError("The answer is empty.")
    if len(question) > MAX_QUESTION:
        raise KnowledgeError(f"The question is longer than {MAX_QUESTION} characters.")
    if len(answer) > MAX_ANSWER:
        raise KnowledgeError(f"The answer is longer than {MAX_ANSWER} characters.")
    if len(keywords) > MAX_KEYWORDS:
        raise KnowledgeError(f"There are more than {MAX_KEYWORDS} keywords.")
    long = next((k for k in keywords if len(k) > MAX_KEYWORD), None)
    if long is not None:
        raise KnowledgeError(f"The keyword {long[:20]!r}… is longer than {MAX_KEYWORD} characters.")
    return question, answer


KnowledgeList = list[KnowledgeItem]


class KnowledgeRepository:
    def __init__(
        self, workspace: Workspace, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._workspace = workspace
        self._now = now

    def list(self, widget_id: int) -> KnowledgeList:
        query = (
            select(KnowledgeEntryRow)
            .where(KnowledgeEntryRow.widget_id == widget_id)
            .order_by(KnowledgeEntryRow.created_at, KnowledgeEntryRow.id)
        )
        with self._workspace.session() as session:
            return [_item(row) for row in session.scalars(query).all()]

    def get(self, widget_id: int, entry_id: str) -> KnowledgeItem | None:
        return next((i for i in self.list(widget_id) if i.id == entry_id), None)

    def add(
        self,
        widget_id: int,
        question: str,
        answer: str,
        keywords: Iterable[str] = (),
        *,
        enabled: bool = True,
    ) -> Saved:
        """Add an entry; one with the same question is updated instead of doubled."""
        with self._workspace.engine.begin() as connection:
            index = _index(connection, widget_id)
            raw = RawEntry(0, "", question, answer, tuple(keywords), enabled)
            entry_id, outcome = self._upsert(connection, widget_id, raw, index)
            if outcome is not None:
                verb = "added" if outcome else "updated"
                record(
                    connection,
                    "knowledge.changed",
                    question.strip()[:255],
                    {verb: 1, "widget_id": widget_id},
                )
        item = self.get(widget_id, entry_id)
        assert item is not None
        return Saved(item, outcome is True)

    def update(
        self,
        widget_id: int,
        entry_id: str,
        *,
        question: str | None = None,
        answer: str | None = None,
        keywords: Iterable[str] | None = None,
        enabled: bool | None = None,
    ) -> KnowledgeItem | None:
        current = self.get(widget_id, entry_id)
        if current is None:
            return None
        words = parse_keywords(keywords) if keywords is not None else current.keywords
        q, a = check_entry(
            current.question if question is None else question,
            current.answer if answer is None else answer,
            words,
        )
        values = {"question": q, "answer": a, "keywords": list(words), "updated_at": self._now()}
        if enabled is not None:
            values["enabled"] = enabled
        with self._workspace.engine.begin() as connection:
            connection.execute(
                update(KnowledgeEntryRow).where(KnowledgeEntryRow.id == entry_id).values(values)
            )
            record(connection, "knowledge.changed", q[:255], {"updated": 1, "widget_id": widget_id})
        return self.get(widget_id, entry_id)

    def delete(self, widget_id: int, entry_id: str) -> bool:
        with self._workspace.engine.begin() as connection:
            result = connection.execute(
                delete(KnowledgeEntryRow).where(
                    KnowledgeEntryRow.widget_id == widget_id, KnowledgeEntryRow.id == entry_id
                )
            )
            if result.rowcount:
                record(
                    connection,
                    "knowledge.changed",
                    entry_id,
                    {"deleted": 1, "widget_id": widget_id},
                )
        return bool(result.rowcount)

    def import_file(self, widget_id: int, path: Path) -> ImportReport:
        """Import a CSV or JSON file in one transaction; bad rows are reported, not fatal."""
        raw, rejected = read_entries(path)
        counts: dict[bool | None, int] = {True: 0, False: 0, None: 0}
        with self._workspace.engine.begin() as connection:
            index = _index(connection, widget_id)
            for entry in raw:
                try:
                    _, created = self._upsert(connection, widget_id, entry, index)
                except KnowledgeError as err:
                    rejected.append(Rejected(entry.order, entry.where, str(err)))
                    continue
                counts[created] += 1
            if counts[True] or counts[False]:
                changes = {"added": counts[True], "updated": counts[False], "widget_id": widget_id}
                record(connection, "knowledge.changed", f"import {path.name}", changes)
        rejected.sort(key=lambda r: r.order)
        return ImportReport(counts[True], counts[False], counts[None], tuple(rejected))

    def _upsert(
        self, connection: Connection, widget_id: int, entry: RawEntry, index: _Index
    ) -> tuple[str, bool | None]:
        """Returns the id and True (added), False (updated) or None (unchanged)."""
        keywords = parse_keywords(entry.keywords)
        question, answer = check_entry(entry.question, entry.answer, keywords)
        values: dict[str, Any] = {
            "question": question,
            "answer": answer,
            "keywords": list(keywords),
            "enabled": entry.enabled,
        }
        key = question_key(question)
        existing = index.get(key)
        index[key] = (existing[0] if existing else new_id("k"), values)
        if existing is None:
            moment = self._now()
            row = {**values, "id": index[key][0], "widget_id": widget_id}
            row |= {"created_at": moment, "updated_at": moment}
            connection.execute(insert(KnowledgeEntryRow).values(row))
            return index[key][0], True
        entry_id, before = existing
        if before == values:
            return entry_id, None
        connection.execute(
            update(KnowledgeEntryRow)
            .where(KnowledgeEntryRow.id == entry_id)
            .values({**values, "updated_at": self._now()})
        )
        return entry_id, False


_Index = dict[str, tuple[str, dict[str, Any]]]
"""Question key → (entry id, stored values), for finding duplicates in one pass."""


def _index(connection: Connection, widget_id: int) -> _Index:
    query = select(
        KnowledgeEntryRow.id,
        KnowledgeEntryRow.question,
        KnowledgeEntryRow.answer,
        KnowledgeEntryRow.keywords,
        KnowledgeEntryRow.enabled,
    ).where(KnowledgeEntryRow.widget_id == widget_id)
    index: _Index = {}
    for row in connection.execute(query).all():
        values = {
            "question": row.question,
            "answer": row.answer,
            "keywords": list(row.keywords),
            "enabled": row.enabled,
        }
        index[question_key(row.question)] = (row.id, values)
    return index


def _item(row: KnowledgeEntryRow) -> KnowledgeItem:
    return KnowledgeItem(
        id=row.id,
        question=row.question,
        answer=row.answer,
        keywords=tuple(str(k) for k in row.keywords),
        enabled=row.enabled,
        created_at=row.created_at,
        updated_at=row.updated_at,
        helpful=row.helpful,
        unhelpful=row.unhelpful,
        uses=row.uses,
    )
