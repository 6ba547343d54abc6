"""Clustering the questions the bot could not answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.analytics.unanswered import Question, cluster_questions

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def q(text: str, minutes: int, conversation: str = "c") -> Question:
    return Question(text, T0 + timedelta(minutes=minutes), conversation)


def test_similar_wordings_group_and_the_most_asked_comes_first() -> None:
    clusters = cluster_questions(
        [
            q("Do you ship to Norway?", 1, "c1"),
            q("do you ship to norway", 2, "c2"),
            q("Shipping to Norway?", 3, "c3"),
            q("Can I pay with PayPal?", 4, "c4"),
            q("Do you ship to Norway?", 5, "c5"),
            q("?!", 6, "c6"),
        ]
    )
    assert [c.count for c in clusters] == [4, 1]
    norway, paypal = clusters
    assert norway.question == "Do you ship to Norway?"
    assert norway.conversations == ("c1", "c2", "c3", "c5")
    assert norway.last_at == T0 + timedelta(minutes=5)
    assert paypal.question == "Can I pay with PayPal?"


def test_unrelated_questions_stay_apart() -> None:
    clusters = cluster_questions(
        [q("gift wrapping", 1), q("gift cards", 2), q("wrapping paper", 3)]
    )
    assert sorted(c.count for c in clusters) == [1, 1, 1]
    assert cluster_questions([]) == []
