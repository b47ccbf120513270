"""EMVCo tag-length-value fields and their CRC, shared by PromptPay payloads and slip QR codes."""

from __future__ import annotations

import binascii
import re

_TWO_DIGITS = re.compile(r"[0-9]{2}")


class TlvError(ValueError):
    """The text is not a well-formed sequence of EMVCo fields."""


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor.

    The standard library's binascii.crc_hqx is exactly this CRC once it is seeded with 0xFFFF
    (it is the binhex CRC: same polynomial, unreflected, no final xor), so we need neither a
    hand-written loop nor the C extension libscrc that PyPI `promptpay` pulls in. The tests hold
    a bit-by-bit definition as an independent check and pin "123456789" -> 0x29B1.
    """
    return binascii.crc_hqx(data, 0xFFFF)


def encode_field(tag: str, value: str) -> str:
    """One field: two-digit tag, two-digit decimal length, value."""
    if not _TWO_DIGITS.fullmatch(tag):
        raise TlvError(f"tag must be two digits, got {tag!r}")
    if not value.isascii():
        raise TlvError(f"field {tag} must hold ASCII characters only")
    if not 1 <= len(value) <= 99:
        raise TlvError(f"field {tag} must hold 1 to 99 characters, got {len(value)}")
    return f"{tag}{len(value):02d}{value}"


def split_fields(text: str, *, where: str = "payload") -> list[tuple[str, str]]:
    """The (tag, value) pairs of `text` in order; TlvError unless every character belongs to one."""
    fields: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        header = text[position : position + 4]
        if len(header) < 4 or not header.isdigit() or not header.isascii():
            raise TlvError(
                f"{where}: expected a two-digit tag and two-digit length at position {position}"
            )
        tag, length = header[:2], int(header[2:])
        if length == 0:
            raise TlvError(f"{where}: field {tag} at position {position} declares length 0")
        value = text[position + 4 : position + 4 + length]
        if len(value) < length:
            raise TlvError(
                f"{where}: field {tag} declares {length} characters but only {len(value)} remain"
            )
        fields.append((tag, value))
        position += 4 + length
    return fields


def unique_fields(fields: list[tuple[str, str]], *, where: str = "payload") -> dict[str, str]:
    """The fields as a mapping; a repeated tag is refused because it makes the meaning ambiguous."""
    by_tag: dict[str, str] = {}
    for tag, value in fields:
        if tag in by_tag:
            raise TlvError(f"{where}: tag {tag} appears more than once")
        by_tag[tag] = value
    return by_tag
