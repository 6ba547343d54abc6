"""Counts read as English: "1 widget", "2 widgets", never "1 widget(s)"."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from console.overview import Today
from console.plural import plural
from console.views.dashboard import today_text
from console.views.settings import health_text
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("count", "noun", "said"),
    [
        (0, "widget", "0 widgets"),
        (1, "widget", "1 widget"),
        (2, "widget", "2 widgets"),
        (1, "open conversation", "1 open conversation"),
        (3, "open conversation", "3 open conversations"),
        (1, "entry", "1 entry"),
        (2, "entry", "2 entries"),
        (2, "order lookup", "2 order lookups"),
        (12_345, "order", "12,345 orders"),
        (2, "person", "2 people"),
    ],
)
def test_plural_forms(count: int, noun: str, said: str) -> None:
    many = "people" if noun == "person" else None
    assert plural(count, noun, many) == said


def test_the_dashboard_and_settings_say_one_and_many() -> None:
    one = Today(conversations=1, leads=1, lookups=1, source="relay", spam=1)
    assert today_text(one) == (
        "Today: 1 conversation, 1 lead, 1 order lookup (on the relay). Spam blocked: 1."
    )
    status = {"widgets": 1, "stores": 2, "conversations_open": 1, "events_pending": 0}
    text = health_text("https://relay.example", status)
    assert "1 widget and 2 stores published, 1 open conversation, 0 events waiting" in text


def _strings(path: Path) -> list[tuple[int, str]]:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    kinds = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    return [(t.start[0], t.string) for t in tokens if t.type in kinds]


def test_no_console_or_command_line_text_says_s_in_brackets() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "console").rglob("*.py"))
        for line, text in _strings(path)
        if re.search(r"[a-z]\((s|es)\)", text)
    ]
    assert found == [], "use console.plural.plural() for counts"
