"""Thai personal names: title prefix, first and last name, and the prefixes that fit an age."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from backend.thai.errors import ThaiInputError

# Written by hand: no maintained library splits Thai title prefixes from names.

MASTER = "เด็กชาย"
MISS_GIRL = "เด็กหญิง"
MR = "นาย"
MISS = "นางสาว"
MRS = "นาง"

# Age from which a person uses นาย / นางสาว / นาง instead of เด็กชาย / เด็กหญิง, as forms expect.
ADULT_PREFIX_AGE = 15
# What is refused as not fitting the age (docs/rules.md, "Name titles"): the Royal Institute
# dictionary gives เด็กชาย/เด็กหญิง to children "อายุไม่เกิน ๑๔ ปีบริบูรณ์", the (repealed) royal
# decree of 2464 to children of 15 and under; at 15 full years either title is accepted.
CHILD_TITLE_UNTIL_AGE = 14
ADULT_TITLE_FROM_AGE = 16

Sex = Literal["male", "female"]

_PREFIX_SEX: dict[str, Sex] = {
    MASTER: "male",
    MISS_GIRL: "female",
    MR: "male",
    MISS: "female",
    MRS: "female",
}

# Written forms, dots and spaces removed, to the full form. Longest first so that นางสาว is not
# read as นาง + สาว….
_PREFIX_FORMS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "เด็กชาย": MASTER, "ดช": MASTER,
            "เด็กหญิง": MISS_GIRL, "ดญ": MISS_GIRL,
            "นางสาว": MISS, "นส": MISS,
            "นาย": MR,
            "นาง": MRS,
        }.items(),
        key=lambda item: -len(item[0]),
    )
)  # fmt: skip
# A written prefix: its letters with optional dots/spaces between and after them.
_PREFIX_PATTERNS = tuple(
    (re.compile(r"^" + r"\s*\.?\s*".join(map(re.escape, form)) + r"\s*\.?\s*"), full)
    for form, full in _PREFIX_FORMS
)

EXAMPLE_NAME = "เด็กหญิงสมใจ ใจดี"
_MAX_PART_LENGTH = 100


@dataclass(frozen=True, slots=True)
class PersonName:
    """A name split the way Thai forms ask for it. ``prefix`` is the full form, or None."""

    prefix: str | None
    first: str
    last: str

    def __str__(self) -> str:
        # Thai writes the prefix joined to the first name: "เด็กชายสมชาย ใจดี".
        return f"{self.prefix or ''}{self.first} {self.last}"

    @property
    def sex(self) -> Sex | None:
        return _PREFIX_SEX.get(self.prefix) if self.prefix else None


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    # Some keyboards produce nikhahit + sara aa for sara am; they look identical on screen.
    text = text.replace("\u0e4d\u0e32", "\u0e33")
    return " ".join(text.split())


def _split_prefix(text: str) -> tuple[str | None, str]:
    for pattern, full in _PREFIX_PATTERNS:
        match = pattern.match(text)
        if match:
            return full, text[match.end() :]
    return None, text


def _is_name_char(ch: str) -> bool:
    # Letters and combining marks (Thai vowels and tone marks are category Mn) plus the
    # punctuation that occurs in foreign names transcribed into Thai.
    return unicodedata.category(ch)[0] in "LM" or ch in " -'"


def _starts_a_word_with_mark(text: str) -> bool:
    # A hyphen or apostrophe joins the letters of a transcribed name ("O'Neil-Smith"); one that
    # begins or ends a word is no part of a name (and "-", like "=", "+" and "@", starts a formula
    # when the name is copied into a spreadsheet).
    return any(word[:1] in "-'" or word[-1:] in "-'" for word in text.split(" "))


def parse_person_name(text: str) -> PersonName:
    """Split "ด.ช. สมชาย ใจดี" or "นางสาวสมศรี มีสุข" into prefix (full form), first and last.

    A prefix written joined to the name is always taken as a prefix ("นางนวล ใจดี" is นาง +
    นวล), as official documents write it that way. Everything after the first name is the
    last name, so multi-word surnames (and names of children from neighbouring countries)
    are kept whole.
    """
    cleaned = _clean(text)
    if not cleaned:
        raise ThaiInputError(f"กรุณาพิมพ์ชื่อและนามสกุลค่ะ เช่น {EXAMPLE_NAME}", code="name.empty")
    if any(ch.isdigit() for ch in cleaned):
        raise ThaiInputError(f"ชื่อและนามสกุลต้องไม่มีตัวเลขค่ะ เช่น {EXAMPLE_NAME}", code="name.digits")
    prefix, rest = _split_prefix(cleaned)
    if not rest:
        raise ThaiInputError(
            f"กรุณาพิมพ์ชื่อและนามสกุลต่อจากคำนำหน้าชื่อด้วยค่ะ เช่น {EXAMPLE_NAME}",
            code="name.missing_first",
        )
    if not all(_is_name_char(ch) for ch in rest) or _starts_a_word_with_mark(rest):
        raise ThaiInputError(
            f"ชื่อและนามสกุลใช้ได้เฉพาะตัวอักษรค่ะ กรุณาไม่ใส่เครื่องหมายหรือสัญลักษณ์ เช่น {EXAMPLE_NAME}",
            code="name.symbols",
        )
    parts = rest.split(" ")
    if len(parts) < 2:
        raise ThaiInputError(
            f"กรุณาพิมพ์ทั้งชื่อและนามสกุล โดยเว้นวรรคระหว่างชื่อกับนามสกุลค่ะ เช่น {EXAMPLE_NAME}",
            code="name.missing_last",
        )
    first, last = parts[0], " ".join(parts[1:])
    if len(first) > _MAX_PART_LENGTH or len(last) > _MAX_PART_LENGTH:
        raise ThaiInputError(
            f"ชื่อหรือนามสกุลยาวเกิน {_MAX_PART_LENGTH} ตัวอักษรค่ะ กรุณาตรวจสอบอีกครั้งค่ะ",
            code="name.too_long",
        )
    return PersonName(prefix, first, last)


def expected_prefixes(age_years: int, sex: Sex | None = None) -> tuple[str, ...]:
    """The prefixes a person of this age (and sex, if known) should have.

    Under 15: เด็กชาย / เด็กหญิง. From 15: นาย, or นางสาว / นาง for women (marital status
    decides between the last two, so both are allowed).
    """
    if age_years < ADULT_PREFIX_AGE:
        by_sex: dict[Sex, tuple[str, ...]] = {"male": (MASTER,), "female": (MISS_GIRL,)}
        both: tuple[str, ...] = (MASTER, MISS_GIRL)
    else:
        by_sex = {"male": (MR,), "female": (MISS, MRS)}
        both = (MR, MISS, MRS)
    return by_sex[sex] if sex else both


def title_fits_age(prefix: str | None, age_years: int) -> bool:
    """False for a title that plainly does not fit the age: นาย, นางสาว or นาง for a child of 14
    full years or less, เด็กชาย or เด็กหญิง from 16. No title, or age 15: nothing to refuse."""
    if prefix in (MASTER, MISS_GIRL):
        return age_years < ADULT_TITLE_FROM_AGE
    if prefix in (MR, MISS, MRS):
        return age_years > CHILD_TITLE_UNTIL_AGE
    return True
