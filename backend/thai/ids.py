"""Thai 13-digit national ID numbers (minimal stand-in; the thai branch has the full module)."""

from __future__ import annotations

import random
import re

from backend.thai.errors import ThaiInputError

EXAMPLE_NATIONAL_ID = "1-2345-67890-12-1"
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_SEPARATORS = re.compile(r"[\s\-.]+")


def national_id_check_digit(first_twelve: str) -> int:
    total = sum(int(d) * (13 - i) for i, d in enumerate(first_twelve))
    return (11 - total % 11) % 10


def parse_national_id(text: str, *, allow_non_thai: bool = False) -> str:
    compact = _SEPARATORS.sub("", text.strip().translate(_THAI_DIGITS))
    if len(compact) != 13 or not compact.isascii() or not compact.isdigit():
        raise ThaiInputError(
            f"เลขประจำตัวประชาชนต้องเป็นตัวเลข 13 หลักค่ะ เช่น {EXAMPLE_NATIONAL_ID}",
            code="national_id.length",
        )
    if compact[0] == "9" or (compact[0] == "0" and not allow_non_thai):
        raise ThaiInputError(
            f"เลขประจำตัวประชาชนไม่ขึ้นต้นด้วยเลข {compact[0]} ค่ะ กรุณาตรวจสอบอีกครั้ง",
            code="national_id.leading_digit",
        )
    if national_id_check_digit(compact[:12]) != int(compact[12]):
        raise ThaiInputError(
            "เลขประจำตัวประชาชนนี้ไม่ถูกต้องค่ะ (เลขตรวจสอบหลักสุดท้ายไม่ตรงกัน) "
            "กรุณาตรวจสอบจากบัตรประชาชนหรือสูติบัตรอีกครั้งค่ะ",
            code="national_id.checksum",
        )
    return compact


def format_national_id(digits: str) -> str:
    """Group 13 digits the way the ID card prints them: 1-2345-67890-12-1."""
    return f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"


def synthetic_national_id(rng_or_seed: random.Random | int | None = None) -> str:
    """A random ID with a valid checksum, for tests only."""
    rng = rng_or_seed if isinstance(rng_or_seed, random.Random) else random.Random(rng_or_seed)
    body = str(rng.randint(1, 8)) + "".join(str(rng.randint(0, 9)) for _ in range(11))
    return body + str(national_id_check_digit(body))
