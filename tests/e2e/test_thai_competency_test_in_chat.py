"""OBEC's Thai competency test in the simulated chat: a foreigner registers for a session; the
seats of a session are counted, the last one cannot be taken twice (even by two people who both saw
it free), and a wrong or impossible answer is refused politely, in simple Thai with an English
line, without losing anything already given."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from backend import thai_test
from backend.applications.models import Application, ApplicationStatus
from backend.documents.models import IssuedDocument
from backend.documents.signing import make_dev_ca
from backend.organisations import OBEC_NAME_TH, OBEC_SHORT_TH
from backend.schools import School
from backend.staff import StaffMember
from tests.chat import Parent
from tests.harness import running_bot
from web.staff.auth import SIMULATOR_CLIENT_ID

SMALL = dt.date(2026, 12, 5)  # one seat
LATER = dt.date(2026, 12, 12)  # five seats


@pytest.fixture
async def bot(env, clock, redis_namespace):
    make_dev_ca(Path(env["DATA_DIR"]) / "signing", "obec", OBEC_SHORT_TH)
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


async def _sessions(bot) -> None:
    async with bot.runtime.sessions() as session:
        now = bot.runtime.clock.now()
        await thai_test.add_session(session, held_on=SMALL, place="สพฐ. กรุงเทพฯ", seats=1,
                                    registration_closes=dt.date(2026, 12, 1), now=now)
        await thai_test.add_session(session, held_on=LATER, place="สพป.เชียงใหม่ เขต 1", seats=5,
                                    registration_closes=dt.date(2026, 12, 8), now=now)
        await session.commit()


async def _up_to_the_date(person: Parent, name: str, passport: str) -> None:
    await person.follow()
    await person.say("สมัครสอบภาษาไทย")
    await person.tap("รับทราบ เริ่มกรอก")
    assert "Thai Competency Test" in person.last_text()
    await person.say(name)
    await person.say(passport)
    await person.say("American")
    assert "Which test date?" in person.last_text()


async def _finish(person: Parent) -> None:
    await person.send_photos(1)
    await person.say("0812345678")


async def _seats(bot) -> dict[str, int]:
    async with bot.runtime.sessions() as session:
        rows = await session.execute(
            sa.select(thai_test.ThaiTestSession.held_on, sa.func.count(thai_test.ThaiTestSeat.id))
            .join(thai_test.ThaiTestSeat, thai_test.ThaiTestSeat.session_id == thai_test.ThaiTestSession.id)
            .group_by(thai_test.ThaiTestSession.held_on))
        return {held_on.isoformat(): count for held_on, count in rows.all()}


async def _applications(bot) -> list[Application]:
    async with bot.runtime.sessions() as session:
        return list(await session.scalars(sa.select(Application).order_by(Application.id)))


async def test_no_session_open_is_said_politely(bot):
    person = Parent(bot, "Anna")
    await person.follow()
    await person.say("สมัครสอบภาษาไทย")
    await person.tap("รับทราบ เริ่มกรอก")
    assert "ยังไม่มีรอบสอบที่เปิดรับสมัคร" in person.last_text()
    assert "no test session is open" in person.last_text()


async def test_the_last_seat_cannot_be_taken_twice_and_nothing_is_lost(bot):
    await _sessions(bot)
    # Two people reach the summary while the small session's one seat is still free.
    first, second = Parent(bot, "John"), Parent(bot, "Mary")
    await _up_to_the_date(first, "John Smith", "AA1111111")
    await _up_to_the_date(second, "Mary Jones", "BB2222222")
    # Bad input first: not a date, then a day without a test. Polite Thai and English, with the
    # open sessions as buttons; what was given stays.
    await second.say("next week maybe")
    assert "ค่ะ" in second.last_text()
    await second.say("3 ธ.ค. 2569")
    assert "วันนี้ไม่มีรอบสอบค่ะ" in second.last_text() and "no test on that date" in second.last_text()
    assert "5 ธ.ค. 2569" in second.last_text().replace("\n", " ") or "5 ธันวาคม 2569" in second.last_text()
    await second.tap("5 ธ.ค. 2569")
    await _finish(second)
    await first.say("5 ธ.ค. 2569")
    await _finish(first)

    await first.tap("ยืนยันส่งคำขอ")
    assert "เลขที่คำขอ: TT-" in first.last_text()
    assert await _seats(bot) == {"2026-12-05": 1}

    # The second confirms the same last seat: refused, sent back to the date, nothing lost.
    await second.tap("ยืนยันส่งคำขอ")
    assert "ที่นั่งเต็มแล้ว" in second.last_text() and "session is full" in second.last_text()
    assert await _seats(bot) == {"2026-12-05": 1}
    [_, draft] = await _applications(bot)
    assert draft.status == ApplicationStatus.DRAFT
    assert (draft.answers["requester_name"], draft.answers["passport_number"]) == ("Mary Jones", "BB2222222")
    # The full session is refused at the date too, and the other session offered.
    await second.say("5 ธ.ค. 2569")
    assert "ที่นั่งเต็มแล้ว" in second.last_text()
    await second.tap("12 ธ.ค. 2569")
    assert "Mary Jones" in second.last_text()  # back at the summary with every answer
    await second.tap("ยืนยันส่งคำขอ")
    assert "เลขที่คำขอ: TT-" in second.last_text()
    assert await _seats(bot) == {"2026-12-05": 1, "2026-12-12": 1}
    assert [a.status for a in await _applications(bot)] == [ApplicationStatus.SUBMITTED] * 2


async def test_a_seat_is_taken_once_per_registration_and_never_beyond_the_seats(bot):
    await _sessions(bot)
    now = bot.runtime.clock.now()
    today = now.date()
    async with bot.runtime.sessions() as session:
        seat = await thai_test.take_seat(session, held_on=LATER, holder_ref="TT-A", today=today, now=now)
        again = await thai_test.take_seat(session, held_on=LATER, holder_ref="TT-A", today=today, now=now)
        assert again.id == seat.id  # confirmed twice: the same seat
        for n in range(4):
            await thai_test.take_seat(session, held_on=LATER, holder_ref=f"TT-B{n}", today=today, now=now)
        with pytest.raises(thai_test.SessionFull):
            await thai_test.take_seat(session, held_on=LATER, holder_ref="TT-C", today=today, now=now)
        # A freed seat is taken again; registration closed: refused.
        assert await thai_test.release(session, holder_ref="TT-B1") == 1
        assert (await thai_test.take_seat(session, held_on=LATER, holder_ref="TT-C", today=today,
                                          now=now)).seat_no == 3
        with pytest.raises(thai_test.SessionClosed):
            await thai_test.take_seat(session, held_on=SMALL, holder_ref="TT-D", today=dt.date(2026, 12, 2),
                                      now=now)
        await session.commit()


async def test_after_the_test_obec_enters_the_level_and_the_result_certificate_reaches_the_chat(bot):
    await _sessions(bot)
    person = Parent(bot, "John")
    await _up_to_the_date(person, "John Smith", "AA1111111")
    await person.say("12 ธ.ค. 2569")
    await _finish(person)
    await person.tap("ยืนยันส่งคำขอ")
    async with bot.runtime.sessions() as session:
        application = await session.scalar(sa.select(Application))
        school = await session.scalar(sa.select(School))
        officer = StaffMember(school_id=school.id, line_user_id=bot.standin.add_user("สพฐ.").user_id,
                              display_name="สพฐ.", role="obec", active=True, notify_new_submissions=False,
                              created_at=bot.runtime.clock.now(), full_name="นางสาวจัดสอบ ภาษาไทย",
                              position="นักวิชาการศึกษาชำนาญการ")
        session.add(officer)
        await session.commit()
    bot.runtime.clock.advance(days=20)  # the test day has passed
    async with httpx.AsyncClient(base_url=bot.base_url, timeout=30) as obec:
        await obec.post("/staff/api/session",
                        json={"id_token": bot.standin.issue_id_token(officer.line_user_id, SIMULATOR_CLIENT_ID)})
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', (await obec.get("/staff/settings")).text).group(1)

        async def does(action: str, **fields: str) -> str:
            done = await obec.post(f"/staff/applications/{application.id}/actions/{action}",
                                   data={"csrf": csrf, **fields}, follow_redirects=True)
            assert done.status_code == 200
            return done.text

        await does("accept_complete")
        await does("sign_off")
        # A level outside 1-6 is refused with a message, and nothing is issued.
        refused = await does("issue_document", result_level="7", reference_number="ศธ 04004/456")
        assert "ระดับ 1 ถึง 6" in refused
        async with bot.runtime.sessions() as session:
            assert await session.scalar(sa.select(IssuedDocument)) is None
        await does("issue_document", result_level="4", skills="ฟัง 4 พูด 4 อ่าน 3 เขียน 4",
                   reference_number="ศธ 04004/456")
    async with bot.runtime.sessions() as session:
        document = await session.scalar(sa.select(IssuedDocument))
    assert document.doc_type == "thai_competency_certificate"
    assert (document.data["issuer"]["name"], document.data["data"]["result_level"]) == (OBEC_NAME_TH, "4")
    assert document.data["data"]["test_date_en"] == "12 December 2026"
    await bot.process()
    assert [m for m in person.new_messages() if m["type"] == "flex" and m["altText"]
            == "เอกสารของคุณพร้อมแล้ว: หนังสือรับรองผลการสอบวัดระดับความสามารถในการใช้ภาษาไทย"]


async def test_obec_opens_a_session_on_its_page_and_a_school_cannot(bot):
    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School))
        members = {}
        for role in ("obec", "registrar"):
            member = StaffMember(school_id=school.id, line_user_id=bot.standin.add_user(role).user_id,
                                 display_name=role, role=role, active=True, notify_new_submissions=False,
                                 created_at=bot.runtime.clock.now())
            session.add(member)
            members[role] = member
        await session.commit()
    async with httpx.AsyncClient(base_url=bot.base_url, timeout=30) as registrar:
        await registrar.post("/staff/api/session", json={
            "id_token": bot.standin.issue_id_token(members["registrar"].line_user_id, SIMULATOR_CLIENT_ID)})
        assert (await registrar.get("/staff/obec/thai-test")).status_code == 403
    async with httpx.AsyncClient(base_url=bot.base_url, timeout=30) as obec:
        await obec.post("/staff/api/session", json={
            "id_token": bot.standin.issue_id_token(members["obec"].line_user_id, SIMULATOR_CLIENT_ID)})
        page = (await obec.get("/staff/obec/thai-test")).text
        assert "ยังไม่มีรอบสอบที่เปิดรับสมัคร" in page
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        refused = await obec.post("/staff/obec/thai-test/sessions", follow_redirects=True, data={
            "csrf": csrf, "held_on": "2026-12-12", "place": "สพฐ.", "seats": "0", "closes": "2026-12-01"})
        assert "จำนวนที่นั่ง (อย่างน้อย 1)" in refused.text
        added = await obec.post("/staff/obec/thai-test/sessions", follow_redirects=True, data={
            "csrf": csrf, "held_on": "2026-12-12", "place": "สพป.เชียงใหม่ เขต 1", "seats": "30",
            "closes": "2026-12-01"})
        assert "สพป.เชียงใหม่ เขต 1" in added.text and "ว่าง 30 ที่นั่ง" in added.text
    # Now open: the foreigner can register for it.
    person = Parent(bot, "Anna")
    await person.follow()
    await person.say("สมัครสอบภาษาไทย")
    await person.tap("รับทราบ เริ่มกรอก")
    # "Anna Berg" is eight Latin letters, as an invite code is: a name, not a code; "AB234567" is
    # shaped like a code, but none was issued so: her passport number.
    for answer in ("Anna Berg", "AB234567", "Swedish"):
        await person.say(answer)
    assert "Which test date?" in person.last_text()
    await person.say("12 ธ.ค. 2569")
    assert "passport" in person.last_text()
    async with bot.runtime.sessions() as session:
        draft = await session.scalar(sa.select(Application))
    assert (draft.answers["requester_name"], draft.answers["passport_number"]) == ("Anna Berg", "AB234567")


async def test_a_refused_registration_gives_its_seat_back(bot):
    await _sessions(bot)
    person = Parent(bot, "John")
    await _up_to_the_date(person, "John Smith", "AA1111111")
    await person.say("5 ธ.ค. 2569")
    await _finish(person)
    await person.tap("ยืนยันส่งคำขอ")
    assert await _seats(bot) == {"2026-12-05": 1}
    async with bot.runtime.sessions() as session:
        application = await session.scalar(sa.select(Application))
        school = await session.scalar(sa.select(School))
        officer = StaffMember(school_id=school.id, line_user_id=bot.standin.add_user("สพฐ.").user_id,
                              display_name="สพฐ.", role="obec", active=True, notify_new_submissions=False,
                              created_at=bot.runtime.clock.now())
        session.add(officer)
        await session.commit()
    async with httpx.AsyncClient(base_url=bot.base_url, timeout=30) as obec:
        await obec.post("/staff/api/session",
                        json={"id_token": bot.standin.issue_id_token(officer.line_user_id, SIMULATOR_CLIENT_ID)})
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', (await obec.get("/staff/settings")).text).group(1)
        done = await obec.post(f"/staff/applications/{application.id}/actions/reject", follow_redirects=True,
                               data={"csrf": csrf, "reason": "หนังสือเดินทางหมดอายุ"})
        assert done.status_code == 200
    async with bot.runtime.sessions() as session:
        assert (await session.get(Application, application.id)).status == ApplicationStatus.REJECTED
    assert await _seats(bot) == {}
