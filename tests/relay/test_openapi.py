"""The OpenAPI document tells the truth: every route is in it, real answers (successes and
errors) match the schema documented for their status, and schemathesis fuzzing the public
routes of a real relay on a real port finds no 5xx and no answer that breaks the schema."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import jsonschema
import orjson
import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from relay.app import create_app
from relay.keys import CONVERSATIONS, STORE
from relay.openapi import openapi_document
from relay.services.inputs import StartRequest
from relay.settings import Settings
from tests.relay.console_helpers import paired_console
from tests.relay.live import LiveRelay, live_relay
from tests.relay.public_helpers import ORIGIN, WIDGET_KEY, demo_bundle, publish_demo, start_chat

DOC = openapi_document()


def _template(path: str) -> str:
    for template in DOC["paths"]:
        pattern = "^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path.split("?")[0]):
            return template
    raise AssertionError(f"{path} is not in the OpenAPI document")


async def conforms(response: ClientResponse, *, method: str | None = None) -> Any:
    """Check ``response`` against the document: its status is documented for the operation
    and its JSON body matches that status's schema. Returns the body."""
    method = (method or response.method).lower()
    operation = DOC["paths"][_template(response.url.path)][method]
    documented = operation["responses"].get(str(response.status))
    assert documented, f"{method.upper()} {response.url.path} answered {response.status}"
    body = await response.json()
    schema = documented["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator(
        {"components": DOC["components"], **schema},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    validator.validate(body)
    return body


def test_the_document_is_valid_openapi_3_1() -> None:
    assert DOC["openapi"].startswith("3.1")
    for schema in DOC["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


async def test_every_route_is_documented(app_client: TestClient) -> None:
    routes = {
        (route.method.lower(), route.resource.canonical)
        for route in app_client.app.router.routes()
        if route.resource is not None and route.method not in ("HEAD", "OPTIONS")
    }
    documented = {(m, p) for p, ops in DOC["paths"].items() for m in ops}
    assert routes <= documented, routes - documented
    assert documented <= routes, documented - routes


async def test_served_document_is_the_same(app_client: TestClient) -> None:
    response = await app_client.get("/v1/openapi.json")
    assert await response.json() == DOC


async def test_a_shoppers_conversation_matches_the_document(app_client: TestClient) -> None:
    client = app_client
    await publish_demo(client)
    config = await conforms(await client.get(f"/v1/widgets/{WIDGET_KEY}/config"))
    assert config["key"] == WIDGET_KEY
    started = await conforms(await client.post(f"/v1/widgets/{WIDGET_KEY}/conversations"))
    chat = await start_chat(client)
    path = f"/v1/conversations/{chat.conversation_id}"
    send = f"{path}/messages"
    faq = await conforms(
        await client.post(send, json={"text": "What is your return policy?"}, headers=chat.auth)
    )
    assert faq["messages"][1]["confidence"] is not None
    await client.post(send, json={"text": "where is my order 1001"}, headers=chat.auth)
    answer = await conforms(
        await client.post(send, json={"text": "alice@example.com"}, headers=chat.auth)
    )
    assert any(card["type"] == "order" for m in answer["messages"] for card in m["cards"])
    polled = await conforms(await client.get(send, headers=chat.auth))
    assert len(polled["messages"]) >= 7
    lead = {"kind": "contact", "name": "Ann", "email": "ann@example.com"}
    await conforms(await client.post(f"{path}/lead", json=lead, headers=chat.auth))
    answer_id = faq["messages"][1]["id"]
    for feedback in ({"message_id": answer_id, "helpful": True}, {"rating": 5}):
        await conforms(await client.post(f"{path}/feedback", json=feedback, headers=chat.auth))
    assert started["conversation_id"] != chat.conversation_id


async def test_errors_match_the_document(app_client: TestClient) -> None:
    client = app_client
    await publish_demo(client)
    chat = await start_chat(client)
    send = f"/v1/conversations/{chat.conversation_id}/messages"
    json_type = {"Content-Type": "application/json"}
    cases = [
        await client.get("/v1/widgets/wk_unknown_widget/config"),
        await client.post(send, json={"text": "hi"}, headers={"Authorization": "Bearer nope"}),
        await client.post(send, json={"text": "  "}, headers=chat.auth),
        await client.post(send, json={"text": "x" * 2001}, headers=chat.auth),
        await client.post(send, data=b"{oops", headers=chat.auth | json_type),
        await client.post(send, data=b"text", headers=chat.auth | {"Content-Type": "text/plain"}),
        await client.post(send, data=b"x" * 20000, headers=chat.auth | json_type),
        await client.post(
            f"/v1/conversations/{chat.conversation_id}/lead", json={}, headers=chat.auth
        ),
        await client.get("/v1/conversations/c_unknown/messages", headers=chat.auth),
    ]
    statuses = []
    for response in cases:
        body = await conforms(response)
        statuses.append(response.status)
        assert body["error"]["message"]
    assert statuses == [404, 401, 422, 422, 400, 415, 413, 422, 404]


async def test_the_console_api_matches_the_document(app_client: TestClient) -> None:
    client = app_client
    console = await paired_console(client)

    async def call(method: str, path: str, body: Any = None) -> Any:
        raw = b"" if body is None else orjson.dumps(body)
        response = await client.request(
            method, path, data=raw, headers=console.headers(method, path, raw)
        )
        return await conforms(response)

    await call("PUT", "/v1/console/publish", demo_bundle())
    chat = await start_chat(client)
    await chat.say("What is your return policy?")
    events = await call("GET", "/v1/console/events?limit=50")
    assert {e["type"] for e in events["events"]} >= {"conversation.created", "message"}
    await call(
        "POST",
        f"/v1/console/conversations/{chat.conversation_id}/reply",
        {"text": "Hello from the shop", "author": "Ann"},
    )
    path = f"/v1/console/conversations/{chat.conversation_id}"
    await call("POST", f"{path}/assign", {"assignee": "Ann"})
    await call("POST", f"{path}/typing", {"author": "Ann"})
    await call("POST", f"{path}/status", {"status": "closed", "author": "Ann"})
    await call("POST", f"{path}/status", {"status": "shut"})  # 422, documented
    typing = await client.post(
        f"/v1/conversations/{chat.conversation_id}/typing", headers=chat.auth
    )
    await conforms(typing)
    await call("POST", "/v1/console/events/ack", {"cursor": events["cursor"]})
    status = await call("GET", "/v1/console/status")
    assert status["widgets"] == 1
    await call("GET", "/v1/console/events?limit=0")  # 422, documented


# -- schemathesis against a real relay on a real port ----------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveRelay, dict[str, str]]]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("relay"),
        relay_key=b"f" * 32,
        ip_requests_per_minute=0,
        conversation_messages_per_minute=0,
    )
    with live_relay(create_app(settings)) as relay:

        async def prepare() -> dict[str, str]:
            await relay.app[STORE].publish(demo_bundle(), dry_run=False)
            result = await relay.app[CONVERSATIONS].start(WIDGET_KEY, StartRequest())
            return {"key": WIDGET_KEY, "id": result["conversation_id"], "token": result["token"]}

        yield relay, relay.run(prepare)


def test_schemathesis_finds_no_server_error(live: tuple[LiveRelay, dict[str, str]]) -> None:
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    relay, known = live
    schema = (
        schemathesis.openapi.from_dict(DOC)
        .include(path_regex=r"^/v1/(widgets|conversations)/")
        .exclude(path_regex=r"/stream$")
    )
    auth = {"Authorization": f"Bearer {known['token']}", "Origin": ORIGIN}
    strategies = []
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.path_parameters}
        fixed = {name: known[name] for name in names}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategies.append(operation.as_strategy(mode, path_parameters=fixed, headers=auth))
            strategies.append(operation.as_strategy(mode))
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]

    @settings(
        max_examples=400,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(case=st.one_of(strategies))
    def fuzz(case: Any) -> None:
        response = case.call(base_url=relay.base_url, timeout=10)
        case.validate_response(response, checks=checks)

    fuzz()
