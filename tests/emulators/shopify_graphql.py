"""Just enough GraphQL for the Shopify emulator: read one operation's selection tree,
cut a resolved value down to what was selected, and price it the way Shopify does.

Not a GraphQL engine: no fragments, directives, aliases, lists or objects as arguments.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\$?[_A-Za-z][_0-9A-Za-z]*|-?\d+(?:\.\d+)?|[{}():!,\[\]=]')

# Fields whose stored value is a plain list but which the schema exposes as a connection.
CONNECTIONS = frozenset({"lineItems", "variants"})


class GraphQLSyntaxError(ValueError):
    pass


@dataclass
class Field:
    name: str
    args: dict[str, Any] = field(default_factory=dict)
    children: list[Field] | None = None

    def child(self, name: str) -> Field | None:
        return next((c for c in self.children or [] if c.name == name), None)


@dataclass
class Denied:
    """Stored in place of a protected field's value: answered as null plus an error."""

    message: str


def parse(query: str, variables: dict[str, Any]) -> list[Field]:
    """The root fields of the document's single operation, variables substituted."""
    tokens = _TOKEN.findall(re.sub(r"#[^\n]*", "", query))
    if not tokens:
        raise GraphQLSyntaxError("syntax error, unexpected end of file")
    pos = tokens.index("{") if "{" in tokens else -1
    if pos < 0:
        raise GraphQLSyntaxError("syntax error, expected a selection set")
    fields, end = _selection(tokens, pos, variables)
    if end != len(tokens):
        raise GraphQLSyntaxError(f"syntax error, unexpected {tokens[end]!r}")
    return fields


def _selection(tokens: list[str], pos: int, variables: dict[str, Any]) -> tuple[list[Field], int]:
    assert tokens[pos] == "{"
    pos += 1
    fields: list[Field] = []
    while pos < len(tokens) and tokens[pos] != "}":
        current = Field(tokens[pos])
        pos += 1
        if pos < len(tokens) and tokens[pos] == "(":
            current.args, pos = _arguments(tokens, pos, variables)
        if pos < len(tokens) and tokens[pos] == "{":
            current.children, pos = _selection(tokens, pos, variables)
        fields.append(current)
    if pos >= len(tokens):
        raise GraphQLSyntaxError("syntax error, unexpected end of file")
    return fields, pos + 1


def _arguments(
    tokens: list[str], pos: int, variables: dict[str, Any]
) -> tuple[dict[str, Any], int]:
    args: dict[str, Any] = {}
    pos += 1
    while tokens[pos] != ")":
        if tokens[pos] == ",":
            pos += 1
            continue
        name, colon, raw = tokens[pos], tokens[pos + 1], tokens[pos + 2]
        if colon != ":":
            raise GraphQLSyntaxError(f"syntax error, unexpected {colon!r}")
        args[name] = _value(raw, variables)
        pos += 3
    return args, pos + 1


def _value(raw: str, variables: dict[str, Any]) -> Any:
    if raw.startswith("$"):
        return variables.get(raw[1:])
    if raw.startswith('"'):
        return json.loads(raw)
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    return {"true": True, "false": False, "null": None}.get(raw, raw)


def project(value: Any, selection: Field, path: list[Any], errors: list[dict[str, Any]]) -> Any:
    """``value`` cut down to ``selection``; protected fields become null plus an error."""
    if isinstance(value, Denied):
        errors.append(_denied_error(value, path))
        return None
    if value is None or selection.children is None:
        return value
    if isinstance(value, list):
        if selection.name in CONNECTIONS:
            return project(_connection(value, selection), selection, path, errors)
        items = value[: selection.args.get("first", len(value))]
        return [project(item, selection, [*path, i], errors) for i, item in enumerate(items)]
    out: dict[str, Any] = {}
    for child in selection.children:
        if child.name not in value:
            raise UnknownField(child.name, str(value.get("__typename", "Object")))
        out[child.name] = project(value[child.name], child, [*path, child.name], errors)
    return out


class UnknownField(ValueError):
    def __init__(self, name: str, type_name: str) -> None:
        super().__init__(f"Field '{name}' doesn't exist on type '{type_name}'")
        self.name = name
        self.type_name = type_name


def _connection(items: list[Any], selection: Field) -> dict[str, Any]:
    first = int(selection.args.get("first") or 0)
    page = items[:first]
    return {
        "nodes": page,
        "edges": [{"node": n, "cursor": f"c{i}"} for i, n in enumerate(page)],
        "pageInfo": {"hasNextPage": len(items) > first, "endCursor": f"c{len(page) - 1}"},
    }


def _denied_error(denied: Denied, path: list[Any]) -> dict[str, Any]:
    return {
        "message": denied.message,
        "locations": [{"line": 1, "column": 1}],
        "path": path,
        "extensions": {
            "code": "ACCESS_DENIED",
            "documentation": "https://shopify.dev/docs/apps/launch/protected-customer-data",
        },
    }


# --- cost -------------------------------------------------------------------------------
# Objects cost 1, scalars 0, a connection 2 + first × its node, a list first × its item.


def requested_cost(fields: list[Field]) -> int:
    return sum(_field_cost(f) for f in fields)


def _field_cost(selection: Field) -> int:
    if selection.children is None:
        return 0
    first = selection.args.get("first")
    if first is None:
        return 1 + requested_cost(selection.children)
    node = selection.child("nodes") or _edge_node(selection)
    if node is not None:
        per_node = 1 + requested_cost(node.children or [])
        return 2 + int(first) * per_node + _page_info_cost(selection)
    return int(first) * (1 + requested_cost(selection.children))


def actual_cost(fields: list[Field], data: dict[str, Any]) -> int:
    return sum(_actual(f, data.get(f.name)) for f in fields)


def _actual(selection: Field, value: Any) -> int:
    if selection.children is None or value is None:
        return 0
    if isinstance(value, list):
        return sum(1 + actual_cost(selection.children, v) for v in value if isinstance(v, dict))
    node = selection.child("nodes")
    if node is not None and selection.args.get("first") is not None:
        nodes = value.get("nodes") or []
        inner = sum(1 + actual_cost(node.children or [], n) for n in nodes)
        return 2 + inner + _page_info_cost(selection)
    return 1 + actual_cost(selection.children, value)


def _edge_node(selection: Field) -> Field | None:
    edges = selection.child("edges")
    return edges.child("node") if edges else None


def _page_info_cost(selection: Field) -> int:
    return 1 if selection.child("pageInfo") else 0
