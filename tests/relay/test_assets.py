"""The relay serves the widget's files as a browser and a CDN expect: minified, compressed
(br, gzip) to match ``Accept-Encoding``, with ETags and 304s, a year's cache for versioned
files and five minutes for the loader; and the demo shop page, escaped and under a strict
Content-Security-Policy, only when demo pages are on."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import brotli
import pytest
import rcssmin
import rjsmin
from aiohttp.test_utils import TestClient

from relay.app import create_app
from relay.assets import load_assets
from relay.cli import build_parser
from relay.keys import STORE
from relay.openapi import openapi_document
from relay.routes.demo import fill
from relay.settings import Settings, SettingsError
from tests.relay.console_helpers import small_bundle

LOADER_JS = """\
(function () {
  'use strict';
  // the loader: finds its script tag, then loads the panel
  var base = '__STOREDESK_ASSETS__';
  var script = document.currentScript || document.querySelector('script[data-widget]');
  var origin = new URL(script.src).origin;
  window.loaded = origin + base + '/panel.js';
  window.styled = origin + base + '/panel.css';
})();
"""
_PARTS = "".join(
    f"  var part{i} = document.createElement('div'); part{i}.dataset.part = 'p{i}';\n"
    for i in range(30)
)
PANEL_JS = "(function () {\n  'use strict';\n  /* the panel */\n" + _PARTS + "})();\n"
PANEL_CSS = ":host {\n  all: initial;   /* reset */\n  color: #111;\n}\n" + "".join(
    f"[data-part=p{i}] {{\n  margin: {i}px;\n  color: #111;\n}}\n" for i in range(30)
)
SHOP_HTML = (
    '<!doctype html><html><head><link rel="stylesheet" href="/demo/assets/shop.css"></head>'
    '<body><h1>Shop</h1><script src="{{relay}}/widget.js" data-widget="{{widget_key}}" async>'
    "</script></body></html>"
)
ODD_KEY = 'wk_<b>"odd"&\'key'
NO_ENCODING = {"Accept-Encoding": "identity"}
DOC = openapi_document()


@pytest.fixture
def widget_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "widget"
    (folder / "demo").mkdir(parents=True)
    (folder / "loader.js").write_text(LOADER_JS)
    (folder / "panel.js").write_text(PANEL_JS)
    (folder / "panel.css").write_text(PANEL_CSS)
    (folder / "demo" / "shop.html").write_text(SHOP_HTML)
    (folder / "demo" / "shop.css").write_text("body {\n  margin: 0;\n}\n")
    return folder


async def _client(
    aiohttp_client: Any, relay_settings: Any, folder: Path, **settings: Any
) -> TestClient:
    app = create_app(relay_settings(**settings), assets=load_assets(folder))
    return await aiohttp_client(app, auto_decompress=False)


@pytest.fixture
async def client(aiohttp_client: Any, relay_settings: Any, widget_dir: Path) -> TestClient:
    return await _client(aiohttp_client, relay_settings, widget_dir, demo_pages=True)


async def _version(client: TestClient) -> str:
    loader = await (await client.get("/widget.js", headers=NO_ENCODING)).text()
    match = re.search(r"/widget/([0-9a-f]+)", loader)
    assert match, loader
    return match.group(1)


# -- the widget's files ----------------------------------------------------------------------


async def test_the_loader_is_minified_points_at_the_versioned_panel_and_caches_briefly(
    client: TestClient,
) -> None:
    response = await client.get("/widget.js", headers=NO_ENCODING)
    body = await response.text()
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert re.fullmatch(r'"[0-9a-f]{20}"', response.headers["ETag"])
    assert "__STOREDESK_ASSETS__" not in body and "the loader:" not in body
    version = await _version(client)
    assert body == rjsmin.jsmin(LOADER_JS).replace("__STOREDESK_ASSETS__", f"/widget/{version}")


async def test_the_panel_files_are_cached_for_a_year_under_their_version(
    client: TestClient,
) -> None:
    version = await _version(client)
    script = await client.get(f"/widget/{version}/panel.js", headers=NO_ENCODING)
    style = await client.get(f"/widget/{version}/panel.css", headers=NO_ENCODING)
    assert script.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert await script.text() == rjsmin.jsmin(PANEL_JS)
    assert style.headers["Content-Type"] == "text/css; charset=utf-8"
    assert await style.text() == rcssmin.cssmin(PANEL_CSS)
    assert style.headers["Cross-Origin-Resource-Policy"] == "cross-origin"


async def test_a_new_panel_gets_a_new_version(
    aiohttp_client: Any, relay_settings: Any, widget_dir: Path, client: TestClient
) -> None:
    before = await _version(client)
    (widget_dir / "panel.css").write_text(PANEL_CSS.replace("#111", "#222"))
    changed = await _client(aiohttp_client, relay_settings, widget_dir)
    assert await _version(changed) != before


async def test_an_old_or_unknown_version_still_gets_the_panel_but_not_for_long(
    client: TestClient,
) -> None:
    response = await client.get("/widget/0123456789/panel.js", headers=NO_ENCODING)
    assert response.status == 200
    assert await response.text() == rjsmin.jsmin(PANEL_JS)
    assert response.headers["Cache-Control"] == "public, max-age=300"
    version = await _version(client)
    for path in (f"/widget/{version}/loader.py", f"/widget/{version}/../app.py", "/widget/x/p.js"):
        assert (await client.get(path)).status == 404


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [
        ("gzip, deflate, br, zstd", "br", brotli.decompress),
        ("gzip, deflate", "gzip", gzip.decompress),
        ("br;q=0, gzip;q=0.5", "gzip", gzip.decompress),
        ("*", "br", brotli.decompress),
        ("identity", None, bytes),
    ],
)
async def test_each_encoding_decodes_to_the_minified_file(
    client: TestClient, accept: str, encoding: str | None, decode: Any
) -> None:
    version = await _version(client)
    for path, source in (
        ("/widget.js", None),
        (f"/widget/{version}/panel.js", rjsmin.jsmin(PANEL_JS)),
        (f"/widget/{version}/panel.css", rcssmin.cssmin(PANEL_CSS)),
    ):
        plain = await (await client.get(path, headers=NO_ENCODING)).read()
        response = await client.get(path, headers={"Accept-Encoding": accept})
        assert response.headers.get("Content-Encoding") == encoding
        body = decode(await response.read())
        assert body == plain
        assert source is None or body == source.encode()


async def test_a_browser_that_has_the_file_gets_304_for_the_same_encoding_only(
    client: TestClient,
) -> None:
    first = await client.get("/widget.js", headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    again = await client.get(
        "/widget.js", headers={"Accept-Encoding": "gzip", "If-None-Match": etag}
    )
    assert again.status == 304 and await again.read() == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "public, max-age=300"
    weak = await client.get(
        "/widget.js", headers={"Accept-Encoding": "gzip", "If-None-Match": f'"x", W/{etag}'}
    )
    assert weak.status == 304
    other = await client.get("/widget.js", headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert other.status == 200 and other.headers["ETag"] != etag
    stale = await client.get("/widget.js", headers={"If-None-Match": '"0000"'})
    assert stale.status == 200


async def test_missing_widget_files_do_not_stop_the_relay_and_answer_503(
    aiohttp_client: Any, relay_settings: Any, tmp_path: Path
) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    client = await _client(aiohttp_client, relay_settings, empty, demo_pages=True)
    assert (await client.get("/healthz")).status == 200
    response = await client.get("/widget.js")
    error = (await response.json())["error"]
    assert response.status == 503 and error["code"] == "widget_unavailable"
    assert "loader.js" in error["message"] and "panel.js" in error["message"]
    assert (await client.get("/widget/dev/panel.css")).status == 503


# -- the demo shop page ----------------------------------------------------------------------


async def _publish(client: TestClient, key: str) -> None:
    bundle = small_bundle(key=key)
    await client.app[STORE].publish(bundle, dry_run=False)


async def test_the_demo_page_embeds_the_widget_under_a_strict_policy(client: TestClient) -> None:
    await _publish(client, "wk_demo-page_0001")
    response = await client.get("/demo/wk_demo-page_0001")
    page = await response.text()
    assert response.status == 200 and response.content_type == "text/html"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    origin = "http://127.0.0.1:8080"  # no public URL set: the address the relay is bound to
    assert f'<script src="{origin}/widget.js" data-widget="wk_demo-page_0001" async>' in page
    css = await client.get("/demo/assets/shop.css", headers=NO_ENCODING)
    assert css.status == 200 and await css.text() == "body{margin:0}"
    assert (await client.get("/demo/assets/shop.html")).status == 404


async def test_a_forged_host_never_reaches_the_page(client: TestClient) -> None:
    await _publish(client, "wk_demo-page_0001")
    forged = 'evil.example"><script>alert(1)</script>'
    response = await client.get("/demo/wk_demo-page_0001", headers={"Host": forged})
    page = await response.text()
    assert "<script>alert" not in page and "evil.example" not in page
    assert 'src="http://127.0.0.1:8080/widget.js"' in page  # the relay's own address


async def test_a_plausible_host_header_is_not_written_into_the_page(client: TestClient) -> None:
    await _publish(client, "wk_demo-page_0001")
    response = await client.get("/demo/wk_demo-page_0001", headers={"Host": "evil.example"})
    page = await response.text()
    assert "evil.example" not in page
    assert 'src="http://127.0.0.1:8080/widget.js"' in page


async def test_the_page_names_the_configured_public_url_whatever_the_host_header(
    aiohttp_client: Any, relay_settings: Any, widget_dir: Path
) -> None:
    client = await _client(
        aiohttp_client,
        relay_settings,
        widget_dir,
        demo_pages=True,
        public_url="https://chat.example.com",
    )
    await _publish(client, "wk_demo-page_0001")
    for host in ("evil.example", "evil.example:443", "127.0.0.1:1"):
        response = await client.get("/demo/wk_demo-page_0001", headers={"Host": host})
        page = await response.text()
        assert "evil.example" not in page and "127.0.0.1" not in page
        assert 'src="https://chat.example.com/widget.js"' in page


@pytest.mark.parametrize(
    ("given", "public_url"),
    [
        (None, "http://127.0.0.1:8080"),
        ("https://Chat.Example.com/", "https://chat.example.com"),
        ("https://example.com/relay/", "https://example.com/relay"),
    ],
)
def test_serve_takes_a_public_url(tmp_path: Path, given: str | None, public_url: str) -> None:
    argv = ["serve", "--data-dir", str(tmp_path)] + (["--public-url", given] if given else [])
    assert Settings.from_env(build_parser().parse_args(argv), env={}).public_address == public_url
    args = build_parser().parse_args(["serve", "--data-dir", str(tmp_path)])
    env = {"STOREDESK_RELAY_PUBLIC_URL": "https://from-env.example"}
    assert Settings.from_env(args, env=env).public_address == "https://from-env.example"
    args = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9000"])
    assert Settings.from_env(args, env={"STOREDESK_RELAY_HOME": str(tmp_path)}).public_address == (
        "http://127.0.0.1:9000"
    )


@pytest.mark.parametrize("bad", ["chat.example.com", "ftp://x.example", "https://x.example/?a=1"])
def test_a_bad_public_url_is_one_sentence(tmp_path: Path, bad: str) -> None:
    args = build_parser().parse_args(["serve", "--data-dir", str(tmp_path), "--public-url", bad])
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(args, env={})
    assert "--public-url" in str(caught.value) and str(caught.value).endswith(".")


def test_both_slots_of_the_page_are_escaped() -> None:
    page = fill(SHOP_HTML, 'http://a"b', ODD_KEY)
    assert 'src="http://a&quot;b/widget.js"' in page
    assert 'data-widget="wk_&lt;b&gt;&quot;odd&quot;&amp;&#x27;key"' in page
    assert fill("{{relay}} {{widget_key}} {{other}}", "{{widget_key}}", "k") == (
        "{{widget_key}} k {{other}}"
    )


async def test_a_demo_page_for_an_unpublished_widget_is_a_404_page_with_the_key_escaped(
    client: TestClient,
) -> None:
    response = await client.get("/demo/wk_<img src=x onerror=alert(1)>")
    page = await response.text()
    assert response.status == 404 and response.content_type == "text/html"
    assert "<img" not in page and "wk_&lt;img src=x onerror=alert(1)&gt;" in page
    assert "storedesk relay publish" in page


async def test_demo_pages_are_off_unless_asked_for(
    aiohttp_client: Any, relay_settings: Any, widget_dir: Path
) -> None:
    client = await _client(aiohttp_client, relay_settings, widget_dir)
    await _publish(client, "wk_published_0001")
    response = await client.get("/demo/wk_published_0001")
    assert response.status == 404 and response.content_type == "text/html"
    assert "--demo-pages" in await response.text()
    assert (await client.get("/demo/assets/shop.css")).status == 404
    assert (await client.get("/widget.js")).status == 200


def test_serve_demo_pages_on_the_command_line(tmp_path: Path) -> None:
    args = build_parser().parse_args(["serve", "--demo-pages", "--data-dir", str(tmp_path)])
    assert Settings.from_env(args, env={}).demo_pages is True
    args = build_parser().parse_args(["serve", "--data-dir", str(tmp_path)])
    assert Settings.from_env(args, env={}).demo_pages is False


async def test_the_openapi_document_describes_what_these_routes_answer(
    client: TestClient,
) -> None:
    await _publish(client, "wk_demo-page_0001")
    version = await _version(client)
    paths = DOC["paths"]
    for template, path in (
        ("/widget.js", "/widget.js"),
        ("/widget/{version}/{name}", f"/widget/{version}/panel.css"),
        ("/demo/{widget_key}", "/demo/wk_demo-page_0001"),
        ("/demo/{widget_key}", "/demo/wk_not-published"),
        ("/demo/assets/{name}", "/demo/assets/shop.css"),
    ):
        response = await client.get(path)
        documented = paths[template]["get"]["responses"][str(response.status)]
        assert response.content_type in documented["content"], (path, response.content_type)
        if "ETag" in response.headers:
            etag = response.headers["ETag"]
            cached = await client.get(path, headers={"If-None-Match": etag})
            assert cached.status == 304 and "304" in paths[template]["get"]["responses"]
