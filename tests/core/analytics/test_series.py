"""Daily series: each metric counted on the right day, per widget, in the merchant's days."""

from __future__ import annotations

from datetime import date

from core.analytics.series import Period, daily_series, unanswered_questions
from core.workspace import Workspace
from tests.core.analytics.conftest import Writer, at

ORDER_CARD = [{"type": "order", "number": "1001"}]


def series(workspace: Workspace, **kw: object):  # type: ignore[no-untyped-def]
    period = Period(days=int(kw.pop("days", 7)), end=date(2026, 11, 7), **kw)  # type: ignore[arg-type]
    with workspace.engine.begin() as connection:
        return daily_series(connection, period)


def test_a_day_of_bot_answers_handoffs_ratings_and_lookups(
    workspace: Workspace, write: Writer
) -> None:
    shop = write.widget("shop")
    bot_only = write.conversation(at(5), widget_id=shop, rating=5)
    write.message(bot_only, "shopper", at(5), "where is my order 1001", intent="order_status")
    write.message(
        bot_only, "bot", at(5, 10, 1), "Shipped", cards=ORDER_CARD, intent="provide_email"
    )
    human = write.conversation(at(5, 11), widget_id=shop, handoff_reason="asked", rating=3)
    write.message(human, "shopper", at(5, 11), "a person please", intent="human")
    write.message(human, "agent", at(5, 11, 6), "Hi, Sam here")
    write.lead(at(5, 12), conversation_id=human)

    result = series(workspace)
    day = result.days.index(date(2026, 11, 5))
    values = {name: result.values[name][day] for name in result.values}
    assert values == {
        "conversations": 2,
        "messages": 4,
        "bot_answered": 50.0,
        "handoffs": 1,
        "leads": 1,
        "lookups": 1,
        "verified_lookups": 1,
        "satisfaction": 4.0,
        "ratings": 2,
        "first_response": 6.0,
        "spam": 0,
    }
    other = result.days.index(date(2026, 11, 4))
    assert result.values["conversations"][other] == 0
    assert result.values["satisfaction"][other] is None
    assert result.points("satisfaction") == [(date(2026, 11, 5), 4.0)]
    assert result.totals["ratings"] == 2 and result.totals["satisfaction"] == 4.0


def test_per_widget_period_and_local_days(workspace: Workspace, write: Writer) -> None:
    a, b = write.widget("a"), write.widget("b")
    write.conversation(at(6, 23, 30), widget_id=a)
    write.conversation(at(6, 9), widget_id=b)
    write.conversation(at(1), widget_id=a)  # outside a 3-day period

    assert series(workspace, days=3, widget_id=a).totals["conversations"] == 1
    assert series(workspace, days=3).totals["conversations"] == 2
    assert series(workspace, days=7).totals["conversations"] == 3
    # 23:30 UTC is the next day two hours east of UTC
    east = series(workspace, days=3, offset_minutes=120, widget_id=a)
    assert east.points("conversations")[-1] == (date(2026, 11, 7), 1.0)
    assert len(series(workspace, days=90).days) == 90


def test_questions_the_bot_could_not_answer(workspace: Workspace, write: Writer) -> None:
    c = write.conversation(at(3))
    write.message(c, "shopper", at(3), "Do you ship to Norway?")
    write.message(c, "bot", at(3, 10, 0), "I am not sure.", confidence=0.2)
    write.message(c, "shopper", at(3, 10, 1), "How much is shipping?")
    write.message(c, "bot", at(3, 10, 1), "€4.90", confidence=0.9)
    write.message(c, "shopper", at(3, 10, 2), "blorp")
    write.message(c, "bot", at(3, 10, 2), "Sorry?", intent="fallback")
    with workspace.engine.connect() as connection:
        found = unanswered_questions(connection, Period(7, date(2026, 11, 7)))
    assert [q.text for q in found] == ["blorp", "Do you ship to Norway?"]


def test_the_rollup_follows_every_change(workspace: Workspace, write: Writer) -> None:
    from sqlalchemy import delete, func, select, update

    from core.workspace.models import AnalyticsHourDone, ConversationRow, MessageRow

    shop, other = write.widget("shop"), write.widget("other")
    c = write.conversation(at(5), widget_id=shop, rating=4)
    write.message(c, "shopper", at(5), "hi")
    assert series(workspace).totals["messages"] == 1
    with workspace.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(AnalyticsHourDone)) == 7 * 24

    write.message(c, "agent", at(5, 10, 30), "hello")  # the same, computed hour
    assert series(workspace).totals["messages"] == 2
    assert series(workspace).totals["first_response"] == 30.0
    with workspace.engine.begin() as db:
        db.execute(update(ConversationRow).values(rating=2))
    assert series(workspace).totals["satisfaction"] == 2.0
    with workspace.engine.begin() as db:
        db.execute(update(ConversationRow).values(widget_id=other))
    assert series(workspace, widget_id=shop).totals["messages"] == 0
    assert series(workspace, widget_id=other).totals["messages"] == 2
    with workspace.engine.begin() as db:
        db.execute(delete(MessageRow))
        db.execute(delete(ConversationRow))
    assert series(workspace).totals["conversations"] == 0
    assert series(workspace).totals["messages"] == 0


def test_spam_conversations_are_counted_apart_and_follow_not_spam(
    workspace: Workspace, write: Writer
) -> None:
    from sqlalchemy import update

    from core.workspace.models import ConversationRow

    shop = write.widget("shop")
    real = write.conversation(at(5), widget_id=shop)
    write.message(real, "shopper", at(5), "hello")
    spam = write.conversation(at(5, 11), widget_id=shop, spam="word casino")
    write.message(spam, "shopper", at(5, 11), "casino bonus")
    write.message(spam, "bot", at(5, 11), "Thanks for your message.", intent="spam")

    totals = series(workspace).totals
    assert (totals["conversations"], totals["messages"], totals["spam"]) == (1, 1, 1)
    with workspace.engine.begin() as db:  # "Not spam": the rollup follows
        db.execute(update(ConversationRow).where(ConversationRow.id == spam).values(spam=None))
    totals = series(workspace).totals
    assert (totals["conversations"], totals["messages"], totals["spam"]) == (2, 3, 0)


def test_a_spam_conversation_adds_nothing_to_the_other_counts(
    workspace: Workspace, write: Writer
) -> None:
    """A conversation marked spam by hand after the bot looked up an order, a person replied,
    a lead was left and the shopper rated it: only the spam count has it (as on the relay)."""
    shop = write.widget("shop")
    marked = write.conversation(
        at(5, 11), widget_id=shop, spam="marked Sam", handoff_reason="asked", rating=1
    )
    write.message(marked, "shopper", at(5, 11), "where is my order 1001", intent="order_status")
    write.message(marked, "bot", at(5, 11, 1), "Shipped", cards=ORDER_CARD, intent="provide_email")
    write.message(marked, "agent", at(5, 11, 6), "Hi, Sam here")
    write.lead(at(5, 12), conversation_id=marked)

    totals = series(workspace).totals
    assert totals["spam"] == 1
    for name in ("conversations", "messages", "handoffs", "leads", "lookups", "ratings"):
        assert totals[name] == 0, name
    assert totals["verified_lookups"] == 0
    assert totals["satisfaction"] is None and totals["first_response"] is None
