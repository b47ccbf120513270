"""Files that are small on the wire and enormous once decoded: what the attack replay
(bench/attacks.py) and the tests send to show that nothing decodes them in full.

Written by hand, in a few lines each, because the point is the exact shape: a PNG whose header
promises 13000x13000 pixels of one colour, a PDF whose attachment inflates to half a gigabyte.
"""

from __future__ import annotations

import struct
import zlib

MEBIBYTE = 1024 * 1024


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int = 13000, height: int = 13000, *, palette: bool = False) -> bytes:
    """A one-colour PNG: RGB (3 bytes a pixel once decoded) or, with palette, one byte a pixel
    that a reader converting to RGB(A) multiplies again."""
    colour_type, channels = (3, 1) if palette else (2, 3)
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    row = b"\x00" + b"\x00" * (width * channels)  # filter byte, then the pixels
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    extra = _chunk(b"PLTE", b"\xff\xff\xff") if palette else b""
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + extra + _chunk(b"IDAT", data)
            + _chunk(b"IEND", b""))


def _zeros_deflated(inflated_bytes: int) -> bytes:
    compressor = zlib.compressobj(9)
    block = b"\x00" * MEBIBYTE
    parts = [compressor.compress(block) for _ in range(inflated_bytes // MEBIBYTE)]
    return b"".join(parts) + compressor.flush()


def pdf_bomb(inflated_bytes: int = 512 * MEBIBYTE, *, name: str = "document.json") -> bytes:
    """A PDF carrying an attachment named like our record, which inflates to inflated_bytes."""
    payload = _zeros_deflated(inflated_bytes)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 3 0 R >> >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        b"<< /Names [(" + name.encode() + b") 4 0 R] >>",
        b"<< /Type /Filespec /F (" + name.encode() + b") /EF << /F 6 0 R >> >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Type /EmbeddedFile /Filter /FlateDecode /Length " + str(len(payload)).encode()
        + b" >>\nstream\n" + payload + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
