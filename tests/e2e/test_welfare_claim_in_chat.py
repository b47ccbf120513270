"""A teacher's tuition claim, in the simulated chat: the teacher (enrolled as the district's staff
by an invite) files it with photos of the receipts, the chat holds it to the yearly rate without
losing what was given, the district's finance officer (enrolled through another school of the
district) approves and records the payment, and the paid amount reaches the teacher's chat.
Nobody else sees the claim: not a parent, not the school's registrar (docs/rules.md, "Welfare
claims of civil servants")."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from backend import notices
from backend.applications.models import Application, ApplicationStatus
from backend.organisations import DistrictOffice
from backend.schools import School, school_by_slug
from backend.staff import StaffMember, create_invite
from richmenus.menus import staff_menu
from tests.chat import Parent
from tests.e2e.test_review_with_parent_and_staff import _enrolled_staff
from tests.harness import running_bot
from tests.staff_pages.conftest import add_staff, client_for, sign_in


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


async def _district(bot) -> tuple[int, int, int]:
    """The demo school and another school in one district; a school of another district."""
    now = bot.runtime.clock.now()
    async with bot.runtime.sessions() as session:
        ours = DistrictOffice(slug="kk1", name="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 1",
                              level="primary", created_at=now)
        theirs = DistrictOffice(slug="ud1", name="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาอุดรธานี เขต 1",
                                level="primary", created_at=now)
        session.add_all([ours, theirs])
        await session.flush()
        demo = await school_by_slug(session, "demo")
        demo.district_id = ours.id
        office = School(slug="office", name="โรงเรียนบ้านหนองบัว", settings={}, district_id=ours.id, created_at=now)
        elsewhere = School(slug="elsewhere", name="โรงเรียนเขตอื่น", settings={}, district_id=theirs.id,
                           created_at=now)
        session.add_all([office, elsewhere])
        await session.commit()
        return demo.id, office.id, elsewhere.id


async def _draft(bot, user_id: str) -> Application | None:
    async with bot.runtime.sessions() as session:
        return await session.scalar(sa.select(Application).where(Application.parent_ref == user_id)
                                    .order_by(Application.id.desc()).limit(1))


# How the teacher answers each question, as a teacher would: typed words, buttons, photos.
TUITION = {
    "requester_name": ("say", "นางสมศรี ใจดี"),
    "claimant_status": ("tap", "ข้าราชการ"),
    "position": ("say", "ครู โรงเรียนสาธิต"),
    "claim_type": ("say", "ค่าเล่าเรียนบุตรค่ะ"),
    "child_name": ("say", "เด็กหญิงใจงาม ใจดี"),
    "child_relation": ("tap", "บุตรชอบด้วยกฎหมาย"),
    "child_order": ("say", "1"),
    "academic_year": ("say", "2569"),
    "term": ("tap", "ภาคเรียนที่ 2"),
    "term_start": ("say", "1 พ.ย. 2569"),
    "child_birth_date": ("say", "10 พ.ค. 2564"),
    "school_kind": ("tap", "ของทางราชการ"),
    "level": ("tap", "อนุบาล"),
    "school_name": ("say", "โรงเรียนอนุบาลขอนแก่น"),
    "amount": ("say", "3,000 บาท"),
    "receipts": ("photos", 2),
    "family_documents": ("photos", 1),
    "phone": ("say", "0812345678"),
}


async def _file_claim(bot, teacher: Parent, answers: dict, *, first_amount: str | None = None,
                      told: str = "5,800 บาทต่อปีการศึกษา") -> Application:
    await teacher.say("ขอเบิกค่าเล่าเรียนบุตรค่ะ")
    await teacher.tap("รับทราบ เริ่มกรอก")
    refused_once = first_amount is None
    for _ in range(40):
        draft = await _draft(bot, teacher.user_id)
        assert draft is not None and draft.service == "welfare_claim", teacher.last_text()
        if draft.status == ApplicationStatus.SUBMITTED:
            return draft
        if draft.current_step == "_summary":
            await teacher.tap("ยืนยันส่งคำขอ")
            continue
        how, what = answers[draft.current_step]
        if draft.current_step == "amount" and not refused_once:
            refused_once = True
            await teacher.say(first_amount)
            # Over the kindergarten rate: told politely why and how much is left; nothing lost.
            assert told in teacher.last_text(), teacher.last_text()
            kept = await _draft(bot, teacher.user_id)
            assert kept.current_step == "amount" and kept.answers["child_name"] == "เด็กหญิงใจงาม ใจดี"
            continue
        if how == "say":
            await teacher.say(what)
        elif how == "tap":
            await teacher.tap(what)
        else:
            await teacher.send_photos(what)
    raise AssertionError(teacher.last_text())


async def _finance_officer(bot, school_id: int) -> StaffMember:
    """Enrolled by an invite typed in the chat of a school of the district (here the demo school,
    through which the claims come: notices reach them in that school's chat)."""
    async with bot.runtime.sessions() as session:
        code = await create_invite(session, school_id=school_id, role="district_finance", now=bot.runtime.clock.now())
        await session.commit()
    officer = Parent(bot, "การเงินเขต")
    await officer.follow()
    await officer.say(code)
    async with bot.runtime.sessions() as session:
        return await session.scalar(sa.select(StaffMember).where(StaffMember.line_user_id == officer.user_id))


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def _heard(bot, member: StaffMember) -> str:
    return json.dumps([entry["message"] for entry in bot.standin.bot_messages(member.line_user_id)], ensure_ascii=False)


def _told(member: Parent) -> str:
    return json.dumps(member.new_messages(), ensure_ascii=False)


async def test_a_teachers_tuition_claim_is_approved_and_the_payment_reaches_their_chat(bot):
    demo_id, office_id, elsewhere_id = await _district(bot)
    teacher = await _enrolled_staff(bot, "teacher", "ครูสมศรี")
    registrar = (await _enrolled_staff(bot, "registrar", "ครูทะเบียน")).user_id
    finance = await _finance_officer(bot, demo_id)
    foreign_finance = await add_staff(bot, elsewhere_id, "district_finance", "การเงินเขตอื่น")

    already = len(bot.standin.bot_messages(registrar))
    claim = await _file_claim(bot, teacher, TUITION, first_amount="9,000")
    assert claim.answers["amount"] == 3000 and len(claim.answers["receipts"]) == 2
    assert "กลุ่มการเงิน" in teacher.last_text()

    # The finance officer hears of it with a link to their page; the school's registrar does not.
    await bot.process()
    await bot.process()
    told = json.dumps([entry["message"] for entry in bot.standin.bot_messages(finance.line_user_id)],
                      ensure_ascii=False)
    assert "/staff/welfare" in told
    assert bot.standin.bot_messages(registrar)[already:] == []

    # The school's registrar sees no trace of it, and the finance pages are not theirs.
    async with client_for(bot) as client:
        await sign_in(bot, client, registrar)
        assert "นางสมศรี" not in (await client.get("/staff/")).text
        assert (await client.get(f"/staff/applications/{claim.id}")).status_code == 404
        assert (await client.get("/staff/welfare")).status_code == 403
        assert (await client.get(f"/staff/welfare/{claim.id}")).status_code == 403

    # A finance officer of the same district enrolled through its other school sees it too.
    colleague = await add_staff(bot, office_id, "district_finance", "การเงินเขต 2")
    async with client_for(bot) as client:
        await sign_in(bot, client, colleague)
        assert claim.public_number in (await client.get("/staff/welfare")).text

    # Nor does the school's admin, who sees every request of the school.
    admin = await add_staff(bot, demo_id, "admin", "ผู้ดูแลระบบ")
    async with client_for(bot) as client:
        await sign_in(bot, client, admin)
        assert claim.public_number not in (await client.get("/staff/")).text
        assert (await client.get(f"/staff/applications/{claim.id}")).status_code == 404

    # Another district's finance officer cannot open it either.
    async with client_for(bot) as client:
        await sign_in(bot, client, foreign_finance)
        assert "นางสมศรี" not in (await client.get("/staff/welfare")).text
        assert (await client.get(f"/staff/welfare/{claim.id}")).status_code == 404

    async with client_for(bot) as client:
        await sign_in(bot, client, finance)
        listing = (await client.get("/staff/welfare")).text
        assert claim.public_number in listing and "นางสมศรี ใจดี" in listing and "3,000 บาท" in listing
        detail = (await client.get(f"/staff/welfare/{claim.id}")).text
        assert "อนุบาล" in detail and "เด็กหญิงใจงาม ใจดี" in detail
        receipt = re.search(rf'/staff/welfare/{claim.id}/files/([^"]+)"', detail)
        assert receipt and (await client.get(f"/staff/welfare/{claim.id}/files/{receipt.group(1)}")).status_code == 200
        # Never more than was claimed.
        over = await client.post(f"/staff/welfare/{claim.id}/approve_payment",
                                 data={"csrf": _csrf(detail), "amount": "3,500"})
        assert over.status_code == 303 and "error=" in over.headers["location"]
        approved = await client.post(f"/staff/welfare/{claim.id}/approve_payment",
                                     data={"csrf": _csrf(detail), "amount": "3,000"})
        assert approved.status_code == 303 and "error=" not in approved.headers["location"]
        await bot.process()
        told = _told(teacher)
        assert "อนุมัติแล้ว" in told and "อนุมัติเบิกจ่าย 3,000 บาท" in told

        detail = (await client.get(f"/staff/welfare/{claim.id}")).text
        paid = await client.post(f"/staff/welfare/{claim.id}/record_payment",
                                 data={"csrf": _csrf(detail), "amount": "3,000",
                                       "reason": "โอนเข้าบัญชีเงินเดือน"})
        assert paid.status_code == 303 and "error=" not in paid.headers["location"]

    await bot.process()
    told = _told(teacher)
    assert "จ่ายเงินแล้ว" in told and "โอนเงินเข้าบัญชีของท่านแล้ว 3,000 บาท" in told
    async with bot.runtime.sessions() as session:
        row = await session.get(Application, claim.id)
        assert row.status == ApplicationStatus.CLOSED


async def test_a_parent_cannot_start_a_claim_and_is_told_whom_it_is_for(bot):
    await _district(bot)
    parent = Parent(bot)
    await parent.follow()
    await parent.say("ขอเบิกค่าเล่าเรียนบุตรค่ะ")
    assert "สำหรับข้าราชการ" in parent.last_text()
    assert await _draft(bot, parent.user_id) is None
    # Nor is it in the parents' service menu.
    await parent.say("เมนู")
    assert "เบิกสวัสดิการ" not in json.dumps(parent.new_messages(), ensure_ascii=False)


async def test_a_second_claim_for_the_same_child_and_year_is_held_to_what_is_left(bot):
    await _district(bot)
    teacher = await _enrolled_staff(bot, "teacher", "ครูสมศรี")
    first = await _file_claim(bot, teacher, {**TUITION, "term": ("tap", "ภาคเรียนที่ 1"),
                                             "term_start": ("say", "16 พ.ค. 2569"), "amount": ("say", "3500")})
    assert first.answers["amount"] == 3500
    await bot.process()
    # The second term: 3,000 more would pass 5,800 for the year; 2,300 is what is left.
    second = await _file_claim(bot, teacher, {**TUITION, "amount": ("say", "2,300")}, first_amount="3,000",
                               told="ครั้งนี้เบิกได้อีกไม่เกิน 2,300 บาท")
    assert second.answers["amount"] == 2300


PENSION = {
    "requester_name": ("say", "นายสมชาย ใจดี"),
    "position": ("say", "ครู โรงเรียนสาธิต"),
    "retirement_date": ("say", "1 ต.ค. 2570"),
    "benefit": ("tap", "บำนาญ (รายเดือน)"),
    "living_gratuity": ("tap", "ใช่"),
    "form_5300": ("photos", 1),
    "form_srj1": ("photos", 1),
    "form_srj3": ("photos", 1),
    "heirs_form": ("tap", "ข้าม"),
    "house_registration": ("photos", 1),
    "bank_book": ("photos", 1),
    "phone": ("say", "0898765432"),
}


async def test_a_retiree_enrolled_to_claim_files_a_pension_in_its_window_and_hears_each_step(bot, clock):
    demo_id, _, _ = await _district(bot)
    async with bot.runtime.sessions() as session:
        code = await create_invite(session, school_id=demo_id, role="civil_servant", now=clock.now())
        await session.commit()
    retiree = Parent(bot, "ครูสมชาย")
    await retiree.follow()
    await retiree.say(code)
    assert "ขอรับบำเหน็จบำนาญ" in retiree.last_text()  # told how to claim, not offered staff pages
    finance = await _finance_officer(bot, demo_id)

    await retiree.say("ขอรับบำเหน็จบำนาญ")
    await retiree.tap("รับทราบ เริ่มกรอก")
    refused = False
    for _ in range(30):
        draft = await _draft(bot, retiree.user_id)
        assert draft is not None and draft.service == "pension", retiree.last_text()
        if draft.status == ApplicationStatus.SUBMITTED:
            break
        if draft.current_step == "_summary":
            await retiree.tap("ยืนยันส่งคำขอ")
            continue
        how, what = PENSION[draft.current_step]
        if draft.current_step == "retirement_date" and not refused:
            refused = True
            await retiree.say(what)
            # 25 Nov 2569 is more than 8 months before 1 Oct 2570: told the first day, nothing lost.
            assert "ยื่นได้ตั้งแต่ 1 กุมภาพันธ์ 2570" in retiree.last_text(), retiree.last_text()
            assert (await _draft(bot, retiree.user_id)).answers["requester_name"] == "นายสมชาย ใจดี"
            clock.advance(days=70)  # 3 Feb 2570: the window is open
            continue
        if how == "say":
            await retiree.say(what)
        elif how == "tap":
            await retiree.tap(what)
        else:
            await retiree.send_photos(what)
    assert refused and draft.status == ApplicationStatus.SUBMITTED

    async with client_for(bot) as client:
        await sign_in(bot, client, finance)
        detail = (await client.get(f"/staff/welfare/{draft.id}")).text
        assert "บำเหน็จบำนาญ" in detail and "แบบ 5300" in detail
        assert 'name="amount"' not in detail.split("record_payment")[0]  # กรมบัญชีกลาง computes it
        forwarded = await client.post(f"/staff/welfare/{draft.id}/approve_payment", data={"csrf": _csrf(detail)})
        assert forwarded.status_code == 303 and "error=" not in forwarded.headers["location"]
        await bot.process()
        assert "ส่งเรื่องถึงกรมบัญชีกลางแล้ว" in _told(retiree)
        detail = (await client.get(f"/staff/welfare/{draft.id}")).text
        paid = await client.post(f"/staff/welfare/{draft.id}/record_payment",
                                 data={"csrf": _csrf(detail), "amount": "31,250", "reason": "บำนาญเดือนแรก"})
        assert paid.status_code == 303 and "error=" not in paid.headers["location"]
    await bot.process()
    told = _told(retiree)
    assert "จ่ายเงินแล้ว" in told and "31,250 บาท" in told


async def test_finance_asks_once_for_more_documents_and_a_late_claim_shows_as_overdue(bot, clock):
    """The finance officer asks for more documents once, as a school does (flows/supplement.py):
    the teacher's chat gets the request and answers with photos, nothing given before is lost,
    and the claim is due 15 working days after the last document arrived; past that day it shows
    as overdue to the finance staff and, as a count, on the district's dashboard."""
    demo_id, _, _ = await _district(bot)
    teacher = await _enrolled_staff(bot, "teacher", "ครูสมศรี")
    finance = await _finance_officer(bot, demo_id)
    officer = await add_staff(bot, demo_id, "district", "เจ้าหน้าที่เขต")
    claim = await _file_claim(bot, teacher, TUITION)
    assert claim.due_at is not None and claim.due_at > clock.now()  # due from the filing
    await bot.process()
    told = _told(teacher)
    assert "กำหนดแล้วเสร็จ" in told
    # The finance officer hears which school the claimant is from.
    assert "ผู้ขอสังกัด" in _heard(bot, finance)
    async with bot.runtime.sessions() as session:
        told_finance = await session.scalar(sa.select(notices.Notice).where(
            notices.Notice.recipient_ref == finance.line_user_id, notices.Notice.kind == notices.NEW_SUBMISSION))
        assert told_finance.data["filed_through"] == "โรงเรียนสาธิตบ้านสวน"

    async with client_for(bot) as client:
        await sign_in(bot, client, finance)
        detail = (await client.get(f"/staff/welfare/{claim.id}")).text
        assert "พิจารณาภายใน" in detail and 'data-action="request_documents"' in detail
        nothing = await client.post(f"/staff/welfare/{claim.id}/request_documents", data={"csrf": _csrf(detail)})
        assert "error=" in nothing.headers["location"]  # asked for nothing: refused, asked again
        asked = await client.post(f"/staff/welfare/{claim.id}/request_documents",
                                  data={"csrf": _csrf(detail), "documents": "family_documents",
                                        "other_document": "หนังสือรับรองการเป็นนักเรียน"})
        assert asked.status_code == 303 and "error=" not in asked.headers["location"]
    await bot.process()
    told = _told(teacher)
    assert "กลุ่มการเงินขอเอกสารเพิ่มเติม" in told and "หนังสือรับรองการเป็นนักเรียน" in told
    async with bot.runtime.sessions() as session:
        waiting = await session.get(Application, claim.id)
        assert waiting.status == ApplicationStatus.DOCUMENTS_REQUESTED and waiting.due_at is None

    clock.advance(days=3)
    await teacher.send_photos(1)
    assert "หนังสือรับรองการเป็นนักเรียน" in teacher.last_text()  # the next document asked for
    await teacher.send_photos(1)
    assert "ส่งเอกสารครบตามที่กลุ่มการเงินของสำนักงานเขตพื้นที่การศึกษาขอแล้ว" in teacher.last_text()
    async with bot.runtime.sessions() as session:
        answered = await session.get(Application, claim.id)
        assert answered.status == ApplicationStatus.SUBMITTED
        # Nothing given before is lost: the first receipts and family document stay, the new one joins.
        assert len(answered.answers["receipts"]) == 2 and len(answered.answers["family_documents"]) == 2
        assert answered.due_at is not None and answered.due_at > claim.due_at  # counted from the documents
        due = answered.due_at
    await bot.process()
    assert "ผู้ขอส่งเอกสารเพิ่มแล้ว" in _heard(bot, finance)

    async with client_for(bot) as client:
        await sign_in(bot, client, finance)
        detail = (await client.get(f"/staff/welfare/{claim.id}")).text
        assert 'data-action="request_documents"' not in detail  # once only
        other = re.search(rf'/staff/welfare/{claim.id}/files/([^"]+)"', detail.split("หนังสือรับรองการเป็นนักเรียน")[1])
        assert other and (await client.get(f"/staff/welfare/{claim.id}/files/{other.group(1)}")).status_code == 200
        assert "เกินกำหนด" not in (await client.get("/staff/welfare")).text

    clock.advance(days=(due - clock.now()).days + 2)  # past the due date, still undecided
    async with client_for(bot) as client:
        await sign_in(bot, client, finance)
        listing = (await client.get("/staff/welfare")).text
        assert 'data-overdue="1"' in listing and "เกินกำหนด" in listing
    async with client_for(bot) as client:
        await sign_in(bot, client, officer)
        dashboard = (await client.get("/staff/district")).text
        claims = dashboard.split('id="civil-servant-claims"')[1]
        assert 'data-overdue="1"' in claims and "นางสมศรี" not in dashboard  # a count, never a name


async def test_a_teacher_reaches_the_claim_from_the_staff_menu_without_typing(bot):
    await _district(bot)
    teacher = await _enrolled_staff(bot, "teacher", "ครูสมศรี")
    [tile] = [a.cell.action for a in staff_menu("https://example.invalid").areas if a.cell.label == "สวัสดิการ"]
    await teacher.say(tile.text)  # what the tile sends when tapped
    assert "ขออภัย" not in teacher.last_text()  # not refused: the claim starts (privacy notice first)
    await teacher.tap("รับทราบ เริ่มกรอก")
    draft = await _draft(bot, teacher.user_id)
    assert draft is not None and draft.service == "welfare_claim"
