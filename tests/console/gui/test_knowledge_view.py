"""The Knowledge base screen: edit answers, import with a report, export round trip, the bot
tester on the real engine, usage counts once the relay reported them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from console.context import ConsoleContext
from console.models.knowledge import USAGE_COLUMNS, KnowledgeModel
from console.views.knowledge import NO_USAGE, KnowledgeView
from core.workspace.inbox import InboxRepository
from core.workspace.knowledge import KnowledgeItem
from tests.console.gui.helpers import Shot, wait_until

ANSWERS = [
    ("What is your return policy?", "Return unused items within 30 days.", "returns, refund"),
    ("How long does shipping take?", "2 to 4 working days in the EU.", "shipping, delivery"),
    ("Do you ship abroad?", "We ship to the EU, the UK and Switzerland.", "international"),
]


@pytest.fixture
def view(ctx: ConsoleContext) -> Iterator[KnowledgeView]:
    ctx.widgets.create("Shop chat", store=None)
    ctx.widgets.create("Outlet chat", store=None)
    screen = KnowledgeView(ctx)
    screen.select_widget("Shop chat")
    screen.resize(1280, 820)
    screen.show()
    yield screen
    screen.close()


def add(view: KnowledgeView, question: str, answer: str, keywords: str = "") -> None:
    view.form.new_button.click()
    view.form.question.setText(question)
    view.form.answer.setPlainText(answer)
    view.form.keywords.setText(keywords)
    view.form.save_button.click()


def stored(view: KnowledgeView, widget: str = "Shop chat") -> list[tuple[object, ...]]:
    entry = view.ctx.widgets.get(widget)
    assert entry is not None
    items = view.ctx.knowledge.list(entry.id)
    return [(i.question, i.answer, i.keywords, i.enabled) for i in items]


async def test_answers_are_added_edited_and_deleted(view: KnowledgeView) -> None:
    for question, answer, keywords in ANSWERS:
        add(view, question, answer, keywords)
    assert view.model.rowCount() == 3
    assert stored(view)[0] == (ANSWERS[0][0], ANSWERS[0][1], ("returns", "refund"), True)
    assert view.current() is not None and view.current().question == ANSWERS[2][0]  # type: ignore[union-attr]

    view.table.selectRow(0)
    assert view.form.question.text() == ANSWERS[0][0]
    view.form.answer.setPlainText("Return unused items within 60 days.")
    view.form.enabled.setChecked(False)
    view.form.save_button.click()
    assert stored(view)[0][1:] == (
        "Return unused items within 60 days.",
        ("returns", "refund"),
        False,
    )
    assert view.model.index(0, 3).data() == "No"
    assert view.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is not None

    view.confirm = lambda question: False
    view.form.delete_button.click()
    assert len(stored(view)) == 3
    view.confirm = lambda question: ANSWERS[0][0] in question
    view.form.delete_button.click()
    assert [row[0] for row in stored(view)] == [ANSWERS[1][0], ANSWERS[2][0]]
    assert view.model.rowCount() == 2 and view.current() is None
    assert stored(view, "Outlet chat") == []


async def test_an_entry_that_cannot_be_saved_says_why_and_saves_nothing(
    view: KnowledgeView,
) -> None:
    add(view, "Do you gift wrap?", "   ")
    assert view.form.error.isVisible() and view.form.error.text() == "The answer is empty."
    assert stored(view) == []
    view.form.answer.setPlainText("Yes, for 3 euros.")
    view.form.save_button.click()
    assert not view.form.error.isVisible() and len(stored(view)) == 1


async def test_import_reports_rejected_rows_and_keeps_the_others(
    view: KnowledgeView, tmp_path: Path
) -> None:
    path = tmp_path / "answers.csv"
    path.write_text(
        "question;answer;keywords;enabled\n"
        "What is your return policy?;Within 30 days.;returns;yes\n"
        "Do you gift wrap?;;gift;yes\n"
        "Can I pay later?;Yes, with Klarna.;klarna;maybe\n"
        "Where are you?;In Lyon.;;no\n",
        encoding="utf-8",
    )
    view.choose_import = lambda: str(path)
    view.import_button.click()

    dialog = view.report_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.rejected_rows() == [
        ("row 3", "The answer is empty."),
        ("row 4", "“enabled” must be yes or no, not 'maybe'."),
    ]
    assert dialog.summary.text().startswith("2 added, 0 updated, 0 unchanged, 2 rejected.")
    assert [row[0] for row in stored(view)] == ["What is your return policy?", "Where are you?"]
    assert view.model.rowCount() == 2
    dialog.close()


async def test_a_file_that_cannot_be_read_is_one_sentence(
    view: KnowledgeView, tmp_path: Path
) -> None:
    path = tmp_path / "answers.csv"
    path.write_text("q,a\nx,y\n", encoding="utf-8")
    assert view.import_file(path) is None
    assert "needs a first row naming its columns" in view.message.text()
    assert view.report_dialog is None and stored(view) == []


@pytest.mark.parametrize("name", ["answers.csv", "answers.json"])
async def test_export_then_import_gives_the_same_answers(
    view: KnowledgeView, tmp_path: Path, name: str
) -> None:
    for question, answer, keywords in ANSWERS:
        add(view, question, answer, keywords)
    view.table.selectRow(1)
    view.form.enabled.setChecked(False)
    view.form.save_button.click()
    view.choose_export = lambda: str(tmp_path / name)
    view.export_button.click()
    assert view.message.text() == f"Exported 3 answers to {tmp_path / name}."

    view.select_widget("Outlet chat")
    assert view.model.rowCount() == 0
    report = view.import_file(tmp_path / name)
    assert report is not None and report.added == 3 and not report.rejected
    assert stored(view, "Outlet chat") == stored(view, "Shop chat")


async def test_the_bot_tester_answers_from_the_saved_answers(
    view: KnowledgeView, screenshot: Shot
) -> None:
    for question, answer, keywords in ANSWERS:
        add(view, question, answer, keywords)
    view.tester.question.setText("what's your returns policy?")
    view.tester.ask_button.click()
    await wait_until(lambda: view.tester.answer.text() != "")
    assert view.tester.answer.text() == ANSWERS[0][1]
    assert view.tester.matched.text() == ANSWERS[0][0]
    assert view.tester.confidence.text().endswith("(this widget answers from 0.35)")
    assert float(view.tester.confidence.text().split()[0]) >= 0.8
    assert view.tester.note.text() == "Answered from the knowledge base."
    screenshot(view, "knowledge")


async def test_below_the_threshold_the_tester_says_the_lead_form_is_offered(
    view: KnowledgeView,
) -> None:
    for question, answer, keywords in ANSWERS:
        add(view, question, answer, keywords)
    trial = await view.ask("how long until it arrives")
    assert trial is not None and trial.match is not None
    assert trial.match.entry.question == ANSWERS[1][0] and trial.below_threshold
    assert view.tester.matched.text() == ANSWERS[1][0]
    assert "Below the widget's threshold" in view.tester.note.text()
    assert "contact form" in view.tester.note.text()
    assert ANSWERS[1][1] not in view.tester.answer.text()

    widget = view.ctx.widgets.get("Shop chat")
    assert widget is not None
    view.ctx.widgets.update(widget, {"confidence_threshold": 0.01})  # the tester reads it fresh
    trial = await view.ask("how long until it arrives")
    assert trial is not None and trial.from_knowledge
    assert view.tester.answer.text() == ANSWERS[1][1]


async def test_disabled_answers_are_not_used_by_the_tester(view: KnowledgeView) -> None:
    add(view, *ANSWERS[0])
    view.form.enabled.setChecked(False)
    view.form.save_button.click()
    trial = await view.ask("What is your return policy?")
    assert trial is not None and trial.match is None and not trial.from_knowledge


async def test_usage_counts_appear_once_the_relay_reported_them(view: KnowledgeView) -> None:
    for question, answer, keywords in ANSWERS:
        add(view, question, answer, keywords)
    assert all(view.table.isColumnHidden(c) for c in USAGE_COLUMNS)
    assert view.message.text() in (NO_USAGE, "Added. Publish… to make it live.")

    widget = view.ctx.widgets.get("Shop chat")
    assert widget is not None
    entry_id = view.model.row(0).id
    pulled = InboxRepository(view.ctx.session.workspace).apply(_events(widget.key, entry_id))
    assert pulled.messages == 2 and pulled.feedback == 1
    view.ctx.knowledge_changed.emit(widget.id)  # as the window does after a pull

    assert not any(view.table.isColumnHidden(c) for c in USAGE_COLUMNS)
    counts = [view.model.index(0, c).data() for c in USAGE_COLUMNS]
    assert counts == ["2", "1", "0"]


def _events(widget_key: str, entry_id: str) -> list[dict[str, object]]:
    def answer(n: int) -> dict[str, object]:
        message = {
            "id": f"m{n}",
            "role": "bot",
            "text": "Return unused items within 30 days.",
            "confidence": 0.9,
            "knowledge_entry_id": entry_id,
            "created_at": datetime(2026, 3, 1, 10, n, tzinfo=UTC).isoformat(),
        }
        return {
            "id": f"e{n}",
            "type": "message",
            "conversation_id": "c1",
            "widget_key": widget_key,
            "data": {"message": message},
        }

    feedback = {"message_id": "m1", "helpful": True}
    rated: dict[str, object] = {
        "id": "e9",
        "type": "feedback",
        "conversation_id": "c1",
        "data": feedback,
    }
    return [answer(1), answer(2), rated]


def test_the_knowledge_model_without_a_window() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    quiet = KnowledgeItem("k1", "Q1?", "A " * 100, ("x", "y"), False, now, now)
    used = KnowledgeItem("k2", "Q2?", "A2.", (), True, now, now, helpful=3, uses=5)
    model = KnowledgeModel()
    model.set_rows([quiet])
    assert not model.usage_known()
    assert model.index(0, 2).data() == "x, y" and model.index(0, 3).data() == "No"
    assert model.index(0, 1).data().endswith("…") and len(model.index(0, 1).data()) == 120
    assert model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) == quiet.answer
    model.set_rows([quiet, used])
    assert model.usage_known() and model.row_of("k2") == 1 and model.row_of("k9") == -1
    assert [model.index(1, c).data() for c in USAGE_COLUMNS] == ["5", "3", "0"]


def row_of(view: KnowledgeView, question: str) -> int:
    row = next(n for n, item in enumerate(view.model.rows()) if item.question == question)
    return view.proxy.mapFromSource(view.model.index(row, 0)).row()


async def test_unsaved_edits_are_never_dropped_silently(view: KnowledgeView) -> None:
    for question, answer, keywords in ANSWERS[:2]:
        add(view, question, answer, keywords)
    first, second = ANSWERS[0][0], ANSWERS[1][0]
    view.table.selectRow(row_of(view, first))
    asked: list[str] = []

    view.form.answer.setPlainText("Discarded")
    view.confirm = lambda question: asked.append(question) is not None  # "No": discard
    view.table.selectRow(row_of(view, second))
    assert first in asked[-1] and view.form.question.text() == second
    assert stored(view)[0][1] == ANSWERS[0][1]

    view.form.answer.setPlainText("Saved on the way")  # "Yes": saved, then the click is done
    view.confirm = lambda question: True
    view.table.selectRow(row_of(view, first))
    assert view.form.question.text() == first
    assert [s[1] for s in stored(view)] == [ANSWERS[0][1], "Saved on the way"]

    view.form.question.setText("")  # cannot be saved: stay, keep the edit, say why
    view.table.selectRow(row_of(view, second))
    assert view.form.item is not None and view.form.item.question == first
    assert view.form.question.text() == "" and view.form.error.text()

    view.confirm = lambda question: False  # another widget: discard, then its (empty) list
    view.select_widget("Outlet chat")
    assert view.model.rowCount() == 0 and view.form.item is None
    assert view.form.question.text() == "" and not view.form.has_unsaved_changes()


async def test_a_refresh_underneath_keeps_the_answer_being_typed(view: KnowledgeView) -> None:
    add(view, *ANSWERS[0])
    view.table.selectRow(0)
    view.form.answer.setPlainText("Half typed")
    widget = view.widget()
    assert widget is not None
    view.ctx.knowledge_changed.emit(widget.id)  # e.g. usage counts after a pull
    assert view.form.answer.toPlainText() == "Half typed"
