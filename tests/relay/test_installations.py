"""Installations: every config request of a published widget tells the relay which page it
came from (Origin and Referer, cleaned); the signed console API lists them. Writes are
throttled per page, batched, and capped per widget; a conversation keeps its start page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from relay.app import create_app
from relay.keys import INSTALLATIONS, STORE
from relay.services.installations import InstallationLog
from tests.relay.console_helpers import paired_console
from tests.relay.public_helpers import ORIGIN, WIDGET_KEY, publish_demo, start_chat

PATH = f"/v1/console/widgets/{WIDGET_KEY}/installations"


async def load_config(client: TestClient, **headers: str) -> int:
    response = await client.get(f"/v1/widgets/{WIDGET_KEY}/config", headers=headers)
    await response.read()
    return response.status


async def listed(client: TestClient) -> list[dict[str, Any]]:
    console = await paired_console(client)
    status, body = await console.call("GET", PATH)
    assert status == 200, body
    assert body["limit"] == 500
    return list(body["installations"])


async def test_a_page_load_is_listed_without_its_query_string(app_client: TestClient) -> None:
    await publish_demo(app_client)
    referer = f"{ORIGIN}/products/mug?utm_source=mail&email=ann@example.com#reviews"
    assert await load_config(app_client, Origin=ORIGIN, Referer=referer) == 200
    pages = await listed(app_client)
    assert [(p["origin"], p["url"], p["path"]) for p in pages] == [
        (ORIGIN, f"{ORIGIN}/products/mug", "/products/mug")
    ]
    assert pages[0]["first_seen_at"] == pages[0]["last_seen_at"]
    assert "ann@example.com" not in str(pages) and "utm_source" not in str(pages)


async def test_a_refused_origin_is_listed_too(app_client: TestClient) -> None:
    """CORS refuses the copied snippet's site; the console must still hear of it."""
    await publish_demo(app_client)
    other = "https://copycat.example.net"
    assert await load_config(app_client, Origin=other, Referer=f"{other}/") == 403
    assert [p["url"] for p in await listed(app_client)] == [f"{other}/"]


async def test_a_same_origin_page_is_known_by_its_referer(app_client: TestClient) -> None:
    await publish_demo(app_client)
    assert await load_config(app_client, Referer="https://shop.example.com:443/faq") == 200
    assert [p["url"] for p in await listed(app_client)] == [f"{ORIGIN}/faq"]


async def test_without_a_page_the_origin_is_still_listed(app_client: TestClient) -> None:
    await publish_demo(app_client)
    # a referrer policy that sends the origin only; a Referer from another site is not trusted
    await load_config(app_client, Origin=ORIGIN, Referer="https://elsewhere.example.org/x")
    pages = await listed(app_client)
    assert [(p["origin"], p["url"], p["path"]) for p in pages] == [(ORIGIN, None, None)]


async def test_garbage_headers_are_ignored(app_client: TestClient) -> None:
    await publish_demo(app_client)
    for headers in (
        {"Origin": "null"},
        {"Origin": "chrome-extension://abcdef"},
        {"Referer": "file:///home/ann/shop.html"},
        {"Origin": "https://sh op.example.com"},
        {"Referer": "https://user:pw@shop.example.com/x"},
        {"Referer": "https://shop.example.com/" + "a" * 3000},
        {"Origin": "https://shop.example.com:99999"},
        {"Origin": "javascript:alert(1)"},
        {"Origin": "garbage", "Referer": f"{ORIGIN}/real"},
        {},
    ):
        await load_config(app_client, **headers)
    assert await listed(app_client) == []


async def test_unknown_widgets_are_not_recorded(app_client: TestClient) -> None:
    await publish_demo(app_client)
    response = await app_client.get(
        "/v1/widgets/wk_nobody/config", headers={"Origin": ORIGIN, "Referer": f"{ORIGIN}/"}
    )
    assert response.status == 404
    assert app_client.app[INSTALLATIONS].note("wk_demo", None, None) is False
    console = await paired_console(app_client)
    status, body = await console.call("GET", "/v1/console/widgets/wk_nobody/installations")
    assert status == 404 and "publish it first" in body["error"]["message"]


async def test_the_list_needs_a_signed_console(app_client: TestClient) -> None:
    await publish_demo(app_client)
    response = await app_client.get(PATH)
    assert response.status == 401


class Clock:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.moment = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)

    def advance(self, seconds: float) -> None:
        self.seconds += seconds
        self.moment += timedelta(seconds=seconds)


