"""JSON in and out for every relay handler: ``json_response``, ``ApiError`` (an error the
client caused, answered as ``{"error": {...}}``) and ``read_json`` (a JSON object or 400)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from aiohttp import web

from relay.keys import REQUEST_ID

JSON = "application/json"


def json_response(
    data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type=JSON, headers=headers)


class ApiError(Exception):
    """Raise from a handler or service: becomes ``{"error": {"code", "message", ...}}``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields) if fields else None
        self.headers = dict(headers) if headers else None


def invalid(field: str, message: str) -> ApiError:
    """A 422 naming one bad field."""
    return ApiError(422, "invalid", message, fields={field: message})


def error_response(
    request: web.Request,
    status: int,
    code: str,
    message: str,
    *,
    fields: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    error: dict[str, Any] = {
        "code": code,
        "message": message,
        "request_id": request.get(REQUEST_ID, ""),
    }
    if fields:
        error["fields"] = dict(fields)
    return json_response({"error": error}, status=status, headers=headers)


async def read_json(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object; an empty body is ``{}``; anything else is a 400."""
    body = await request.read()
    if not body.strip():
        return {}
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ApiError(400, "bad_json", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "bad_json", "The request body must be a JSON object.")
    return data
