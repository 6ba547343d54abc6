"""`storedesk spam list|add|remove|test`: a widget's spam rules (live once published)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any, Literal

from console.commands.widget import require_widget, widgets_of
from console.runtime import EXIT_OK, EXIT_USAGE, CliError, open_session, print_json
from core.records import SpamRules
from core.spam import (
    SpamRuleError,
    added,
    address_of,
    check_rate,
    describe_rules,
    honeypot_filled,
    match,
    removed,
    spam_to_json,
)
from core.widgets import WidgetError

_KINDS: tuple[Literal["ip", "word", "regex"], ...] = ("ip", "word", "regex")
PUBLISH_HINT = "Run `storedesk relay publish` to make it live."


def register(commands: Any) -> None:
    spam = commands.add_parser("spam", help="a widget's spam rules")
    sub = spam.add_subparsers(dest="spam_command", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help="a widget's spam rules")
    listing.add_argument("widget", metavar="WIDGET", help="its name or key")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    add = sub.add_parser("add", help="add rules (publish to make them live)")
    add.add_argument("widget", metavar="WIDGET", help="its name or key")
    _rule_options(add)
    add.add_argument(
        "--rate", type=int, metavar="N", help="at most N messages a minute per chat and address"
    )
    add.add_argument(
        "--honeypot", choices=("on", "off"), help="the lead form's hidden field (default on)"
    )
    add.set_defaults(handler=cmd_add)

    remove = sub.add_parser("remove", help="remove rules (publish to make it live)")
    remove.add_argument("widget", metavar="WIDGET", help="its name or key")
    _rule_options(remove)
    remove.add_argument("--rate", action="store_true", help="remove the message rate limit")
    remove.set_defaults(handler=cmd_remove)

    test = sub.add_parser("test", help="say which rule, if any, a message breaks")
    test.add_argument("widget", metavar="WIDGET", help="its name or key")
    test.add_argument("message", help="the shopper's message")
    test.add_argument("--ip", metavar="ADDRESS", help="the address it comes from")
    test.add_argument("--honeypot", metavar="TEXT", help="what the lead form's hidden field held")
    test.set_defaults(handler=cmd_test)


def _rule_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ip",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="an address or range, like 203.0.113.7, 203.0.113.0/24 or 2001:db8::/32 (repeat)",
    )
    parser.add_argument(
        "--word", action="append", default=[], help="a word or phrase, any case (repeat)"
    )
    parser.add_argument(
        "--regex",
        action="append",
        default=[],
        metavar="PATTERN",
        help="a regular expression, any case (repeat)",
    )


def _edits(args: argparse.Namespace) -> list[tuple[Literal["ip", "word", "regex"], str]]:
    return [(kind, value) for kind in _KINDS for value in getattr(args, kind)]


def _save(args: argparse.Namespace, rules: SpamRules, widget: str) -> None:
    with open_session(args) as session:
        entry = require_widget(session, widget)
        try:
            widgets_of(session).update(entry, {"spam": spam_to_json(rules)})
        except WidgetError as err:
            raise CliError(str(err), EXIT_USAGE) from None


def _rules(args: argparse.Namespace) -> tuple[str, SpamRules]:
    with open_session(args) as session:
        entry = require_widget(session, args.widget)
    return entry.name, entry.config.spam


def cmd_list(args: argparse.Namespace) -> int:
    name, rules = _rules(args)
    if args.json:
        print_json(spam_to_json(rules))
        return EXIT_OK
    print(f"Spam rules of widget {name!r}:")
    for line in describe_rules(rules):
        print(f"  {line}")
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    edits = _edits(args)
    if not edits and args.rate is None and args.honeypot is None:
        raise CliError("say what to add, e.g. --ip 203.0.113.0/24 or --word casino.", EXIT_USAGE)
    name, rules = _rules(args)
    try:
        for kind, value in edits:
            rules = added(rules, kind, value)
        if args.rate is not None:
            rules = _replace(rules, rate_per_minute=check_rate(args.rate))
    except SpamRuleError as err:
        raise CliError(str(err), EXIT_USAGE) from None
    if args.honeypot is not None:
        rules = _replace(rules, honeypot=args.honeypot == "on")
    _save(args, rules, name)
    print(f"Saved the spam rules of widget {name!r}. {PUBLISH_HINT}")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    edits = _edits(args)
    if not edits and not args.rate:
        raise CliError("say what to remove, e.g. --ip 203.0.113.0/24 or --rate.", EXIT_USAGE)
    name, rules = _rules(args)
    try:
        for kind, value in edits:
            rules = removed(rules, kind, value)
    except SpamRuleError as err:
        raise CliError(str(err), EXIT_USAGE) from None
    if args.rate:
        rules = _replace(rules, rate_per_minute=None)
    _save(args, rules, name)
    print(f"Saved the spam rules of widget {name!r}. {PUBLISH_HINT}")
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    if args.ip is not None and address_of(args.ip) is None:
        raise CliError(f"{args.ip!r} is not an IP address, like 203.0.113.7.", EXIT_USAGE)
    name, rules = _rules(args)
    verdict = match(rules, [args.message], args.ip)
    found = honeypot_filled(rules, args.honeypot) or verdict.match
    for pattern in verdict.timed_out:
        print(f"The regular expression {pattern!r} took too long on this message and was skipped.")
    if found is None:
        print(f"No rule of widget {name!r} matches: the bot answers this message.")
        if rules.rate_per_minute is not None:
            print(
                f"(Beyond {rules.rate_per_minute} messages a minute from one chat or address, "
                "messages are taken for spam.)"
            )
        return EXIT_OK
    print(f"Spam: {found.describe()} (rule: {found.kind} {found.rule}).")
    return EXIT_OK


def _replace(rules: SpamRules, **changes: Any) -> SpamRules:
    return replace(rules, **changes)
