"""What a page must show after hostile text went through the widget: no payload ran (no
dialog, no ``window.__xss``), no element or attribute came from a payload, no link other
than https (or http to this computer), and nothing was fetched from a payload's address."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Dialog, Page, Request, Route

# The elements the loader and the panel make; anything else in the shadow root was injected.
WIDGET_TAGS = (
    "a button div form h2 img input label li link ol p path small span strong svg textarea ul"
)
_INSPECT = """
(tags) => {
  const allowed = new Set(tags.split(' '));
  const host = document.querySelector('storedesk-widget');
  const shadow = host && host.shadowRoot;
  const found = {xss: window.__xss === undefined ? null : String(window.__xss),
    foreign: [], handlers: [], links: [], images: [], frames: [], text: ''};
  const addresses = ['href', 'src', 'xlink:href', 'action', 'formaction', 'srcdoc', 'data'];
  for (const [where, root] of [['page', document], ['widget', shadow]]) {
    if (!root) continue;
    for (const el of root.querySelectorAll('*')) {
      const tag = el.tagName.toLowerCase();
      for (const a of el.attributes) {
        if (a.name.startsWith('on')) found.handlers.push(`${where} <${tag} ${a.name}>`);
      }
      if (where === 'widget' && !allowed.has(tag)) found.foreign.push(tag);
      const framing = ['iframe', 'object', 'embed', 'frame', 'base', 'meta'];
      if (framing.includes(tag) && where === 'widget') found.frames.push(tag);
      if (where !== 'widget') continue;
      for (const name of addresses) {
        const value = el.getAttribute(name);
        if (value === null) continue;
        if (tag === 'a') found.links.push(value);
        else if (tag === 'img') found.images.push(value);
        else if (!(tag === 'link' && name === 'href'))
          found.foreign.push(`${tag}[${name}=${value}]`);
      }
    }
  }
  found.text = shadow ? shadow.textContent : '';
  return found;
}
"""


@dataclass
class Trap:
    """Records what must not happen on a page: dialogs, page errors, fetches of payloads."""

    origin: str
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", self._request)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _request(self, request: Request) -> None:
        url = request.url
        expected = url.startswith(self.origin) and (
            "/v1/" in url or "/widget" in url or "/demo/" in url
        )
        bare = url.rstrip("/").rsplit("/", 1)[-1] in ("x", "leak")
        if not expected or bare or url.startswith("data:"):
            self.fetched.append(url)


def without_csp(page: Page, url: str) -> None:
    """Serve ``url`` without its Content-Security-Policy: most shops have none, and a strict
    one would block inline handlers and hide a widget that lets markup through."""

    def strip(route: Route) -> None:
        response = route.fetch()
        headers = {
            k: v for k, v in response.headers.items() if k.lower() != "content-security-policy"
        }
        route.fulfill(response=response, headers=headers)

    page.route(url, strip)


def inspect(page: Page) -> dict[str, Any]:
    return dict(page.evaluate(_INSPECT, WIDGET_TAGS))


def safe_link(url: str) -> bool:
    return url.startswith("https://") or url.startswith(
        ("http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/")
    )


def assert_nothing_ran(page: Page, trap: Trap) -> dict[str, Any]:
    """Every check above; returns what was found (``text`` is the widget's whole text)."""
    found = inspect(page)
    assert found["xss"] is None, f"a payload ran: window.__xss = {found['xss']}"
    assert trap.dialogs == [], trap.dialogs
    assert trap.errors == [], trap.errors
    assert found["handlers"] == [], found["handlers"]
    assert found["foreign"] == [], found["foreign"]
    assert found["frames"] == [], found["frames"]
    assert [u for u in found["links"] if not safe_link(u)] == [], found["links"]
    assert [u for u in found["images"] if not u.startswith("https://")] == [], found["images"]
    assert trap.fetched == [], trap.fetched
    return found
