"""The demo is one shop: the storefront page, the demo widget, the knowledge base and the
demo shop's database name the same brand, prices in one currency, and agree on shipping,
address and opening hours."""

from __future__ import annotations

import csv
import re
import sqlite3
from decimal import Decimal
from pathlib import Path

from console.demo_setup import KNOWLEDGE_FILE, WIDGET_SETTINGS
from core.bot.wording import format_money
from core.demo import data, demo_database_path

ROOT = Path(__file__).resolve().parents[2]
STOREFRONT = (ROOT / "widget" / "demo" / "shop.html").read_text(encoding="utf-8")
KNOWLEDGE = KNOWLEDGE_FILE.read_text(encoding="utf-8")
OTHER_MONEY = re.compile(r"[£$¥]|\b(GBP|USD|CHF)\b")


def money(amount: str) -> str:
    return format_money(Decimal(amount), data.CURRENCY, "en")


def test_the_widget_storefront_and_answers_name_one_brand() -> None:
    assert WIDGET_SETTINGS["title"] == data.BRAND
    assert f"<title>{data.BRAND}" in STOREFRONT
    assert STOREFRONT.count(data.BRAND) >= 3  # title, header, footer
    assert KNOWLEDGE_FILE == ROOT / "core" / "demo" / "knowledge.csv"


def test_one_currency_everywhere() -> None:
    assert OTHER_MONEY.search(STOREFRONT) is None
    assert OTHER_MONEY.search(KNOWLEDGE) is None
    assert "€" in STOREFRONT and "€" in KNOWLEDGE
    assert f'currency_value = "{data.CURRENCY}"' in (ROOT / "core/demo/mapping.toml").read_text()


def test_the_storefronts_prices_are_the_shops() -> None:
    cards = re.findall(r"<h3>(.+?)</h3>.*?<p class=\"price\">(.+?)</p>", STOREFRONT, re.S)
    prices = {name: price for _, name, price, _ in data.PRODUCTS}
    assert len(cards) >= 6
    for name, shown in cards:
        assert shown == money(prices[name]), name


def test_shipping_address_and_hours_agree() -> None:
    rows = list(csv.DictReader(KNOWLEDGE.splitlines()))
    shipping = next(r["answer"] for r in rows if r["question"] == "How much does shipping cost?")
    free_from = money(data.FREE_SHIPPING_FROM).replace(".00", "")
    assert money(data.SHIPPING) in shipping and f"free on orders over {free_from}" in shipping
    assert f"Free shipping on orders over {free_from}" in STOREFRONT
    visit = next(r["answer"] for r in rows if r["question"] == "Can I visit your shop?")
    for fact in (data.SHOP_ADDRESS, data.SHOP_HOURS):
        assert fact in visit and fact in STOREFRONT


def test_the_demo_shops_orders_charge_shipping_as_the_answers_say() -> None:
    db = sqlite3.connect(f"file:{demo_database_path()}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT o.grand_total, group_concat(i.unit_price || 'x' || i.quantity) "
            "FROM orders o JOIN order_items i ON i.order_id = o.id GROUP BY o.id"
        ).fetchall()
        products = dict(db.execute("SELECT name, price FROM products").fetchall())
    finally:
        db.close()
    assert products == {name: price for _, name, price, _ in data.PRODUCTS}
    free_from, shipping = Decimal(data.FREE_SHIPPING_FROM), Decimal(data.SHIPPING)
    for total, lines in rows:
        subtotal = sum(Decimal(u) * int(q) for u, q in (x.split("x") for x in lines.split(",")))
        assert Decimal(total) == subtotal + (shipping if subtotal < free_from else 0)
