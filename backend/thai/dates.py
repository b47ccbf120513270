"""Thai dates: reading what parents type and Buddhist Era display (minimal stand-in)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from backend.thai.errors import ThaiInputError

BE_OFFSET = 543
MONTHS_FULL = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
EXAMPLE_DATES = "15 มีนาคม 2562 หรือ 15/3/2562"

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_MONTH_BY_WORD = {
    re.sub(r"[.\s]", "", name): number
    for names in (MONTHS_FULL, MONTHS_SHORT)
    for number, name in enumerate(names, 1)
}
_NUMERIC = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WORDED = re.compile(r"^(\d{1,2})(\D+?)(\d{4})$")


def _unreadable() -> ThaiInputError:
    return ThaiInputError(f"อ่านวันที่ไม่ออกค่ะ กรุณาพิมพ์ใหม่ เช่น {EXAMPLE_DATES}", code="date.unreadable")


def parse_thai_date(text: str, *, today: dt.date) -> dt.date:
    """Read "15 มีนาคม 2562", "15 มี.ค. 2562", "15/3/2562" (BE or CE) or ISO "2019-03-15"."""
    cleaned = re.sub(r"\s+|พ\.ศ\.|วันที่", "", text.translate(_THAI_DIGITS))
    if iso := _ISO.match(cleaned):
        year, month, day = map(int, iso.groups())
    elif numeric := _NUMERIC.match(cleaned):
        day, month, year = map(int, numeric.groups())
    elif worded := _WORDED.match(cleaned):
        month = _MONTH_BY_WORD.get(worded.group(2).replace(".", ""), 0)
        day, year = int(worded.group(1)), int(worded.group(3))
    else:
        raise _unreadable()
    if year > today.year + 300:  # a BE year
        year -= BE_OFFSET
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _unreadable() from None


DateStyle = Literal["full", "short", "numeric"]


def format_thai_date(d: dt.date, *, style: DateStyle = "full") -> str:
    """Show a date in BE: "15 มีนาคม 2562"."""
    year = d.year + BE_OFFSET
    if style == "short":
        return f"{d.day} {MONTHS_SHORT[d.month - 1]} {year % 100:02d}"
    if style == "numeric":
        return f"{d.day:02d}/{d.month:02d}/{year}"
    return f"{d.day} {MONTHS_FULL[d.month - 1]} {year}"
