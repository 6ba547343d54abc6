"""What is kept of the model's answer: plain text, capped; an unsure answer is noticed."""

from __future__ import annotations

from core.agent.prompt import MAX_REPLY, clean_reply, conversation, unsure


def test_the_reply_is_plain_text_and_capped() -> None:
    assert clean_reply("<b>Hi</b>\x07 there, 3 < 5 \u202eok") == "Hi there, 3 < 5 ok"
    long = clean_reply("word " * 1000)
    assert len(long) <= MAX_REPLY + 1 and long.endswith("word…")


def test_an_answer_that_does_not_know_is_unsure() -> None:
    assert unsure("I'm not sure about that, sorry.") and unsure("I do not know.")
    assert not unsure("Our kettle holds one litre.")


def test_the_conversation_keeps_the_last_turns() -> None:
    from core.agent.prompt import Said

    history = [Said("shopper" if n % 2 else "shop", f"m{n}") for n in range(30)]
    messages = conversation("system", history, "now")
    assert messages[0] == {"role": "system", "content": "system"}
    assert messages[-1] == {"role": "user", "content": "now"} and len(messages) == 14
