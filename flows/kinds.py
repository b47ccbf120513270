"""Kinds of answer a step can ask for: how each is read, stored, shown and offered as buttons.

A kind turns what the parent gave into a JSON value to store (or raises ThaiInputError with a
Thai re-ask); ``load`` turns the stored value back into a typed one for conditions and checks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from backend.thai.dates import BE_OFFSET, format_thai_date, parse_thai_date
from backend.thai.digits import to_arabic_digits
from backend.thai.errors import ThaiInputError
from backend.thai.grades import Grade, parse_grade
from backend.thai.ids import format_national_id, parse_national_id
from backend.thai.phone import EXAMPLE_PHONE, format_phone, parse_phone


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
    # Until backend.thai.names lands: a name is kept as typed, but must have first and last.
    def parse(reply: Reply, today: dt.date) -> str:
        value = " ".join(_text(reply).split())
        if len(value.split(" ")) < 2 or len(value) > 150:
            raise ThaiInputError(
                "กรุณาพิมพ์ทั้งชื่อและนามสกุล เว้นวรรคระหว่างกันค่ะ เช่น เด็กหญิงสมใจ ใจดี",
                code="name.incomplete",
            )
        return value

    return Kind("name", "ชื่อและนามสกุล", parse, sample="เด็กหญิงสมใจ ใจดี")


def national_id() -> Kind:
    return Kind(
        "national_id",
        "เลขประจำตัวประชาชน 13 หลัก",
        lambda reply, today: parse_national_id(_text(reply)),
        show=format_national_id,
        sample="1234567890121",
    )


def date() -> Kind:
    def parse(reply: Reply, today: dt.date) -> str:
        if reply.date is not None:
            try:
                return dt.date.fromisoformat(reply.date).isoformat()
            except ValueError:
                raise ThaiInputError("เลือกวันที่ใหม่อีกครั้งนะคะ", code="date.picker") from None
        return parse_thai_date(_text(reply), today=today).isoformat()

    return Kind(
        "date",
        "วันที่",
        parse,
        show=lambda value: format_thai_date(dt.date.fromisoformat(value)),
        load=dt.date.fromisoformat,
        date_picker=True,
        sample="2015-06-01",
    )


def grade() -> Kind:
    return Kind(
        "grade",
        "ชั้นเรียน",
        lambda reply, today: parse_grade(_text(reply)).value,
        show=lambda value: Grade(value).label_th,
        load=Grade,
        sample=Grade.P4.value,
        domain=tuple(g.value for g in Grade),
    )


def _loose(label: str) -> str:
    return re.sub(r"[\s.]", "", label).lower()


def choice(options: Mapping[str, str], *, load: Callable[[Any], Any] = _same) -> Kind:
    """One of a few options, tapped as a button or typed as its label."""
    by_label = {_loose(label): value for value, label in options.items()}

    def parse(reply: Reply, today: dt.date) -> str:
        value = reply.option if reply.option is not None else by_label.get(_loose(_text(reply)))
        if value not in options:
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


def yes_no() -> Kind:
    kind = choice({"yes": "ใช่", "no": "ไม่ใช่"}, load=lambda value: value == "yes")
    return Kind(**{**kind.__dict__, "name": "yes_no"})


def document() -> Kind:
    def parse(reply: Reply, today: dt.date) -> list[str]:
        return list(reply.files)

    return Kind(
        "document",
        "รูปถ่ายหรือไฟล์เอกสาร",
        parse,
        show=lambda file_ids: f"ส่งแล้ว {len(file_ids)} ไฟล์",
        files=True,
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


def phone() -> Kind:
    return Kind(
        "phone",
        f"เบอร์โทรศัพท์ เช่น {EXAMPLE_PHONE}",
        lambda reply, today: parse_phone(_text(reply)),
        show=format_phone,
        sample="0812345678",
    )
