"""Matching a typed reply to offered choices, and finding answers inside a longer message."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.thai.dates import parse_thai_date
from backend.thai.errors import ThaiInputError
from backend.thai.grades import Grade, find_grade
from backend.thai.normalise import bare_forms, strip_endings
from backend.thai.understand import edit_distance, find_choice, find_date, likely_choices, match_choice

WEDNESDAY = dt.date(2026, 11, 25)
VENUES = {"hall": ("หอประชุม",), "field": ("สนามฟุตบอล",), "room": ("ห้องประชุมเล็ก 101",)}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("หอประชุมค่ะ", "hall"),
        ("หอประชม", "hall"),  # one letter left out
        ("สนาม", "field"),  # the start of one label only
        ("สนามบอลครับ", "field"),  # its letters in order
        ("ห้อง ๑๐๑ ค่ะ", "room"),
        ("ห้องประชุม", "room"),  # the only meeting room (the hall is หอประชุม)
        ("โรงอาหาร", None),
        ("ค่ะ", None),
    ],
)
def test_a_reply_is_matched_only_when_it_surely_means_one_choice(typed, expected):
    assert match_choice(typed, VENUES) == expected


def test_two_choices_that_fit_as_well_are_asked_back():
    rooms = {"meeting": ("ห้องประชุมเล็ก 101",), "library": ("ห้องสมุด",)}
    assert match_choice("ห้องค่ะ", rooms) is None
    assert match_choice("ห้องสมุดค่ะ", rooms) == "library"
    assert likely_choices("ห้องค่ะ", rooms) == ["meeting", "library"]  # "did you mean…"
    assert likely_choices("โรงอาหาร", rooms) == []


def test_a_negation_that_is_a_phrase_wins_over_the_phrase_inside_it():
    area = {"in": ("อยู่ในเขต",), "out": ("ไม่อยู่ในเขต",), "unsure": ("ไม่แน่ใจ", "ไม่ทราบ")}
    assert match_choice("ไม่อยู่ในเขตค่ะ", area) == "out"
    assert match_choice("อยู่ในเขตครับ", area) == "in"
    assert match_choice("ไม่ทราบค่ะ", area) == "unsure"
    assert match_choice("ไม่ทราบค่ะ", {"in": ("อยู่ในเขต",)}) is None  # "I don't know" is asked back


def test_edit_distance():
    assert edit_distance("หอประชุม", "หอประชม") == 1
    assert edit_distance("", "abc") == 3
    assert edit_distance("kitten", "sitting") == 3


def test_next_is_not_a_polite_ending():
    assert "ศุกร์ห" not in bare_forms("ศุกร์หน้าค่ะ")
    assert strip_endings("วันศุกร์หน้าค่ะ") == "วันศุกร์หน้า"
    assert strip_endings("ค่ะ") == "ค่ะ"
    assert strip_endings("ค่ะ", keep_lone=False) == ""


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("19 ธ.ค.", dt.date(2026, 12, 19)),
        ("1/1", dt.date(2027, 1, 1)),  # January has passed this year: the next one
        ("25 พ.ย.", WEDNESDAY),  # today is still to come
        ("24 พ.ย.", dt.date(2027, 11, 24)),
        ("29 ก.พ.", dt.date(2028, 2, 29)),  # the next leap year
        ("วันนี้", WEDNESDAY),
        ("วันพุธนี้", WEDNESDAY),
        ("วันพุธหน้า", dt.date(2026, 12, 2)),
        ("วันจันทร์หน้า", dt.date(2026, 11, 30)),
        ("อีกสิบวัน", dt.date(2026, 12, 5)),
        ("วันที่ยี่สิบ ธ.ค.", dt.date(2026, 12, 20)),  # PyThaiNLP reads the tens
    ],
)
def test_a_date_to_come_without_a_year_is_the_next_one(typed, expected):
    assert parse_thai_date(typed, today=WEDNESDAY, upcoming=True) == expected


@pytest.mark.parametrize("typed", ["19 ธ.ค.", "พรุ่งนี้", "19/12"])
def test_a_birth_date_without_a_year_is_asked_back(typed):
    with pytest.raises(ThaiInputError):
        parse_thai_date(typed, today=WEDNESDAY)


def test_a_week_without_a_day_is_asked_back():
    with pytest.raises(ThaiInputError) as raised:
        parse_thai_date("สัปดาห์หน้า", today=WEDNESDAY, upcoming=True)
    assert raised.value.code == "date.which_day"


def test_answers_are_found_inside_a_longer_message():
    text = "อยากจองหอประชุมวันเสาร์ที่ 19 ธ.ค. จัดงานทำบุญหมู่บ้าน"
    venue = find_choice(text, VENUES)
    day = find_date(text, today=WEDNESDAY, upcoming=True)
    assert venue is not None and text[venue.start:venue.end] == "หอประชุม" and venue.value == "hall"
    assert day is not None and text[day.start:day.end] == "วันเสาร์ที่ 19 ธ.ค." and day.value == dt.date(2026, 12, 19)
    assert find_date("ขอใช้ห้องประชุมเล็ก 101 ค่ะ", today=WEDNESDAY, upcoming=True) is None


def test_a_grade_is_found_inside_a_message_but_not_in_a_word():
    assert find_grade("สมัคร ป.1 ให้ลูกชาย")[0] is Grade.P1
    assert find_grade("จะสมัครให้ลูกเข้า ม.๔ ค่ะ")[0] is Grade.M4
    assert find_grade("ขอใช้ห้องประชุม 1") is None


def test_a_not_outside_the_phrase_is_asked_back_and_consent_is_exact():
    consent = {"yes": ("ยินยอม",), "no": ("ไม่ยินยอม",)}
    assert match_choice("ไม่อยากยินยอมค่ะ", consent) is None
    assert match_choice("ยินยอมค่ะ", consent, exact=True) == "yes"
    assert match_choice("ไม่ยินยอมค่ะ", consent, exact=True) == "no"
    assert match_choice("ยินยม", consent) == "yes"  # a typo, where a near guess is fine
    assert match_choice("ยินยม", consent, exact=True) is None
