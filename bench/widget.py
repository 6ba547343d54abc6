"""The widget's weight and its cost to the shop page, side by side with the same page
without the widget, in one run.

    python -m bench.widget [--runs 7] [--sizes-only]

Sizes are those the relay serves (minified with rjsmin/rcssmin, then gzip -9 and brotli
11), against the budgets: loader ≤ 1.5 KB gzipped, loader + panel script + stylesheet
≤ 15 KB gzipped.

Then, in headless Chromium (Playwright) on the relay's demo storefront, with the widget and
without it (the same page, its widget script tag removed), runs alternating, medians
reported: the page's load event and long tasks (> 50 ms); the time to the launcher being
painted, counted from the loader's download (so including the browser's wait to run an
async script) and from the loader running (its first act, the config request); the time
from a click on the launcher to the open panel. Long tasks on a busy machine also come from
the page's own rendering, so the widget's own script runs are read as well from the Long
Animation Frames API, which names the script behind each part of a long frame.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from relay.assets import LOADER, PANEL_FILES, Asset, load_assets

KB = 1024
LOADER_BUDGET = int(1.5 * KB)
TOTAL_BUDGET = 15 * KB
CHROMIUM = "/usr/bin/chromium"
SETTLE_MS = 3000  # after the load event, both pages get this long before measuring
_WIDGET_TAG = re.compile(rb"<script[^>]*/widget\.js[^>]*>\s*</script>", re.I)

# Installed before any page script: long tasks (buffered) and the moment the launcher is
# first painted, found by checking on every animation frame.
_PROBE = """
(() => {
  const probe = (window.__bench = {
    longTasks: [], widgetScripts: [], launcherAt: null, panelAt: null,
  });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
  // Long animation frames name the scripts that ran in them: the widget's own share.
  new PerformanceObserver((list) => {
    for (const frame of list.getEntries()) {
      for (const script of frame.scripts) {
        if (script.sourceURL.includes('/widget')) probe.widgetScripts.push(script.duration);
      }
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
  const shown = (selector) => {
    const host = document.querySelector('storedesk-widget');
    const element = host && host.shadowRoot && host.shadowRoot.querySelector(selector);
    if (!element) return false;
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden';
  };
  const frame = () => {
    const now = performance.now();
    if (probe.launcherAt === null && shown('[data-part=launcher]')) probe.launcherAt = now;
    if (probe.panelAt === null && shown('[data-part=panel]')) probe.panelAt = now;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();
"""
_RESULT = """
() => {
  const probe = window.__bench;
  const loader = performance.getEntriesByType('resource')
    .find((entry) => entry.name.includes('/widget.js'));
  const config = performance.getEntriesByType('resource')
    .find((entry) => entry.name.includes('/config'));
  const navigation = performance.getEntriesByType('navigation')[0];
  return {
    longTasks: probe.longTasks,
    widgetScripts: probe.widgetScripts,
    loaderStart: loader ? loader.responseEnd : null,
    configAt: config ? config.startTime : null,
    launcherAt: probe.launcherAt,
    load: navigation ? navigation.loadEventEnd : null,
  };
}
"""


# -- sizes -----------------------------------------------------------------------------------


def _row(name: str, source: int, asset: Asset) -> tuple[str, int, int, int, int]:
    gz = asset.gzip.body if asset.gzip else asset.plain.body
    br = asset.brotli.body if asset.brotli else asset.plain.body
    return name, source, len(asset.plain.body), len(gz), len(br)


def sizes() -> bool:
    """Print the size table; True when both budgets hold."""
    folder = resources.files("widget")
    assets = load_assets(folder)
    if not assets.ready or assets.loader is None:
        print(f"The widget files are missing: {', '.join(assets.missing)}")
        return False
    files = {LOADER: assets.loader} | {name: assets.panel[name] for name in PANEL_FILES}
    rows = [_row(n, len(folder.joinpath(n).read_bytes()), a) for n, a in files.items()]
    print("Widget files as the relay serves them (bytes):")
    print(f"  {'file':<12}{'source':>9}{'minified':>10}{'gzip':>8}{'brotli':>8}")
    for name, source, minified, gz, br in rows:
        print(f"  {name:<12}{source:>9}{minified:>10}{gz:>8}{br:>8}")
    total_gz, total_br = sum(r[3] for r in rows), sum(r[4] for r in rows)
    print(f"  {'all three':<12}{sum(r[1] for r in rows):>9}{sum(r[2] for r in rows):>10}", end="")
    print(f"{total_gz:>8}{total_br:>8}")
    loader_ok, total_ok = rows[0][3] <= LOADER_BUDGET, total_gz <= TOTAL_BUDGET
    print(_budget("loader, gzipped", rows[0][3], LOADER_BUDGET, loader_ok))
    print(_budget("loader + panel.js + panel.css, gzipped", total_gz, TOTAL_BUDGET, total_ok))
    return loader_ok and total_ok


def _budget(what: str, size: int, budget: int, ok: bool) -> str:
    verdict = "within budget" if ok else "OVER BUDGET"
    return f"  {what}: {size / KB:.2f} KB of {budget / KB:.1f} KB ({size / budget:.0%}), {verdict}"


# -- the browser -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    load_ms: float
    long_tasks: int
    blocking_ms: float  # the part of each long task beyond 50 ms, summed
    widget_long: int  # widget script runs longer than 50 ms
    widget_longest_ms: float  # the widget's longest script run seen in a long frame
    launcher_ms: float | None  # loader downloaded → launcher painted
    running_ms: float | None  # loader running (its config request) → launcher painted
    open_ms: float | None  # click → panel painted


@contextmanager
def _demo_shop() -> Iterator[Any]:
    from tests.widget.shop import open_demo_shop

    with tempfile.TemporaryDirectory(prefix="storedesk-bench-") as folder:
        shop = open_demo_shop(Path(folder))
        try:
            yield shop
        finally:
            shop.stop()


def _serve(page: Any, url: str, with_widget: bool) -> None:
    """Both variants go through the same interception; one loses its widget tag."""

    def handle(route: Any) -> None:
        response = route.fetch()
        body = response.body()
        if not with_widget:
            body = _WIDGET_TAG.sub(b"", body)
        route.fulfill(response=response, body=body)

    page.route(url, handle)


def _open_time(page: Any) -> float | None:
    launcher = page.locator("button[data-part=launcher]")
    started = page.evaluate("() => performance.now()")
    launcher.click()
    page.locator("[data-part=panel]").wait_for(state="visible")
    page.wait_for_function("() => window.__bench.panelAt !== null")
    return float(page.evaluate("() => window.__bench.panelAt")) - float(started)


def _run(browser: Any, url: str, with_widget: bool) -> Run:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.add_init_script(_PROBE)
        _serve(page, url, with_widget)
        page.goto(url, wait_until="load")
        if with_widget:
            page.wait_for_function("() => window.__bench.launcherAt !== null", timeout=15_000)
        page.wait_for_timeout(SETTLE_MS)
        found = page.evaluate(_RESULT)
        tasks = [float(d) for d in found["longTasks"]]
        scripts = [float(d) for d in found["widgetScripts"]]
        painted = float(found["launcherAt"]) if with_widget else None
        launcher = _since(found["loaderStart"], painted)
        running = _since(found["configAt"], painted)
        return Run(
            load_ms=float(found["load"] or 0.0),
            long_tasks=len(tasks),
            blocking_ms=sum(max(0.0, d - 50.0) for d in tasks),
            widget_long=sum(1 for d in scripts if d > 50.0),
            widget_longest_ms=max(scripts, default=0.0),
            launcher_ms=launcher,
            running_ms=running,
            open_ms=_open_time(page) if with_widget else None,
        )
    finally:
        context.close()


def _since(start: float | None, end: float | None) -> float | None:
    return None if start is None or end is None else end - float(start)


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _cell(value: float | None, unit: str = "ms") -> str:
    if value is None:
        return "—"
    return f"{value:.1f} {unit}" if unit else f"{value:g}"


def _report(runs: dict[bool, list[Run]]) -> None:
    count = len(runs[True])
    print(f"\nIn headless Chromium, the demo storefront; medians of {count} runs each:")
    print(f"  {'':<40}{'without widget':>16}{'with widget':>16}")
    rows: list[tuple[str, str]] = [
        ("load event", "load_ms"),
        ("long tasks (> 50 ms), count", "long_tasks"),
        ("total blocking time", "blocking_ms"),
        ("widget script runs > 50 ms (LoAF)", "widget_long"),
        ("longest widget script run (LoAF)", "widget_longest_ms"),
        ("widget.js downloaded → launcher painted", "launcher_ms"),
        ("loader running → launcher painted", "running_ms"),
        ("click → panel painted", "open_ms"),
    ]
    for label, name in rows:
        unit = "" if name in ("long_tasks", "widget_long") else "ms"
        cells = [_cell(_median([getattr(r, name) for r in runs[w]]), unit) for w in (False, True)]
        print(f"  {label:<40}{cells[0]:>16}{cells[1]:>16}")
    bare = _median([r.load_ms for r in runs[False]])
    loaded = _median([r.load_ms for r in runs[True]])
    if bare and loaded:
        print(f"  load event, with / without the widget: {loaded / bare:.2f}×")
    extra = sum(r.long_tasks for r in runs[True]) - sum(r.long_tasks for r in runs[False])
    own = sum(r.widget_long for r in runs[True])
    print(f"  long tasks with the widget minus without, over all runs: {extra:+d} (target 0)")
    print(f"  widget script runs longer than 50 ms, over all runs: {own} (target 0)")


def browser_runs(runs: int) -> None:
    if not Path(CHROMIUM).exists():
        print(f"\nChromium is not at {CHROMIUM}: the browser measurements are skipped.")
        return
    from playwright.sync_api import sync_playwright

    from tests.widget.shop import CHROMIUM_ARGS

    with _demo_shop() as shop, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            _run(browser, shop.page_url, True)  # warm-up: the relay's first answers
            results: dict[bool, list[Run]] = {False: [], True: []}
            for _ in range(runs):
                for with_widget in (False, True):
                    results[with_widget].append(_run(browser, shop.page_url, with_widget))
        finally:
            browser.close()
    _report(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.widget", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="page loads of each kind")
    parser.add_argument("--sizes-only", action="store_true", help="skip the browser")
    args = parser.parse_args(argv)
    within = sizes()
    if not args.sizes_only:
        browser_runs(max(1, args.runs))
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
