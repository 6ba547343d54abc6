"""Package a built bundle as a Debian package (``dpkg-deb``, no other tool needed).

    python packaging/linux/deb.py build/dist/storedesk build/deb

The bundle goes to ``/opt/storedesk``; ``storedesk`` and ``storedesk-relay`` are linked into
``/usr/bin``; the menu entry and the icon go where desktops look for them. Depends lists the
system libraries Qt's X11/Wayland platform plugins load (the bundle carries Qt itself).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PREFIX = "opt/storedesk"
PROGRAMS = ("storedesk", "storedesk-relay")
DEPENDS = (
    "libc6 (>= 2.31)",
    "libdbus-1-3",
    "libegl1",
    "libfontconfig1",
    "libgl1",
    "libglib2.0-0",
    "libx11-xcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libxkbcommon-x11-0",
    "libxkbcommon0",
)


def package_version() -> str:
    text = (ROOT / "core" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if found is None:
        raise SystemExit("core/__init__.py has no __version__")
    # Debian orders 1.0~rc1 before 1.0, as PEP 440 orders 1.0rc1 before 1.0
    return re.sub(r"(\d)(a|b|rc|\.dev)(\d+)", r"\1~\2\3", found.group(1))


def architecture() -> str:
    done = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True)
    return done.stdout.strip() or "amd64"


def control(version: str, arch: str, size_kib: int) -> str:
    return (
        "Package: storedesk\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        "Maintainer: Storedesk <support@storedesk.app>\n"
        f"Installed-Size: {size_kib}\n"
        f"Depends: {', '.join(DEPENDS)}\n"
        "Section: net\n"
        "Priority: optional\n"
        "Homepage: https://storedesk.app\n"
        "Description: support chat for independent online stores\n"
        " The Storedesk console: answer your shop's chat widget, keep its knowledge\n"
        " base, connect Shopify, WooCommerce, your database or your API, and publish\n"
        " to your own relay. Includes storedesk-relay.\n"
    )


def tree_size_kib(folder: Path) -> int:
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) // 1024 + 1


def stage(bundle: Path, root: Path) -> None:
    shutil.copytree(bundle, root / PREFIX, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    for name in PROGRAMS:
        os.symlink(f"/{PREFIX}/{name}", root / "usr" / "bin" / name)
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy2(HERE / "storedesk.desktop", apps / "storedesk.desktop")
    icons = root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps"
    icons.mkdir(parents=True)
    shutil.copy2(ROOT / "build" / "icons" / "storedesk.png", icons / "storedesk.png")
    for path in [root, *root.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)
        elif path.is_file() and not path.is_symlink():
            path.chmod(0o755 if os.access(path, os.X_OK) else 0o644)


def build(bundle: Path, out: Path) -> Path:
    for name in PROGRAMS:
        if not (bundle / name).is_file():
            raise SystemExit(f"{bundle} has no {name}: build the bundle first")
    version, arch = package_version(), architecture()
    root = out / "root"
    shutil.rmtree(root, ignore_errors=True)
    stage(bundle, root)
    (root / "DEBIAN").mkdir(mode=0o755)
    (root / "DEBIAN" / "control").write_text(control(version, arch, tree_size_kib(root)))
    target = out / f"storedesk_{version}_{arch}.deb"
    target.unlink(missing_ok=True)
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(root), str(target)],
        check=True,
    )
    shutil.rmtree(root)
    return target


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: python packaging/linux/deb.py BUNDLE_DIR OUT_DIR", file=sys.stderr)
        return 2
    out = Path(sys.argv[2]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    print(build(Path(sys.argv[1]).resolve(), out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
