"""Before Qt starts: no display, or the X11 libraries Qt's xcb plugin needs are missing,
is one sentence naming what to install, never Qt's abort."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from console.display import (
    XCB_LIBRARIES,
    missing_xcb_libraries,
    uses_xcb,
    window_unavailable_reason,
)

X11 = {"DISPLAY": ":0"}


def without(*names: str):  # type: ignore[no-untyped-def]
    """A fake dynamic loader that finds every library but ``names``."""
    asked: list[str] = []

    def loadable(name: str) -> bool:
        asked.append(name)
        return name not in names

    loadable.asked = asked  # type: ignore[attr-defined]
    return loadable


def test_a_missing_library_is_named_with_the_apt_command() -> None:
    reason = window_unavailable_reason(X11, "linux", without("libxcb-cursor.so.0"))
    assert reason is not None
    assert "needs libxcb-cursor.so.0, which is not installed" in reason
    assert "sudo apt-get install libxcb-cursor0;" in reason
    assert reason.count(".") < 10 and "\n" not in reason  # one sentence


def test_every_missing_library_is_named_and_installed_in_one_command() -> None:
    missing = ("libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxkbcommon-x11.so.0")
    reason = window_unavailable_reason(X11, "linux", without(*missing))
    assert reason is not None
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1 and libxkbcommon-x11.so.0, which are" in reason
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0;" in reason


def test_nothing_to_say_when_every_library_is_there() -> None:
    loadable = without()
    assert window_unavailable_reason(X11, "linux", loadable) is None
    assert loadable.asked == list(XCB_LIBRARIES)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "env",
    [
        {"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"},
        {"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"},
        {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"},
        {"WAYLAND_DISPLAY": "wayland-0"},
    ],
)
def test_libraries_are_not_asked_for_when_qt_will_not_use_x11(env: dict[str, str]) -> None:
    loadable = without("libxcb-cursor.so.0")
    assert window_unavailable_reason(env, "linux", loadable) is None
    assert loadable.asked == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_other_systems_are_not_asked(platform: str) -> None:
    loadable = without("libxcb-cursor.so.0")
    assert window_unavailable_reason(X11, platform, loadable) is None
    assert loadable.asked == []  # type: ignore[attr-defined]


def test_qt_qpa_platform_xcb_is_checked_even_beside_wayland() -> None:
    env = {"DISPLAY": ":0", "WAYLAND_DISPLAY": "w", "QT_QPA_PLATFORM": "xcb;wayland"}
    assert uses_xcb(env, "linux")
    assert window_unavailable_reason(env, "linux", without("libxcb-shm.so.0")) is not None


def test_no_display_is_said_before_libraries() -> None:
    reason = window_unavailable_reason({}, "linux", without("libxcb-cursor.so.0"))
    assert reason is not None and reason.startswith("There is no display here")


def test_the_real_loader_finds_the_c_library_and_not_a_made_up_one() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the X11 libraries are looked for on Linux")
    assert missing_xcb_libraries(lambda name: name != "libX11.so.6") == ["libX11.so.6"]
    from console.display import library_loadable

    assert library_loadable("libc.so.6")
    assert not library_loadable("libstoredesk-made-up.so.9")


def test_the_makefile_gets_debian_package_names() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "console.display"], capture_output=True, text=True, check=True
    )
    assert set(done.stdout.split()) <= set(XCB_LIBRARIES.values())


@pytest.fixture
def x11_without_icccm(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """A display, no libxcb-icccm: what the console window would have opened."""
    from console import display

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(display, "library_loadable", lambda name: name != "libxcb-icccm.so.4")
    opened: list[object] = []
    monkeypatch.setattr("console.app.run_console", lambda *a, **k: opened.append(a) or 0)
    return opened


def test_storedesk_says_the_sentence_instead_of_opening(
    x11_without_icccm: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    from console import cli

    assert cli.main([]) == cli.EXIT_USAGE
    assert x11_without_icccm == []
    err = capsys.readouterr().err
    assert err.startswith("storedesk: Qt's X11 window support needs libxcb-icccm.so.4")
    assert "sudo apt-get install libxcb-icccm4" in err and "window cannot open" in err


def test_the_demo_runs_without_a_window_and_says_why(
    x11_without_icccm: list[object],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from console.commands import demo

    monkeypatch.setattr(demo, "run_headless", lambda args: 0)
    assert demo.cmd_demo(argparse.Namespace(no_window=False)) == 0
    assert x11_without_icccm == []
    out = capsys.readouterr().out
    assert "needs libxcb-icccm.so.4" in out and "the demo runs without a window" in out
