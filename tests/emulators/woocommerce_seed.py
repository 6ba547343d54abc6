"""The WooCommerce emulator's shop: a realistic seed and fast synthetic orders.

Payload builders follow the shapes a real WooCommerce 9.4.3 store sends (same keys, same
order, same types: money as strings, ``line_items[].price`` as a number, naive local and
``_gmt`` dates; the shop's timezone is UTC so both are equal).

Orders are kept as light ``OrderSpec`` values; the JSON is built only when a page is served,
so 50,000 synthetic orders are generated in well under a second.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

Json = dict[str, Any]

BASE_TIME = datetime(2026, 11, 21, 22, 45, 19, tzinfo=UTC)


def wc_date(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S") if moment else None


def _links(home: str, path: str, collection: str, **extra: str) -> Json:
    links: Json = {
        "self": [{"href": f"{home}/wp-json/wc/v3/{path}"}],
        "collection": [{"href": f"{home}/wp-json/wc/v3/{collection}"}],
    }
    links.update({k: [{"href": f"{home}/wp-json/wc/v3/{v}"}] for k, v in extra.items()})
    return links


def address(first: str, last: str, street: str, city: str, state: str, postcode: str,
            country: str, email: str | None = None, phone: str = "") -> Json:  # fmt: skip
    data: Json = {
        "first_name": first, "last_name": last, "company": "", "address_1": street,
        "address_2": "", "city": city, "state": state, "postcode": postcode, "country": country,
    }  # fmt: skip
    if email is not None:
        data["email"] = email
    data["phone"] = phone
    return data


@dataclass(frozen=True, slots=True)
class CustomerSpec:
    id: int
    email: str
    first: str
    last: str
    role: str
    billing: Json
    created: datetime
    modified: datetime | None
    username: str = ""

    @property
    def display_name(self) -> str:
        return f"{self.first} {self.last}".strip() or self.username


def customer_json(c: CustomerSpec, home: str) -> Json:
    # Customer addresses list their fields in another order than order addresses do.
    order = ("first_name", "last_name", "company", "address_1", "address_2", "city", "postcode",
             "country", "state", "email", "phone")  # fmt: skip
    billing = {k: c.billing[k] for k in order}
    shipping = {k: c.billing[k] for k in order if k != "email"} | {"phone": ""}
    return {
        "id": c.id, "date_created": wc_date(c.created), "date_created_gmt": wc_date(c.created),
        "date_modified": wc_date(c.modified), "date_modified_gmt": wc_date(c.modified),
        "email": c.email, "first_name": c.first, "last_name": c.last, "role": c.role,
        "username": c.username or c.email.split("@")[0], "billing": billing, "shipping": shipping,
        "is_paying_customer": c.role != "administrator",
        "avatar_url": "http://2.gravatar.com/avatar/"
        + hashlib.md5(c.email.encode()).hexdigest()
        + "?s=96&d=mm&r=g",
        "meta_data": [], "_links": _links(home, f"customers/{c.id}", "customers"),
    }  # fmt: skip


@dataclass(frozen=True, slots=True)
class ProductSpec:
    id: int
    name: str
    sku: str
    price: str
    regular_price: str
    stock: int | None
    stock_status: str = "instock"
    type: str = "simple"
    variations: tuple[int, ...] = ()
    modified: datetime = BASE_TIME
    parent_id: int = 0
    option: str = ""

    @property
    def slug(self) -> str:
        return "-".join("".join(c if c.isalnum() else " " for c in self.name.lower()).split())


def wp_title(name: str) -> str:
    """A title as WordPress saves it: ``&`` HTML-escaped (kses), even inside ``&amp;``."""
    return name.replace("&", "&amp;")


def product_json(p: ProductSpec, home: str) -> Json:
    created = BASE_TIME - timedelta(seconds=2)
    sale = p.price if p.price != p.regular_price else ""
    return {
        "id": p.id, "name": wp_title(p.name), "slug": p.slug,
        "permalink": f"{home}/product/{p.slug}/",
        "date_created": wc_date(created), "date_created_gmt": wc_date(created),
        "date_modified": wc_date(p.modified), "date_modified_gmt": wc_date(p.modified),
        "type": p.type, "status": "publish", "featured": False, "catalog_visibility": "visible",
        "description": "", "short_description": "", "sku": p.sku, "price": p.price,
        "regular_price": p.regular_price, "sale_price": sale, "date_on_sale_from": None,
        "date_on_sale_from_gmt": None, "date_on_sale_to": None, "date_on_sale_to_gmt": None,
        "on_sale": bool(sale), "purchasable": True, "total_sales": 0, "virtual": False,
        "downloadable": False, "downloads": [], "download_limit": -1, "download_expiry": -1,
        "external_url": "", "button_text": "", "tax_status": "taxable", "tax_class": "",
        "manage_stock": p.stock is not None, "stock_quantity": p.stock, "backorders": "no",
        "backorders_allowed": False, "backordered": False, "low_stock_amount": None,
        "sold_individually": False, "weight": "", "dimensions": _dims(),
        "shipping_required": True, "shipping_taxable": True, "shipping_class": "",
        "shipping_class_id": 0, "reviews_allowed": True, "average_rating": "0.00",
        "rating_count": 0, "upsell_ids": [], "cross_sell_ids": [], "parent_id": 0,
        "purchase_note": "", "categories": [{"id": 15, "name": "Uncategorized",
        "slug": "uncategorized"}], "tags": [], "images": [], "attributes": [],
        "default_attributes": [], "variations": list(p.variations), "grouped_products": [],
        "menu_order": 0, "price_html": f"<span class=\"woocommerce-Price-amount amount\"><bdi>"
        f"<span class=\"woocommerce-Price-currencySymbol\">&#36;</span>{p.price}</bdi></span>",
        "related_ids": [], "meta_data": [], "stock_status": p.stock_status,
        "has_options": p.type == "variable", "post_password": "", "global_unique_id": "",
        "_links": _links(home, f"products/{p.id}", "products"),
    }  # fmt: skip


def _dims() -> Json:
    return {"length": "", "width": "", "height": ""}


def variation_json(v: ProductSpec, home: str) -> Json:
    parent = f"products/{v.parent_id}"
    return {
        "id": v.id, "type": "variation", "date_created": wc_date(v.modified),
        "date_created_gmt": wc_date(v.modified), "date_modified": wc_date(v.modified),
        "date_modified_gmt": wc_date(v.modified), "description": "",
        "permalink": f"{home}/product/beanie-variable/?attribute_size={v.option}", "sku": v.sku,
        "global_unique_id": "", "price": v.price, "regular_price": v.regular_price,
        "sale_price": "", "date_on_sale_from": None, "date_on_sale_from_gmt": None,
        "date_on_sale_to": None, "date_on_sale_to_gmt": None, "on_sale": False,
        "status": "publish", "purchasable": True, "virtual": False, "downloadable": False,
        "downloads": [], "download_limit": -1, "download_expiry": -1, "tax_status": "taxable",
        "tax_class": "", "manage_stock": v.stock is not None, "stock_quantity": v.stock,
        "stock_status": v.stock_status, "backorders": "no", "backorders_allowed": False,
        "backordered": False, "low_stock_amount": None, "weight": "", "dimensions": _dims(),
        "shipping_class": "", "shipping_class_id": 0, "image": None,
        "attributes": [{"id": 0, "name": "Size", "slug": "size", "option": v.option}],
        "menu_order": 0, "meta_data": [], "name": v.option, "parent_id": v.parent_id,
        "_links": _links(home, f"{parent}/variations/{v.id}", f"{parent}/variations", up=parent),
    }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Line:
    product_id: int
    quantity: int
    variation_id: int = 0


@dataclass(frozen=True, slots=True)
class Refund:
    id: int
    amount: str
    reason: str
    created: datetime


@dataclass(frozen=True, slots=True)
class OrderSpec:
    id: int
    number: str
    status: str
    created: datetime
    modified: datetime
    customer_id: int
    billing: Json
    lines: tuple[Line, ...]
    shipping_total: str = "0.00"
    paid: datetime | None = None
    completed: datetime | None = None
    payment: tuple[str, str] = ("bacs", "Direct bank transfer")
    tracking: tuple[Json, ...] = ()
    refunds: tuple[Refund, ...] = ()
    notes: tuple[tuple[int, str, bool], ...] = ()

    @property
    def order_key(self) -> str:
        return "wc_order_" + hashlib.sha256(f"key{self.id}".encode()).hexdigest()[:13]

    def search_text(self) -> str:
        b = self.billing
        parts = (b["first_name"], b["last_name"], b["email"], b["phone"], b["address_1"],
                 b["city"], b["postcode"], self.number)  # fmt: skip
        return " ".join(parts).casefold()


@dataclass
class Catalog:
    """Products by id (variations included), for building order lines."""

    products: dict[int, ProductSpec] = field(default_factory=dict)


def order_json(o: OrderSpec, catalog: Catalog, home: str) -> Json:
    lines, subtotal = _line_items(o, catalog)
    total = subtotal + _cents(o.shipping_total)
    shipping = {k: v for k, v in o.billing.items() if k != "email"}
    shipping["phone"] = ""
    links = _links(home, f"orders/{o.id}", "orders")
    if o.customer_id:
        links["customer"] = [{"href": f"{home}/wp-json/wc/v3/customers/{o.customer_id}"}]
    paid, done = wc_date(o.paid), wc_date(o.completed)
    created, modified = wc_date(o.created), wc_date(o.modified)
    return {
        "id": o.id, "parent_id": 0, "status": o.status, "currency": "USD", "version": "9.4.3",
        "prices_include_tax": False, "date_created": created, "date_modified": modified,
        "discount_total": "0.00", "discount_tax": "0.00", "shipping_total": o.shipping_total,
        "shipping_tax": "0.00", "cart_tax": "0.00", "total": _money(total), "total_tax": "0.00",
        "customer_id": o.customer_id, "order_key": o.order_key, "billing": dict(o.billing),
        "shipping": shipping, "payment_method": o.payment[0],
        "payment_method_title": o.payment[1],
        "transaction_id": f"txn_{o.order_key[-10:]}" if o.paid else "",
        "customer_ip_address": "", "customer_user_agent": "", "created_via": "checkout",
        "customer_note": "", "date_completed": done, "date_paid": paid, "cart_hash": "",
        "number": o.number, "meta_data": _meta(o), "line_items": lines, "tax_lines": [],
        "shipping_lines": _shipping_lines(o), "fee_lines": [], "coupon_lines": [],
        "refunds": [{"id": r.id, "reason": r.reason, "total": f"-{r.amount}"}
                    for r in o.refunds],
        "payment_url": f"{home}/checkout/order-pay/{o.id}/?pay_for_order=true&key={o.order_key}",
        "is_editable": o.status in ("pending", "on-hold", "auto-draft"),
        "needs_payment": o.status in ("pending", "failed"), "needs_processing": True,
        "date_created_gmt": created, "date_modified_gmt": modified, "date_completed_gmt": done,
        "date_paid_gmt": paid, "currency_symbol": "$", "_links": links,
    }  # fmt: skip


def _cents(money: str) -> int:
    whole, _, frac = money.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _line_items(o: OrderSpec, catalog: Catalog) -> tuple[list[Json], int]:
    items: list[Json] = []
    subtotal = 0
    for index, line in enumerate(o.lines):
        product = catalog.products[line.variation_id or line.product_id]
        parent = catalog.products.get(product.parent_id) if product.parent_id else None
        amount = _cents(product.price) * line.quantity
        subtotal += amount
        price = _cents(product.price) / 100
        items.append({
            "id": o.id * 10 + index, "name": wp_title(f"{parent.name} - {product.name}" if parent
            else product.name), "product_id": line.product_id,
            "variation_id": line.variation_id, "quantity": line.quantity, "tax_class": "",
            "subtotal": _money(amount), "subtotal_tax": "0.00", "total": _money(amount),
            "total_tax": "0.00", "taxes": [], "meta_data": [], "sku": product.sku,
            "price": int(price) if price.is_integer() else price,
            "image": {"id": "", "src": ""},
            "parent_name": wp_title(parent.name) if parent else None,
        })  # fmt: skip
    return items, subtotal


def _shipping_lines(o: OrderSpec) -> list[Json]:
    if o.shipping_total == "0.00" and not o.tracking:
        return []
    return [{"id": o.id * 10 + 9, "method_title": "Flat rate", "method_id": "flat_rate",
             "instance_id": "1", "total": o.shipping_total, "total_tax": "0.00", "taxes": [],
             "meta_data": []}]  # fmt: skip


def _meta(o: OrderSpec) -> list[Json]:
    if not o.tracking:
        return []
    return [{"id": o.id + 15, "key": "_wc_shipment_tracking_items", "value": list(o.tracking)}]


def tracking_item(provider: str, number: str, shipped: datetime, *, custom: str = "",
                  link: str = "") -> Json:  # fmt: skip
    return {
        "tracking_provider": provider, "custom_tracking_provider": custom,
        "custom_tracking_link": link, "tracking_number": number,
        "date_shipped": str(int(shipped.timestamp())),
        "tracking_id": hashlib.md5(number.encode()).hexdigest(),
    }  # fmt: skip


def refund_json(order: OrderSpec, r: Refund, home: str) -> Json:
    base = f"orders/{order.id}/refunds"
    return {
        "id": r.id, "date_created": wc_date(r.created), "date_created_gmt": wc_date(r.created),
        "amount": r.amount, "reason": r.reason, "refunded_by": 1, "refunded_payment": False,
        "meta_data": [], "line_items": [], "shipping_lines": [], "tax_lines": [],
        "fee_lines": [], "_links": _links(home, f"{base}/{r.id}", base, up=f"orders/{order.id}"),
    }  # fmt: skip


def note_json(order: OrderSpec, note: tuple[int, str, bool], home: str) -> Json:
    note_id, text, for_customer = note
    base = f"orders/{order.id}/notes"
    return {
        "id": note_id, "author": "WooCommerce", "date_created": wc_date(order.modified),
        "date_created_gmt": wc_date(order.modified), "note": text, "customer_note": for_customer,
        "_links": _links(home, f"{base}/{note_id}", base, up=f"orders/{order.id}"),
    }  # fmt: skip


# --- the seeded shop ----------------------------------------------------------------------
def _ago(days: float, *, hours: float = 0) -> datetime:
    return BASE_TIME - timedelta(days=days, hours=hours)


ALICE = address("Alice", "Anderson", "123 Main St", "Los Angeles", "CA", "90001", "US",
                "alice@example.test", "+1-555-0100")  # fmt: skip
BOB = address("Bob", "Brown", "10 Downing St", "London", "", "SW1A 1AA", "GB",
              "bob@example.test", "+44 20 7946 0958")  # fmt: skip
ZOE = address("Zoë", "Ångström-Łukasiewicz", "Straße der Pariser Kommune 1", "Berlin", "BE",
              "10115", "DE", "zoe@example.test", "+49 30 901820")  # fmt: skip
SOREN = address("Søren", "Kierkegaard", "Nytorv 2", "København", "", "1450", "DK",
                "soren@example.test", "+45 33 66 33 66")  # fmt: skip
GUS = address("Gus", "Guest", "9 Elm St", "Austin", "TX", "73301", "US",
              "guest.buyer@example.test", "555-0199")  # fmt: skip
TARO = address("太郎", "山田", "千代田区千代田1-1", "東京", "JP13", "100-0001", "JP",
               "taro.yamada@example.test", "+81-3-0000-0000")  # fmt: skip
OLAFUR = address("Ólafur", "Þórðarson", "Laugavegur 1", "Reykjavík", "", "101", "IS",
                 "Olafur.T@Example.test", "+354 555 1234")  # fmt: skip
EMPTY = address("", "", "", "", "", "", "", "", "")


def seed_customers() -> list[CustomerSpec]:
    made = _ago(0, hours=0.001)
    return [
        CustomerSpec(1, "admin@example.test", "", "", "administrator", EMPTY, made, None, "admin"),
        CustomerSpec(
            2,
            "alice@example.test",
            "Alice",
            "Anderson",
            "customer",
            ALICE,
            made,
            made + timedelta(seconds=1),
        ),
        CustomerSpec(
            3,
            "bob@example.test",
            "Bob",
            "Brown",
            "customer",
            BOB,
            made,
            made + timedelta(seconds=2),
        ),
        CustomerSpec(
            4,
            "zoe@example.test",
            "Zoë",
            "Ångström-Łukasiewicz",
            "customer",
            ZOE,
            made,
            made + timedelta(seconds=3),
        ),
        # A shop manager who also buys: only listed with role=all.
        CustomerSpec(
            5,
            "soren@example.test",
            "Søren",
            "Kierkegaard",
            "shop_manager",
            SOREN,
            made,
            made + timedelta(seconds=4),
        ),
    ]


def synthetic_customers(count: int, *, start_id: int = 100) -> list[CustomerSpec]:
    """``count`` registered customers, ids ascending, all saved in the same second."""
    made = _ago(10)
    return [
        CustomerSpec(start_id + i, f"shopper{i}@example.test", "Shopper", f"N{i:04d}",
                     "customer", address("Shopper", f"N{i:04d}", f"{i} High St", "Leeds", "",
                                         "LS1 1AA", "GB", f"shopper{i}@example.test"),
                     made, made, f"shopper{i}")
        for i in range(count)
    ]  # fmt: skip


def synthetic_products(count: int, *, start_id: int = 2000) -> list[ProductSpec]:
    """``count`` simple products all saved in the same second (a CSV import)."""
    moment = BASE_TIME + timedelta(hours=1)
    return [
        ProductSpec(start_id + i, f"Print & Frame {i}", f"PRINT-{i}", "25.00", "25.00", 5,
                    modified=moment)
        for i in range(count)
    ]  # fmt: skip


def seed_catalog() -> Catalog:
    products = [
        ProductSpec(11, "Basic T-Shirt", "TSHIRT-BASIC", "19.99", "19.99", 96),
        ProductSpec(12, "Coffee Mug", "MUG-001", "9.99", "12.50", 36),
        ProductSpec(13, "Hoodie with Logo", "HOODIE-LOGO", "45.00", "45.00", 0, "outofstock"),
        ProductSpec(14, "Stickers & Badges", "STICKERS", "4.00", "4.00", None),
        ProductSpec(
            15,
            "Beanie — Variable",
            "BEANIE-VAR",
            "18.00",
            "18.00",
            None,
            type="variable",
            variations=(16, 17),
        ),
        ProductSpec(
            16, "Small", "BEANIE-SMALL", "18.00", "18.00", None, parent_id=15, option="Small"
        ),
        ProductSpec(
            17, "Large", "BEANIE-LARGE", "20.00", "20.00", None, parent_id=15, option="Large"
        ),
    ]
    return Catalog({p.id: p for p in products})


def seed_orders() -> list[OrderSpec]:
    now = BASE_TIME

    def o(id_: int, number: str, status: str, days: float, customer: int, billing: Json,
          lines: tuple[Line, ...], **kw: Any) -> OrderSpec:  # fmt: skip
        created = _ago(days)
        paid = created + timedelta(minutes=10) if status in ("processing", "completed",
                                                             "refunded") else None  # fmt: skip
        done = now if status == "completed" else None
        return OrderSpec(id_, number, status, created, kw.pop("modified", now), customer,
                         billing, lines, paid=paid, completed=done, **kw)  # fmt: skip

    return [
        o(
            18,
            "18",
            "completed",
            30,
            2,
            ALICE,
            (Line(11, 2),),
            shipping_total="5.00",
            tracking=(tracking_item("usps", "9400111899223197428490", _ago(29)),),
            refunds=(Refund(31, "5.00", "Shipping refund", now),),
            notes=(
                (2, "Stock levels reduced: Basic T-Shirt (TSHIRT-BASIC) 100&rarr;98", False),
                (3, "Your order is on its way!", True),
            ),
        ),
        o(19, "19", "processing", 20, 2, ALICE, (Line(12, 1),)),
        o(20, "20", "on-hold", 18, 3, BOB, (Line(14, 3),)),
        o(21, "21", "pending", 15, 3, BOB, (Line(11, 1),), payment=("cheque", "Check payments")),
        o(22, "22", "processing", 12, 4, ZOE, (Line(15, 1, 16),)),
        o(23, "23", "cancelled", 11, 4, ZOE, (Line(12, 2),)),
        o(
            24,
            "24",
            "refunded",
            9,
            2,
            ALICE,
            (Line(13, 1),),
            refunds=(Refund(25, "45.00", "Order fully refunded.", now),),
        ),
        o(26, "26", "processing", 7, 0, GUS, (Line(11, 1),), shipping_total="5.00"),
        o(27, "27", "completed", 5, 3, BOB, (Line(12, 1),)),
        o(28, "28", "pending", 3, 2, ALICE, (Line(14, 1),), payment=("cheque", "Check payments")),
        o(29, "29", "on-hold", 2, 0, TARO, (Line(15, 2, 17),)),
        o(
            30,
            "30",
            "completed",
            1,
            4,
            ZOE,
            (Line(13, 2),),
            tracking=(tracking_item("dhl", "JD014600006281230704", _ago(0.5)),),
            modified=now + timedelta(seconds=1),
        ),
        # A sequential-numbers plugin was installed here: numbers ≠ ids from now on.
        o(
            33,
            "1001",
            "processing",
            0.9,
            5,
            SOREN,
            (Line(11, 1), Line(12, 2)),
            tracking=(
                tracking_item("royal-mail", "RM123456785GB", _ago(0.2)),
                tracking_item(
                    "",
                    "SND-99812",
                    _ago(0.1),
                    custom="Sendle",
                    link="https://track.sendle.com/tracking?ref=SND-99812",
                ),
            ),
            modified=now + timedelta(seconds=2),
        ),
        o(
            34,
            "1002",
            "completed",
            0.8,
            0,
            OLAFUR,
            (Line(13, 1),),
            tracking=(
                tracking_item("dhl-express", "1234567890", _ago(0.3)),
                tracking_item("evri", "H00A0A0012345678", _ago(0.25)),
            ),
            modified=now + timedelta(seconds=3),
        ),
        o(35, "1003", "on-hold", 0.7, 3, BOB, (Line(14, 2),), modified=now + timedelta(seconds=4)),
        o(36, "1004", "failed", 0.6, 0, GUS, (Line(12, 1),), modified=now + timedelta(seconds=5)),
        # Ids jump (products and pages share the id sequence); numbers keep counting.
        o(
            1003,
            "1040",
            "processing",
            0.5,
            2,
            ALICE,
            (Line(11, 3),),
            modified=now + timedelta(seconds=6),
        ),
        o(
            1004,
            "SD-1041",
            "completed",
            0.4,
            4,
            ZOE,
            (Line(12, 1),),
            tracking=(tracking_item("ups", "1Z999AA10123456784", _ago(0.3)),),
            modified=now + timedelta(seconds=7),
        ),
    ]


_GUESTS = (GUS, TARO, OLAFUR)
_STATUSES = ("completed", "completed", "processing", "completed", "on-hold", "cancelled",
             "completed", "refunded", "pending", "processing")  # fmt: skip
_PROVIDERS = ("usps", "ups", "fedex", "dhl", "royal-mail", "canada-post", "australia-post")


def synthetic_orders(
    count: int, *, start_id: int = 5000, modified: datetime | None = None
) -> list[OrderSpec]:
    """``count`` plausible orders with ascending ids, created and modified times; with
    ``modified``, all were last saved in that one second (an import, a bulk edit)."""
    start = BASE_TIME + timedelta(days=1)
    customers = ((2, ALICE), (3, BOB), (4, ZOE))
    out: list[OrderSpec] = []
    for i in range(count):
        status = _STATUSES[i % len(_STATUSES)]
        customer_id, billing = customers[i % 3] if i % 4 else (0, _GUESTS[i % 3])
        created = start + timedelta(minutes=i)
        tracking = ()
        if status == "completed" and i % 3 == 0:
            number = f"{9400100000000000000000 + i}"
            tracking = (tracking_item(_PROVIDERS[i % len(_PROVIDERS)], number, created),)
        refunds = (Refund(start_id + count + i, "4.00", "Refund", created),) if status == (
            "refunded") else ()  # fmt: skip
        out.append(OrderSpec(
            start_id + i, str(start_id + i), status, created,
            modified or created + timedelta(seconds=30),
            customer_id, billing, (Line(11 + i % 4, 1 + i % 3),),
            paid=created if status in ("completed", "processing", "refunded") else None,
            completed=created if status == "completed" else None, tracking=tracking,
            refunds=refunds))  # fmt: skip
    return out
