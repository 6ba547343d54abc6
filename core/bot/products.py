"""Product questions: price and stock from the store's catalogue, in words and cards."""

from __future__ import annotations

import re

from core.bot.cards import product_card
from core.bot.context import Ctx, Outcome, offer
from core.bot.knowledge import Match
from core.bot.lookup import CountedLookup
from core.bot.reply import Reply
from core.bot.state import BotState
from core.bot.strings import join
from core.bot.text import STOP_WORDS, fold
from core.bot.wording import format_money
from core.records import Product

_SHOWN = 3
_LOW_STOCK = 5
_MAX_QUERY = 100
_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
# Words that ask about price or stock rather than name a product (folded).
_ASKING_TEXT = """
    much price prices priced cost costs stock stocked available availability sell carry
    out back still currently right now today left is are have has the a an any in
    cuanto cuanta cuesta cuestan vale valen precio precios disponible disponibles agotado
    quedan queda stock tienen teneis tiene vendeis venden hay
    combien coute coutent vaut valent prix disponible rupture avez vendez reste
    viel kostet kosten preis preise lager vorratig verfugbar lieferbar habt gibt noch
"""
_ASKING = frozenset(_ASKING_TEXT.split()) | STOP_WORDS


def product_query(text: str) -> str:
    """The product named in a question: ``"how much is the gooseneck kettle"`` →
    ``"gooseneck kettle"``; the shopper's own spelling is kept for the store's search."""
    kept = [t for t in _TOKEN.findall(text) if fold(t) not in _ASKING]
    return " ".join(kept)[:_MAX_QUERY].strip()


async def answer(
    ctx: Ctx,
    state: BotState,
    lookup: CountedLookup | None,
    text: str,
    knowledge: Reply | None,
) -> Outcome:
    """Products matching the question; else the knowledge base's answer (``knowledge``,
    already above the widget's threshold), else "not found" with the lead form."""
    query = product_query(text)
    if not query:
        return _or_knowledge(knowledge, state) or Outcome((Reply(ctx.say("which_product")),), state)
    if lookup is None:
        return _or_knowledge(knowledge, state) or _say(ctx, state, "no_store_products")
    products = await lookup.search_products(query, limit=5)
    if products:
        return Outcome((_describe(ctx, products[:_SHOWN]),), state)
    # "we don't sell X" only ever comes from the catalogue itself: the store was searched
    return _or_knowledge(knowledge, state) or _say(ctx, state, "no_product", query=query)


def _or_knowledge(knowledge: Reply | None, state: BotState) -> Outcome | None:
    return Outcome((knowledge,), state, intent="faq") if knowledge else None


def _say(ctx: Ctx, state: BotState, key: str, **fields: object) -> Outcome:
    return Outcome((offer(ctx, state, ctx.say(key, **fields)),), state)


def _describe(ctx: Ctx, products: list[Product]) -> Reply:
    sentences = [_sentence(ctx, p) for p in products]
    if len(sentences) == 1:
        text = sentences[0]
    else:
        text = "\n".join([ctx.say("products_intro"), *(f"• {s}" for s in sentences)])
    return Reply(text, cards=tuple(product_card(p) for p in products))


def _sentence(ctx: Ctx, product: Product) -> str:
    title = product.title.strip() or "?"
    if product.price is not None:
        price = format_money(product.price, product.currency or "", ctx.lang)
        first = ctx.say("product_price", title=title, price=price)
    else:
        first = ctx.say("product_title", title=title)
    return join(first, _stock(ctx, product))


def _stock(ctx: Ctx, product: Product) -> str:
    count = product.inventory
    if product.in_stock is False or (product.in_stock is None and count == 0):
        return ctx.say("out_of_stock")
    if count is not None and 0 < count <= _LOW_STOCK:
        return ctx.say("low_stock", count=count)
    return ctx.say("in_stock") if product.in_stock or (count or 0) > 0 else ""


def knowledge_reply(match: Match | None, threshold: float) -> Reply | None:
    """The knowledge base's answer when it is confident enough."""
    if match is None or match.confidence < threshold:
        return None
    return Reply(match.entry.answer, confidence=match.confidence, knowledge_entry_id=match.entry.id)
