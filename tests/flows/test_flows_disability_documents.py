"""At a school for children with disabilities (โรงเรียนเฉพาะความพิการ, ศูนย์การศึกษาพิเศษ), transfer in
and admission also ask the type of disability and its evidence, only after the parent's explicit
consent to health data (PDPA s.26); elsewhere they do not (docs/rules.md, "Services by type of school")."""

from __future__ import annotations

import sqlalchemy as sa
from flows_chat import SCHOOL_ID, STUDENT_ID, Absent, Chat, Photo, Tap

from backend import consent
from backend.applications.models import ApplicationStatus
from backend.consent import ConsentRecord
from backend.demo import DEMO_SETTINGS
from backend.school_config import parse_school_config
from flows.engine import Engine
from flows.registry import flows_for
from flows.services import transfer_in
from flows.sessions import SessionStore

UP_TO_DOCUMENTS = [
    ("ขอย้ายเข้าค่ะ", ["เริ่มคำขอย้ายเข้าค่ะ"]),
    ("เด็กชายสมชาย ใจดี", []),
    (STUDENT_ID, []),
    ("15 มีนาคม 2556", []),
    ("โรงเรียนบ้านหนองบัว จังหวัดขอนแก่น", []),
    ("ป.5", []),
    (Tap("ผู้ปกครองย้ายงาน"), []),
    ("นายสมศักดิ์ ใจดี", []),
    (Tap("บิดา"), []),
    ("02-123-4567", []),
    (Tap("ไม่ใช่"), ["บัตรประชาชนของนักเรียน"]),
]


def at(chat: Chat, clock, school_type: str) -> None:
    config = parse_school_config({**DEMO_SETTINGS, "school_type": school_type})
    chat.engine = Engine(flows=flows_for(config), sessions=SessionStore(), clock=clock)


async def consent_choices(chat: Chat) -> list[tuple[str, bool]]:
    async with chat.maker() as session:
        rows = await session.scalars(sa.select(ConsentRecord).where(
            ConsentRecord.school_id == SCHOOL_ID, ConsentRecord.user_ref == chat.user_ref))
        return [(row.purpose, row.granted) for row in rows]


async def test_consent_comes_before_the_disability_document_and_is_kept(chat: Chat, clock):
    at(chat, clock, "disability")
    await chat.play([
        *UP_TO_DOCUMENTS,
        (Photo(), ["ข้อมูลสุขภาพ", "ยินยอมให้โรงเรียนเก็บและใช้ข้อมูลความพิการ", "[ยินยอม]", "[ไม่ยินยอม]"]),
        ("โอเค", ["กรุณาเลือกจากปุ่ม"]),  # explicit consent: not a near guess
        (Tap("ยินยอม"), ["บกพร่องด้านใด", "[ออทิสติก]"]),
        (Tap("ออทิสติก"), ["บัตรประจำตัวคนพิการ"]),
        (Photo(), ["บัตรประชาชนของผู้ยื่นคำขอ"]),
        (Photo(), ["ทะเบียนบ้าน"]),
        (Photo(), ["ปพ.1"]),
        (Photo(), ["เอกสารความพิการ: ส่งแล้ว 1 ไฟล์", "ประเภทความพิการ: ออทิสติก"]),
        (Tap("ยืนยันส่งคำขอ"), []),
    ])
    application = await chat.application()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.answers["disability_type"] == "autism"
    assert await consent_choices(chat) == [(consent.SENSITIVE, True)]


async def test_without_consent_nothing_about_health_is_asked_and_staff_see_it_missing(chat: Chat, clock):
    at(chat, clock, "special_centre")
    await chat.play([
        *UP_TO_DOCUMENTS,
        (Photo(), ["[ไม่ยินยอม]"]),
        (Tap("ไม่ยินยอม"), ["บัตรประชาชนของผู้ยื่นคำขอ", Absent("บกพร่องด้านใด")]),
        (Photo(), ["ทะเบียนบ้าน"]),
        (Photo(), ["ปพ.1"]),
        (Photo(), [Absent("ประเภทความพิการ")]),
        (Tap("ยืนยันส่งคำขอ"), []),
    ])
    application = await chat.application()
    assert "disability_type" not in application.answers and "disability_document" not in application.answers
    assert {"document": "disability_document", "name": "บัตรคนพิการหรือผลการประเมิน"} in application.missing_documents
    assert await consent_choices(chat) == [(consent.SENSITIVE, False)]


def test_an_ordinary_or_welfare_school_asks_nothing_about_disability():
    for school_type in ("ordinary", "welfare"):
        config = parse_school_config({**DEMO_SETTINGS, "school_type": school_type})
        for service in ("admission", "transfer_in"):
            steps = {step.id for step in flows_for(config)[service].steps}
            assert not steps & {"health_consent", "disability_type", "disability_document"}
    for school_type in ("disability", "special_centre"):
        config = parse_school_config({**DEMO_SETTINGS, "school_type": school_type})
        assert "disability_document" in {step.id for step in flows_for(config)["admission"].steps}
    assert transfer_in.SPEC  # the spec still builds the same flow for ordinary schools
