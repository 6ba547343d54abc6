"""Reading a chat-completions answer: streamed chunks (text, tool-call pieces, usage) as
llama.cpp, vLLM, Ollama and hosted services send them; anything else is garbage."""

from __future__ import annotations

import orjson
import pytest

from connectors.llm.stream import chunk_events, read_line
from core.agent.model import ModelError, TextDelta, ToolCallDelta, Usage


def line(chunk: object) -> str:
    return "data: " + orjson.dumps(chunk).decode()


def test_text_tool_call_pieces_usage_and_the_end() -> None:
    call = {"index": 0, "id": "c1", "function": {"name": "order_lookup", "arguments": '{"num'}}
    assert read_line(line({"choices": [{"delta": {"content": "Hi"}}]})) == [TextDelta("Hi")]
    assert read_line(line({"choices": [{"delta": {"tool_calls": [call]}}]})) == [
        ToolCallDelta(0, "c1", "order_lookup", '{"num')
    ]
    usage = {"choices": [], "usage": {"prompt_tokens": 7, "completion_tokens": 3}}
    assert read_line(line(usage)) == [Usage(7, 3)]
    assert read_line(": keep-alive") == [] and read_line("event: x") == []
    assert read_line("data: [DONE]") is None


def test_arguments_sent_as_an_object_and_a_whole_answer() -> None:
    call = {"function": {"name": "product_search", "arguments": {"query": "mug"}}}
    whole = {"choices": [{"message": {"content": None, "tool_calls": [call]}}]}
    assert list(chunk_events(whole, streamed=False)) == [
        ToolCallDelta(0, None, "product_search", '{"query":"mug"}')
    ]


@pytest.mark.parametrize(
    "text",
    [
        "data: {not json",
        line(["a list"]),
        line({"error": {"message": "model not loaded"}}),
        line({"choices": [{"delta": {"content": 5}}]}),
        line({"choices": [{"delta": {"tool_calls": [{"index": "x"}]}}]}),
        line({"choices": "nope"}),
    ],
)
def test_garbage_is_a_model_error(text: str) -> None:
    with pytest.raises(ModelError):
        read_line(text)
