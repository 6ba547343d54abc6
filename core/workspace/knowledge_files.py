"""Knowledge-base files, read and written: CSV (comma, semicolon or tab separated, as
spreadsheets save them) or JSON, UTF-8 with or without a byte-order mark.

CSV columns: ``question``, ``answer``, optional ``keywords`` (separated by commas or
semicolons) and ``enabled`` (yes/no). JSON: a list of objects with the same fields, or
``{"entries": [...]}``. Rows that cannot be used are returned with the reason, so an import
reports them instead of failing as a whole. ``write_entries`` exports in the same forms,
so an exported file imports back to the same entries.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.records import KnowledgeEntry

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
_TRUE = {"", "1", "true", "yes", "y", "on", "enabled", "x"}
_FALSE = {"0", "false", "no", "n", "off", "disabled"}


class KnowledgeError(ValueError):
    """A knowledge entry or file that cannot be used, in one sentence."""


@dataclass(frozen=True, slots=True)
class RawEntry:
    order: int
    where: str
    question: str
    answer: str
    keywords: str | tuple[str, ...]
    enabled: bool


@dataclass(frozen=True, slots=True)
class Rejected:
    order: int
    where: str
    """``row 4`` (CSV, counting the header as row 1) or ``entry 3`` (JSON)."""
    reason: str


def read_entries(path: Path) -> tuple[list[RawEntry], list[Rejected]]:
    text = _read_text(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _from_json(text, path)
    if suffix in (".csv", ".tsv", ".txt"):
        return _from_csv(text, path)
    raise KnowledgeError(f"{path.name} is neither a .csv nor a .json file.")


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise KnowledgeError(f"{path.name} is larger than 5 MB; split it into smaller files.")
        data = path.read_bytes()
    except OSError as exc:
        raise KnowledgeError(f"Cannot read {path}: {exc.strerror or 'unreadable'}.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KnowledgeError(
            f"{path.name} is not UTF-8 text; save it as “CSV UTF-8” (or UTF-8 JSON) and retry."
        ) from None


def _enabled(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return True
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise KnowledgeError(f"“enabled” must be yes or no, not {str(value)[:20]!r}.")


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise KnowledgeError(f"The {name} must be text.")
    return value


def _keywords(value: Any) -> str | tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise KnowledgeError("The keywords must be text or a list of texts.")


def _entry(order: int, where: str, fields: Mapping[str, Any]) -> RawEntry:
    return RawEntry(
        order=order,
        where=where,
        question=_text(fields.get("question"), "question"),
        answer=_text(fields.get("answer"), "answer"),
        keywords=_keywords(fields.get("keywords")),
        enabled=_enabled(fields.get("enabled")),
    )


@dataclass(frozen=True, slots=True)
class _Bad:
    reason: str


def _collect(items: list[tuple[str, Any]]) -> tuple[list[RawEntry], list[Rejected]]:
    if len(items) > MAX_ROWS:
        raise KnowledgeError(f"The file has more than {MAX_ROWS} entries; split it.")
    entries: list[RawEntry] = []
    rejected: list[Rejected] = []
    for order, (where, fields) in enumerate(items):
        if isinstance(fields, _Bad):
            rejected.append(Rejected(order, where, fields.reason))
            continue
        if not isinstance(fields, Mapping):
            rejected.append(Rejected(order, where, "It is not an object with question and answer."))
            continue
        try:
            entries.append(_entry(order, where, fields))
        except KnowledgeError as err:
            rejected.append(Rejected(order, where, str(err)))
    return entries, rejected


def _from_json(text: str, path: Path) -> tuple[list[RawEntry], list[Rejected]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise KnowledgeError(
            f"{path.name} is not valid JSON (line {err.lineno}, column {err.colno})."
        ) from None
    if isinstance(data, Mapping):
        data = data.get("entries", data.get("knowledge"))
    if not isinstance(data, list):
        raise KnowledgeError(
            f"{path.name} must hold a list of entries, or an object with an “entries” list."
        )
    return _collect([(f"entry {n}", item) for n, item in enumerate(data, start=1)])


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d])


def _from_csv(text: str, path: Path) -> tuple[list[RawEntry], list[Rejected]]:
    lines = text.splitlines()
    if not lines:
        raise KnowledgeError(f"{path.name} is empty.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(lines[0]))
    try:
        rows = list(reader)
    except csv.Error as err:
        raise KnowledgeError(f"{path.name} is not a readable CSV file ({err}).") from None
    header = [name.strip().lower() for name in rows[0]]
    missing = [name for name in ("question", "answer") if name not in header]
    if missing:
        raise KnowledgeError(
            f"{path.name} needs a first row naming its columns: question, answer, and "
            f"optionally keywords and enabled (missing: {', '.join(missing)})."
        )
    items: list[tuple[str, Any]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines, as spreadsheets leave them
        fields: Any = dict(zip(header, row, strict=False))
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            fields = _Bad("It has more cells than the first row has columns (a missing quote?).")
        items.append((f"row {number}", fields))
    return _collect(items)


EXPORT_COLUMNS = ("question", "answer", "keywords", "enabled")


def entries_to_csv(entries: Iterable[KnowledgeEntry]) -> str:
    """The CSV ``read_entries`` imports: a header row, keywords joined by ", ", enabled as
    yes/no. Keywords never hold a comma or semicolon (they are split on both)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for entry in entries:
        enabled = "yes" if entry.enabled else "no"
        writer.writerow((entry.question, entry.answer, ", ".join(entry.keywords), enabled))
    return buffer.getvalue()


def entries_to_json(entries: Iterable[KnowledgeEntry]) -> str:
    """``{"entries": [{question, answer, keywords, enabled}, …]}``, indented, UTF-8 text."""
    items = [
        {
            "question": entry.question,
            "answer": entry.answer,
            "keywords": list(entry.keywords),
            "enabled": entry.enabled,
        }
        for entry in entries
    ]
    return json.dumps({"entries": items}, ensure_ascii=False, indent=2) + "\n"


def write_entries(path: Path, entries: Iterable[KnowledgeEntry]) -> int:
    """Write ``entries`` as CSV (with a byte-order mark, so spreadsheets read it as UTF-8)
    or JSON, by the file's suffix; the file is replaced whole or not at all. Returns how
    many entries were written."""
    listed = list(entries)
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = entries_to_json(listed).encode("utf-8")
    elif suffix == ".csv":
        data = entries_to_csv(listed).encode("utf-8-sig")
    else:
        raise KnowledgeError(f"{path.name} must end in .csv or .json.")
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise KnowledgeError(f"Cannot write {path}: {exc.strerror or 'not writable'}.") from None
    return len(listed)
