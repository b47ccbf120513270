"""Slip mini-QR: reading bank and transaction reference, tolerating short CRCs, refusing damage."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from backend.payments.promptpay import credit_transfer_payload
from backend.payments.qr import render_qr_png
from backend.payments.slip import SlipQrError, SlipReference, parse_slip_qr, read_slip_image

EXAMPLE = "004000060000010103002021900021231231212000115102TH91049C30"
EXAMPLE_REFERENCE = SlipReference(sending_bank="002", transaction_ref="0002123123121200011")


def bitwise_crc(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = (((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)) & 0xFFFF
    return crc


def field(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def slip(
    bank: str,
    ref: str,
    *,
    api_type: str = "000001",
    tail: str = field("51", "TH"),
    drop_leading_zeros: bool = False,
) -> str:
    body = field("00", field("00", api_type) + field("01", bank) + field("02", ref)) + tail + "9104"
    crc = f"{bitwise_crc(body.encode()):04X}"
    return body + (crc.lstrip("0") or "0" if drop_leading_zeros else crc)


def slip_with_crc_below(limit: int) -> tuple[str, str]:
    """A (ref, slip) whose CRC is below `limit`, found by trying references in a fixed order."""
    for number in range(100_000):
        ref = f"0142{number:015d}"
        candidate = slip("014", ref)
        if int(candidate[-4:], 16) < limit:
            return ref, candidate
    raise AssertionError("no such reference in range")


def test_reference_example() -> None:
    assert parse_slip_qr(EXAMPLE) == EXAMPLE_REFERENCE


@pytest.mark.parametrize("limit, kept_digits", [(0x1000, 3), (0x100, 2), (0x10, 1)])
def test_crc_with_dropped_leading_zeros_is_accepted(limit: int, kept_digits: int) -> None:
    ref, full = slip_with_crc_below(limit)
    short = full[:-4] + full[-4:].lstrip("0")
    assert len(short) == len(full) - (4 - kept_digits)
    assert parse_slip_qr(short) == SlipReference("014", ref)
    assert parse_slip_qr(full) == SlipReference("014", ref)


def test_dropping_a_digit_that_is_not_a_zero_is_refused() -> None:
    with pytest.raises(SlipQrError, match="CRC"):
        parse_slip_qr(EXAMPLE[:-4] + "C30")  # 9C30 without its 9


@pytest.mark.parametrize(
    "text, reason",
    [
        (EXAMPLE[:-4] + "9C31", "CRC"),
        (EXAMPLE.replace("0002123", "0002124"), "CRC"),
        (EXAMPLE[:-8], "91"),
        (EXAMPLE[:-8] + "6304" + EXAMPLE[-4:], "91"),  # a PromptPay-style CRC tag
        (EXAMPLE[:-4], "hexadecimal"),
        (EXAMPLE + "0", "hexadecimal"),
        (slip("002", "ABC123", api_type="000002"), "000001"),
        (slip("02", "ABC123"), "bank"),
        (slip("0021", "ABC123"), "bank"),
        (slip("002", "ABC-123"), "reference"),
        (slip("002", "ABC123", tail=""), "51"),
        (slip("002", "ABC123", tail=field("51", "LA")), "51"),
        ("", "91"),
        ("สลิป", "ASCII"),
    ],
)
def test_damaged_or_foreign_codes_are_refused(text: str, reason: str) -> None:
    with pytest.raises(SlipQrError, match=reason):
        parse_slip_qr(text)


def test_a_promptpay_payment_qr_is_not_a_slip() -> None:
    with pytest.raises(SlipQrError):
        parse_slip_qr(credit_transfer_payload(mobile="0812345678", amount=Decimal(100)))


@given(data=st.data())
def test_any_single_changed_character_is_refused(data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(EXAMPLE) - 1))
    # The CRC's hex digits are read case-insensitively (apps differ), so "c" for "C" there is
    # the same value, not a change.
    in_crc = position >= len(EXAMPLE) - 4
    replacement = data.draw(st.characters().filter(
        lambda c: c != EXAMPLE[position] and not (in_crc and c.upper() == EXAMPLE[position])))
    with pytest.raises(SlipQrError):
        parse_slip_qr(EXAMPLE[:position] + replacement + EXAMPLE[position + 1 :])


@given(
    bank=st.from_regex(r"[0-9]{3}", fullmatch=True),
    ref=st.from_regex(r"[0-9A-Za-z]{1,30}", fullmatch=True),
)
def test_round_trip_for_any_bank_and_reference(bank: str, ref: str) -> None:
    assert parse_slip_qr(slip(bank, ref)) == SlipReference(bank, ref)
    assert parse_slip_qr(slip(bank, ref, drop_leading_zeros=True)) == SlipReference(bank, ref)


# ---------------------------------------------------------------------------------------------
# Images


def png_of(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_slip_qr_is_read_from_an_image() -> None:
    assert read_slip_image(render_qr_png(EXAMPLE)) == EXAMPLE_REFERENCE


def test_slip_qr_is_read_from_a_small_jpeg_screenshot() -> None:
    """Slips arrive as compressed screenshots with a small mini-QR next to other content."""
    qr = Image.open(io.BytesIO(render_qr_png(EXAMPLE, box_size=3))).convert("RGB")
    screenshot = Image.new("RGB", (720, 1280), (245, 245, 250))
    screenshot.paste(qr, (500, 1000))
    buffer = io.BytesIO()
    screenshot.save(buffer, format="JPEG", quality=70)
    assert read_slip_image(buffer.getvalue()) == EXAMPLE_REFERENCE


def test_slip_qr_is_found_beside_another_qr_code() -> None:
    other = Image.open(io.BytesIO(render_qr_png(credit_transfer_payload(mobile="0812345678"))))
    mini = Image.open(io.BytesIO(render_qr_png(EXAMPLE)))
    page = Image.new("L", (other.width + mini.width, max(other.height, mini.height)), 255)
    page.paste(other.convert("L"), (0, 0))
    page.paste(mini.convert("L"), (other.width, 0))
    assert read_slip_image(png_of(page)) == EXAMPLE_REFERENCE


def test_transparent_png_is_read() -> None:
    """Black modules on a transparent background: every pixel is black, only alpha differs."""
    code = Image.open(io.BytesIO(render_qr_png(EXAMPLE))).convert("L")
    image = Image.new("RGBA", code.size, (0, 0, 0, 255))
    image.putalpha(code.point(lambda value: 0 if value > 128 else 255))
    assert read_slip_image(png_of(image)) == EXAMPLE_REFERENCE


def test_image_with_only_a_payment_qr_gives_none() -> None:
    assert read_slip_image(render_qr_png(credit_transfer_payload(mobile="0812345678"))) is None


def test_image_with_a_damaged_slip_qr_gives_none() -> None:
    assert read_slip_image(render_qr_png(EXAMPLE[:-4] + "9C31")) is None


def test_image_without_any_code_gives_none() -> None:
    assert read_slip_image(png_of(Image.new("RGB", (200, 200), "white"))) is None


def test_bytes_that_are_not_an_image_give_none() -> None:
    assert read_slip_image(b"%PDF-1.7 not an image") is None
