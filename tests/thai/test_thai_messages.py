"""Refusals across the package: polite Thai, and never the user's own input repeated."""

import datetime as dt
from collections.abc import Callable

import pytest

from backend.thai.address import validate_address
from backend.thai.dates import parse_thai_date
from backend.thai.errors import ThaiInputError
from backend.thai.grades import parse_grade
from backend.thai.ids import parse_national_id, synthetic_national_id
from backend.thai.names import parse_person_name
from backend.thai.phone import parse_phone

_ID = synthetic_national_id(11)
_WRONG_ID = _ID[:12] + str((int(_ID[12]) + 3) % 10)

CASES: list[tuple[Callable[[str], object], str]] = [
    (parse_national_id, _WRONG_ID),
    (parse_national_id, _ID[:11]),
    (parse_national_id, "เลขบัตร " + _ID),
    (lambda t: parse_thai_date(t, today=dt.date(2025, 11, 26)), "31 ก.พ. 2562"),
    (lambda t: parse_thai_date(t, today=dt.date(2025, 11, 26)), "เกิดปีมะโรง"),
    (parse_phone, "089-765-432"),
    (parse_phone, "เบอร์ไม่มี"),
    (parse_person_name, "ด.ช.ทดสอบพิเศษ"),
    (parse_person_name, "ทดสอบพิเศษ9 ใจดี"),
    (parse_grade, "ปริญญาโท 2"),
    (lambda t: validate_address(t, "เกาะพะงัน", "เกาะเต่า", None), "จังหวัดทดสอบพิเศษ"),
    (lambda t: validate_address("สุราษฎร์ธานี", t, "เกาะเต่า", None), "อำเภอทดสอบพิเศษ"),
    (lambda t: validate_address("สุราษฎร์ธานี", "เกาะพะงัน", t, None), "ตำบลทดสอบพิเศษ"),
]


@pytest.mark.parametrize(("parse", "typed"), CASES)
def test_refusal_is_polite_thai_without_the_input(
    parse: Callable[[str], object], typed: str
) -> None:
    with pytest.raises(ThaiInputError) as caught:
        parse(typed)
    error = caught.value
    assert isinstance(error, ValueError)
    assert "ค่ะ" in error.message_th
    assert str(error) == error.message_th
    for shown in (error.message_th, repr(error)):
        assert typed not in shown
        assert "ทดสอบพิเศษ" not in shown
        assert _WRONG_ID not in shown.replace("-", "")
