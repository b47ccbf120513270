"""Read the transaction reference from the mini-QR printed on Thai bank transfer slips."""

# The mini-QR holds no amount, date or payee, so it proves nothing alone: it gives the sending
# bank and transaction reference to ask a bank's slip-verification API about, and lets the school
# refuse a slip whose reference was already used.

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image

from backend import images
from backend.payments.tlv import TlvError, crc16_ccitt_false, split_fields, unique_fields

_SLIP_API_TYPE = "000001"
# A slip's mini-QR stays readable with the photo's longest side at this many pixels; a JPEG is
# decoded at that scale directly, so a 12 MP photo costs 4 MP of memory, not 12.
_READ_AT = 2048
_CRC_HEADER = "9104"


class SlipQrError(ValueError):
    """The text is not a well-formed slip mini-QR (message meant for developers/staff)."""


@dataclass(frozen=True)
class SlipReference:
    sending_bank: str  # three-digit Bank of Thailand bank code, e.g. "002" Bangkok Bank
    transaction_ref: str


def parse_slip_qr(text: str) -> SlipReference:
    """The sending bank and transaction reference of a slip mini-QR, after checking its CRC.

    Layout: tag 00 {00 "000001", 01 bank code, 02 transaction ref}, 51 "TH", then the CRC in
    tag 91 (not 63), computed over everything before it with "9104" included. Some bank apps
    print the CRC without its leading zeros ("9104" + 1 to 3 hex digits): that is accepted,
    since the value is still checked in full.
    """
    if not isinstance(text, str) or not text.isascii():
        raise SlipQrError("slip QR must be a string of ASCII characters")
    crc_start = _crc_field_start(text)
    body, written_crc = text[: crc_start + 4], text[crc_start + 4 :]
    if not re.fullmatch(r"[0-9A-Fa-f]{1,4}", written_crc):
        raise SlipQrError("tag 91 must end the slip QR with 1 to 4 hexadecimal digits")
    if int(written_crc, 16) != crc16_ccitt_false(body.encode("ascii")):
        raise SlipQrError("CRC mismatch: the slip QR was altered or misread")

    try:
        fields = unique_fields(split_fields(text[:crc_start], where="slip QR"), where="slip QR")
        if "00" not in fields:
            raise SlipQrError("slip QR lacks tag 00 (transaction data)")
        transaction = unique_fields(split_fields(fields["00"], where="tag 00"), where="tag 00")
    except TlvError as error:
        raise SlipQrError(str(error)) from None
    if fields.get("51") != "TH":
        raise SlipQrError("slip QR tag 51 must be TH")
    if transaction.get("00") != _SLIP_API_TYPE:
        raise SlipQrError(f"tag 00 sub 00 must be {_SLIP_API_TYPE} (slip verification)")
    bank = transaction.get("01", "")
    if not re.fullmatch(r"[0-9]{3}", bank):
        raise SlipQrError("tag 00 sub 01 (sending bank) must be a three-digit bank code")
    reference = transaction.get("02", "")
    if not re.fullmatch(r"[0-9A-Za-z]{1,50}", reference):
        raise SlipQrError("tag 00 sub 02 (transaction reference) must be letters and digits")
    return SlipReference(sending_bank=bank, transaction_ref=reference)


def _crc_field_start(text: str) -> int:
    """Where tag 91 starts, found by walking the fields so that "9104" inside a value is skipped."""
    position = 0
    while position + 4 <= len(text):
        header = text[position : position + 4]
        if header == _CRC_HEADER:
            return position
        if not (header.isdigit() and header.isascii()) or header[2:] == "00":
            raise SlipQrError(f"slip QR: expected a tag and length at position {position}")
        position += 4 + int(header[2:])
    raise SlipQrError("slip QR lacks the CRC field 91 at its end")


def read_slip_image(image_bytes: bytes) -> SlipReference | None:
    """The slip reference from the first valid slip mini-QR in an image, or None.

    None also when the bytes are not a readable image, or larger than a photo can be: to the
    person sending it, either way no slip code could be read. Other QR codes on the slip (e.g. a
    bank's advert) are skipped. Run it in the sandbox (backend/sandbox.py): it decodes pixels.
    """
    try:
        image = images.decode(image_bytes, longest_side=_READ_AT)
    except images.ImageRefused:
        return None
    if image is None:
        return None
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent pixels would read as black and swallow the code's dark modules.
        background = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(background, image.convert("RGBA"))
    import zxingcpp  # here, not at the top: the web process names this job but never runs it

    for barcode in zxingcpp.read_barcodes(
        image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    ):
        try:
            return parse_slip_qr(barcode.text)
        except SlipQrError:
            continue
    return None
