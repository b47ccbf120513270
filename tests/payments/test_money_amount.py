"""Fee amounts typed by school staff, in the forms Thai staff actually write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.payments.money import AmountFormatError, parse_amount


@pytest.mark.parametrize(
    "text, amount",
    [
        ("1,234.50", "1234.50"),
        ("๑๒๓", "123"),
        ("100 บาท", "100"),
        ("100บาท", "100"),
        ("฿100", "100"),
        ("THB 20", "20"),
        ("100.-", "100"),
        (" ๑,๐๐๐.๕๐ บาท ", "1000.50"),
        ("1,000,000", "1000000"),
        ("0", "0"),
        ("0.5", "0.5"),
    ],
)
def test_accepted_forms(text: str, amount: str) -> None:
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "บาท",
        "-5",
        "1,23",
        "12,34.5",
        "1.234",
        "1 000",
        "1e3",
        "abc",
        "12.",
        "100บาทบาท",
        "١٢٣",
        "NaN",
    ],
)
def test_refused_forms(text: str) -> None:
    with pytest.raises(AmountFormatError):
        parse_amount(text)


def test_refusal_carries_a_polite_thai_message() -> None:
    with pytest.raises(AmountFormatError) as error:
        parse_amount("สองร้อย")
    assert error.value.user_message.endswith("ค่ะ")
    assert "1,234.50" in error.value.user_message
