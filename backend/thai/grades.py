"""School grades อ.1–อ.3, ป.1–ป.6, ม.1–ม.6: stable ids, Thai labels, reading what parents type."""

from __future__ import annotations

import re
from enum import StrEnum

from backend.thai.digits import to_arabic_digits, to_thai_digits
from backend.thai.errors import ThaiInputError

_LEVELS = {
    "k": ("อ.", "อนุบาลปีที่", 3),
    "p": ("ป.", "ประถมศึกษาปีที่", 6),
    "m": ("ม.", "มัธยมศึกษาปีที่", 6),
}
_LEVEL_NAMES_TH = {"k": "อนุบาล", "p": "ประถมศึกษา", "m": "มัธยมศึกษา"}


class Grade(StrEnum):
    """A grade; the value is a stable id to store ("p1"), labels are for people."""

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
        """The level letter: k kindergarten, p primary, m secondary."""
        return self.value[0]

    @property
    def year(self) -> int:
        """The year within the level: ป.4 → 4."""
        return int(self.value[1:])

    @property
    def label_th(self) -> str:
        """Short label as schools write it: "ป.1"."""
        return f"{_LEVELS[self.level][0]}{self.year}"

    @property
    def long_label_th(self) -> str:
        """Full label for documents: "ประถมศึกษาปีที่ 1"."""
        return f"{_LEVELS[self.level][1]} {self.year}"

    def label_thai_digits(self) -> str:
        """Short label with Thai digits, for official letters: "ป.๑"."""
        return to_thai_digits(self.label_th)


# Level words with spaces and dots removed; longest first so "ประถมศึกษาปีที่" wins over "ป".
_LEVEL_WORDS = {
    "อนุบาลปีที่": "k", "อนุบาล": "k", "อ": "k", "k": "k",
    "ประถมศึกษาปีที่": "p", "ประถมศึกษา": "p", "ประถมปีที่": "p", "ประถม": "p", "ป": "p",
    "p": "p",
    "มัธยมศึกษาปีที่": "m", "มัธยมศึกษา": "m", "มัธยมปีที่": "m", "มัธยม": "m", "ม": "m",
    "m": "m",
}  # fmt: skip
_GRADE_TEXT = re.compile(
    r"^(?:ชั้น)?("
    + "|".join(map(re.escape, sorted(_LEVEL_WORDS, key=len, reverse=True)))
    + r")(\d{1,2})$"
)

EXAMPLE_GRADES = "อ.2, ป.1 หรือ ม.4"


def parse_grade(text: str) -> Grade:
    """Read "ป.1", "ป1", "ป 1", "ประถม 1", "ประถมศึกษาปีที่ ๑", "อ.2", "อนุบาล 2", "ม.4", …"""
    compact = re.sub(r"[\s.]", "", to_arabic_digits(text)).lower()
    match = _GRADE_TEXT.match(compact)
    if not match:
        raise ThaiInputError(
            f"อ่านชั้นเรียนไม่ออกค่ะ กรุณาพิมพ์ชั้น เช่น {EXAMPLE_GRADES}",
            code="grade.unreadable",
        )
    level = _LEVEL_WORDS[match.group(1)]
    year = int(match.group(2))
    highest = _LEVELS[level][2]
    if not 1 <= year <= highest:
        raise ThaiInputError(
            f"ชั้น{_LEVEL_NAMES_TH[level]}มีตั้งแต่ปีที่ 1 ถึง {highest} ค่ะ "
            f"กรุณาตรวจสอบอีกครั้ง เช่น {EXAMPLE_GRADES}",
            code="grade.out_of_range",
        )
    return Grade(f"{level}{year}")


# A grade inside a longer message ("สมัคร ป.1 ให้ลูกชาย"): a one-letter level (ป, ม, อ) only where
# no Thai letter or mark comes right before it, so the ม of "ประชุม 1" is not ม.1.
_GRADE_IN_TEXT = re.compile(
    r"(?:ชั้น\s*)?(?:"
    + "|".join(re.escape(word) for word in sorted(_LEVEL_WORDS, key=len, reverse=True) if len(word) > 1)
    + r"|(?<![\u0e01-\u0e4ea-z])[ปมอpmk])\s*\.?\s*(\d{1,2})(?!\d)"
)


def find_grade(text: str) -> tuple[Grade, int, int] | None:
    """The first grade written inside a message, with where its words are; None when none is."""
    arabic = to_arabic_digits(text)
    for found in _GRADE_IN_TEXT.finditer(arabic):
        try:
            return parse_grade(found.group(0)), found.start(), found.end()
        except ThaiInputError:
            continue
    return None
