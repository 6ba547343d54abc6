"""The baseline: a bare aiohttp application answering a small JSON document, nothing else."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from aiohttp import web

from core.widgets import public_config, widget_from_json

# the same document the relay answers for a default widget, so both send the same bytes
DOCUMENT = public_config(
    widget_from_json({"key": "wk_bench000000", "name": "Widget 0", "store": "demo"}),
    now=datetime.now(UTC),
    language=None,
) | {"version": 1}


async def handler(request: web.Request) -> web.Response:
    if request.can_read_body:
        await request.read()
    return web.json_response(DOCUMENT)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    web.run_app(app, host="127.0.0.1", port=args.port, print=lambda *_: print("ready", flush=True))


if __name__ == "__main__":
    main()
