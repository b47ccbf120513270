"""School grades อ.1–อ.3, ป.1–ป.6, ม.1–ม.6 (minimal stand-in; the thai branch has the full module)."""

from __future__ import annotations

import re
from enum import StrEnum

from backend.thai.errors import ThaiInputError

_PREFIX = {"k": "อ.", "p": "ป.", "m": "ม."}
_LEVEL_WORDS = {"อนุบาล": "k", "อ": "k", "ประถม": "p", "ป": "p", "มัธยม": "m", "ม": "m"}
_GRADE_TEXT = re.compile(r"^(?:ชั้น)?(อนุบาล|ประถม|มัธยม|อ|ป|ม)(?:ศึกษา)?(?:ปีที่)?(\d)$")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
EXAMPLE_GRADES = "อ.2, ป.1 หรือ ม.4"


class Grade(StrEnum):
    """A grade; the value is a stable id to store ("p1")."""

    K1 = "k1"
    K2 = "k2"
    K3 = "k3"
    P1 = "p1"
    P2 = "p2"
    P3 = "p3"
    P4 = "p4"
    P5 = "p5"
    P6 = "p6"
    M1 = "m1"
    M2 = "m2"
    M3 = "m3"
    M4 = "m4"
    M5 = "m5"
    M6 = "m6"

    @property
    def level(self) -> str:
        return self.value[0]

    @property
    def year(self) -> int:
        return int(self.value[1:])

    @property
    def label_th(self) -> str:
        return f"{_PREFIX[self.level]}{self.year}"


def parse_grade(text: str) -> Grade:
    compact = re.sub(r"[\s.]", "", text.translate(_THAI_DIGITS))
    match = _GRADE_TEXT.match(compact)
    value = f"{_LEVEL_WORDS[match.group(1)]}{match.group(2)}" if match else ""
    if value not in Grade._value2member_map_:
        raise ThaiInputError(
            f"อ่านชั้นเรียนไม่ออกค่ะ กรุณาพิมพ์ชั้น เช่น {EXAMPLE_GRADES}", code="grade.unreadable"
        )
    return Grade(value)
