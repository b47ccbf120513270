"""The four parents of issue 12, in the simulated LINE chat against the real app: a child who finished
อ.3, a child with an approved early entry, a child who may lawfully leave school, and children
without a Thai ID, each get the answer OBEC and the law give (docs/rules.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from backend.applications import workflow
from backend.applications.models import Application, ApplicationStatus
from backend.clock import FakeClock
from backend.documents.models import IssuedDocument
from backend.documents.signing import make_dev_ca
from backend.school_config import parse_school_config
from backend.schools import School
from backend.staff import StaffMember
from backend.thai.ids import synthetic_national_id
from tests.chat import Parent
from tests.e2e.test_sending_letter_in_chat import flex_cards, registrar_of, staff_does
from tests.harness import running_bot
from web.staff.auth import SIMULATOR_CLIENT_ID

ADDRESS = "12 หมู่ 3 ต.ในเมือง อ.เมืองขอนแก่น จ.ขอนแก่น 40000"
G_CODE = "G644200000001"
ZERO_SERIES = synthetic_national_id(12, non_thai=True)


def bangkok(year: int, month: int, day: int) -> dt.datetime:
    """10:00 in Bangkok on a day."""
    return dt.datetime(year, month, day, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


async def latest(bot, user_id: str) -> Application:
    async with bot.runtime.sessions() as session:
        return await session.scalar(sa.select(Application).where(Application.parent_ref == user_id)
                                    .order_by(Application.id.desc()).limit(1))


async def start(parent: Parent, words: str) -> None:
    await parent.follow()
    await parent.say(words)
    await parent.tap("รับทราบ เริ่มกรอก")


async def admission_after_the_grade(parent: Parent) -> None:
    """From the parent's name to the filed request."""
    await parent.say("นางสมศรี ใจดี")
    await parent.tap("มารดา")
    await parent.say("081 234 5678")
    await parent.say(ADDRESS)
    await parent.tap("อยู่ในเขต")
    for _ in range(4):  # photo, birth certificate, house registration, parents' ID cards
        await parent.send_photos(1)
    assert "ตรวจสอบคำขอสมัครเรียน" in parent.last_text()
    await parent.tap("ยืนยันส่งคำขอ")
    assert "เลขที่คำขอ: AD-" in parent.last_text()


# -- 1. Born 1 March 2563: อ.1 in 2566, อ.2 in 2567, อ.3 in 2568, and ป.1 in 2569 ---------------------


async def test_parent_1_a_child_who_finished_k3_is_admitted_to_p1(env, redis_namespace):
    clock = FakeClock(bangkok(2026, 2, 20))  # 20 February 2569: admissions for 2569
    async with running_bot(env, clock, namespace=redis_namespace) as bot:
        parent = Parent(bot)
        await start(parent, "สมัครเรียนให้ลูกเข้า ป.1 ค่ะ")
        await parent.say("เด็กหญิงมะลิ ใจดี")
        await parent.say(synthetic_national_id(1))
        await parent.say("1 มีนาคม 2563")
        await parent.tap("ป.1")
        assert "อายุยังไม่ถึงเกณฑ์" not in parent.last_text()
        assert "จบชั้น อ.3" in parent.last_text()
        await parent.tap("จบชั้น อ.3 แล้ว")
        await parent.say("โรงเรียนสาธิตบ้านสวน จังหวัดขอนแก่น")
        await admission_after_the_grade(parent)
        assert "ชั้น ป.1 ไม่มีการสอบวัดความสามารถทางวิชาการ" in parent.last_text()
        application = await latest(bot, parent.user_id)
    assert application.status == ApplicationStatus.SUBMITTED
    assert (application.answers["grade_applied"], application.answers["p1_way"]) == ("p1", "finished_k3")


# -- 2. The school approved early entry; the same child is then admitted to ป.1 ---------------------


async def approve(bot, application: Application) -> None:
    """The registrar accepts the documents and signs off (the default chain for Grade 1 entry)."""
    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School))
        member = StaffMember(school_id=school.id, line_user_id="U" + "e" * 32, display_name="ครูทะเบียน",
                             role="registrar", active=True, notify_new_submissions=False,
                             created_at=bot.runtime.clock.now())
        session.add(member)
        row = await session.get(Application, application.id)
        config = parse_school_config(school.settings)
        for action in ("accept_complete", "sign_off"):
            await workflow.perform(session, row, action, staff=member, now=bot.runtime.clock.now(), config=config)
        await session.commit()
        assert row.status == ApplicationStatus.APPROVED
    await bot.process()


