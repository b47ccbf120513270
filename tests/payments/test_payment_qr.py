"""PromptPay QR images: a banking app's scanner must read back exactly the payload we built."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from backend.payments.promptpay import bill_payment_payload, credit_transfer_payload
from backend.payments.qr import render_qr_png


def decode(png: bytes) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))


def test_png_decodes_to_the_exact_payload_at_error_correction_m() -> None:
    payload = bill_payment_payload(
        biller_id="099400016550100",
        ref1="APP2569000123",
        ref2="FEE01",
        ref3="SCHOOL1",
        amount=Decimal("1250.50"),
    )
    png = render_qr_png(payload)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    [barcode] = decode(png)
    assert barcode.format == zxingcpp.BarcodeFormat.QRCode
    assert barcode.text == payload
    assert barcode.ec_level == "M"


@settings(max_examples=25, deadline=None)
@given(
    mobile=st.from_regex(r"0[0-9]{9}", fullmatch=True),
    amount=st.none()
    | st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
)
def test_random_payloads_survive_render_and_scan(mobile: str, amount: Decimal | None) -> None:
    payload = credit_transfer_payload(mobile=mobile, amount=amount)
    assert [barcode.text for barcode in decode(render_qr_png(payload, box_size=4))] == [payload]


def test_box_size_and_border_set_the_image_size() -> None:
    payload = credit_transfer_payload(mobile="0812345678")
    small = Image.open(io.BytesIO(render_qr_png(payload, box_size=5, border=4)))
    large = Image.open(io.BytesIO(render_qr_png(payload, box_size=10, border=4)))
    borderless = Image.open(io.BytesIO(render_qr_png(payload, box_size=10, border=0)))
    assert large.size == (2 * small.size[0], 2 * small.size[1])
    assert borderless.size[0] == large.size[0] - 2 * 4 * 10


@pytest.mark.parametrize("kwargs", [{"box_size": 0}, {"border": -1}])
def test_nonsense_sizes_are_refused(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        render_qr_png("000201", **kwargs)


def test_empty_payload_is_refused() -> None:
    with pytest.raises(ValueError):
        render_qr_png("")
