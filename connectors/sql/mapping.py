"""The SQL mapping: which tables and columns hold customers, orders, items, tracking, products.

Example (the demo shop's ``core/demo/mapping.toml`` maps every feature)::

    [customers]
    table = "customers"
    [customers.columns]
    id = "id"
    name = ["first_name", "last_name"]   # joined with a space
    email = "email"
    total_orders = "orders_count"
    lifetime_value = "total_spent"

    [orders]
    table = "orders"
    currency_value = "EUR"               # or: currency = "currency" under [orders.columns]
    [orders.columns]
    id = "id"
    number = "number"
    status = "state"
    total = "grand_total"
    created_at = "created_at"
    updated_at = "updated_at"
    customer_id = "customer_id"          # joined to [customers]; guests: email/name columns
    [orders.statuses]
    "awaiting_payment" = "pending"       # their value → a normalised status

    [order_items]                        # needs order_id; also name, quantity, sku, price
    [tracking]                           # needs order_id, number; also carrier, url
    [products]                           # id, title, price, sku, inventory, in_stock, url

``table`` may be ``"schema.table"`` or take a separate ``schema = "..."``.
Tracking may also sit on the order row: ``tracking_number``, ``tracking_carrier``,
``tracking_url`` under ``[orders.columns]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from connectors.errors import ConfigError
from connectors.mapping_file import (
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

PLATFORM: Final = "sql"
ENTITIES = ("customers", "orders", "order_items", "tracking", "products")
_ENTITY_KEYS = {"table", "schema", "columns", "currency_value", "statuses"}


@dataclass(frozen=True, slots=True)
class Entity:
    """One mapped table: record field → the column(s) it is read from."""

    name: str
    table: str
    schema: str | None
    columns: Mapping[str, tuple[str, ...]]
    currency: str | None = None
    statuses: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.schema}.{self.table}" if self.schema else self.table

    def column(self, name: str) -> str | None:
        """The single column of a field (``None`` when unmapped or composed)."""
        names = self.columns.get(name, ())
        return names[0] if len(names) == 1 else None

    def all_columns(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for names in self.columns.values():
            seen.update(dict.fromkeys(names))
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class SqlMapping:
    orders: Entity
    customers: Entity | None = None
    order_items: Entity | None = None
    tracking: Entity | None = None
    products: Entity | None = None

    def entities(self) -> tuple[Entity, ...]:
        found = (self.customers, self.orders, self.order_items, self.tracking, self.products)
        return tuple(e for e in found if e is not None)


def load_mapping(text: str) -> SqlMapping:
    """Parse and check the mapping TOML; any mistake is a ``ConfigError`` naming it."""
    doc = parse_toml(PLATFORM, text)
    unknown = sorted(set(doc) - set(ENTITIES))
    if unknown:
        raise ConfigError(
            PLATFORM,
            f"The mapping has an unknown section [{unknown[0]}].",
            hint=f"Sections are: {', '.join(ENTITIES)}.",
        )
    if "orders" not in doc:
        raise ConfigError(
            PLATFORM,
            "The mapping has no [orders] section.",
            hint="Add [orders] with its table and columns.",
        )
    found = {name: _entity(name, table_of(PLATFORM, doc, name)) for name in ENTITIES if name in doc}
    for child in ("order_items", "tracking"):
        if child in found and "order_id" not in found[child].columns:
            raise ConfigError(
                PLATFORM,
                f"The mapping's [{child}.columns] does not say which column holds the order id.",
                hint='Add order_id = "..." naming the column that points at the order.',
            )
    return SqlMapping(**found)


def _entity(name: str, raw: Mapping[str, Any]) -> Entity:
    extra = sorted(set(raw) - _ENTITY_KEYS)
    if extra:
        raise ConfigError(
            PLATFORM,
            f"Unknown key '{extra[0]}' in [{name}].",
            hint=f"Keys are: {', '.join(sorted(_ENTITY_KEYS))}.",
        )
    table, schema = _table_name(name, raw)
    columns = field_map(PLATFORM, name, table_of(PLATFORM, raw, "columns"), f"{name}.columns")
    require_fields(PLATFORM, name, columns, f"{name}.columns")
    currency = raw.get("currency_value")
    if currency is not None and not (isinstance(currency, str) and currency.strip()):
        raise ConfigError(
            PLATFORM,
            f'[{name}] currency_value must be a currency code such as "EUR".',
            hint="Fix it and save again.",
        )
    return Entity(
        name=name,
        table=table,
        schema=schema,
        columns=columns,
        currency=currency.strip().upper() if currency else None,
        statuses=statuses_of(PLATFORM, raw, name),
    )


def _table_name(name: str, raw: Mapping[str, Any]) -> tuple[str, str | None]:
    table = raw.get("table")
    schema = raw.get("schema")
    if not isinstance(table, str) or not table.strip():
        raise ConfigError(
            PLATFORM,
            f"The mapping's [{name}] has no table name.",
            hint=f'Add table = "..." under [{name}].',
        )
    if schema is not None and not isinstance(schema, str):
        raise ConfigError(PLATFORM, f"[{name}] schema must be text.", hint="Fix it and save again.")
    table = table.strip()
    if schema is None and "." in table:
        schema, table = table.split(".", 1)
    return table, schema


class RowSource:
    """A database row read through one entity's column mapping."""

    __slots__ = ("_entity", "_row")

    def __init__(self, entity: Entity, row: Mapping[str, Any]) -> None:
        self._entity = entity
        self._row = row

    def get(self, field: str) -> Any:
        names = self._entity.columns.get(field)
        if not names:
            return None
        return compose([self._row.get(n) for n in names])

    def where(self, field: str) -> str:
        names = self._entity.columns.get(field, ())
        return f"column {self._entity.label}.{'+'.join(names) or field}"


