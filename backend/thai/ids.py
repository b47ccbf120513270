"""Thai 13-digit national ID numbers and the G-codes schools issue to children without one:
parsing, checksum, display, masking and synthetic values."""

from __future__ import annotations

import random
import re

from backend.thai.digits import to_arabic_digits
from backend.thai.errors import ThaiInputError

# A synthetic ID with a valid checksum, shown in messages as the shape to type.
EXAMPLE_NATIONAL_ID = "1-2345-67890-12-1"

# What people put between digit groups when copying from a card or a letter.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—.]+")
_GROUPS = (1, 4, 5, 2, 1)

# The DOPA categories of personal IDs run 1–8. Numbers starting with 0 are given to people
# without Thai civil registration or nationality (docs/rules.md, "Students without a Thai ID"),
# which includes children a school must admit and serve even without documents (MOE regulation
# 2548 clause 6, the 2568 notice on children without civil registration): every student's ID is
# read with allow_non_thai. Numbers starting with 9 are reserved for the Queen and royal family
# members (Thai Wikipedia, citing DOPA); no student files through a chat with one, so a leading 9
# is taken for a typing slip.
_THAI_LEADING = frozenset("12345678")
_NON_THAI_LEADING = frozenset("0")

# A G-code: "G" and 12 digits (the BE year, the province code, a running number, e.g.
# G644200000001), issued by the school through the MOE's system to a child without a 13-digit
# number and used in its place (DMC, transcripts). No check digit is published, so none is checked.
G_CODE = re.compile(r"^G\d{12}$")
EXAMPLE_G_CODE = "G644200000001"


def national_id_check_digit(first_twelve: str) -> int:
    """The 13th digit: (11 − Σ dᵢ·(13−i) mod 11) mod 10 over the first 12 digits."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first_twelve))
    return (11 - total % 11) % 10


def _strip_separators(text: str) -> str:
    return _SEPARATORS.sub("", to_arabic_digits(text.strip()))


def parse_national_id(text: str, *, allow_non_thai: bool = False) -> str:
    """Read a national ID typed with Thai or Arabic digits, dashes or spaces; return 13 digits.

    Raises ThaiInputError with a different Thai message for: nothing typed, non-digits,
    a wrong number of digits, an impossible first digit, and a wrong check digit.
    """
    compact = _strip_separators(text)
    if not compact:
        raise ThaiInputError(
            f"กรุณาพิมพ์เลขประจำตัวประชาชน 13 หลักค่ะ เช่น {EXAMPLE_NATIONAL_ID}",
            code="national_id.empty",
        )
    if not compact.isascii() or not compact.isdigit():
        raise ThaiInputError(
            f"เลขประจำตัวประชาชนต้องเป็นตัวเลขเท่านั้นค่ะ (เว้นวรรคหรือใส่ขีดคั่นได้) เช่น {EXAMPLE_NATIONAL_ID}",
            code="national_id.not_digits",
        )
    if len(compact) != 13:
        raise ThaiInputError(
            f"เลขประจำตัวประชาชนต้องมี 13 หลักค่ะ แต่ที่พิมพ์มามี {len(compact)} หลัก "
            f"กรุณาตรวจสอบอีกครั้ง เช่น {EXAMPLE_NATIONAL_ID}",
            code="national_id.length",
        )
    leading = compact[0]
    allowed = _THAI_LEADING | (_NON_THAI_LEADING if allow_non_thai else frozenset())
    if leading not in allowed:
        raise ThaiInputError(
            f"เลขประจำตัวประชาชนไม่ขึ้นต้นด้วยเลข {leading} ค่ะ "
            f"กรุณาตรวจสอบหลักแรกอีกครั้ง เช่น {EXAMPLE_NATIONAL_ID}",
            code="national_id.leading_digit",
        )
    if national_id_check_digit(compact[:12]) != int(compact[12]):
        raise ThaiInputError(
            "เลขประจำตัวประชาชนนี้ไม่ถูกต้องค่ะ (เลขตรวจสอบหลักสุดท้ายไม่ตรงกัน) "
            "อาจพิมพ์ผิดหรือสลับหลัก กรุณาตรวจสอบจากบัตรประชาชนหรือสูติบัตรอีกครั้งค่ะ",
            code="national_id.checksum",
        )
    return compact


def is_valid_national_id(digits: str, *, allow_non_thai: bool = False) -> bool:
    """True when ``parse_national_id`` would accept the text."""
    try:
        parse_national_id(digits, allow_non_thai=allow_non_thai)
    except ThaiInputError:
        return False
    return True


def _thirteen_digits(digits: str) -> str:
    compact = _strip_separators(digits)
    if len(compact) != 13 or not compact.isascii() or not compact.isdigit():
        # A programming error, not user input: stored IDs are parsed before they are formatted.
        raise ValueError("a national ID has 13 digits")
    return compact


def _group(digits: str) -> str:
    parts, start = [], 0
    for size in _GROUPS:
        parts.append(digits[start : start + size])
        start += size
    return "-".join(parts)


def format_national_id(digits: str) -> str:
    """Group 13 digits the way the ID card prints them: 1-2345-67890-12-1."""
    return _group(_thirteen_digits(digits))


def mask_national_id(digits: str) -> str:
    """Hide all but the first digit and the last three: 1-xxxx-xxxxx-12-1."""
    compact = _thirteen_digits(digits)
    return _group(compact[0] + "x" * 9 + compact[10:])


def synthetic_national_id(
    rng_or_seed: random.Random | int | None = None, *, non_thai: bool = False
) -> str:
    """A random 13-digit ID with a valid checksum, for tests and fixtures only.

    With ``non_thai=True`` it starts with 0 (the series for people without civil registration).
    """
    rng = rng_or_seed if isinstance(rng_or_seed, random.Random) else random.Random(rng_or_seed)
    leading = "0" if non_thai else str(rng.randint(1, 8))
    body = leading + "".join(str(rng.randint(0, 9)) for _ in range(11))
    return body + str(national_id_check_digit(body))


def _compact_g_code(text: str) -> str | None:
    """The G-code in what was typed ("g 6442 0000 0001" too), or None when it does not start with G."""
    compact = _strip_separators(text).upper()
    return compact if compact.startswith("G") else None


def parse_student_id(text: str) -> str:
    """A student's number: a 13-digit national ID of any series a child can hold (the 0-series of
    children without civil registration included), or a G-code. Raises ThaiInputError in Thai."""
    g_code = _compact_g_code(text)
    if g_code is None:
        return parse_national_id(text, allow_non_thai=True)
    if not G_CODE.match(g_code):
        digits = len(g_code) - 1
        raise ThaiInputError(
            f"รหัส G ต้องมีตัว G ตามด้วยตัวเลข 12 หลักค่ะ แต่ที่พิมพ์มามีตัวเลข {digits} หลัก "
            f"กรุณาตรวจสอบอีกครั้ง เช่น {EXAMPLE_G_CODE}",
            code="g_code.shape",
        )
    return g_code


def is_g_code(value: str) -> bool:
    return bool(G_CODE.match(value))


def format_student_id(value: str) -> str:
    """A stored student number as people read it: the ID card's grouping, or the G-code as issued."""
    return value if is_g_code(value) else format_national_id(value)


def mask_student_id(value: str) -> str:
    """A student number with all but its first and last few characters hidden."""
    if is_g_code(value):
        return value[:3] + "x" * 7 + value[-3:]
    return mask_national_id(value)
