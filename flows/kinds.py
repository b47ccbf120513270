"""Kinds of answer a step can ask for: how each is read, stored, shown and offered as buttons.

A kind turns what the parent gave into a JSON value to store (or raises ThaiInputError with a
Thai re-ask); ``load`` turns the stored value back into a typed one for conditions and checks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from backend.thai.address import Address, validate_address
from backend.thai.dates import BE_OFFSET, format_thai_date, parse_thai_date
from backend.thai.digits import number_words_as_digits, to_arabic_digits
from backend.thai.errors import ThaiInputError
from backend.thai.grades import Grade, parse_grade
from backend.thai.ids import format_student_id, parse_student_id
from backend.thai.names import parse_person_name
from backend.thai.normalise import strip_endings
from backend.thai.phone import EXAMPLE_PHONE, format_phone, parse_phone
from backend.thai.understand import likely_choices, match_choice


@dataclass(frozen=True)
class Reply:
    """What the parent gave for the current step, sorted by form by the engine."""

    text: str | None = None
    option: str | None = None  # the value of a tapped option button
    date: str | None = None  # ISO date from LINE's date picker
    files: tuple[str, ...] = ()


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Kind:
    name: str  # for diagrams and docs
    expects_th: str  # completes "ขั้นตอนนี้ขอเป็น…ค่ะ" when the input does not fit
    parse: Callable[[Reply, dt.date], Any]
    show: Callable[[Any], str] = str
    load: Callable[[Any], Any] = _same
    options: Mapping[str, str] = field(default_factory=dict)  # stored value -> button label
    date_picker: bool = False
    files: bool = False
    # A document of one page (a birth certificate, an ID card): several photos sent together
    # at its step are several documents, filed in the order asked (flows/engine.py).
    one_page: bool = False
    # A typical stored value, and every possible one when there are few: flows evaluate
    # conditions over them at definition time to find mistakes and unreachable steps.
    sample: Any = None
    domain: tuple[Any, ...] | None = None


def _text(reply: Reply) -> str:
    return (reply.text or "").strip()


def text(*, max_length: int = 300, example: str = "") -> Kind:
    def parse(reply: Reply, today: dt.date) -> str:
        value = " ".join(_text(reply).split())
        if not value:
            raise ThaiInputError("กรุณาพิมพ์คำตอบเป็นข้อความค่ะ", code="text.empty")
        if len(value) > max_length:
            raise ThaiInputError(
                f"ข้อความยาวเกินไปค่ะ กรุณาสรุปให้สั้นลง ไม่เกิน {max_length} ตัวอักษร",
                code="text.too_long",
            )
        return value

    return Kind("text", "ข้อความ", parse, sample=example or "ตัวอย่าง")


def person_name() -> Kind:
    """A name kept as typed (title optional), checked as backend.thai.names checks one: letters
    only, first and last name."""

    def parse(reply: Reply, today: dt.date) -> str:
        value = " ".join(_text(reply).split())
        if len(value.split(" ")) < 2 or len(value) > 150:
            raise ThaiInputError(
                "กรุณาพิมพ์ทั้งชื่อและนามสกุล เว้นวรรคระหว่างกันค่ะ เช่น เด็กหญิงสมใจ ใจดี",
                code="name.incomplete",
            )
        parse_person_name(value)  # digits, symbols, a missing last name: its polite Thai message
        return value

    return Kind("name", "ชื่อและนามสกุล", parse, sample="เด็กหญิงสมใจ ใจดี")


def date(*, upcoming: bool = False) -> Kind:
    """A date picked or typed. ``upcoming``: of something to come (a booking), so a date typed
    without a year is the next one and "พรุ่งนี้" or "วันศุกร์หน้า" count from today; otherwise
    (a birth date) a date without a year is asked back (backend/thai/dates.py)."""

    def parse(reply: Reply, today: dt.date) -> str:
        if reply.date is not None:
            try:
                return dt.date.fromisoformat(reply.date).isoformat()
            except ValueError:
                raise ThaiInputError("เลือกวันที่ใหม่อีกครั้งนะคะ", code="date.picker") from None
        return parse_thai_date(_text(reply), today=today, upcoming=upcoming).isoformat()

    return Kind(
        "date",
        "วันที่",
        parse,
        show=lambda value: format_thai_date(dt.date.fromisoformat(value)),
        load=dt.date.fromisoformat,
        date_picker=True,
        sample="2015-06-01",
    )


def grade(*, buttons: Sequence[Grade] = ()) -> Kind:
    """A grade typed as parents write it (ป.4, ม 2, ประถม 1…); ``buttons`` offer a few to tap."""

    def parse(reply: Reply, today: dt.date) -> str:
        if reply.option is not None:
            if reply.option not in {g.value for g in buttons}:
                raise ThaiInputError("กรุณาเลือกจากปุ่มด้านล่างค่ะ", code="choice.unknown")
            return reply.option
        return read_grade(_text(reply)).value

    return Kind(
        "grade",
        "ชั้นเรียน",
        parse,
        show=lambda value: Grade(value).label_th,
        load=Grade,
        options={g.value: g.label_th for g in buttons},
        sample=Grade.P4.value,
        domain=tuple(g.value for g in Grade),
    )


def read_grade(text: str) -> Grade:
    """A grade typed with a polite ending or its number as a word ("ป.หนึ่งค่ะ")."""
    said = number_words_as_digits(strip_endings(text))
    return parse_grade(said)


def choice(
    options: Mapping[str, str],
    *,
    load: Callable[[Any], Any] = _same,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    exact: bool = False,
) -> Kind:
    """One of a few options, tapped as a button or typed as people write it: its label or one of
    its ``synonyms`` (value -> words), with polite endings and small typos (backend/thai/
    understand.py). A reply that fits no option surely is asked back. ``exact``: only the button or
    its label (with polite endings), for an explicit consent."""
    phrases = {value: (label, *(synonyms or {}).get(value, ())) for value, label in options.items()}
    unknown = set(synonyms or {}) - set(options)
    if unknown:
        raise ValueError(f"synonyms for options that do not exist: {sorted(unknown)}")

    def parse(reply: Reply, today: dt.date) -> str:
        value = reply.option if reply.option is not None else match_choice(_text(reply), phrases, exact=exact)
        if value is None or value not in options:
            likely = likely_choices(_text(reply), phrases) if reply.option is None and not exact else []
            if len(likely) > 1:
                named = " หรือ ".join(f"“{options[choice]}”" for choice in likely)
                raise ThaiInputError(f"หมายถึง {named} คะ กดเลือกจากปุ่มด้านล่างได้เลยค่ะ", code="choice.which")
            raise ThaiInputError("กรุณาเลือกจากปุ่มด้านล่างค่ะ", code="choice.unknown")
        return value

    return Kind(
        "choice",
        "การเลือกจากปุ่ม",
        parse,
        show=lambda value: options[value],
        load=load,
        options=dict(options),
        sample=next(iter(options), None),
        domain=tuple(options),
    )


# How people say yes and no in a chat (a bare polite particle is a yes).
YES_WORDS = ("ค่ะ", "คะ", "ครับ", "จ้า", "ได้", "ใช่แล้ว", "รับทราบ", "ยอมรับ", "ตกลง", "โอเค", "ok", "okay",
             "ยืนยัน", "ช่าย", "ชั่ย", "ถูกต้อง", "เข้าใจแล้ว", "แน่นอน")
NO_WORDS = ("ไม่", "ไม่ได้", "ไม่ยอมรับ", "ไม่ตกลง", "ไม่ใช่ค่ะ", "ไม่ถูกต้อง", "ไม่ยืนยัน", "no")


def yes_no() -> Kind:
    kind = choice({"yes": "ใช่", "no": "ไม่ใช่"}, load=lambda value: value == "yes",
                  synonyms={"yes": YES_WORDS, "no": NO_WORDS})
    return Kind(**{**kind.__dict__, "name": "yes_no"})


def document(*, one_page: bool = False) -> Kind:
    def parse(reply: Reply, today: dt.date) -> list[str]:
        return list(reply.files)

    return Kind(
        "document",
        "รูปถ่ายหรือไฟล์เอกสาร",
        parse,
        show=lambda file_ids: f"ส่งแล้ว {len(file_ids)} ไฟล์",
        files=True,
        one_page=one_page,
        sample=["file-1"],
    )


def number(*, minimum: int, maximum: int, unit: str = "", example: int = 1) -> Kind:
    """A whole number such as a head count; "ประมาณ ๒๐๐ คน" reads as 200."""
    shown_unit = f" {unit}" if unit else ""

    def parse(reply: Reply, today: dt.date) -> int:
        # Thousands separators and spaces inside the number are how people type "1,200".
        groups = re.findall(
            r"\d+", re.sub(r"(?<=\d)[,\s](?=\d)", "", to_arabic_digits(_text(reply)))
        )
        if len(groups) != 1:
            raise ThaiInputError(
                f"กรุณาพิมพ์เป็นตัวเลขจำนวนเดียวค่ะ เช่น {example}", code="number.unreadable"
            )
        value = int(groups[0])
        if not minimum <= value <= maximum:
            raise ThaiInputError(
                f"กรุณาพิมพ์ตัวเลขระหว่าง {minimum:,} ถึง {maximum:,}{shown_unit}ค่ะ",
                code="number.range",
            )
        return value

    return Kind(
        "number",
        "ตัวเลข",
        parse,
        show=lambda value: f"{value:,}{shown_unit}",
        sample=example,
    )


def be_year() -> Kind:
    """A year, kept in the Buddhist Era; a Christian Era year (e.g. 2017) is converted."""

    def parse(reply: Reply, today: dt.date) -> int:
        text = re.sub(r"(พ\s*\.?\s*ศ\s*\.?|ค\s*\.?\s*ศ\s*\.?|ปี)", " ", _text(reply))
        digits = to_arabic_digits(text).strip()
        if not re.fullmatch(r"\d{4}", digits):
            raise ThaiInputError("กรุณาพิมพ์ปี พ.ศ. เป็นตัวเลข 4 หลักค่ะ เช่น 2565", code="year.unreadable")
        year = int(digits)
        if 1900 < year < 2400:  # typed in the Christian Era
            year += BE_OFFSET
        if not 2400 <= year <= 2700:
            raise ThaiInputError("ปีที่พิมพ์มาดูไม่ถูกต้องค่ะ กรุณาพิมพ์ปี พ.ศ. เช่น 2565", code="year.range")
        return year

    return Kind("be_year", "ปี พ.ศ. 4 หลัก", parse, show=lambda value: f"พ.ศ. {value}", sample=2565)


def titled_name() -> Kind:
    """A full name with its title (เด็กชาย, ด.ญ., นาย…), stored with the title written in full."""

    def parse(reply: Reply, today: dt.date) -> str:
        name = parse_person_name(_text(reply))
        if name.prefix is None:
            raise ThaiInputError(
                "กรุณาใส่คำนำหน้าชื่อด้วยค่ะ เช่น เด็กชาย เด็กหญิง นาย หรือ นางสาว ตัวอย่าง: เด็กหญิงสมใจ ใจดี",
                code="name.missing_prefix",
            )
        return str(name)

    return Kind("name", "ชื่อและนามสกุล พร้อมคำนำหน้า", parse, sample="เด็กหญิงสมใจ ใจดี")


NO_NATIONAL_ID = "none"
# A parent saying the child has no number yet.
_NO_ID_WORDS = ("ไม่มี", "ยังไม่มี", "ไม่มีเลข", "ยังไม่มีเลข", "ไม่มีบัตร", "ยังไม่มีบัตร", "ไม่มีเลขบัตร",
                "ยังไม่มีเลขบัตรประชาชน", "ไม่มีเลขบัตรประชาชน")


def student_id(none_label: str) -> Kind:
    """A student's number: a 13-digit ID (the 0-series of children without civil registration
    included), a G-code the school issued, or a button saying there is none. Whoever a service
    is about, a child without a number is never stopped (docs/rules.md, "Students without a
    Thai ID")."""

    def parse(reply: Reply, today: dt.date) -> str:
        if reply.option == NO_NATIONAL_ID or (
            reply.option is None and match_choice(_text(reply), {NO_NATIONAL_ID: (none_label, *_NO_ID_WORDS)})
        ):
            return NO_NATIONAL_ID
        if reply.option is not None:
            raise ThaiInputError("กรุณาเลือกจากปุ่มด้านล่างค่ะ", code="choice.unknown")
        return parse_student_id(_text(reply))

    return Kind(
        "national_id",
        "เลขประจำตัวประชาชน 13 หลัก หรือรหัส G",
        parse,
        show=lambda value: none_label if value == NO_NATIONAL_ID else format_student_id(value),
        options={NO_NATIONAL_ID: none_label},
        sample="1234567890121",
    )


def phone() -> Kind:
    return Kind(
        "phone",
        f"เบอร์โทรศัพท์ เช่น {EXAMPLE_PHONE}",
        lambda reply, today: parse_phone(_text(reply)),
        show=format_phone,
        sample="0812345678",
    )


# Level words as parents write them before each part of an address. The short forms need
# their dot, or the first letter of a name such as อ่างทอง would be taken for "อ.".
_AREA_MARK = re.compile(
    r"(?P<subdistrict>ตำบล|แขวง|ต\s*\.)|(?P<district>กิ่งอำเภอ|อำเภอ|เขต|อ\s*\.)"
    r"|(?P<province>จังหวัด|จ\s*\.)"
)
_POSTAL_CODE = re.compile(r"(?<!\d)(\d{5})(?!\d)\s*$")
AREA_EXAMPLE = "ต.ในเมือง อ.เมืองขอนแก่น จ.ขอนแก่น 40000"


def _split_area(text: str) -> tuple[str, str, str, str, str]:
    """(house part, subdistrict, district, province, postal code) of one typed address.

    Parts are found by their level words; Bangkok's province is usually written without one
    ("เขตพระนคร กรุงเทพฯ"), so a missing province is the last word. Written by hand: the
    address libraries on PyPI parse English or need a trained model.
    """
    text = " ".join(to_arabic_digits(text).split())
    postal = ""
    found = _POSTAL_CODE.search(text)
    if found:
        postal, text = found.group(1), text[: found.start()].strip()
    marks = list(_AREA_MARK.finditer(text))
    parts: dict[str, str] = {}
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        # The level word is kept: validate_address understands it, and it keeps "อ.เมือง".
        parts.setdefault(mark.lastgroup or "", text[mark.start() : end].strip())
    house = text[: marks[0].start()].strip() if marks else ""
    if not marks:
        words = text.split(" ")
        if len(words) != 3:
            raise ThaiInputError(
                f"กรุณาพิมพ์ตำบล อำเภอ จังหวัด และรหัสไปรษณีย์ค่ะ เช่น {AREA_EXAMPLE}",
                code="address.parts",
            )
        parts = dict(zip(("subdistrict", "district", "province"), words, strict=True))
    if "province" not in parts and "district" in parts and " " in parts["district"]:
        parts["district"], parts["province"] = parts["district"].rsplit(" ", 1)
    lacking = [word for key, word in (("subdistrict", "ตำบล"), ("district", "อำเภอ"),
                                      ("province", "จังหวัด")) if key not in parts]  # fmt: skip
    if lacking:
        raise ThaiInputError(
            f"ยังขาด{' '.join(lacking)}ค่ะ กรุณาพิมพ์ให้ครบในข้อความเดียว เช่น {AREA_EXAMPLE}",
            code="address.parts",
        )
    return house, parts["subdistrict"], parts["district"], parts["province"], postal


def address() -> Kind:
    """A home address in one message, its ตำบล/อำเภอ/จังหวัด checked against the official list.

    Stored as a dict: ``line`` (house number, หมู่, ซอย, ถนน as typed; may be empty) and the
    checked subdistrict, district, province, postal and subdistrict codes.
    """

    def parse(reply: Reply, today: dt.date) -> dict[str, str]:
        house, subdistrict, district, province, postal = _split_area(_text(reply))
        found = validate_address(province, district, subdistrict, postal or None)
        return {
            "line": house,
            "subdistrict": found.subdistrict,
            "district": found.district,
            "province": found.province,
            "postal_code": found.postal_code,
            "subdistrict_code": found.subdistrict_code,
        }

    def show(value: dict[str, str]) -> str:
        area = Address(**{k: v for k, v in value.items() if k != "line"}).format_th()
        return f"{value['line']} {area}" if value["line"] else area

    return Kind(
        "address",
        "ที่อยู่ (ตำบล อำเภอ จังหวัด)",
        parse,
        show=show,
        sample={
            "line": "12 หมู่ 3",
            "subdistrict": "ในเมือง",
            "district": "เมืองขอนแก่น",
            "province": "ขอนแก่น",
            "postal_code": "40000",
            "subdistrict_code": "400101",
        },
    )
