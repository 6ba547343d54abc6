"""The desktop bundle, built by PyInstaller from packaging/storedesk.spec, as a merchant gets
it: the smoke test run on the built programs, the .deb, and the icons.

The build takes minutes, so it is reused while nothing it is made from has changed
(``packaging/build.py --if-changed``); ``make package`` always builds afresh.
"""

from __future__ import annotations

import importlib.util
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from core import __version__
from tests.packaging.deploy_files import ROOT

BUILD = ROOT / "build"
BUNDLE = BUILD / "dist" / "storedesk"

pytestmark = [
    pytest.mark.skipif(
        importlib.util.find_spec("PyInstaller") is None,
        reason="PyInstaller is not installed (pip install -e '.[dev]')",
    ),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle"),
]


@pytest.fixture(scope="module")
def bundle() -> Path:
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), "--if-changed", "--no-smoke"],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return BUNDLE


def test_the_built_programs_pass_the_smoke_test(bundle: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "smoke.py"), str(bundle)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"ok: storedesk --version → storedesk {__version__}" in done.stdout
    assert f"ok: storedesk-relay --version → storedesk-relay {__version__}" in done.stdout
    assert "ok: the console window painted offscreen and opened a new workspace" in done.stdout
    assert "ok: storedesk-relay serve answered /healthz, /readyz, /widget.js" in done.stdout
    assert "ok: storedesk demo ran the bundle's relay; the bot answered" in done.stdout


def test_the_bundle_carries_the_data_the_code_opens(bundle: Path) -> None:
    data = bundle / "_internal"
    for path in (
        "core/workspace/migrations/env.py",
        "core/workspace/migrations/script.py.mako",
        "relay/storage/migrations/env.py",
        "core/demo/shop.sqlite",
        "core/demo/mapping.toml",
        "widget/loader.js",
        "widget/panel.js",
        "widget/demo/shop.html",
        "examples/rest-api.toml",
    ):
        assert (data / path).is_file(), path
    versions = list((data / "core/workspace/migrations/versions").glob("*.py"))
    assert len(versions) == len(list((ROOT / "core/workspace/migrations/versions").glob("*.py")))


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb is not installed")
def test_the_deb_installs_both_programs_a_menu_entry_and_the_icon(
    bundle: Path, tmp_path: Path
) -> None:
    (deb,) = (BUILD / "deb").glob(f"storedesk_{__version__}_*.deb")

    def field(name: str) -> str:
        return subprocess.run(
            ["dpkg-deb", "--field", str(deb), name], capture_output=True, text=True, check=True
        ).stdout.strip()

    assert field("Package") == "storedesk" and field("Version") == __version__
    assert "libxcb-cursor0" in field("Depends")
    contents = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    assert "./usr/bin/storedesk -> /opt/storedesk/storedesk" in contents
    assert "./usr/bin/storedesk-relay -> /opt/storedesk/storedesk-relay" in contents
    assert "./usr/share/applications/storedesk.desktop" in contents
    assert "./usr/share/icons/hicolor/256x256/apps/storedesk.png" in contents
    assert " root/root " in contents and "rwxr-xr-x root/root" in contents

    subprocess.run(["dpkg-deb", "--extract", str(deb), str(tmp_path)], check=True)
    for name in ("storedesk", "storedesk-relay"):
        done = subprocess.run(
            [str(tmp_path / "opt" / "storedesk" / name), "--version"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.stdout.strip() == f"{name} {__version__}", done.stderr
    entry = (tmp_path / "usr/share/applications/storedesk.desktop").read_text()
    assert "Exec=storedesk\n" in entry and "Icon=storedesk\n" in entry


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="dpkg is not installed")
def test_dpkg_installs_and_removes_the_deb(bundle: Path, tmp_path: Path) -> None:
    """Into a root of its own (not this machine's): dpkg's database, the files, removal."""
    (deb,) = (BUILD / "deb").glob(f"storedesk_{__version__}_*.deb")
    root = tmp_path / "root"
    (root / "var/lib/dpkg/info").mkdir(parents=True)
    (root / "var/lib/dpkg/updates").mkdir()
    (root / "var/lib/dpkg/status").touch()
    dpkg = ["dpkg", f"--root={root}", "--force-script-chrootless"]
    # the Qt system libraries are not in this empty root: their absence is all it reports
    install = subprocess.run(
        [*dpkg, "--force-depends", "-i", str(deb)], capture_output=True, text=True
    )
    assert install.returncode == 0, install.stderr
    status = subprocess.run([*dpkg, "-s", "storedesk"], capture_output=True, text=True)
    assert "Status: install ok installed" in status.stdout
    assert (root / "usr/bin/storedesk").is_symlink()
    done = subprocess.run(
        [str(root / "opt/storedesk/storedesk-relay"), "--version"], capture_output=True, text=True
    )
    assert done.stdout.strip() == f"storedesk-relay {__version__}"
    remove = subprocess.run([*dpkg, "-r", "storedesk"], capture_output=True, text=True)
    assert remove.returncode == 0, remove.stderr
    assert not (root / "opt" / "storedesk").exists() and not (root / "usr/bin/storedesk").exists()


@pytest.mark.skipif(shutil.which("apt-cache") is None, reason="apt-cache is not installed")
def test_the_deb_depends_only_on_packages_debian_has(bundle: Path) -> None:
    (deb,) = (BUILD / "deb").glob(f"storedesk_{__version__}_*.deb")
    depends = subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Depends"], capture_output=True, text=True, check=True
    ).stdout
    names = [part.split()[0] for part in depends.split(",")]
    assert len(names) > 10

    def known(name: str) -> bool:
        show = ["apt-cache", "show", "--no-all-versions", name]
        return subprocess.run(show, capture_output=True).returncode == 0

    if not known("libc6"):
        pytest.skip("apt has no package lists here (apt-get update)")
    assert [name for name in names if not known(name)] == []


def test_the_icons_hold_every_size_the_installers_need(bundle: Path) -> None:
    icons = BUILD / "icons"
    png = (icons / "storedesk.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (256, 256)
    ico = (icons / "storedesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, 7)
    sides = [ico[6 + 16 * i] or 256 for i in range(count)]
    assert sides == [16, 24, 32, 48, 64, 128, 256]
    icns = (icons / "storedesk.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert all(kind in icns for kind in (b"ic07", b"ic08", b"ic09", b"ic10"))
