"""Thai telephone numbers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.thai.digits import to_thai_digits
from backend.thai.errors import ThaiInputError
from backend.thai.phone import format_phone, is_mobile, parse_phone, to_e164


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("0812345678", "0812345678"),
        ("081-234-5678", "0812345678"),
        ("081 234 5678", "0812345678"),
        ("๐๘๑-๒๓๔-๕๖๗๘", "0812345678"),
        ("+66 81 234 5678", "0812345678"),
        ("+66812345678", "0812345678"),
        ("+66 (0)81 234 5678", "0812345678"),
        ("66812345678", "0812345678"),
        ("0066812345678", "0812345678"),
        ("062.345.6789", "0623456789"),
        ("0912345678", "0912345678"),
        ("02-123-4567", "021234567"),
        ("(02) 123 4567", "021234567"),
        ("+66 2 123 4567", "021234567"),
        ("038-123-456", "038123456"),
        ("074 123 456", "074123456"),
    ],
)
def test_accepted_forms(typed: str, digits: str) -> None:
    assert parse_phone(typed) == digits


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "phone.empty"),
        ("081-234-567", "phone.length"),  # mobile missing a digit
        ("08123456789", "phone.length"),
        ("02-123-456", "phone.length"),  # landline missing a digit
        ("0112345678", "phone.prefix"),
        ("1234567890", "phone.prefix"),
        ("1669", "phone.prefix"),
        ("+1 555 123 4567", "phone.foreign"),
        ("081-234-5678 ต่อ 12", "phone.not_digits"),
        ("โทร", "phone.not_digits"),
    ],
)
def test_refused_forms(typed: str, code: str) -> None:
    with pytest.raises(ThaiInputError) as caught:
        parse_phone(typed)
    assert caught.value.code == code
    assert "ค่ะ" in caught.value.message_th


@pytest.mark.parametrize(
    ("digits", "shown"),
    [("0812345678", "081-234-5678"), ("021234567", "02-123-4567"), ("038123456", "038-123-456")],
)
def test_format_groups_like_thai_numbers(digits: str, shown: str) -> None:
    assert format_phone(digits) == shown


def test_mobile_and_international_form() -> None:
    assert is_mobile("0812345678")
    assert not is_mobile("021234567")
    assert to_e164("081-234-5678") == "+66812345678"


mobiles = st.builds(
    lambda second, rest: f"0{second}{rest}",
    st.sampled_from("689"),
    st.text(alphabet="0123456789", min_size=8, max_size=8),
)
landlines = st.builds(
    lambda second, rest: f"0{second}{rest}",
    st.sampled_from("234567"),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
)


@given(st.one_of(mobiles, landlines), st.booleans())
def test_format_then_parse_round_trips(digits: str, thai: bool) -> None:
    shown = format_phone(digits)
    assert parse_phone(to_thai_digits(shown) if thai else shown) == digits


@given(st.one_of(mobiles, landlines))
def test_international_form_reads_back(digits: str) -> None:
    assert parse_phone(to_e164(digits)) == digits
