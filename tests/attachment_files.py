"""Files the attachment tests upload: a real PNG (a screenshot), a CATIA log, an HTML page."""

from __future__ import annotations

import struct
import zlib


def png(width: int = 64, height: int = 40, colour: tuple[int, int, int] = (29, 78, 216)) -> bytes:
    """A valid PNG of one colour with a white diagonal (browsers render it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b""
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            row += bytes((255, 255, 255)) if abs(x * height - y * width) < width else bytes(colour)
        rows += bytes(row)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


LOG = (
    "2026-12-01 09:14:03 CATIA V5-6R2024 SP3 — Sestava motoru.CATProduct\n"
    "2026-12-01 09:14:05 ERROR Nelze načíst součást Víko.CATPart: licence MD2 nedostupná\n"
).encode()
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
