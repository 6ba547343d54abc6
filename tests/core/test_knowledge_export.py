"""Exporting a knowledge base (CSV and JSON) and importing the file back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.records import KnowledgeEntry
from core.vault import Vault
from core.workspace import Workspace
from core.workspace.knowledge import KnowledgeError, KnowledgeRepository
from core.workspace.knowledge_files import read_entries, write_entries
from core.workspace.widgets import WidgetRepository

ENTRIES = [
    ("What is your return policy?", "Return unused items within 30 days.", ("returns", "refund")),
    ('Do you sell "gift" cards, too?', "Yes; from 10 €, by email.\nThey never expire.", ()),
    ("=SUM(A1) ¿Envío a España?", "Sí, en 3–5 días laborables.", ("envío", "España", "spain")),
]


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(tmp_path / "ws")
    yield ws
    ws.close()


def _snapshot(repo: KnowledgeRepository, widget_id: int) -> list[tuple[object, ...]]:
    return [(i.question, i.answer, i.keywords, i.enabled) for i in repo.list(widget_id)]


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_an_exported_file_imports_back_to_the_same_entries(
    workspace: Workspace, tmp_path: Path, suffix: str
) -> None:
    widgets = WidgetRepository(workspace, Vault.open(workspace.data_dir))
    source, target = widgets.create("Source", store=None), widgets.create("Target", store=None)
    repo = KnowledgeRepository(workspace)
    for question, answer, keywords in ENTRIES:
        repo.add(source.id, question, answer, keywords)
    repo.update(source.id, repo.list(source.id)[1].id, enabled=False)

    path = tmp_path / f"kb{suffix}"
    written = write_entries(path, [i.entry() for i in repo.list(source.id)])
    report = repo.import_file(target.id, path)

    assert written == 3 and report.added == 3 and not report.rejected
    assert _snapshot(repo, target.id) == _snapshot(repo, source.id)
    assert repo.import_file(target.id, path).unchanged == 3


def test_csv_opens_in_spreadsheets_as_utf8_with_a_header(tmp_path: Path) -> None:
    path = tmp_path / "kb.csv"
    write_entries(path, [KnowledgeEntry("k1", "¿Envío?", "Sí.", ("envío", "spain"), False)])
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfquestion,answer,keywords,enabled\r\n")
    entries, rejected = read_entries(path)
    assert not rejected
    assert (entries[0].question, entries[0].keywords, entries[0].enabled) == (
        "¿Envío?",
        "envío, spain",
        False,
    )


def test_json_is_an_entries_object(tmp_path: Path) -> None:
    path = tmp_path / "kb.json"
    write_entries(path, [KnowledgeEntry("k1", "Q?", "A.", ("x",))])
    assert json.loads(path.read_text("utf-8")) == {
        "entries": [{"question": "Q?", "answer": "A.", "keywords": ["x"], "enabled": True}]
    }


def test_an_unknown_suffix_or_unwritable_place_is_one_sentence_and_leaves_no_file(
    tmp_path: Path,
) -> None:
    with pytest.raises(KnowledgeError, match=r"must end in \.csv or \.json"):
        write_entries(tmp_path / "kb.xlsx", [])
    with pytest.raises(KnowledgeError, match="Cannot write"):
        write_entries(tmp_path / "missing-folder" / "kb.csv", [])
    assert list(tmp_path.iterdir()) == []
