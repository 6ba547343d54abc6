"""Who wrote each message in the Inbox's thread: "You" only for this console's replies, a
teammate's name for theirs, "AI agent" for the widget's AI agent (the model, no window)."""

from __future__ import annotations

from datetime import UTC, datetime

from console.models.inbox import author_text, thread_html
from core.workspace.authors import Author
from core.workspace.inbox_browse import ConversationLine, ThreadMessage

AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def said(
    role: str, text: str, author: Author | None = None, intent: str | None = None
) -> ThreadMessage:
    return ThreadMessage(
        id=f"m_{text}",
        role=role,
        text=text,
        created_at=AT,
        confidence=None,
        knowledge_entry_id=None,
        knowledge_question=None,
        author=author,
        intent=intent,
    )


LINE = ConversationLine(
    id="c_1",
    status="open",
    updated_at=AT,
    customer_name="Ana",
    customer_email=None,
    preview=None,
    unread=0,
    channel="web",
    widget_id=None,
    assignee=None,
    rating=None,
)
MINE = said("agent", "On its way.", Author("Support", "cn_me"))
SAMS = said("agent", "I checked too.", Author("Sam <b>", "cn_sam"))
AI = said("bot", "It ships today.", intent="agent")


def test_only_this_consoles_replies_are_yours() -> None:
    assert author_text(MINE, "cn_me") == "You"
    assert author_text(SAMS, "cn_me") == "Sam <b>"
    assert author_text(MINE, "cn_sam") == "Support"  # seen from Sam's console
    assert author_text(MINE, None) == "Support"  # the relay has not said who this console is


def test_the_ai_agent_the_bot_and_older_replies() -> None:
    assert author_text(AI, "cn_me") == "AI agent"
    assert author_text(said("bot", "Hello", intent="greeting"), "cn_me") == "Bot"
    assert author_text(said("agent", "Old reply"), "cn_me") == "Team"
    assert author_text(said("agent", "Nameless", Author(None, "cn_kim")), "cn_me") == "A teammate"
    assert author_text(said("shopper", "Hi"), "cn_me") == "Shopper"


def test_the_thread_names_each_author_escaped() -> None:
    html = thread_html(LINE, [MINE, SAMS, AI], [], "cn_me")
    assert "<b>You</b>" in html and "<b>Sam &lt;b&gt;</b>" in html
    assert "<b>AI agent</b>" in html and "Sam <b>" not in html
