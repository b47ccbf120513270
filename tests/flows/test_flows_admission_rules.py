"""Admission as OBEC writes it: the อ.3 route and an approved ผ่อนผัน into ป.1, the entry grades a
school has, what each grade says about tests, and a name title that must fit the age.

The clock says 25 November 2569: admissions are for academic year 2570, whose ป.1 takes children
born in 2563 (docs/rules.md, "Admission").
"""

from __future__ import annotations

import datetime as dt

import pytest
from flows_chat import SCHOOL_ID, STUDENT_ID, Absent, Chat, Photo, Tap

from backend.applications.models import Application, ApplicationStatus
from backend.applications.service import new_public_number
from backend.school_config import parse_school_config
from flows.engine import Engine
from flows.services import ALL_FLOWS, admission
from flows.sessions import SessionStore
from tests.staging import in_status

ADDRESS = "12 หมู่ 3 ต.ในเมือง อ.เมืองขอนแก่น จ.ขอนแก่น 40000"
# From the parent's name to the summary, for any grade (no house-number question).
AFTER_THE_AGE_RULE = [
    ("นางสมศรี ใจดี", ["[มารดา]"]),
    (Tap("มารดา"), ["เบอร์โทรศัพท์"]),
    ("081 234 5678", ["ตำบล อำเภอ จังหวัด"]),
    (ADDRESS, ["[อยู่ในเขต]"]),
    (Tap("อยู่ในเขต"), ["1 นิ้ว"]),
    (Photo(), ["สูติบัตร"]),
    (Photo(), ["ทะเบียนบ้าน"]),
    (Photo(), ["บิดาและมารดา"]),
    (Photo(), ["ตรวจสอบคำขอสมัครเรียน"]),
]


def school(chat: Chat, clock, settings: dict) -> None:
    flow = admission.build(parse_school_config(settings))
    chat.engine = Engine(flows={**ALL_FLOWS, flow.id: flow}, sessions=SessionStore(), clock=clock)


def opening(birth: str, national_id: str = STUDENT_ID, name: str = "เด็กหญิงสมใจ ใจดี") -> list:
    return [
        ("สมัครเรียนค่ะ", ["ขั้นตอนที่ 1"]),
        (name, ["ขั้นตอนที่ 2"]),
        (national_id, ["ขั้นตอนที่ 3"]),
        (birth, ["ขั้นตอนที่ 4"]),
    ]


# -- item 1: a child who finished อ.3 is admitted to ป.1 -------------------------------------------


async def test_a_child_who_finished_k3_is_admitted_to_p1(chat: Chat, clock):
    # Born 1 March 2563: อ.1 in 2566, อ.2 in 2567, อ.3 in 2568, then ป.1 in 2569 by the อ.3
    # route, though the birth-year rule alone would say 2570.
    school(chat, clock, {"academic_year": 2569, "grades": {"lowest": "k1", "highest": "p6"}})
    await chat.play(
        [
            *opening("1 มีนาคม 2563"),
            (Tap("ป.1"), ["ขั้นตอนที่ 5 จาก 14", "[จบชั้น อ.3 แล้ว]", Absent("อายุยังไม่ถึงเกณฑ์")]),
            (Tap("จบชั้น อ.3 แล้ว"), ["ขั้นตอนที่ 6 จาก 15", "จบชั้น อ.3 จากโรงเรียนใด"]),
            ("โรงเรียนอนุบาลบ้านสวน จังหวัดขอนแก่น", ["ขั้นตอนที่ 7 จาก 15", "ชื่อและนามสกุลของผู้ปกครอง"]),
            *AFTER_THE_AGE_RULE,
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: AD-", "ชั้น ป.1 ไม่มีการสอบวัดความสามารถทางวิชาการ",
                                   "ได้เข้าเรียนทุกคน"]),
        ]
    )
    answers = (await chat.application()).answers
    assert (answers["grade_applied"], answers["p1_way"]) == ("p1", "finished_k3")
    assert answers["kindergarten_school"] == "โรงเรียนอนุบาลบ้านสวน จังหวัดขอนแก่น"


