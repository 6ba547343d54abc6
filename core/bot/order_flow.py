"""Order questions: ask for proof, check it, and answer in words with order cards.

Until a shopper has proven an order is theirs, every reply depends only on what the
shopper typed, never on whether the order exists: a missing order and a wrong email get
the very same words.
"""

from __future__ import annotations

from core.bot.cards import order_card
from core.bot.context import Ctx, Outcome
from core.bot.intents import Reading
from core.bot.lookup import CountedLookup
from core.bot.reply import Reply
from core.bot.state import BotState, Pending
from core.bot.strings import join
from core.bot.verification import is_locked, proof, record_failure, the_order, verified
from core.bot.wording import describe_items, describe_order, order_line
from core.contacts import email_key
from core.orders import number_key
from core.records import Order

_LISTED = 5


def locked(ctx: Ctx, state: BotState) -> Outcome:
    """The one answer for a locked conversation (or an address over its lookup limit)."""
    form = ctx.form()
    text = join(ctx.say("locked"), ctx.say("offer_lead") if form else ctx.team_reply())
    return Outcome((Reply(text, form=form),), state)


async def order_status(ctx: Ctx, state: BotState, lookup: CountedLookup, r: Reading) -> Outcome:
    email = r.email or state.pending_email
    if state.pending == "orders" and not r.found.alone:
        state = state.update(pending="order")  # a new question about one order
    if r.found.number is None:
        return await _no_number(ctx, state, lookup, email)
    return await check(ctx, state, lookup, r.found.number, email=email, postcode=None)


async def my_orders(ctx: Ctx, state: BotState, lookup: CountedLookup, r: Reading) -> Outcome:
    """Recent orders, only for an email the shopper has proven (or a signed identity)."""
    email = state.identity_email or (state.verified_emails[-1] if state.verified_emails else None)
    if email:
        return await _list(ctx, state, lookup, email)
    state = state.update(pending="orders", pending_order=None)
    if r.found.number:
        claimed = r.email or state.pending_email
        return await check(ctx, state, lookup, r.found.number, email=claimed, postcode=None)
    if r.email:
        return _ask(ctx, state.update(pending_email=email_key(r.email)), "ask_number_for_email")
    return _ask(ctx, state, "ask_number_and_email")


async def provide_email(ctx: Ctx, state: BotState, lookup: CountedLookup, r: Reading) -> Outcome:
    if state.pending_order:
        return await check(ctx, state, lookup, state.pending_order, email=r.email, postcode=None)
    state = state.update(pending=state.pending or "order", pending_email=email_key(r.email))
    return _ask(ctx, state, "ask_number_for_email")


async def provide_postcode(ctx: Ctx, state: BotState, lookup: CountedLookup, r: Reading) -> Outcome:
    if not state.pending_order:
        return _ask(ctx, state.update(pending="order"), "ask_number_and_email")
    number = state.pending_order
    return await check(ctx, state, lookup, number, email=None, postcode=r.postcode)


async def check(
    ctx: Ctx,
    state: BotState,
    lookup: CountedLookup,
    number: str,
    *,
    email: str | None,
    postcode: str | None,
) -> Outcome:
    """Show order ``number`` if the shopper proves it is theirs; otherwise ask or refuse."""
    goal: Pending = "orders" if state.pending == "orders" else "order"
    waiting = state.update(pending=goal, pending_order=number, pending_email=None)
    known = state.vouched() or state.known_emails() or number_key(number) in state.verified_orders
    if not (email or postcode or known):
        return _ask(ctx, waiting, "ask_email", number=number)
    order = the_order(await lookup.get_order(number), number)
    how = proof(order, state, email=email, postcode=postcode)
    if order is None or how is None:
        return _failed(ctx, waiting, number, claimed=bool(email or postcode))
    state = verified(state, order, how, email)
    if goal == "orders" and how != "postcode":
        return await _list(ctx, state, lookup, email_key(email) or state.known_emails()[0])
    return Outcome((show(ctx, order),), state)


def ask_proof(ctx: Ctx, state: BotState, number: str | None) -> Outcome:
    """Ask for what proves order ``number`` (or, without one, a number and email) is the
    shopper's: the same words as when the bot itself meets an order question."""
    if is_locked(state, ctx.now):
        return locked(ctx, state)
    if number:
        waiting = state.update(pending="order", pending_order=number, pending_email=None)
        return _ask(ctx, waiting, "ask_email", number=number)
    if state.known_emails():
        return _ask(ctx, state.update(pending="order", pending_order=None), "ask_number")
    return _ask(ctx, state.update(pending="order", pending_order=None), "ask_number_and_email")


def show(ctx: Ctx, order: Order) -> Reply:
    text = describe_order(order, ctx.lang, zone=ctx.zone, now=ctx.now)
    return Reply(f"{text}\n{describe_items(order, ctx.lang)}", cards=(order_card(order),))


async def _no_number(
    ctx: Ctx, state: BotState, lookup: CountedLookup, email: str | None
) -> Outcome:
    known = state.known_emails()
    if known and not email:
        latest = await lookup.find_orders(email=known[0], limit=1)
        if latest:
            return Outcome((show(ctx, latest[0]),), state.update(pending=None))
    state = state.update(pending="order", pending_order=None, pending_email=email_key(email))
    return _ask(ctx, state, "ask_number" if email or known else "ask_number_and_email")


async def _list(ctx: Ctx, state: BotState, lookup: CountedLookup, email: str) -> Outcome:
    orders = (await lookup.find_orders(email=email, limit=_LISTED))[:_LISTED]
    state = state.update(pending=None, pending_order=None, pending_email=None)
    if not orders:
        return Outcome((Reply(ctx.say("orders_none")),), state)
    lines = [order_line(o, ctx.lang, zone=ctx.zone, now=ctx.now) for o in orders]
    text = "\n".join([ctx.say("orders_intro"), *lines])
    return Outcome((Reply(text, cards=tuple(order_card(o) for o in orders)),), state)


def _failed(ctx: Ctx, state: BotState, number: str, *, claimed: bool) -> Outcome:
    state = record_failure(state, ctx.now)
    if is_locked(state, ctx.now):
        return Outcome(locked(ctx, state).replies, state, verification_failed=True)
    text = ctx.say("not_found") if claimed else ctx.say("not_found_known", number=number)
    return Outcome((Reply(text),), state, verification_failed=True)


def _ask(ctx: Ctx, state: BotState, key: str, **fields: object) -> Outcome:
    return Outcome((Reply(ctx.say(key, **fields)),), state)
