"""Shopify's search syntax (``name:1001``, ``updated_at:>='2026-01-01T00:00:00Z'``,
``(red mug) OR sku:"CM-01"``), sort keys and cursors, for the emulator's connections."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_TERM = re.compile(
    r"""(?P<paren>[()])|(?P<neg>-)?(?:(?P<field>[A-Za-z_.]+):(?P<op>>=|<=|>|<)?)?"""
    r"""(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s()]+)"""
)

Node = dict[str, Any]


@dataclass(frozen=True)
class Term:
    field: str | None
    op: str
    value: str
    negated: bool = False


def parse_query(text: str | None) -> list[list[Term]]:
    """Alternatives (joined by OR) of terms that must all match (AND is implied)."""
    alternatives: list[list[Term]] = [[]]
    for match in _TERM.finditer(text or ""):
        if match["paren"]:
            continue
        value = _unquote(match["value"])
        if match["field"] is None and match["value"] in ("OR", "AND"):
            if match["value"] == "OR":
                alternatives.append([])
            continue
        term = Term(match["field"], match["op"] or ":", value, bool(match["neg"]))
        alternatives[-1].append(term)
    return [a for a in alternatives if a] or [[]]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return re.sub(r"\\(.)", r"\1", inner) if value[0] == '"' else inner
    return value


def matches(node: Node, query: list[list[Term]], fields: dict[str, Matcher]) -> bool:
    return any(all(_term(node, t, fields) for t in alt) for alt in query)


def _term(node: Node, term: Term, fields: dict[str, Matcher]) -> bool:
    matcher = fields.get(term.field or "default")
    if matcher is None:  # Shopify ignores filters it does not know
        return True
    return matcher(node, term) != term.negated


Matcher = Callable[[Node, Term], bool]


def text_in(*keys: str) -> Matcher:
    """Case-insensitive containment in any of the node's ``keys`` (``*`` wildcards ignored)."""

    def match(node: Node, term: Term) -> bool:
        wanted = term.value.strip("*").casefold()
        return any(wanted in str(node.get(k) or "").casefold() for k in keys)

    return match


def equals(key: str, normalise: Callable[[str], str] = str.casefold) -> Matcher:
    def match(node: Node, term: Term) -> bool:
        value = node.get(key)
        return value is not None and normalise(str(value)) == normalise(term.value)

    return match


def compare_time(key: str) -> Matcher:
    def match(node: Node, term: Term) -> bool:
        moment, wanted = _time(node.get(key)), _time(term.value)
        if moment is None or wanted is None:
            return False
        return {
            ":": moment == wanted,
            ">": moment > wanted,
            ">=": moment >= wanted,
            "<": moment < wanted,
            "<=": moment <= wanted,
        }[term.op]

    return match


def _time(text: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def numeric_id(gid: object) -> str:
    return str(gid).rsplit("/", 1)[-1]


# --- ordering and cursors ----------------------------------------------------------------


def sort_key(node: Node, key: str | None) -> tuple[Any, int]:
    field = {
        "UPDATED_AT": "updatedAt",
        "CREATED_AT": "createdAt",
        "TITLE": "title",
        "PROCESSED_AT": "createdAt",
    }.get(key or "ID")
    value = str(_time(node.get(field)) or node.get(field)) if field else ""
    return (value, int(numeric_id(node["id"])))


def encode_cursor(key: tuple[Any, int]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def decode_cursor(cursor: str) -> tuple[Any, int] | None:
    try:
        value, ident = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        return None
    return (value, int(ident))


def paginate(
    nodes: list[Node], *, first: int, after: str | None, sort: str | None, reverse: bool
) -> dict[str, Any]:
    """One page of a connection, ``nodes`` already filtered.

    As Shopify's own cursors do, a cursor carries the last node's sort value *and* id, and
    ties on the sort value are ordered by id: reading a connection page after page with one
    sort key never skips or repeats a node, however many share an ``updatedAt``."""
    keyed = sorted(((sort_key(n, sort), n) for n in nodes), key=lambda kn: kn[0], reverse=reverse)
    start = decode_cursor(after) if after else None
    if start is not None:
        keyed = [(k, n) for k, n in keyed if (k < start if reverse else k > start)]
    page = keyed[:first]
    return {
        "nodes": [n for _, n in page],
        "edges": [{"node": n, "cursor": encode_cursor(k)} for k, n in page],
        "pageInfo": {
            "hasNextPage": len(keyed) > first,
            "hasPreviousPage": start is not None,
            "startCursor": encode_cursor(page[0][0]) if page else None,
            "endCursor": encode_cursor(page[-1][0]) if page else None,
        },
    }