# -- item 2: an approved ผ่อนผัน is honoured -------------------------------------------------------


async def entry_decision(chat: Chat, *, birth: str, request: str, filed: dt.datetime,
                         refused: bool = False, national_id: str = STUDENT_ID,
                         name: str = "เด็กหญิงสมใจ ใจดี") -> Application:
    """A Grade 1 early/late entry request of this school, decided (approved unless ``refused``)."""
    status = ApplicationStatus.REJECTED if refused else ApplicationStatus.APPROVED
    async with chat.maker() as session:
        row = in_status(Application(
            public_number=new_public_number("GE"), school_id=SCHOOL_ID, parent_ref="U-someone-else",
            service="grade1_entry", current_step="_done", missing_documents=[], flow_version=1,
            session_nonce="n" * 8, created_at=filed, updated_at=filed, last_activity_at=filed,
            submitted_at=filed, decided_at=filed + dt.timedelta(days=10),
            decision_reason="เอกสารไม่ครบ" if refused else None,
            answers={"student_name": name, "student_national_id": national_id,
                     "student_birth_date": birth, "request_type": request}), status)
        session.add(row)
        await session.commit()
        return row


async def test_a_child_with_an_approved_early_entry_is_admitted_without_being_asked(chat: Chat, clock):
    # Born June 2564 (a year after the 2570 cohort); early entry approved for 2570.
    approval = await entry_decision(chat, birth="2021-06-01", request="early", filed=clock.now())
    await chat.play(
        [
            *opening("1 มิถุนายน 2564"),
            (Tap("ป.1"), ["ขั้นตอนที่ 5 จาก 13", "ชื่อและนามสกุลของผู้ปกครอง", Absent("[จบชั้น อ.3 แล้ว]")]),
            *AFTER_THE_AGE_RULE,
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: AD-"]),
        ]
    )
    answers = (await chat.application()).answers
    assert answers["grade_applied"] == "p1"
    assert answers["entry_approval_number"] == approval.public_number  # for the registrar


async def test_a_deferred_child_is_admitted_the_year_after(chat: Chat, clock):
    # Born 2562, the 2569 cohort; late entry approved in November 2568 for 2569, so ป.1 in 2570.
    last_year = clock.now() - dt.timedelta(days=365)
    await entry_decision(chat, birth="2019-08-20", request="late", filed=last_year,
                         national_id="none", name="ด.ญ. สมใจ ใจดี")
    await chat.play(
        [
            ("สมัครเรียนค่ะ", ["ขั้นตอนที่ 1"]),
            ("เด็กหญิงสมใจ ใจดี", ["ขั้นตอนที่ 2"]),
            (Tap("ไม่มีเลขประจำตัว"), ["ขั้นตอนที่ 3"]),  # matched by name and birth date
            ("20 สิงหาคม 2562", ["ขั้นตอนที่ 4"]),
            (Tap("ป.1"), ["ขั้นตอนที่ 5 จาก 13", "ชื่อและนามสกุลของผู้ปกครอง"]),
        ]
    )


@pytest.mark.parametrize("case", ["refused", "another child", "another year"])
async def test_only_an_approval_for_this_child_and_year_counts(chat: Chat, clock, case):
    filed = clock.now() - dt.timedelta(days=365) if case == "another year" else clock.now()
    await entry_decision(chat, birth="2021-06-01", request="early", filed=filed, refused=case == "refused",
                         national_id=STUDENT_ID if case != "another child" else "1" * 12 + "8")
    await chat.play(
        [
            *opening("1 มิถุนายน 2564"),
            (Tap("ป.1"), ["ขั้นตอนที่ 5 จาก 14", "[ได้รับผ่อนผันแล้ว]"]),
        ]
    )


async def test_an_approval_given_on_paper_is_accepted_with_its_letter(chat: Chat):
    await chat.play(
        [
            *opening("1 มิถุนายน 2564"),
            (Tap("ป.1"), ["ขั้นตอนที่ 5 จาก 14"]),
            (Tap("ได้รับผ่อนผันแล้ว"), ["ขั้นตอนที่ 6 จาก 15", "หนังสือแจ้งผลการพิจารณาผ่อนผัน"]),
            (Tap("ไม่มีเอกสารนี้"), ["ขั้นตอนที่ 7 จาก 15", "ชื่อและนามสกุลของผู้ปกครอง"]),
        ]
    )


