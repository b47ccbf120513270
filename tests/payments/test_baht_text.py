"""Amounts in Thai words on receipts, as Thai government and bank practice writes them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.payments.amount_words import baht_text


@pytest.mark.parametrize(
    "amount, words",
    [
        ("0", "ศูนย์บาทถ้วน"),
        ("0.01", "หนึ่งสตางค์"),
        ("0.10", "สิบสตางค์"),
        ("0.11", "สิบเอ็ดสตางค์"),
        ("0.21", "ยี่สิบเอ็ดสตางค์"),
        ("0.50", "ห้าสิบสตางค์"),
        ("1", "หนึ่งบาทถ้วน"),
        ("1.01", "หนึ่งบาทหนึ่งสตางค์"),
        ("10", "สิบบาทถ้วน"),
        ("11", "สิบเอ็ดบาทถ้วน"),
        ("20", "ยี่สิบบาทถ้วน"),
        ("21", "ยี่สิบเอ็ดบาทถ้วน"),
        ("100", "หนึ่งร้อยบาทถ้วน"),
        ("101", "หนึ่งร้อยเอ็ดบาทถ้วน"),
        ("110", "หนึ่งร้อยสิบบาทถ้วน"),
        ("1001", "หนึ่งพันเอ็ดบาทถ้วน"),
        ("1234.50", "หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์"),
        ("25000", "สองหมื่นห้าพันบาทถ้วน"),
        ("999999.99", "เก้าแสนเก้าหมื่นเก้าพันเก้าร้อยเก้าสิบเก้าบาทเก้าสิบเก้าสตางค์"),
        ("1000000", "หนึ่งล้านบาทถ้วน"),
        ("1000001", "หนึ่งล้านเอ็ดบาทถ้วน"),
        ("1000010", "หนึ่งล้านสิบบาทถ้วน"),
        ("11000000", "สิบเอ็ดล้านบาทถ้วน"),
        ("21000021", "ยี่สิบเอ็ดล้านยี่สิบเอ็ดบาทถ้วน"),
        ("101000000", "หนึ่งร้อยเอ็ดล้านบาทถ้วน"),
        ("1000000000000", "หนึ่งล้านล้านบาทถ้วน"),
        ("1000001000000", "หนึ่งล้านเอ็ดล้านบาทถ้วน"),
        ("2000000000001.01", "สองล้านล้านเอ็ดบาทหนึ่งสตางค์"),
    ],
)
def test_words(amount: str, words: str) -> None:
    assert baht_text(Decimal(amount)) == words


@pytest.mark.parametrize(
    "amount, words",
    [
        ("0.005", "หนึ่งสตางค์"),  # half-even would give ศูนย์บาทถ้วน
        ("0.125", "สิบสามสตางค์"),  # half-even would give สิบสองสตางค์
        ("0.004", "ศูนย์บาทถ้วน"),
        ("99.995", "หนึ่งร้อยบาทถ้วน"),
    ],
)
def test_rounds_half_up_to_the_satang_first(amount: str, words: str) -> None:
    assert baht_text(Decimal(amount)) == words


@pytest.mark.parametrize("amount", [Decimal(-1), Decimal("-0.01"), Decimal("NaN")])
def test_negative_or_undefined_amounts_are_refused(amount: Decimal) -> None:
    with pytest.raises(ValueError):
        baht_text(amount)


def test_float_is_refused() -> None:
    with pytest.raises(TypeError):
        baht_text(1.5)  # type: ignore[arg-type]


# An independent reader of Thai number words, to check arbitrary amounts read back correctly.
DIGIT_WORDS = {
    "หนึ่ง": 1,
    "เอ็ด": 1,
    "สอง": 2,
    "ยี่": 2,
    "สาม": 3,
    "สี่": 4,
    "ห้า": 5,
    "หก": 6,
    "เจ็ด": 7,
    "แปด": 8,
    "เก้า": 9,
}
PLACE_WORDS = {"สิบ": 10, "ร้อย": 100, "พัน": 1000, "หมื่น": 10_000, "แสน": 100_000}


def read_number(words: str) -> int:
    values = {**DIGIT_WORDS, **PLACE_WORDS, "ล้าน": 0}
    total, group, pending = 0, 0, 0
    while words:
        word = next((word for word in values if words.startswith(word)), None)
        if word is None:
            raise AssertionError(f"unexpected words: {words}")
        value = values[word]
        words = words[len(word) :]
        if word == "ล้าน":
            total, group, pending = (total + group + pending) * 1_000_000, 0, 0
        elif word in PLACE_WORDS:
            group += (pending or 1) * value
            pending = 0
        else:
            pending = value
    return total + group + pending


def read_amount(text: str) -> Decimal:
    if text == "ศูนย์บาทถ้วน":
        return Decimal("0.00")
    baht_words, _, rest = text.rpartition("บาท") if "บาท" in text else ("", "", text)
    satang = 0 if rest == "ถ้วน" else read_number(rest.removesuffix("สตางค์"))
    return Decimal(read_number(baht_words)) + Decimal(satang) / 100


@given(st.decimals(min_value=0, max_value=Decimal(10) ** 18, places=2))
def test_words_read_back_to_the_amount_in_standard_form(amount: Decimal) -> None:
    text = baht_text(amount)
    assert read_amount(text) == amount
    assert text.endswith("ถ้วน") == (amount == amount.to_integral_value())
    for wrong in ("หนึ่งสิบ", "สองสิบ", "ศูนย์บาท" if amount >= 1 else "ศูนย์สตางค์"):
        assert wrong not in text
    # A units digit of 1 reads เอ็ด in numbers of two or more digits, หนึ่ง when it stands alone.
    baht, satang = divmod(int(amount * 100), 100)
    if baht % 10 == 1:
        assert text.split("บาท")[0].endswith("เอ็ด" if baht >= 10 else "หนึ่ง")
    if satang % 10 == 1:
        assert text.endswith("เอ็ดสตางค์" if satang >= 10 else "หนึ่งสตางค์")
