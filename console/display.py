"""Whether a window can open here (kept tiny: `storedesk` asks before loading anything).

On Linux, Qt draws on X11 through its xcb platform plugin, which needs a set of system
libraries that a minimal system lacks (libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1…).
Without them Qt aborts the whole process with a long message; asked first, the console says
in one sentence which ones are missing and how to install them.

``python -m console.display`` prints the Debian packages missing for the console's window
(nothing when all are there); ``make run`` installs them.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

# What Qt's xcb platform plugin (and the Qt libraries it loads) link against, by the file
# name the dynamic loader looks for, with the Debian/Ubuntu package that installs it.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}

Loadable = Callable[[str], bool]
_X11_SYSTEMS = ("linux", "freebsd", "openbsd", "netbsd")


def no_display_reason(
    env: Mapping[str, str] | None = None, platform: str = sys.platform
) -> str | None:
    """Why no window can open here, or None when one can."""
    env = os.environ if env is None else env
    if not platform.startswith(_X11_SYSTEMS):
        return None
    if env.get("QT_QPA_PLATFORM") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return "There is no display here (neither DISPLAY nor WAYLAND_DISPLAY is set)"


def window_unavailable_reason(
    env: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    loadable: Loadable | None = None,
) -> str | None:
    """Why the console window cannot open here (no display, or libraries Qt needs are
    missing), or None when it can. Asked before the QApplication exists."""
    env = os.environ if env is None else env
    reason = no_display_reason(env, platform)
    if reason is None and uses_xcb(env, platform):
        reason = missing_libraries_reason(missing_xcb_libraries(loadable))
    return reason


def uses_xcb(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """True when Qt will draw through X11 (xcb): a DISPLAY, and QT_QPA_PLATFORM unset or
    xcb. On a Wayland session (WAYLAND_DISPLAY) Qt tries Wayland first."""
    if not platform.startswith(_X11_SYSTEMS):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0].strip() == "xcb"
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def missing_xcb_libraries(loadable: Loadable | None = None) -> list[str]:
    """The libraries of ``XCB_LIBRARIES`` that cannot be loaded here."""
    check = library_loadable if loadable is None else loadable
    return [name for name in XCB_LIBRARIES if not check(name)]


def missing_libraries_reason(missing: list[str]) -> str | None:
    """One sentence naming the missing libraries and the command that installs them."""
    if not missing:
        return None
    packages = " ".join(XCB_LIBRARIES[name] for name in missing)
    names = _and(missing)
    which = "which is" if len(missing) == 1 else "which are"
    return (
        f"Qt's X11 window support needs {names}, {which} not installed here "
        f"(on Debian or Ubuntu: sudo apt-get install {packages}; `make run` installs them)"
    )


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def library_loadable(name: str) -> bool:
    """True when the dynamic loader finds ``name`` (or Qt ships it beside its own libraries)."""
    if (qt_library_dir() / name).exists():
        return True
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def qt_library_dir() -> Path:
    """PySide6's bundled Qt libraries (found without importing PySide6)."""
    spec = importlib.util.find_spec("PySide6")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    return Path(folders[0] if folders else ".") / "Qt" / "lib"


def main() -> int:
    """Print the Debian packages the console's window is missing, space-separated."""
    if sys.platform.startswith("linux"):
        print(" ".join(XCB_LIBRARIES[name] for name in missing_xcb_libraries()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