# -- entry grades come from the school's configuration ----------------------------------------------


async def test_a_primary_school_offers_no_m1_and_k1_only_where_allowed(chat: Chat, clock):
    school(chat, clock, {"grades": {"lowest": "k2", "highest": "p6"}})
    await chat.play(
        [
            ("สมัครเรียนค่ะ", ["ชั้น อ.2, อ.3, ป.1", Absent("ม.1")]),
            ("เด็กหญิงสมใจ ใจดี", ["ขั้นตอนที่ 2"]),
            (STUDENT_ID, ["ขั้นตอนที่ 3"]),
            ("15 มีนาคม 2563", ["[อ.2]", "[อ.3]", "[ป.1]", Absent("[อ.1]"), Absent("[ม.1]"), Absent("[ม.4]")]),
            ("ม.1", ["โรงเรียนนี้เปิดสอนชั้น อ.2–ป.6 จึงไม่มีชั้น ม.1", "ขั้นตอนที่ 4"]),
            ("อ.1", ["ไม่ได้เปิดรับเด็กอายุ 3 ปีเข้าชั้น อ.1", "ขั้นตอนที่ 4"]),
            (Tap("ป.1"), ["ขั้นตอนที่ 5"]),
        ]
    )


async def test_a_secondary_school_offers_m1_and_m4_only(chat: Chat, clock):
    school(chat, clock, {"grades": {"lowest": "m1", "highest": "m6"}})
    await chat.play(
        [
            ("สมัครเรียนค่ะ", ["ชั้น ม.1, ม.4"]),
            ("นายสมชาย ใจดี", ["ขั้นตอนที่ 2"]),
            (STUDENT_ID, ["ขั้นตอนที่ 3"]),
            ("15 มีนาคม 2554", ["[ม.1]", "[ม.4]", Absent("[ป.1]")]),
            (Tap("ม.4"), ["ขั้นตอนที่ 5"]),
            *AFTER_THE_AGE_RULE,
            (Tap("ยืนยันส่งคำขอ"), ["ประกาศรับสมัครนักเรียนของโรงเรียน", Absent("ไม่มีการสอบ")]),
        ]
    )


# -- what admission says about tests, per grade -----------------------------------------------------


async def test_kindergarten_is_told_there_is_no_test_and_a_lottery_if_oversubscribed(chat: Chat):
    await chat.play(
        [
            *opening("1 มิถุนายน 2565"),
            (Tap("อ.2"), ["ขั้นตอนที่ 5"]),
            *AFTER_THE_AGE_RULE,
            (Tap("ยืนยันส่งคำขอ"), ["ไม่มีการสอบวัดความสามารถทางวิชาการ", "จับสลาก", Absent("สอบคัดเลือก")]),
        ]
    )


# -- a name title that does not fit the age ---------------------------------------------------------


async def test_an_adult_title_for_a_six_year_old_is_refused_and_only_the_name_asked_again(chat: Chat):
    await chat.play(
        [
            ("สมัครเรียนค่ะ", ["ขั้นตอนที่ 1"]),
            ("นายสมชาย ใจดี", ["ขั้นตอนที่ 2"]),
            (STUDENT_ID, ["ขั้นตอนที่ 3"]),
            ("15 มีนาคม 2563", ["คำนำหน้า “นาย” ไม่ตรงกับอายุของนักเรียน", "อายุ 6 ปี",
                               "เช่น เด็กชายสมชาย ใจดี", "ขั้นตอนที่ 1"]),
            ("เด็กชายสมชาย ใจดี", ["ขั้นตอนที่ 4", "ชั้นอะไร"]),  # the ID and birth date were kept
        ]
    )
    answers = (await chat.application()).answers
    assert answers["student_name"] == "เด็กชายสมชาย ใจดี"
    assert (answers["student_national_id"], answers["student_birth_date"]) == (STUDENT_ID, "2020-03-15")