async def test_parent_2_a_child_with_an_approved_early_entry_is_admitted(bot, clock):
    child_id = synthetic_national_id(2)
    parent = Parent(bot)
    await start(parent, "ขอผ่อนผันให้ลูกเข้า ป.1 ก่อนเกณฑ์ค่ะ")
    await parent.say("เด็กชายก้อง ใจดี")
    await parent.say(child_id)
    await parent.say("10 มิถุนายน 2564")  # a year after the 2570 cohort (2563)
    await parent.tap("ขอเข้าก่อนเกณฑ์")
    await parent.tap("ความพร้อมของเด็ก")
    await parent.tap("มารดา")
    await parent.send_photos(1)
    await parent.send_photos(1)
    await parent.tap("ยืนยันส่งคำขอ")
    assert "เลขที่คำขอ: GE-" in parent.last_text()
    early_entry = await latest(bot, parent.user_id)
    await approve(bot, early_entry)

    clock.advance(days=30)
    await parent.say("สมัครเรียนค่ะ")  # the privacy notice was read with the first request
    assert "ขั้นตอนที่ 1" in parent.last_text()
    await parent.say("เด็กชายก้อง ใจดี")
    await parent.say(child_id)
    await parent.say("10 มิถุนายน 2564")
    await parent.tap("ป.1")
    # Admitted by the approval on record: no refusal, and no question about how.
    assert "อายุยังไม่ถึงเกณฑ์" not in parent.last_text()
    assert "จบชั้น อ.3" not in parent.last_text()
    assert "ชื่อและนามสกุลของผู้ปกครอง" in parent.last_text()
    await admission_after_the_grade(parent)
    admission = await latest(bot, parent.user_id)
    assert admission.service == "admission" and admission.status == ApplicationStatus.SUBMITTED
    assert admission.answers["entry_approval_number"] == early_entry.public_number


# -- 3. "ย่างเข้าปีที่ 16" in 2569: may leave school, and is told the school's real time limit -----------


async def withdrawal_until_relationship(parent: Parent, name: str, student_id: str, birth: str,
                                        grade: str) -> None:
    await start(parent, "ขอลาออกค่ะ")
    await parent.say(name)
    if student_id == "none":
        await parent.tap("ไม่มีเลขประจำตัว")
    else:
        await parent.say(student_id)
    await parent.say(birth)
    await parent.say(grade)
    await parent.tap("บิดา")


async def withdrawal_to_the_end(parent: Parent) -> None:
    await parent.say("ครอบครัวย้ายไปต่างจังหวัด")
    await parent.tap("เลือกวันที่", date="2026-12-01")
    await parent.send_photos(1)
    await parent.tap("ข้าม")
    await parent.tap("ยืนยันส่งคำขอ")
    assert "เลขที่คำขอ: WD-" in parent.last_text()


async def test_parent_3_a_lawful_leaver_may_leave_without_continuing(bot):
    # Born 31 December 2553: only 15 full years on 25 November 2569, but "ย่างเข้าปีที่ 16" in 2569.
    parent = Parent(bot)
    await withdrawal_until_relationship(parent, "เด็กชายเอก ใจดี", synthetic_national_id(3), "31 ธันวาคม 2553", "ม.3")
    assert "หลังลาออก" in parent.last_text() and "การศึกษาภาคบังคับ" not in parent.last_text()
    await parent.tap("ไม่ได้เรียนต่อ")
    await withdrawal_to_the_end(parent)
    told = parent.last_text()
    assert "ภายใน 1 วันทำการ" in told and "1 ชั่วโมง" not in told
    application = await latest(bot, parent.user_id)
    assert application.answers["plan_after_leaving"] == "not_continuing"


