"""The agent's tools as the model sees them, and the check of the arguments it sends.

Each tool takes a flat JSON object of short strings; anything else (unknown tools, extra or
missing arguments, wrong types, over-long values, JSON that does not parse) is refused with
a sentence the model can act on, and nothing is run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Param:
    description: str
    limit: int
    required: bool = False


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    description: str
    params: dict[str, Param]

    def spec(self) -> dict[str, Any]:
        """The tool in the chat-completions ``tools`` form."""
        properties = {
            name: {"type": "string", "description": p.description, "maxLength": p.limit}
            for name, p in self.params.items()
        }
        required = [name for name, p in self.params.items() if p.required]
        parameters = {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": parameters,
            },
        }


TOOLS = {
    tool.name: tool
    for tool in (
        Tool(
            "order_lookup",
            "The shopper's order by its number, or their recent orders without a number. "
            "Only the shopper's own orders are shown, once they proved who they are; "
            "otherwise the answer is verification_needed and the shop asks them.",
            {"number": Param("The order number the shopper gave, such as 1001.", 40)},
        ),
        Tool(
            "customer_profile",
            "The signed-in or verified shopper's own customer record (name, order count).",
            {},
        ),
        Tool(
            "product_search",
            "Products of the shop matching words: title, price, stock, link.",
            {"query": Param("A few words naming the product.", 100, required=True)},
        ),
        Tool(
            "knowledge_search",
            "The shop's own answers (shipping, returns, opening hours, policies).",
            {"query": Param("The question, in a few words.", 200, required=True)},
        ),
        Tool(
            "create_lead",
            "Pass the shopper's request to the shop's team: with the email or phone the "
            "shopper wrote in this chat, a lead is recorded; otherwise a contact form is shown.",
            {
                "message": Param("What the shopper wants, in one or two sentences.", 1000, True),
                "name": Param("The shopper's name, as they wrote it.", 120),
                "email": Param("The email address the shopper wrote in this chat.", 254),
                "phone": Param("The phone number the shopper wrote in this chat.", 40),
            },
        ),
        Tool(
            "handoff",
            "Use when you are not sure of the answer, or the shopper wants a person: the "
            "shop's own assistant takes over this message.",
            {"reason": Param("Why, in a few words.", 200)},
        ),
    )
}


def tool_specs() -> list[dict[str, Any]]:
    return [tool.spec() for tool in TOOLS.values()]


class Refused(ValueError):
    """The call was not run; the message is for the model."""


def check_call(name: str, raw: str) -> dict[str, str]:
    """The arguments of a call to tool ``name``; ``Refused`` when they do not fit."""
    tool = TOOLS.get(name)
    if tool is None:
        raise Refused(f"There is no tool named {name[:60]!r}; use one of: {', '.join(TOOLS)}.")
    try:
        data = json.loads(raw or "{}")
    except (ValueError, RecursionError):
        raise Refused("The arguments must be a JSON object.") from None
    if not isinstance(data, dict):
        raise Refused("The arguments must be a JSON object.")
    unknown = sorted(set(data) - set(tool.params))
    if unknown:
        raise Refused(f"{name} takes no argument {unknown[0][:60]!r}.")
    checked: dict[str, str] = {}
    for key, param in tool.params.items():
        value = data.get(key)
        if value is None or value == "":
            if param.required:
                raise Refused(f"{name} needs {key}.")
            continue
        if not isinstance(value, str):
            raise Refused(f"{key} must be a string.")
        if len(value) > param.limit:
            raise Refused(f"{key} must be {param.limit} characters or fewer.")
        checked[key] = value.strip()
    return checked
