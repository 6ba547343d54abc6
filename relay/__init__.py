"""The Storedesk relay: the public aiohttp service that serves the widget and runs the bot."""

import sys

# httpx imports its command-line tool (click, rich and pygments: about 4 MB) whenever those
# are installed, as development tools install them. The relay never runs that tool; a
# ``None`` entry makes the import fail and httpx falls back to its "not installed" stub.
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

from relay import lightweight

lightweight.install()
