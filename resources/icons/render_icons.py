"""Render resources/icons/redline.svg to the PNG, .ico and .icns files the installers use.

    python resources/icons/render_icons.py      (writes beside this script; needs PySide6)

PNGs 16..256 px (Linux hicolor theme, window icon), redline.ico (Windows: PNG entries, which
Windows Vista and later read) and redline.icns (macOS: PNG entries ic07..ic14, icp4, icp5).
Both containers are written with `struct`, so no image tool beyond Qt is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SVG = HERE / "redline.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# macOS icon types holding PNG data, and their pixel sizes.
ICNS_TYPES = (("icp4", 16), ("icp5", 32), ("ic11", 32), ("ic12", 64), ("ic07", 128),
              ("ic13", 256), ("ic08", 256), ("ic09", 512), ("ic14", 512), ("ic10", 1024))


def render_png(renderer, size: int) -> bytes:
    """Return the SVG rendered at `size` x `size` pixels as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise RuntimeError(f"could not encode a {size} px PNG")
    buf.close()
    return bytes(data.data())


def ico_bytes(pngs: dict) -> bytes:
    """Return a Windows .ico holding the PNG images of `pngs` (size -> PNG bytes)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        blob = pngs[size]
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    return header + entries + blobs


def icns_bytes(pngs: dict) -> bytes:
    """Return a macOS .icns holding PNG entries for ICNS_TYPES (size -> PNG bytes)."""
    body = b"".join(kind.encode("ascii") + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
                    for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"render_icons: {SVG} is not a valid SVG", file=sys.stderr)
        return 1
    sizes = set(PNG_SIZES) | set(ICO_SIZES) | {s for _, s in ICNS_TYPES}
    pngs = {s: render_png(renderer, s) for s in sorted(sizes)}
    for s in PNG_SIZES:
        (HERE / f"redline-{s}.png").write_bytes(pngs[s])
    (HERE / "redline.ico").write_bytes(ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    (HERE / "redline.icns").write_bytes(icns_bytes(pngs))
    print(f"render_icons: wrote {len(PNG_SIZES)} PNGs, redline.ico and redline.icns in {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
