"""Render the app icon for the installers from the console's own drawing (``console.theme``),
so the window, the tray and the installed program show the same picture.

``python packaging/icons.py OUT_DIR`` writes ``storedesk.png`` (256 px, for Linux menus),
``storedesk.ico`` (16-256 px, Windows) and ``storedesk.icns`` (128-1024 px, macOS).
Both containers hold PNG images, which every supported Windows and macOS version reads.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_TYPES = {128: b"ic07", 256: b"ic08", 512: b"ic09", 1024: b"ic10"}


def png_bytes(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    from console.theme import icon_pixmap

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not icon_pixmap(size).save(buffer, "PNG"):
        raise RuntimeError(f"Qt could not encode the {size} px icon as PNG")
    buffer.close()
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """An ICO file whose entries are PNG images (width/height 0 means 256)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns(images: dict[int, bytes]) -> bytes:
    """An ICNS file: the 'icns' header, then one (type, length, PNG) element per size."""
    body = b"".join(
        ICNS_TYPES[size] + struct.pack(">I", 8 + len(png)) + png
        for size, png in sorted(images.items())
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_icons(out: Path) -> list[Path]:
    from PySide6.QtGui import QGuiApplication

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    out.mkdir(parents=True, exist_ok=True)
    sizes = set(ICO_SIZES) | set(ICNS_TYPES)
    images = {size: png_bytes(size) for size in sorted(sizes)}
    written = {
        out / "storedesk.png": images[256],
        out / "storedesk.ico": ico({s: images[s] for s in ICO_SIZES}),
        out / "storedesk.icns": icns({s: images[s] for s in ICNS_TYPES}),
    }
    for path, data in written.items():
        path.write_bytes(data)
    del app
    return list(written)


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: python packaging/icons.py OUT_DIR", file=sys.stderr)
        return 2
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    for path in write_icons(Path(sys.argv[1])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
