"""The workspace's Inbox: relay events keep conversations' status, assignee, preview and
unread count; the list pages newest activity first with filters and search; replies wait in
a queue until the relay confirms them; canned replies are validated; the shopper's profile is
found by email, phone or id."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.workspace import Workspace
from core.workspace.inbox import InboxRepository
from core.workspace.inbox_browse import InboxFilter, InboxReader
from core.workspace.inbox_profile import ProfileLookup
from core.workspace.inbox_replies import CannedError, CannedReplies, ReplyQueue

_seq = iter(range(1, 10**6))


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(tmp_path / "ws.sqlite")
    yield ws
    ws.close()


def event(kind: str, conversation: str, data: dict[str, Any], minute: int = 0) -> dict[str, Any]:
    n = next(_seq)
    return {
        "id": f"e_{n}",
        "seq": n,
        "type": kind,
        "conversation_id": conversation,
        "at": f"2026-12-01T10:{minute:02d}:00Z",
        "data": data,
    }


def message(conversation: str, role: str, text: str, minute: int) -> dict[str, Any]:
    body = {
        "id": f"m_{conversation}_{minute}_{role}",
        "role": role,
        "text": text,
        "created_at": f"2026-12-01T10:{minute:02d}:00Z",
    }
    return event("message", conversation, {"message": body}, minute)


def test_events_keep_status_assignee_preview_and_unread(workspace: Workspace) -> None:
    inbox, reader = InboxRepository(workspace), InboxReader(workspace)
    inbox.apply(
        [
            message("c_a", "shopper", "Where is   my\\norder?", 1),
            message("c_a", "bot", "Which order number?", 2),
            message("c_a", "shopper", "I want a human", 3),
            event("handoff.requested", "c_a", {"reason": "asked"}, 3),
            event("conversation.assigned", "c_a", {"assignee": "Sam"}, 4),
        ]
    )
    line = reader.conversation("c_a")
    assert line is not None
    assert (line.status, line.assignee, line.unread, line.preview) == (
        "waiting",
        "Sam",
        2,
        "I want a human",
    )
    assert reader.unread() == 1
    reader.mark_read("c_a")
    assert reader.unread() == 0
    inbox.apply([event("conversation.status", "c_a", {"status": "closed", "by": "Sam"}, 5)])
    assert reader.conversation("c_a").status == "closed"  # type: ignore[union-attr]
    report = inbox.apply([event("conversation.status", "c_a", {"status": "archived"}, 6)])
    assert report.skipped == 1  # an unknown status is skipped, not stored


def test_the_list_is_newest_activity_first_with_filters_and_search(workspace: Workspace) -> None:
    inbox, reader = InboxRepository(workspace), InboxReader(workspace)
    events = []
    for n in range(250):
        events.append(
            message(f"c_{n:03d}", "shopper", f"question {n} about order {5000 + n}", n % 60)
        )
        if n % 5 == 0:
            events.append(event("handoff.requested", f"c_{n:03d}", {"reason": "asked"}, n % 60))
    inbox.apply(events)
    browser = reader.browser()
    total = browser.count()
    assert total == 250
    rows = browser.page(0, 250, sort="activity", descending=True, total=total)
    times = [r.updated_at for r in rows]
    assert times == sorted(times, reverse=True) and len({r.id for r in rows}) == 250
    far = browser.page(200, 50, sort="activity", descending=True, total=total)  # read from the end
    assert [r.id for r in far] == [r.id for r in rows[200:]]
    waiting = reader.browser(InboxFilter(status="waiting"))
    assert waiting.count() == 50
    assert {r.status for r in waiting.page(0, 100, sort="activity", descending=True)} == {"waiting"}
    assert browser.count("5123") == 1  # an order number the shopper typed
    [found] = browser.page(0, 10, search="5123")
    assert found.id == "c_123"
    assert reader.browser(InboxFilter(channel="widget")).count() == 250
    assert reader.browser(InboxFilter(channel="whatsapp")).count() == 0
    assert reader.channels() == ["widget"]


def test_replies_wait_until_the_relay_confirms_them(workspace: Workspace) -> None:
    InboxRepository(workspace).apply([message("c_r", "shopper", "hello", 1)])
    queue = ReplyQueue(workspace)
    first = queue.add("c_r", "First", "Sam")
    second = queue.add("c_r", "Second", "Sam")
    assert [r.text for r in queue.waiting()] == ["First", "Second"]
    queue.attempted(first, "The relay is not reachable.", final=False)
    queue.attempted(second, "No such conversation.", final=True)
    assert [r.text for r in queue.waiting()] == ["First"]
    assert [(r.text, r.state) for r in queue.of("c_r")] == [
        ("First", "pending"),
        ("Second", "failed"),
    ]
    message_json = {
        "id": "m_sent",
        "role": "agent",
        "text": "First",
        "created_at": "2026-12-01T10:05:00Z",
    }
    queue.sent(first, message_json)
    assert [r.text for r in queue.of("c_r")] == ["Second"]
    thread = InboxReader(workspace).thread("c_r")
    assert [m.text for m in thread] == ["hello", "First"]


def test_canned_replies_are_checked(workspace: Workspace) -> None:
    canned = CannedReplies(workspace)
    saved = canned.save("/Shipping", "Free over 50 EUR.")
    assert saved.shortcut == "shipping"
    with pytest.raises(CannedError, match="already used"):
        canned.save("shipping", "Other")
    with pytest.raises(CannedError, match="lower-case"):
        canned.save("two words", "x")
    with pytest.raises(CannedError, match="2,000"):
        canned.save("long", "x" * 2001)
    canned.save("shipping", "Free over 60 EUR.", canned_id=saved.id)
    assert [(c.shortcut, c.text) for c in canned.matching("sh")] == [
        ("shipping", "Free over 60 EUR.")
    ]
    canned.remove(saved.id)
    assert canned.all() == []


def test_no_profile_for_an_unknown_shopper(workspace: Workspace) -> None:
    lookup = ProfileLookup(workspace)
    assert lookup.find(email="nobody@example.com") is None
    assert lookup.find(phone="+44 20 7946 0018") is None
    assert lookup.find(customer_id="42") is None
    assert lookup.shopper_email(None, "c_none") is None
    assert lookup.order_card(1) is None


def test_spam_conversations_wait_under_the_spam_filter_until_restored(
    workspace: Workspace,
) -> None:
    inbox, reader = InboxRepository(workspace), InboxReader(workspace)
    report = inbox.apply(
        [
            message("c_ok", "shopper", "Do you ship to Norway?", 1),
            event("conversation.spam", "c_bad", {"spam": "word casino", "by": None}, 2),
            message("c_bad", "shopper", "casino bonus", 2),
        ]
    )
    assert report.spam == 1
    listed = reader.browser()
    assert [line.id for line in listed.page(0, 10)] == ["c_ok"]
    spam = reader.browser(InboxFilter(spam=True))
    [line] = spam.page(0, 10)
    assert (line.id, line.spam) == ("c_bad", "word casino")
    assert reader.unread() == 1  # the spam conversation's message is not waiting for anyone
    inbox.apply([event("conversation.spam", "c_bad", {"spam": None, "by": "Sam"}, 3)])
    assert {line.id for line in reader.browser().page(0, 10)} == {"c_ok", "c_bad"}
    assert reader.browser(InboxFilter(spam=True)).count() == 0
    assert reader.unread() == 2
    skipped = inbox.apply([event("conversation.spam", "c_ok", {"spam": 3}, 4)])
    assert skipped.skipped == 1


def test_each_reply_keeps_who_wrote_it(workspace: Workspace) -> None:
    inbox, reader = InboxRepository(workspace), InboxReader(workspace)
    mine, sams, old, ai = (
        message("c_w", "agent", "On its way.", 1),
        message("c_w", "agent", "I checked too.", 2),
        message("c_w", "agent", "From before authors were kept.", 3),
        message("c_w", "bot", "Emma here: it ships today.", 4),
    )
    mine["data"]["message"] |= {"author": "Ana", "console_id": "cn_ana"}
    sams["data"]["message"] |= {"author": "  Sam\n(support) ", "console_id": "cn_sam"}
    ai["data"]["message"] |= {"intent": "agent", "author": "Emma"}
    inbox.apply([mine, sams, old, ai])
    thread = reader.thread("c_w")
    authors = [(m.author.name, m.author.console_id) if m.author else None for m in thread]
    assert authors == [("Ana", "cn_ana"), ("Sam (support)", "cn_sam"), None, None]
    assert [m.intent for m in thread] == [None, None, None, "agent"]
    with workspace.engine.connect() as connection:  # the intent stays the bot's
        query = "SELECT count(*) FROM messages WHERE role = 'agent' AND intent IS NOT NULL"
        assert connection.exec_driver_sql(query).scalar() == 0
    # a console id that is not one is dropped, the name kept
    odd = message("c_w", "agent", "Hello", 5)
    odd["data"]["message"] |= {"author": "Kim", "console_id": "cn:1 <b>"}
    inbox.apply([odd])
    last = reader.thread("c_w")[-1].author
    assert last is not None and (last.name, last.console_id) == ("Kim", None)
