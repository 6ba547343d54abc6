"""A verified order reads right in every status and language, and comes with its card."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from core.bot import Bot, BotState
from core.bot.cards import order_card
from core.bot.wording import describe_items, describe_order, format_date
from core.records import ORDER_STATUSES, OrderItem, Tracking
from tests.core.bot.conftest import NOW, UPS, Chat, FakeLookup, make_order, text_of

DHL = Tracking("4711000123", "DHL", None)


def words(order, lang="en"):
    return describe_order(order, lang, zone=UTC, now=NOW)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("where is my order 1001", "Your order #1001 shipped on 3 March with UPS, tracking "),
        ("¿dónde está mi pedido 1001?", "Tu pedido #1001 se envió el 3 de marzo con UPS, número"),
        ("où est ma commande 1001", "Votre commande #1001 a été expédiée le 3 mars avec UPS, "),
        ("wo ist meine Bestellung 1001", "Ihre Bestellung #1001 wurde am 3. März mit UPS versandt"),
    ],
)
async def test_the_whole_exchange_happens_in_the_shoppers_language(
    bot: Bot, question: str, answer: str
) -> None:
    chat = Chat(bot, FakeLookup(), BotState.new(language="en"))
    asked = await chat.say(question)
    missing = await Chat(bot, FakeLookup(orders=[]), BotState.new(language="en")).say(question)
    assert text_of(asked) == text_of(missing)
    turn = await chat.say("alice@example.com")
    assert text_of(turn).startswith(answer)
    assert "1Z999AA10123456784" in text_of(turn)


@pytest.mark.parametrize(
    "spelling", ["#1001", "order 1001", "no. 1001", "Order No. 1001", "nº 1001", "order #1001"]
)
async def test_order_numbers_in_any_usual_form(chat: Chat, spelling: str) -> None:
    turn = await chat.say(f"{spelling} alice@example.com")
    assert turn.replies[0].cards[0]["number"] == "1001"


async def test_a_store_prefix_is_understood(bot: Bot) -> None:
    store = FakeLookup(orders=[make_order("SD-1001")])
    for text in ("SD-1001 alice@example.com", "order sd1001 alice@example.com"):
        turn = await Chat(bot, store).say(text)
        assert turn.replies[0].cards[0]["number"] == "SD-1001", text


async def test_digits_alone_find_a_prefixed_order(bot: Bot) -> None:
    class Prefixing(FakeLookup):
        async def get_order(self, number):  # the store accepts "1001" for "SD-1001"
            self._call("get_order", number)
            return make_order("SD-1001") if number in ("1001", "SD-1001") else None

    turn = await Chat(bot, Prefixing()).say("#1001 alice@example.com")
    assert turn.replies[0].cards[0]["number"] == "SD-1001"


async def test_a_store_answering_with_another_order_shows_nothing(bot: Bot) -> None:
    class Sloppy(FakeLookup):
        async def get_order(self, number):
            return make_order("10011")

    turn = await Chat(bot, Sloppy()).say("#1001 alice@example.com")
    assert turn.replies[0].cards == () and turn.verification_failed


def test_several_parcels_are_all_named() -> None:
    order = make_order(tracking=(UPS, DHL))
    assert words(order) == (
        "Your order #1001 shipped on 3 March in 2 parcels: UPS 1Z999AA10123456784, DHL 4711000123."
    )
    assert "in 2 Paketen versandt: UPS" in words(order, "de")


def test_each_status_reads_right_in_english() -> None:
    expected = {
        "pending": "Your order #1001 is waiting for payment.",
        "processing": "Your order #1001 is being prepared and hasn't shipped yet.",
        "on_hold": "Your order #1001 is on hold for now.",
        "shipped": "Your order #1001 shipped on 3 March with UPS, tracking 1Z999AA10123456784.",
        "partially_shipped": "Part of your order #1001 shipped on 3 March with UPS, tracking "
        "1Z999AA10123456784. The rest is still being prepared.",
        "delivered": "Your order #1001 has been delivered. It shipped on 3 March with UPS",
        "completed": "Your order #1001 is complete.",
        "cancelled": "Your order #1001 has been cancelled.",
        "refunded": "Your order #1001 has been refunded (€77.00).",
        "failed": "The payment for your order #1001 didn't go through",
    }
    for status in ORDER_STATUSES:
        assert words(make_order(status=status)).startswith(expected[status]), status


def test_each_status_has_its_own_words_in_every_language() -> None:
    for lang in ("en", "es", "fr", "de"):
        texts = {words(make_order(status=s), lang) for s in ORDER_STATUSES}
        assert len(texts) == len(ORDER_STATUSES), lang


def test_a_cancelled_and_refunded_order_says_so() -> None:
    order = make_order(status="cancelled", financial_status="refunded", tracking=())
    assert words(order) == ("Your order #1001 has been cancelled. The payment has been refunded.")
    assert words(order, "fr") == "Votre commande #1001 a été annulée. Le paiement a été remboursé."


def test_an_unshipped_order_without_tracking_or_date() -> None:
    order = make_order(tracking=(), shipped_at=None)
    assert words(order) == "Your order #1001 shipped."
    assert words(order, "de") == "Ihre Bestellung #1001 wurde versandt."


def test_dates_are_localised_and_name_the_year_when_not_this_year() -> None:
    moment = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
    last_year = datetime(2025, 12, 1, tzinfo=UTC)
    got = [format_date(moment, lang, zone=UTC, now=NOW) for lang in ("en", "es", "fr", "de")]
    assert got == ["3 March", "3 de marzo", "3 mars", "3. März"]
    assert format_date(last_year, "fr", zone=UTC, now=NOW) == "1er décembre 2025"
    assert format_date(last_year, "es", zone=UTC, now=NOW) == "1 de diciembre de 2025"


async def test_dates_follow_the_widget_time_zone(make_bot, store: FakeLookup) -> None:
    late = make_order(shipped_at=datetime(2026, 3, 3, 23, 30, tzinfo=UTC))
    bot = make_bot(timezone="Europe/Berlin")
    turn = await Chat(bot, FakeLookup(orders=[late])).say("#1001 alice@example.com")
    assert "shipped on 4 March" in text_of(turn)


def test_the_order_card_has_the_published_shape() -> None:
    card = order_card(make_order(tracking=(UPS, DHL)))
    assert set(card) == {
        "type", "number", "status", "status_label", "financial_status", "fulfillment_status",
        "total", "currency", "created_at", "shipped_at", "items", "tracking", "status_url",
    }  # fmt: skip
    assert card["created_at"] == "2026-03-01T09:30:00Z"
    assert card["items"][0] == {
        "name": "Gooseneck Kettle 1 L", "quantity": 1, "sku": "SD-KET-001", "price": "59.00",
        "unit_price": "59.00", "line_total": "59.00",
    }  # fmt: skip
    assert card["tracking"][1] == {"carrier": "DHL", "number": "4711000123", "url": None}
    assert order_card(make_order(status="failed"))["status_label"] == "Payment failed"


def test_several_of_an_item_show_the_unit_price_and_the_line_total() -> None:
    mugs = OrderItem("Stoneware Mug, Sand", 2, "SD-MUG-007", Decimal("18.00"))
    kettle = OrderItem("Gooseneck Kettle 1 L", 1, "SD-KET-001", Decimal("59.00"))
    order = make_order(items=(kettle, mugs, OrderItem("Gift wrap", 1)), total=Decimal("95.00"))
    [_, line, free] = order_card(order)["items"]
    assert (line["quantity"], line["unit_price"], line["line_total"]) == (2, "18.00", "36.00")
    assert line["price"] == "18.00"  # the unit price, as before
    assert (free["unit_price"], free["line_total"]) == (None, None)
    assert describe_items(order, "en") == (
        "• 1 × Gooseneck Kettle 1 L: €59.00\n"
        "• 2 × Stoneware Mug, Sand: €18.00 each, €36.00\n"
        "• 1 × Gift wrap\n"
        "Total: €95.00"
    )
    assert "2 × Stoneware Mug, Sand: je 18,00 €, zusammen 36,00 €" in describe_items(order, "de")


async def test_the_verified_order_answer_lists_its_items(bot: Bot) -> None:
    mugs = OrderItem("Stoneware Mug, Sand", 2, "SD-MUG-007", Decimal("18.00"))
    order = make_order(items=(mugs,), total=Decimal("36.00"))
    turn = await Chat(bot, FakeLookup(orders=[order])).say("#1001 alice@example.com")
    assert text_of(turn).endswith("• 2 × Stoneware Mug, Sand: €18.00 each, €36.00\nTotal: €36.00")


def test_money_reads_the_local_way() -> None:
    order = make_order(status="refunded", total=Decimal("1234.50"), currency="GBP")
    assert "(£1234.50)" in words(order)
    assert "(1234,50 £)" in words(order, "de")


@pytest.mark.parametrize(
    ("status", "lang", "start"),
    [
        ("partially_shipped", "es", "Parte de tu pedido #1001 se envió el 3 de marzo con UPS"),
        ("delivered", "fr", "Votre commande #1001 a été livrée. Elle a été expédiée le 3 mars"),
        ("refunded", "de", "Ihre Bestellung #1001 wurde erstattet (77,00 €)."),
        ("failed", "es", "El pago de tu pedido #1001 no se completó"),
        ("on_hold", "de", "Ihre Bestellung #1001 ist vorerst zurückgestellt."),
        ("pending", "fr", "Votre commande #1001 est en attente de paiement."),
        ("processing", "de", "Ihre Bestellung #1001 wird vorbereitet"),
        ("cancelled", "es", "Tu pedido #1001 ha sido cancelado."),
    ],
)
def test_statuses_read_right_in_other_languages(status: str, lang: str, start: str) -> None:
    assert words(make_order(status=status), lang).startswith(start)


async def test_the_list_of_orders_is_localised(bot: Bot) -> None:
    store = FakeLookup(orders=[make_order(), make_order("1003", status="delivered")])
    chat = Chat(bot, store, BotState.new(language="de", identity_email="alice@example.com"))
    turn = await chat.say("meine Bestellungen")
    assert text_of(turn) == (
        "Hier sind Ihre letzten Bestellungen:\n"
        "#1001 · Versandt · 1. März · 77,00 €\n#1003 · Zugestellt · 1. März · 77,00 €"
    )
    assert [c["status_label"] for c in turn.replies[0].cards] == ["Shipped", "Delivered"]
