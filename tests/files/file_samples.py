"""Small synthetic files of each kind, carrying a marker so tests can look for leaked plaintext."""

from __future__ import annotations

import base64
import os
import struct
import zlib


def random_key_config(*key_ids: str) -> str:
    """A FILE_ENCRYPTION_KEYS value with fresh random keys; the first id is the current one."""
    return ",".join(f"{key_id}:{base64.b64encode(os.urandom(32)).decode()}" for key_id in key_ids)


def png(marker: str = "SYNTHETIC-PNG") -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit greyscale
    pixels = zlib.compress(b"\x00\x80")  # filter byte, one grey pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"Comment\x00" + marker.encode())
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def jpeg(marker: str = "SYNTHETIC-JPEG") -> bytes:
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    comment = marker.encode()
    return (
        b"\xff\xd8"
        + b"\xff\xe0"
        + struct.pack(">H", len(app0) + 2)
        + app0
        + b"\xff\xfe"
        + struct.pack(">H", len(comment) + 2)
        + comment
        + b"\xff\xd9"
    )


def pdf(marker: str = "SYNTHETIC-PDF") -> bytes:
    return (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"% " + marker.encode() + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def isobmff(major_brand: bytes, compatible: list[bytes], marker: str = "SYNTHETIC-HEIF") -> bytes:
    body = major_brand + b"\x00\x00\x00\x00" + b"".join(compatible)
    ftyp = struct.pack(">I", 8 + len(body)) + b"ftyp" + body
    payload = marker.encode()
    return ftyp + struct.pack(">I", 8 + len(payload)) + b"mdat" + payload


def heic(marker: str = "SYNTHETIC-HEIC") -> bytes:
    return isobmff(b"heic", [b"mif1", b"heic"], marker)


def gif() -> bytes:
    return b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