# --- rows → records -----------------------------------------------------------------------
def to_customer(mapping: SqlMapping, row: Mapping[str, Any]) -> Customer:
    entity = mapping.customers
    assert entity is not None
    return customer_from(
        PLATFORM, RowSource(entity, row), entity.currency or mapping.orders.currency
    )


def to_order(
    mapping: SqlMapping,
    row: Mapping[str, Any],
    *,
    items: Sequence[Mapping[str, Any]] = (),
    tracking: Sequence[Mapping[str, Any]] = (),
    customer: Mapping[str, Any] | None = None,
) -> Order:
    """An order row with its item rows, tracking rows and its customer's row (if any)."""
    orders = mapping.orders
    item_map, track_map = mapping.order_items, mapping.tracking
    return order_from(
        PLATFORM,
        RowSource(orders, row),
        currency=orders.currency,
        statuses=dict(orders.statuses),
        items=tuple(item_from(RowSource(item_map, r)) for r in items) if item_map else (),
        tracking=tuple(tracking_from(RowSource(track_map, r)) for r in tracking)
        if track_map
        else (),
        customer=to_customer(mapping, customer) if customer is not None else None,
    )


def to_product(mapping: SqlMapping, row: Mapping[str, Any]) -> Product:
    entity = mapping.products
    assert entity is not None
    return product_from(
        PLATFORM, RowSource(entity, row), entity.currency or mapping.orders.currency
    )


def check_schema(mapping: SqlMapping, found: Mapping[str, set[str] | None], *, exact: bool) -> None:
    """Raise a ``ConfigError`` naming the first mapped table or column the database lacks."""
    for entity in mapping.entities():
        columns = found.get(entity.label)
        if columns is None:
            raise ConfigError(
                PLATFORM,
                f"The table '{entity.label}' named in [{entity.name}] is not in the database.",
                hint="Check the table name in the mapping (and the schema, if it has one).",
            )
        known = columns if exact else {c.casefold() for c in columns}
        for name in entity.all_columns():
            if (name if exact else name.casefold()) not in known:
                raise ConfigError(
                    PLATFORM,
                    f"The column '{name}' named in [{entity.name}.columns] "
                    f"is not in the table '{entity.label}'.",
                    hint=f"Columns of {entity.label}: {', '.join(sorted(columns))}.",
                )
