"""Whether a window can open here (kept tiny: `storedesk` asks before loading anything)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping


def no_display_reason(
    env: Mapping[str, str] | None = None, platform: str = sys.platform
) -> str | None:
    """Why no window can open here, or None when one can."""
    env = os.environ if env is None else env
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    if env.get("QT_QPA_PLATFORM") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return "There is no display here (neither DISPLAY nor WAYLAND_DISPLAY is set)"
