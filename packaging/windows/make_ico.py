"""Make the Windows icon (.ico) from app/resources/icons/poplark-{16,32,48,64,128,256}.png.

    python packaging/windows/make_ico.py OUTPUT.ico

Standard library only: every entry stores its PNG as is (PNG-in-ICO, read by Windows Vista and later),
so no image library and no ImageMagick are needed on the build machine.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

SIZES = (16, 32, 48, 64, 128, 256)
ICONS = Path(__file__).resolve().parents[2] / "app" / "resources" / "icons"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def make_ico(pngs: list[bytes]) -> bytes:
    header = struct.pack("<HHH", 0, 1, len(pngs))  # reserved, type 1 = icon, count
    directory = b""
    offset = len(header) + 16 * len(pngs)
    for data in pngs:
        width, height = png_size(data)
        if width > 256 or height > 256:
            raise ValueError(f"an icon entry is at most 256x256, not {width}x{height}")
        # width/height 0 means 256; colour count 0, reserved 0, planes 1, 32 bits per pixel.
        directory += struct.pack("<BBBBHHII", width % 256, height % 256, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return header + directory + b"".join(pngs)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: make_ico.py OUTPUT.ico", file=sys.stderr)
        return 2
    pngs = [(ICONS / f"poplark-{size}.png").read_bytes() for size in SIZES]
    output = Path(argv[0])
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(make_ico(pngs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
