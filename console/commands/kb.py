"""`storedesk kb add|list|import|remove`: a widget's knowledge base (WIDGET = name or key)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.commands.widget import require_widget
from console.runtime import (
    EXIT_ERROR,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    open_session,
    print_json,
)
from core.starter_kb import placeholders

if TYPE_CHECKING:
    from console.session import CliSession
    from core.workspace.knowledge import KnowledgeItem, KnowledgeRepository


def register(commands: Any) -> None:
    kb = commands.add_parser("kb", help="the answers a widget's bot gives")
    sub = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)

    add = sub.add_parser("add", help="add an answer (same question: updated)")
    add.add_argument("widget", metavar="WIDGET", help="the widget's name or key")
    add.add_argument("--question", required=True)
    add.add_argument("--answer", required=True)
    add.add_argument("--keywords", default="", metavar="K,…", help="extra words that match")
    add.set_defaults(handler=cmd_add)

    listing = sub.add_parser("list", help="list a widget's answers")
    listing.add_argument("widget", metavar="WIDGET")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    imp = sub.add_parser("import", help="import answers from a CSV or JSON file")
    imp.add_argument("widget", metavar="WIDGET")
    imp.add_argument("file", metavar="FILE", type=Path, help="FILE.csv or FILE.json")
    imp.set_defaults(handler=cmd_import)

    remove = sub.add_parser("remove", help="delete an answer")
    remove.add_argument("widget", metavar="WIDGET")
    remove.add_argument("id", metavar="ID", help="the entry's id (k_…), from `kb list`")
    remove.set_defaults(handler=cmd_remove)


def knowledge_of(session: CliSession) -> KnowledgeRepository:
    from core.workspace.knowledge import KnowledgeRepository

    return KnowledgeRepository(session.workspace)


def cmd_add(args: argparse.Namespace) -> int:
    from core.workspace.knowledge import KnowledgeError, parse_keywords

    with open_session(args) as session:
        widget = require_widget(session, args.widget)
        try:
            saved = knowledge_of(session).add(
                widget.id, args.question, args.answer, parse_keywords(args.keywords)
            )
        except KnowledgeError as err:
            raise CliError(str(err), EXIT_USAGE) from None
    verb = "Added" if saved.created else "Updated (same question)"
    print(f"{verb} {saved.item.id} in {widget.name!r}. Publish with `storedesk relay publish`.")
    return EXIT_OK


def _as_json(item: KnowledgeItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "question": item.question,
        "answer": item.answer,
        "keywords": list(item.keywords),
        "enabled": item.enabled,
        "placeholders": placeholders(item.answer),
        "uses": item.uses,
        "helpful": item.helpful,
        "unhelpful": item.unhelpful,
    }


def _show(item: KnowledgeItem) -> str:
    state = "" if item.enabled else "  (disabled)"
    answer = " ".join(item.answer.split())
    answer = answer if len(answer) <= 90 else answer[:89] + "…"
    lines = [f"{item.id}  {item.question}{state}", f"    {answer}"]
    missing = placeholders(item.answer)
    if missing:
        lines.append(f"    TO EDIT (not used by the bot until filled in): {', '.join(missing)}")
    if item.keywords:
        lines.append(f"    keywords: {', '.join(item.keywords)}")
    if item.uses:
        lines.append(f"    used {item.uses}×, {item.helpful} helpful, {item.unhelpful} not")
    return "\n".join(lines)


def cmd_list(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        widget = require_widget(session, args.widget)
        items = knowledge_of(session).list(widget.id)
    if args.json:
        print_json([_as_json(item) for item in items])
    elif not items:
        print(f"{widget.name!r} has no answers yet. Add one with: storedesk kb add …")
    else:
        for item in items:
            print(_show(item))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from core.workspace.knowledge import KnowledgeError

    with open_session(args) as session:
        widget = require_widget(session, args.widget)
        try:
            report = knowledge_of(session).import_file(widget.id, args.file)
        except KnowledgeError as err:
            raise CliError(str(err), EXIT_USAGE) from None
    print(
        f"Imported {args.file.name} into {widget.name!r}: {report.added} added, "
        f"{report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.rejected)} rejected."
    )
    for rejected in report.rejected:
        print(f"  {rejected.where}: {rejected.reason}")
    if report.rejected:
        print("Fix those rows and import the file again; the others are saved.")
        return EXIT_ERROR
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        widget = require_widget(session, args.widget)
        if not knowledge_of(session).delete(widget.id, args.id):
            raise CliError(f"{widget.name!r} has no answer {args.id}.", EXIT_NOT_FOUND)
    print(f"Removed {args.id} from {widget.name!r}.")
    return EXIT_OK
