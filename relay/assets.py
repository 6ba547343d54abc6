"""The chat widget's files as the relay serves them, prepared once at start-up.

The files live in the ``widget`` package folder (plain JavaScript and CSS; the relay reads
them, it never imports widget code). Scripts are minified with rjsmin, stylesheets with
rcssmin; every file is kept in memory as is, gzipped and brotli-compressed, each with its
own strong ETag. ``panel.js`` and ``panel.css`` are served under a versioned path
(``/widget/{version}/…``, the version a short hash of both), which the loader learns when
its ``__STOREDESK_ASSETS__`` placeholder is replaced. A missing file is not fatal: the
relay starts, logs which files are missing once, and answers 503 on their addresses.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import rcssmin  # type: ignore[import-untyped]
import rjsmin  # type: ignore[import-untyped]

log = logging.getLogger("relay.assets")

PLACEHOLDER = "__STOREDESK_ASSETS__"
LOADER = "loader.js"
PANEL_FILES = ("panel.js", "panel.css")
DEMO_PAGE = "shop.html"
DEMO_FOLDER = "demo"
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
}
_COMPRESSIBLE = (".js", ".css", ".svg")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


@dataclass(frozen=True, slots=True)
class Encoded:
    """One representation of a file: its bytes, ``Content-Encoding`` (``None`` for the plain
    one) and quoted strong ETag."""

    body: bytes
    encoding: str | None
    etag: str


@dataclass(frozen=True, slots=True)
class Asset:
    """A file ready to serve: plain, gzip and (when smaller) brotli representations."""

    name: str
    content_type: str
    plain: Encoded
    gzip: Encoded | None = None
    brotli: Encoded | None = None

    def for_encodings(self, accepted: frozenset[str]) -> Encoded:
        """The best representation for the encodings a client accepts: br, gzip, plain."""
        if self.brotli is not None and "br" in accepted:
            return self.brotli
        if self.gzip is not None and "gzip" in accepted:
            return self.gzip
        return self.plain


@dataclass(frozen=True, slots=True)
class WidgetAssets:
    """Everything the widget and demo routes serve. ``missing`` names the files that could
    not be read (relative to the widget folder); the routes answer 503 for those."""

    version: str
    loader: Asset | None
    panel: Mapping[str, Asset]
    demo_page: str | None
    demo_files: Mapping[str, Asset]
    missing: tuple[str, ...] = field(default=())

    @property
    def ready(self) -> bool:
        """Whether the widget can work: the loader and both panel files are there."""
        return self.loader is not None and len(self.panel) == len(PANEL_FILES)


def minify(name: str, text: str) -> str:
    """The file's text as served: scripts and stylesheets minified, other files unchanged."""
    if name.endswith(".js"):
        return str(rjsmin.jsmin(text))
    if name.endswith(".css"):
        return str(rcssmin.cssmin(text))
    return text


def make_asset(name: str, body: bytes) -> Asset:
    """``body`` with its compressed forms (kept only when smaller) and their ETags."""
    suffix = Path(name).suffix
    digest = hashlib.sha256(body).hexdigest()[:20]
    plain = Encoded(body, None, f'"{digest}"')
    content_type = CONTENT_TYPES.get(suffix, "application/octet-stream")
    if suffix not in _COMPRESSIBLE:
        return Asset(name, content_type, plain)
    zipped = gzip.compress(body, compresslevel=9, mtime=0)
    brotlied = brotli.compress(body, mode=brotli.MODE_TEXT, quality=11)
    return Asset(
        name,
        content_type,
        plain,
        Encoded(zipped, "gzip", f'"{digest}-gz"') if len(zipped) < len(body) else None,
        Encoded(brotlied, "br", f'"{digest}-br"') if len(brotlied) < len(body) else None,
    )


def version_of(panel: Mapping[str, Asset]) -> str:
    """A short content hash of the panel's files: it changes whenever either changes."""
    digest = hashlib.sha256()
    for name in PANEL_FILES:
        asset = panel.get(name)
        digest.update(asset.plain.body if asset else b"-")
        digest.update(b"\0")
    return digest.hexdigest()[:10]


def _read(folder: Traversable, name: str, missing: list[str]) -> str | None:
    try:
        return folder.joinpath(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        missing.append(name)
        return None


def _loader(folder: Traversable, version: str, missing: list[str]) -> Asset | None:
    text = _read(folder, LOADER, missing)
    if text is None:
        return None
    if PLACEHOLDER not in text:
        log.warning("widget/%s has no %s placeholder; it loads /widget/dev.", LOADER, PLACEHOLDER)
    served = minify(LOADER, text).replace(PLACEHOLDER, f"/widget/{version}")
    return make_asset(LOADER, served.encode("utf-8"))


def _panel(folder: Traversable, missing: list[str]) -> dict[str, Asset]:
    panel: dict[str, Asset] = {}
    for name in PANEL_FILES:
        text = _read(folder, name, missing)
        if text is not None:
            panel[name] = make_asset(name, minify(name, text).encode("utf-8"))
    return panel


def _demo_files(folder: Traversable) -> dict[str, Asset]:
    files: dict[str, Asset] = {}
    if not folder.is_dir():
        return files
    for entry in folder.iterdir():
        name = entry.name
        if name == DEMO_PAGE or not entry.is_file() or not _NAME.match(name):
            continue
        if Path(name).suffix not in CONTENT_TYPES:
            continue
        try:
            raw = entry.read_bytes()
            if name.endswith((".js", ".css")):
                raw = minify(name, raw.decode("utf-8")).encode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("The demo file %s cannot be read (%s); it is not served.", name, exc)
            continue
        files[name] = make_asset(name, raw)
    return files


def load_assets(folder: Traversable | Path) -> WidgetAssets:
    """Read, minify and compress the widget's files found in ``folder``."""
    missing: list[str] = []
    panel = _panel(folder, missing)
    version = version_of(panel)
    loader = _loader(folder, version, missing)
    demo = folder.joinpath(DEMO_FOLDER)
    demo_page = _read(demo, DEMO_PAGE, []) if demo.is_dir() else None
    if demo_page is None:
        missing.append(f"{DEMO_FOLDER}/{DEMO_PAGE}")
    result = WidgetAssets(version, loader, panel, demo_page, _demo_files(demo), tuple(missing))
    if result.missing:
        log.warning(
            "The widget files %s are missing from %s; the relay answers 503 for them.",
            ", ".join(result.missing),
            folder,
        )
    return result


@cache
def packaged_assets() -> WidgetAssets:
    """The files of the installed ``widget`` package, prepared once per process."""
    return load_assets(resources.files("widget"))


def accepted_encodings(header: str) -> frozenset[str]:
    """The codings an ``Accept-Encoding`` header allows (``q=0`` excluded, ``*`` expanded)."""
    accepted: set[str] = set()
    refused: set[str] = set()
    for part in header.lower().split(","):
        coding, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=").strip() if params else "1"
        try:
            allowed = float(quality) > 0
        except ValueError:
            allowed = False
        (accepted if allowed else refused).add(coding.strip())
    if "*" in accepted:
        accepted |= {"br", "gzip"} - refused
    return frozenset(accepted)


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weak comparison, as RFC 9110 asks)."""
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == etag:
            return True
    return False
