"""The Shopify app embed block rendered as Shopify would: a Liquid engine (python-liquid)
with Shopify's ``asset_url`` filter; ``{% schema %}`` is Shopify's own tag and is left out."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "widget" / "shopify" / "extensions" / "storedesk-chat"
BLOCK = EXTENSION / "blocks" / "storedesk.liquid"
_SCHEMA = re.compile(r"\{%-?\s*schema\s*-?%\}(.*?)\{%-?\s*endschema\s*-?%\}", re.S)


def schema() -> dict[str, Any]:
    match = _SCHEMA.search(BLOCK.read_text())
    assert match, "the block has no {% schema %}"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def render_block(
    customer: dict[str, Any] | None,
    *,
    assets: str = "//cdn.shopify.test/extensions/x/assets/",
    root_url: str = "/",
    **settings: Any,
) -> str:
    import liquid

    env = liquid.Environment()
    env.filters["asset_url"] = lambda name: assets + str(name)
    defaults = {s["id"]: s.get("default", "") for s in schema()["settings"]}
    template = env.from_string(_SCHEMA.sub("", BLOCK.read_text()))
    return str(
        template.render(
            block={"settings": defaults | settings},
            customer=customer,
            routes={"root_url": root_url},
        )
    )