async def test_parent_3b_home_schooling_is_recorded_as_needing_the_district_office(bot):
    parent = Parent(bot)
    await withdrawal_until_relationship(parent, "เด็กหญิงฝน ใจดี", synthetic_national_id(4), "15 มีนาคม 2557", "ป.6")
    assert "การศึกษาภาคบังคับ" in parent.last_text()
    await parent.tap("บ้านเรียน")
    assert "ต้องได้รับอนุญาตจากสำนักงานเขตพื้นที่การศึกษา" in parent.last_text()
    await parent.tap("ยังไม่ได้ยื่น")
    await withdrawal_to_the_end(parent)
    assert "ต้องได้รับอนุญาตจากสำนักงานเขตพื้นที่การศึกษา" in parent.last_text()
    application = await latest(bot, parent.user_id)
    assert (application.answers["destination"], application.answers["district_permission"]) == (
        "home_school", "not_yet")


# -- 4. Children without a Thai ID: the 0-series, a G-code, or no number at all ------------------------


async def transfer_out(parent: Parent, student_id: str) -> None:
    await start(parent, "อยากย้ายลูกไปโรงเรียนใหม่ค่ะ")
    await parent.say("เด็กชายมิน ใจดี")
    if student_id == "none":
        await parent.tap("ไม่มีเลขประจำตัว")
    else:
        await parent.say(student_id)
    assert "ขั้นตอนที่ 3" in parent.last_text(), parent.last_text()
    await parent.say("ป.4")
    await parent.tap("มารดา")
    await parent.say("โรงเรียนบ้านหนองบัว จังหวัดขอนแก่น")
    await parent.tap("ย้ายที่อยู่")
    await parent.tap("เลือกวันที่", date="2026-12-15")
    await parent.send_photos(1)
    await parent.tap("ไม่มีเอกสารนี้")
    await parent.tap("ยืนยันส่งคำขอ")
    assert "เลขที่คำขอ: TO-" in parent.last_text()


@pytest.mark.parametrize(("student_id", "stored"), [(ZERO_SERIES, ZERO_SERIES), (G_CODE.lower(), G_CODE),
                                                    ("none", "none")])
async def test_parent_4_a_child_without_a_thai_id_transfers_out(bot, student_id, stored):
    parent = Parent(bot)
    await transfer_out(parent, student_id)
    application = await latest(bot, parent.user_id)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.answers["student_national_id"] == stored


@pytest.mark.parametrize(("student_id", "stored"), [(ZERO_SERIES, ZERO_SERIES), (G_CODE, G_CODE),
                                                    ("none", "none")])
async def test_parent_4_a_child_without_a_thai_id_withdraws(bot, student_id, stored):
    parent = Parent(bot)
    await withdrawal_until_relationship(parent, "เด็กหญิงดาว ใจดี", student_id, "15 มีนาคม 2556", "ม.1")
    await parent.tap("โรงเรียนอื่น")
    await parent.say("โรงเรียนวัดใหม่ จังหวัดลำปาง")
    await withdrawal_to_the_end(parent)
    application = await latest(bot, parent.user_id)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.answers["student_national_id"] == stored


async def test_parent_4_a_g_code_student_gets_the_signed_sending_letter(env, clock, redis_namespace):
    make_dev_ca(Path(env["DATA_DIR"]) / "signing", "demo", "โรงเรียนสาธิตบ้านสวน")
    async with running_bot(env, clock, namespace=redis_namespace) as bot:
        parent = Parent(bot)
        await transfer_out(parent, G_CODE)
        application = await latest(bot, parent.user_id)
        registrar = await registrar_of(bot)
        async with httpx.AsyncClient(base_url=bot.base_url, timeout=30) as staff:
            token = bot.standin.issue_id_token(registrar.line_user_id, SIMULATOR_CLIENT_ID)
            await staff.post("/staff/api/session", json={"id_token": token})
            detail = await staff.get(f"/staff/applications/{application.id}")
            assert G_CODE in detail.text  # staff see the number as the school issued it
            await staff_does(bot, staff, application.id, "accept_complete")
            await staff_does(bot, staff, application.id, "sign_off")
            await staff_does(bot, staff, application.id, "issue_document", student_number="4521")
        await bot.process()
        assert flex_cards(parent.new_messages(), "เอกสารของคุณพร้อมแล้ว")
        async with bot.runtime.sessions() as session:
            issued = await session.scalar(sa.select(IssuedDocument))
        assert issued.doc_type == "transfer_out_letter"
