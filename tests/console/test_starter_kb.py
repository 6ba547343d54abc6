"""A new widget's starter knowledge base: shipping, returns, payment and contact answers in
the widget's language, their shop facts as [placeholders] the merchant sees as "to edit";
an answer with a placeholder left is not given to the bot when publishing. `--no-starter`
skips it. (The demo widget keeps its own knowledge base: tests/console/test_demo_setup.py
counts its entries.)"""

from __future__ import annotations

import argparse
import json

import pytest
from PySide6.QtCore import Qt

from console.publishing import build_bundle
from console.session import CliSession
from core.starter_kb import placeholders, starter_entries
from core.widgets import SUPPORTED_LANGUAGES
from core.workspace.knowledge import check_entry, parse_keywords
from tests.console.conftest import Cli


@pytest.fixture
def shop(cli: Cli) -> Cli:
    assert cli("store", "add", "sql", "--name", "demo", "--demo")[0] == 0
    return cli


def bundle_knowledge(cli: Cli) -> dict[str, bool]:
    """Question → enabled, as the next publish would send them."""
    with CliSession(argparse.Namespace(data_dir=str(cli.data_dir))) as session:
        bundle = build_bundle(session)
    return {k["question"]: k["enabled"] for k in bundle["widgets"][0]["knowledge"]}


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_language_covers_the_four_topics_with_placeholders(language: str) -> None:
    entries = starter_entries(language)
    assert {e.topic for e in entries} == {"shipping", "returns", "payment", "contact"}
    for entry in entries:
        assert placeholders(entry.answer), entry.question
        check_entry(entry.question, entry.answer, parse_keywords(entry.keywords))
    assert len({e.question for e in entries}) == len(entries)
    assert starter_entries("xx") == starter_entries("en")


def test_a_new_widget_starts_with_answers_to_edit(shop: Cli) -> None:
    code, out, err = shop("widget", "create", "--name", "Chat", "--store", "demo")
    assert code == 0, err
    assert "starter answers" in out and "[placeholders]" in out
    entries = json.loads(shop("kb", "list", "Chat", "--json")[1])
    assert len(entries) == len(starter_entries("en"))
    returns = next(e for e in entries if e["question"] == "What is your return policy?")
    assert "[your returns window, e.g. 30 days]" in returns["placeholders"]
    listing = shop("kb", "list", "Chat")[1]
    assert "TO EDIT (not used by the bot until filled in): [your returns window" in listing

    published = bundle_knowledge(shop)
    assert published and not any(published.values())  # nothing with a placeholder goes live
    code, _, _ = shop(
        "kb", "add", "Chat", "--question", "What is your return policy?",
        "--answer", "Return unused items within 30 days of delivery.",
    )  # fmt: skip
    assert code == 0
    published = bundle_knowledge(shop)
    assert published["What is your return policy?"] is True
    assert sum(published.values()) == 1


def test_the_starter_answers_speak_the_widgets_language(shop: Cli) -> None:
    code, _, err = shop(
        "widget", "create", "--name", "Boutique", "--store", "demo", "--language", "fr",
        "--language", "en",
    )  # fmt: skip
    assert code == 0, err
    questions = {e["question"] for e in json.loads(shop("kb", "list", "Boutique", "--json")[1])}
    assert "Quelle est votre politique de retour ?" in questions
    assert "What is your return policy?" not in questions


def test_no_starter_gives_an_empty_knowledge_base(shop: Cli) -> None:
    code, out, _ = shop("widget", "create", "--name", "Bare", "--store", "demo", "--no-starter")
    assert code == 0 and "starter answers" not in out
    assert json.loads(shop("kb", "list", "Bare", "--json")[1]) == []


def test_the_knowledge_base_screen_marks_answers_to_edit(qapp: object) -> None:
    from datetime import UTC, datetime

    from console.models.knowledge import KnowledgeModel
    from core.workspace.knowledge import KnowledgeItem

    at = datetime(2026, 12, 6, tzinfo=UTC)
    starter = starter_entries("en")[3]
    rows = [
        KnowledgeItem("k_1", starter.question, starter.answer, starter.keywords, True, at, at),
        KnowledgeItem("k_2", "Gift cards?", "Yes, from €20.", (), True, at, at),
    ]
    model = KnowledgeModel()
    model.set_rows(rows)
    column = next(
        n
        for n in range(model.columnCount())
        if model.headerData(n, Qt.Orientation.Horizontal) == "Enabled"
    )
    assert model.index(0, column).data().startswith("To edit: fill in [your returns window")
    assert model.index(1, column).data() == "Yes"
