"""Thai telephone numbers: reading what parents type and showing them grouped."""

from __future__ import annotations

import re

from backend.thai.digits import to_arabic_digits
from backend.thai.errors import ThaiInputError

# Written by hand: the national plan is two prefixes and two lengths, and a strict library such
# as phonenumbers would refuse ranges allocated after its last metadata release.

EXAMPLE_PHONE = "081-234-5678"

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—.()]+")
_COUNTRY_CODE = re.compile(r"^(?:\+|00)?66(?:0)?(?=\d{8,9}$)")
_MOBILE = re.compile(r"^0[689]\d{8}$")
_LANDLINE = re.compile(r"^0[2-7]\d{7}$")


def parse_phone(text: str) -> str:
    """Read a Thai number: mobile 0[689] + 8 digits, landline 0[2-7] + 7 digits; +66 allowed.

    Returns the national form with its leading 0 (e.g. "0812345678").
    """
    compact = _SEPARATORS.sub("", to_arabic_digits(text.strip()))
    if not compact:
        raise ThaiInputError(f"กรุณาพิมพ์เบอร์โทรศัพท์ค่ะ เช่น {EXAMPLE_PHONE}", code="phone.empty")
    compact = _COUNTRY_CODE.sub("0", compact)
    if compact.startswith(("+", "00")):
        raise ThaiInputError(
            f"ขออภัยค่ะ รับเฉพาะเบอร์โทรศัพท์ในประเทศไทย เช่น {EXAMPLE_PHONE}",
            code="phone.foreign",
        )
    if not compact.isascii() or not compact.isdigit():
        raise ThaiInputError(
            f"เบอร์โทรศัพท์ต้องเป็นตัวเลขเท่านั้นค่ะ เช่น {EXAMPLE_PHONE}",
            code="phone.not_digits",
        )
    if _MOBILE.match(compact) or _LANDLINE.match(compact):
        return compact
    if not compact.startswith("0") or compact[1] in "01":
        raise ThaiInputError(
            f"เบอร์โทรศัพท์ในประเทศไทยขึ้นต้นด้วย 06 08 09 (มือถือ) หรือ 02–07 (บ้าน) ค่ะ เช่น {EXAMPLE_PHONE}",
            code="phone.prefix",
        )
    if compact[1] in "689":
        raise ThaiInputError(f"เบอร์มือถือต้องมี 10 หลักค่ะ เช่น {EXAMPLE_PHONE}", code="phone.length")
    raise ThaiInputError("เบอร์โทรศัพท์บ้านต้องมี 9 หลักค่ะ เช่น 02-123-4567", code="phone.length")


def is_mobile(digits: str) -> bool:
    """True for a mobile number in national form (LINE and SMS reach only these)."""
    return bool(_MOBILE.match(digits))


def format_phone(digits: str) -> str:
    """Group a national-form number: 081-234-5678, 02-123-4567, 038-123-456."""
    number = parse_phone(digits)
    if len(number) == 10:
        return f"{number[:3]}-{number[3:6]}-{number[6:]}"
    if number.startswith("02"):  # Bangkok area code has one digit after the 0
        return f"{number[:2]}-{number[2:5]}-{number[5:]}"
    return f"{number[:3]}-{number[3:6]}-{number[6:]}"


def to_e164(digits: str) -> str:
    """The international form, e.g. +66812345678."""
    return "+66" + parse_phone(digits)[1:]
