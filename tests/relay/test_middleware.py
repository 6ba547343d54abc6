"""One middleware per concern, each seen from the outside: JSON errors, request ids, security
headers, CORS per widget, rate limits, body size, content type, draining, metrics."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from relay.app import create_app
from relay.keys import RUNTIME, STORE
from tests.relay.console_helpers import ORIGIN, WIDGET_KEY, small_bundle

CONFIG = f"/v1/widgets/{WIDGET_KEY}/config"
START = f"/v1/widgets/{WIDGET_KEY}/conversations"


async def _published(client: TestClient) -> TestClient:
    await client.app[STORE].publish(small_bundle(), dry_run=False)
    return client


def _error(body: dict[str, Any], code: str) -> None:
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"].endswith(".")
    assert body["error"]["request_id"]


# -- errors ----------------------------------------------------------------------------------


async def test_unknown_routes_and_methods_answer_json(app_client: TestClient) -> None:
    response = await app_client.get("/no/such/page")
    assert response.status == 404 and response.content_type == "application/json"
    _error(await response.json(), "not_found")
    response = await app_client.delete("/healthz")
    assert response.status == 405 and "GET" in response.headers["Allow"]
    _error(await response.json(), "method_not_allowed")


async def test_an_unexpected_failure_is_json_without_a_traceback(
    aiohttp_client: Any, relay_settings: Any
) -> None:
    app = create_app(relay_settings())

    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError("secret internals")

    app.router.add_get("/broken", broken)
    client = await aiohttp_client(app)
    response = await client.get("/broken")
    text = await response.text()
    assert response.status == 500
    assert "Traceback" not in text and "secret internals" not in text
    _error(await response.json(), "internal")


# -- request ids -----------------------------------------------------------------------------


async def test_request_ids_are_echoed_when_sane(app_client: TestClient) -> None:
    response = await app_client.get("/healthz", headers={"X-Request-Id": "lb-1234abcd"})
    assert response.headers["X-Request-Id"] == "lb-1234abcd"
    response = await app_client.get("/nope", headers={"X-Request-Id": "<script>"})
    made = response.headers["X-Request-Id"]
    assert made.startswith("req_") and (await response.json())["error"]["request_id"] == made


# -- security headers ------------------------------------------------------------------------


async def test_security_headers_and_hsts_only_over_https(
    aiohttp_client: Any, relay_settings: Any
) -> None:
    client = await aiohttp_client(create_app(relay_settings(trust_forwarded=True)))
    response = await client.get("/healthz")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in response.headers
    response = await client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "max-age" in response.headers["Strict-Transport-Security"]


async def test_forwarded_proto_is_ignored_without_a_trusted_proxy(app_client: TestClient) -> None:
    response = await app_client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


# -- CORS ------------------------------------------------------------------------------------


async def test_preflight_from_an_allowed_origin(app_client: TestClient) -> None:
    await _published(app_client)
    response = await app_client.options(
        START,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status == 204
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed = response.headers["Access-Control-Allow-Headers"]
    assert all(h in allowed for h in ("Authorization", "Content-Type", "Last-Event-ID"))
    assert "Origin" in response.headers["Vary"]


async def test_a_refused_origin_gets_no_cors_headers(app_client: TestClient) -> None:
    await _published(app_client)
    for method in ("OPTIONS", "GET"):
        response = await app_client.request(
            method, CONFIG, headers={"Origin": "https://evil.example"}
        )
        assert response.status == 403
        assert "Access-Control-Allow-Origin" not in response.headers
        _error(await response.json(), "origin_not_allowed")


async def test_cors_headers_on_answers_and_errors_to_allowed_pages(
    app_client: TestClient,
) -> None:
    await _published(app_client)
    response = await app_client.get(CONFIG, headers={"Origin": "https://SHOP.example.com"})
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == "https://SHOP.example.com"
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]
    response = await app_client.post(
        START, data="{oops", headers={"Origin": ORIGIN, "Content-Type": "application/json"}
    )
    assert response.status == 400
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


async def test_no_cors_without_origin_or_outside_the_widget_api(app_client: TestClient) -> None:
    await _published(app_client)
    response = await app_client.get(CONFIG)
    assert "Access-Control-Allow-Origin" not in response.headers
    response = await app_client.get("/v1/console/status", headers={"Origin": ORIGIN})
    assert response.status == 401
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_preflight_for_an_unknown_widget_is_404(app_client: TestClient) -> None:
    response = await app_client.options(
        "/v1/widgets/wk_unknown_000000/config", headers={"Origin": ORIGIN}
    )
    assert response.status == 404
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_any_origin_when_the_widget_lists_none(app_client: TestClient) -> None:
    await app_client.app[STORE].publish(small_bundle(config={}), dry_run=False)
    response = await app_client.get(CONFIG, headers={"Origin": "https://anywhere.example"})
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == "https://anywhere.example"


# -- rate limits -----------------------------------------------------------------------------


async def test_per_ip_limit_answers_429_with_retry_after(
    aiohttp_client: Any, relay_settings: Any
) -> None:
    client = await aiohttp_client(create_app(relay_settings(ip_requests_per_minute=60, ip_burst=3)))
    statuses = [(await client.get("/v1/openapi.json")).status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = await client.get("/nope")
    assert response.status == 429 and int(response.headers["Retry-After"]) >= 1
    _error(await response.json(), "rate_limited")
    assert (await client.get("/healthz")).status == 200  # health checks are never limited


async def test_forwarded_for_is_used_only_behind_a_trusted_proxy(
    aiohttp_client: Any, relay_settings: Any
) -> None:
    limited = {"ip_requests_per_minute": 60, "ip_burst": 1}
    trusting = await aiohttp_client(create_app(relay_settings(trust_forwarded=True, **limited)))
    for address in ("203.0.113.1", "203.0.113.2"):
        response = await trusting.get("/nope", headers={"X-Forwarded-For": f"10.0.0.9, {address}"})
        assert response.status == 404
    plain = await aiohttp_client(create_app(relay_settings(**limited)))
    first = await plain.get("/nope", headers={"X-Forwarded-For": "203.0.113.1"})
    second = await plain.get("/nope", headers={"X-Forwarded-For": "203.0.113.2"})
    assert (first.status, second.status) == (404, 429)


# -- body size and content type --------------------------------------------------------------


async def test_oversized_bodies_are_refused(app_client: TestClient) -> None:
    big = b'{"text": "' + b"a" * 17000 + b'"}'
    response = await app_client.post(
        "/v1/console/pair", data=big, headers={"Content-Type": "application/json"}
    )
    assert response.status == 413
    _error(await response.json(), "too_large")


async def test_oversized_chunked_bodies_are_refused(app_client: TestClient) -> None:
    async def chunks() -> Any:
        for _ in range(40):
            yield b"a" * 1024

    response = await app_client.post(
        "/v1/console/pair", data=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status == 413
    _error(await response.json(), "too_large")


async def test_a_body_of_exactly_the_limit_is_read(app_client: TestClient) -> None:
    body = b'{"code": "' + b"a" * (16384 - 12) + b'"}'
    assert len(body) == 16384
    response = await app_client.post(
        "/v1/console/pair", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status == 422  # read and checked: the public key is missing


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
async def test_bodies_must_be_json(app_client: TestClient, content_type: str) -> None:
    response = await app_client.post(
        "/v1/console/pair", data=b'{"code": "x"}', headers={"Content-Type": content_type}
    )
    assert response.status == 415
    _error(await response.json(), "unsupported_media_type")


async def test_malformed_json_is_400(app_client: TestClient) -> None:
    response = await app_client.post(
        "/v1/console/pair", data=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    _error(await response.json(), "bad_json")


# -- draining and metrics --------------------------------------------------------------------


async def test_draining_answers_503_but_stays_alive(app_client: TestClient) -> None:
    app_client.app[RUNTIME].begin_draining()
    response = await app_client.get("/v1/openapi.json")
    assert response.status == 503 and response.headers["Retry-After"]
    _error(await response.json(), "draining")
    assert (await app_client.get("/healthz")).status == 200
    assert (await app_client.get("/readyz")).status == 503


async def test_metrics_count_routes_by_template(app_client: TestClient) -> None:
    await _published(app_client)
    await app_client.get(CONFIG)
    await app_client.get("/v1/widgets/wk_unknown_000000/config")
    text = await (await app_client.get("/metrics")).text()
    assert 'route="/v1/widgets/{key}/config"' in text
    assert WIDGET_KEY not in text  # concrete paths never become labels
    assert "storedesk_relay_request_seconds_bucket" in text


async def test_chunked_widget_bodies_stop_at_16_kib(app_client: TestClient) -> None:
    await _published(app_client)

    async def chunks() -> Any:
        for _ in range(20):
            yield b"a" * 1024

    response = await app_client.post(
        START, data=chunks(), headers={"Content-Type": "application/json", "Origin": ORIGIN}
    )
    assert response.status == 413
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    _error(await response.json(), "too_large")


async def test_the_console_may_publish_more_than_16_kib(app_client: TestClient) -> None:
    from tests.relay.console_helpers import paired_console

    console = await paired_console(app_client)
    knowledge = [
        {"id": f"kb-{i}", "question": f"Question number {i}?", "answer": "An answer. " * 20}
        for i in range(200)
    ]
    status, body = await console.call(
        "PUT", "/v1/console/publish", small_bundle(knowledge=knowledge)
    )
    assert status == 200, body
    assert body["changes"]["knowledge"]["added"] == 200