async def clocked_log(client: TestClient, **limits: int) -> tuple[Clock, InstallationLog]:
    """The demo published, and a log on the app's store that reads ``Clock``."""
    await publish_demo(client)
    clock = Clock()
    store = client.app[STORE]
    return clock, InstallationLog(
        store, lambda: clock.moment, clock=lambda: clock.seconds, **limits
    )


async def test_a_page_is_written_at_most_once_a_minute(app_client: TestClient) -> None:
    clock, log = await clocked_log(app_client)
    page = f"{ORIGIN}/cart"
    assert log.note(WIDGET_KEY, ORIGIN, page) is True
    assert await log.flush() == 1
    for _ in range(50):  # fifty page loads in half a minute: nothing to write
        clock.advance(0.6)
        assert log.note(WIDGET_KEY, ORIGIN, page) is False
    assert await log.flush() == 0
    clock.advance(40)
    assert log.note(WIDGET_KEY, ORIGIN, page) is True
    assert log.note(WIDGET_KEY, ORIGIN, f"{ORIGIN}/checkout") is True  # another page
    assert await log.flush() == 2
    pages = {p["url"]: p for p in await log.pages(WIDGET_KEY)}
    cart = pages[page]
    assert cart["first_seen_at"] == "2026-12-06T12:00:00Z"
    assert cart["last_seen_at"] == "2026-12-06T12:01:10Z"


async def test_the_oldest_pages_go_beyond_the_cap(app_client: TestClient) -> None:
    clock, log = await clocked_log(app_client, cap=5)
    for n in range(8):
        clock.advance(1)
        log.note(WIDGET_KEY, ORIGIN, f"{ORIGIN}/page-{n}")
        await log.flush()
    clock.advance(120)
    log.note(WIDGET_KEY, ORIGIN, f"{ORIGIN}/page-0")  # seen again: now the newest
    await log.flush()
    urls = [p["url"] for p in await log.pages(WIDGET_KEY)]
    assert urls == [f"{ORIGIN}/page-{n}" for n in (0, 7, 6, 5, 4)]


async def test_memory_is_bounded(app_client: TestClient) -> None:
    _, log = await clocked_log(app_client, remembered=10, pending=3)
    noted = [log.note(WIDGET_KEY, ORIGIN, f"{ORIGIN}/p{n}") for n in range(6)]
    assert noted == [True, True, True, False, False, False]  # the rest waits for a flush
    assert await log.flush() == 3
    for n in range(30):
        log.note(WIDGET_KEY, ORIGIN, f"{ORIGIN}/q{n}")
        await log.flush()
    assert len(log._noted) <= 10


async def test_unpublishing_a_widget_forgets_its_pages(app_client: TestClient) -> None:
    await publish_demo(app_client)
    await load_config(app_client, Origin=ORIGIN, Referer=f"{ORIGIN}/")
    assert len(await listed(app_client)) == 1
    await app_client.app[STORE].publish({"stores": [], "widgets": []})
    await publish_demo(app_client)
    log = app_client.app[INSTALLATIONS]
    assert await log.pages(WIDGET_KEY) == []


async def test_a_conversation_keeps_its_page_without_the_query(app_client: TestClient) -> None:
    await publish_demo(app_client)
    chat = await start_chat(app_client, page_url=f"{ORIGIN}/cart?coupon=SECRET#top")
    stored = await app_client.app[STORE].conversation(chat.conversation_id)
    assert stored is not None and stored.page_url == f"{ORIGIN}/cart"
    other = await start_chat(app_client, page_url="javascript:alert(1)")
    stored = await app_client.app[STORE].conversation(other.conversation_id)
    assert stored is not None and stored.page_url is None


async def test_pages_are_kept_and_capped_on_postgresql(
    aiohttp_client: Any, relay_settings: Any, relay_pg_url: str
) -> None:
    client = await aiohttp_client(create_app(relay_settings(database_url=relay_pg_url)))
    clock, log = await clocked_log(client, cap=2)
    for n in range(3):
        clock.advance(61)
        log.note(WIDGET_KEY, ORIGIN, f"{ORIGIN}/p{n}")
        log.note(WIDGET_KEY, ORIGIN, f"{ORIGIN}/p0")
        await log.flush()
    pages = await log.pages(WIDGET_KEY)
    assert [p["url"] for p in pages] == [f"{ORIGIN}/p0", f"{ORIGIN}/p2"]
    assert pages[0]["first_seen_at"] == "2026-12-06T12:01:01Z"
    assert pages[0]["last_seen_at"] == "2026-12-06T12:03:03Z"
