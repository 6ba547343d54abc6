"""The widget as a shopper sees it (located by the contract's ``data-part`` hooks, which
Playwright's CSS locators find through the open shadow root), and a watcher of what must
never happen on the page: dialogs, uncaught errors, Content-Security-Policy violations."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from playwright.sync_api import expect

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Dialog, Locator, Page

# Recorded in the page before any of its scripts run (an init script is not subject to the
# page's CSP); read back by ``Watcher.violations``.
_CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  const seen = (window.__cspViolations = window.__cspViolations || []);
  seen.push(e.violatedDirective + ' ' + e.blockedURI);
}, true);
"""


@dataclass
class Watcher:
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    csp_messages: list[str] = field(default_factory=list)
    page: Page | None = None

    def attach(self, page: Page) -> None:
        self.page = page
        page.add_init_script(_CSP_LISTENER)
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.csp_messages.append(message.text)

    def violations(self) -> list[str]:
        assert self.page is not None
        seen = self.page.evaluate("() => window.__cspViolations || []")
        return [str(item) for item in seen] + self.csp_messages


class Widget:
    """``<storedesk-widget>`` on a page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.launcher = page.locator("button[data-part=launcher]")
        self.panel = page.locator("[data-part=panel]")
        self.log = page.locator("[data-part=log]")
        self.input = page.locator("textarea[data-part=input]")
        self.send_button = page.locator("button[data-part=send]")
        self.offline = page.locator("[data-part=offline]")

    def messages(self, role: str) -> Locator:
        return self.page.locator(f"[data-part=message][data-role={role}]")

    def open(self) -> Widget:
        expect(self.launcher).to_be_visible()
        if not self.panel.is_visible():
            self.launcher.click()
        expect(self.panel).to_be_visible()
        expect(self.messages("bot").first).to_be_visible()  # the greeting
        return self

    def say(self, text: str) -> None:
        """Type ``text`` and send it; wait until it shows as the shopper's message."""
        self.input.fill(text)
        self.send_button.click()
        expect(self.messages("shopper").filter(has_text=text).last).to_be_visible()

    def reply_with(self, role: str, text: str) -> Locator:
        """The newest ``role`` message containing ``text``, once it is visible."""
        found = self.messages(role).filter(has_text=text).last
        expect(found).to_be_visible()
        return found

    def wait_for_more(self, role: str, than: int) -> None:
        """Wait until more than ``than`` messages of ``role`` are shown."""
        self.page.wait_for_function(
            """([role, than]) => {
              const root = document.querySelector('storedesk-widget').shadowRoot;
              const found = root.querySelectorAll(`[data-part=message][data-role=${role}]`);
              return found.length > than;
            }""",
            arg=[role, than],
            timeout=15_000,
        )

    def conversation_id(self, widget_key: str) -> str:
        """The conversation this page keeps in ``localStorage`` (``storedesk:{key}``)."""
        stored = self.page.evaluate("k => localStorage.getItem('storedesk:' + k)", widget_key)
        match = re.search(r"\bc_[A-Za-z0-9]+", stored or "")
        assert match, f"no conversation in localStorage['storedesk:{widget_key}']: {stored!r}"
        return match.group(0)

    def focused_part(self) -> str | None:
        """The ``data-part`` of the focused element inside the widget, ``None`` outside it."""
        part = self.page.evaluate(
            """() => {
              const host = document.activeElement;
              if (!host || host.tagName !== 'STOREDESK-WIDGET') return null;
              const inner = host.shadowRoot && host.shadowRoot.activeElement;
              return inner ? (inner.dataset.part || inner.tagName.toLowerCase()) : 'host';
            }"""
        )
        return None if part is None else str(part)

    def count_in_shadow(self, selector: str) -> int:
        return int(
            self.page.evaluate(
                """(selector) => {
                  const host = document.querySelector('storedesk-widget');
                  const root = host && host.shadowRoot;
                  return (root ? root.querySelectorAll(selector).length : 0)
                    + document.querySelectorAll(selector).length;
                }""",
                selector,
            )
        )


_COMPARE = """
async ([a, b]) => {
  const load = async (data) =>
    createImageBitmap(await (await fetch('data:image/png;base64,' + data)).blob());
  const pixels = (image) => {
    const canvas = new OffscreenCanvas(image.width, image.height);
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, image.width, image.height).data;
  };
  const [first, second] = [await load(a), await load(b)];
  if (first.width !== second.width || first.height !== second.height) return 1;
  const [p, q] = [pixels(first), pixels(second)];
  let differing = 0;
  for (let i = 0; i < p.length; i += 4) {
    const delta = Math.abs(p[i] - q[i]) + Math.abs(p[i + 1] - q[i + 1])
      + Math.abs(p[i + 2] - q[i + 2]);
    if (delta > 24) differing++;
  }
  return differing / (p.length / 4);
}
"""


def differing_share(browser: Browser, first: bytes, second: bytes) -> float:
    """The share of pixels (0 to 1) that differ visibly between two PNG screenshots."""
    if first == second:
        return 0.0
    page = browser.new_page()
    try:
        encoded = [base64.b64encode(image).decode() for image in (first, second)]
        return float(page.evaluate(_COMPARE, encoded))
    finally:
        page.close()
