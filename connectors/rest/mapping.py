"""The REST mapping: auth, endpoint templates and where each field sits in the JSON.

Example::

    [auth]
    type = "header"                  # "header", "bearer" or "none"
    header = "X-API-Key"

    [endpoints]                      # {values} are URL-encoded
    customer_by_email = "/customers?email={email}"
    customer_by_id = "/customers/{id}"
    orders_by_customer = "/customers/{id}/orders"
    order_by_number = "/orders/{number}"
    products_search = "/products?q={text}"
    orders_changed = "/orders?updated_since={since}&cursor={cursor}"

    [paging]                         # for the *_changed endpoints
    next_cursor = "meta.next"        # empty or missing: last page
    total = "meta.total"

    [orders]
    root = "data"                    # where the record (or the list of them) sits
    currency_value = "EUR"
    items = "line_items"             # a list inside each order…
    tracking = "shipments"
    [orders.fields]
    id = "id"
    total = "totals.grand_total"     # dotted paths; a list index is a number: "a.0.b"
    [orders.item_fields]             # …read with these paths
    name = "title"
    [orders.tracking_fields]
    number = "tracking_number"
    [orders.statuses]
    "in-transit" = "shipped"
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from connectors.errors import ConfigError
from connectors.mapping_file import (
    FieldProblem,
    compose,
    customer_from,
    field_map,
    item_from,
    order_from,
    parse_toml,
    product_from,
    require_fields,
    statuses_of,
    table_of,
    tracking_from,
)
from core.records import Customer, Order, Product

PLATFORM: Final = "rest"
AUTH_TYPES = ("header", "bearer", "none")
ENDPOINTS: Final[dict[str, frozenset[str]]] = {
    "test": frozenset(),
    "customer_by_email": frozenset({"email"}),
    "customer_by_phone": frozenset({"phone"}),
    "customer_by_id": frozenset({"id"}),
    "orders_by_customer": frozenset({"id"}),
    "orders_by_email": frozenset({"email"}),
    "orders_by_phone": frozenset({"phone"}),
    "order_by_number": frozenset({"number"}),
    "products_search": frozenset({"text"}),
    "customers_changed": frozenset({"since", "cursor"}),
    "orders_changed": frozenset({"since", "cursor"}),
    "products_changed": frozenset({"since", "cursor"}),
}
_SECTIONS = {"auth", "endpoints", "paging", "customers", "orders", "products"}
_ENTITY_KEYS = {"root", "fields", "currency_value", "statuses", "items", "tracking"}
_ENTITY_KEYS |= {"item_fields", "tracking_fields"}


@dataclass(frozen=True, slots=True)
class Shape:
    """Where one kind of record sits in a response, and where its fields sit in it."""

    name: str
    root: str
    fields: Mapping[str, tuple[str, ...]]
    currency: str | None = None
    statuses: Mapping[str, str] = field(default_factory=dict)
    items: str | None = None
    item_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    tracking: str | None = None
    tracking_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RestMapping:
    auth: str
    header: str
    endpoints: Mapping[str, str]
    customers: Shape | None = None
    orders: Shape | None = None
    products: Shape | None = None
    next_cursor: str | None = None
    total: str | None = None


def load_mapping(text: str) -> RestMapping:
    doc = parse_toml(PLATFORM, text)
    unknown = sorted(set(doc) - _SECTIONS)
    if unknown:
        raise _config(f"The mapping has an unknown section [{unknown[0]}].")
    auth = table_of(PLATFORM, doc, "auth")
    kind = auth.get("type", "none")
    if kind not in AUTH_TYPES:
        raise _config(f"[auth] type must be one of {', '.join(AUTH_TYPES)}, not {kind!r}.")
    paging = table_of(PLATFORM, doc, "paging")
    shapes = {
        n: _shape(n, table_of(PLATFORM, doc, n))
        for n in ("customers", "orders", "products")
        if n in doc
    }
    return RestMapping(
        auth=kind,
        header=str(auth.get("header") or "X-API-Key"),
        endpoints=_endpoints(table_of(PLATFORM, doc, "endpoints")),
        next_cursor=_opt_str(paging, "next_cursor", "paging"),
        total=_opt_str(paging, "total", "paging"),
        **shapes,
    )


def _config(message: str) -> ConfigError:
    return ConfigError(PLATFORM, message, hint="Fix the mapping and save again.")


def _endpoints(raw: Mapping[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, template in raw.items():
        if name not in ENDPOINTS:
            raise _config(f"Unknown endpoint '{name}' in [endpoints].")
        if not isinstance(template, str) or not template.startswith("/"):
            raise _config(f"The endpoint '{name}' must be a path starting with '/'.")
        used = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
        extra = used - ENDPOINTS[name]
        if extra:
            allowed = ", ".join("{" + v + "}" for v in sorted(ENDPOINTS[name])) or "no values"
            raise _config(
                f"The endpoint '{name}' uses {{{sorted(extra)[0]}}}; it may use {allowed}."
            )
        found[name] = template
    return found


def _shape(name: str, raw: Mapping[str, Any]) -> Shape:
    extra = sorted(set(raw) - _ENTITY_KEYS)
    if extra:
        raise _config(f"Unknown key '{extra[0]}' in [{name}].")
    fields = field_map(PLATFORM, name, table_of(PLATFORM, raw, "fields"), f"{name}.fields")
    require_fields(PLATFORM, name, fields, f"{name}.fields")
    items = field_map(
        PLATFORM, "order_items", table_of(PLATFORM, raw, "item_fields"), f"{name}.item_fields"
    )
    tracking = field_map(
        PLATFORM, "tracking", table_of(PLATFORM, raw, "tracking_fields"), f"{name}.tracking_fields"
    )
    if raw.get("items") and "name" not in items:
        raise _config(f"[{name}.item_fields] must say where each item's name is.")
    if raw.get("tracking") and "number" not in tracking:
        raise _config(f"[{name}.tracking_fields] must say where the tracking number is.")
    currency = _opt_str(raw, "currency_value", name)
    return Shape(
        name=name,
        root=_opt_str(raw, "root", name) or "",
        fields=fields,
        currency=currency.upper() if currency else None,
        statuses=statuses_of(PLATFORM, raw, name),
        items=_opt_str(raw, "items", name),
        item_fields=items,
        tracking=_opt_str(raw, "tracking", name),
        tracking_fields=tracking,
    )


def _opt_str(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _config(f"'{where}.{key}' in the mapping must be text.")
    return value.strip() or None


# --- JSON → records -----------------------------------------------------------------------
def dig(value: Any, path: str | None) -> Any:
    """The value at a dotted path (``"data.items.0.sku"``); ``None`` when any step is missing."""
    if not path:
        return value
    for step in path.split("."):
        if isinstance(value, dict):
            value = value.get(step)
        elif (
            isinstance(value, list)
            and step.lstrip("-").isdigit()
            and -len(value) <= int(step) < len(value)
        ):
            value = value[int(step)]
        else:
            return None
    return value


def records_at(body: Any, path: str) -> list[dict[str, Any]]:
    """The JSON objects at ``path``: a list of them, one object, or none."""
    value = dig(body, path)
    if value is None:
        return []
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return value
    raise FieldProblem(f"'{path or '(the whole reply)'}' is not an object or a list of objects")


class JsonSource:
    """A JSON object read through a field → path mapping."""

    __slots__ = ("_fields", "_obj", "_prefix")

    def __init__(
        self, obj: Mapping[str, Any], fields: Mapping[str, tuple[str, ...]], prefix: str = ""
    ) -> None:
        self._obj = obj
        self._fields = fields
        self._prefix = prefix

    def get(self, field: str) -> Any:
        paths = self._fields.get(field)
        if not paths:
            return None
        return compose([dig(self._obj, p) for p in paths])

    def where(self, field: str) -> str:
        return f"field '{self._prefix}{'+'.join(self._fields.get(field, ())) or field}'"


def to_customer(shape: Shape, obj: Mapping[str, Any]) -> Customer:
    return customer_from(PLATFORM, JsonSource(obj, shape.fields), shape.currency)


def to_product(shape: Shape, obj: Mapping[str, Any]) -> Product:
    return product_from(PLATFORM, JsonSource(obj, shape.fields), shape.currency)


def to_order(shape: Shape, obj: Mapping[str, Any]) -> Order:
    items = tuple(
        item_from(JsonSource(o, shape.item_fields, f"{shape.items}[{i}]."))
        for i, o in enumerate(records_at(obj, shape.items or "") if shape.items else [])
    )
    tracking = tuple(
        tracking_from(JsonSource(o, shape.tracking_fields, f"{shape.tracking}[{i}]."))
        for i, o in enumerate(records_at(obj, shape.tracking or "") if shape.tracking else [])
    )
    return order_from(
        PLATFORM,
        JsonSource(obj, shape.fields),
        currency=shape.currency,
        statuses=dict(shape.statuses),
        items=items,
        tracking=tracking,
    )
