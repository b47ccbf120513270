"""Who acts next: each request says its next step and who holds it; staff assign a request to a
colleague, who then finds it first under "ของฉัน" and acts on it; internal notes stay internal."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa

from backend.audit import AuditEntry
from backend.outbox import OutboundMessage
from tests.chat import Parent, file_transfer_out
from tests.staff_pages.conftest import add_staff, application_row, client_for, sign_in, submitted_application

NOTE = "โทรคุยกับคุณแม่แล้ว รอสำเนาทะเบียนบ้านวันจันทร์ เลขห้อง 12B"


async def csrf_of(client) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', (await client.get("/staff/settings")).text).group(1)


def next_card(html: str) -> str:
    return html.split('id="next-step"', 1)[1].split("</section>", 1)[0]


async def test_a_teacher_assigned_a_request_finds_it_first_and_acts_on_it(bot, people):
    other_id, _ = await submitted_application(bot, people.school_id, people.parent_ref, child="เด็กชายภูผา ดีงาม")
    application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    async with client_for(bot) as registrar, client_for(bot) as teacher:
        await sign_in(bot, teacher, people.teacher)
        # Not the teacher's until assigned: a teacher holds no step of a submitted transfer-out.
        assert (await teacher.get(f"/staff/applications/{application_id}")).status_code == 404

        await sign_in(bot, registrar, people.registrar)
        page = (await registrar.get(f"/staff/applications/{application_id}")).text
        card = next_card(page)
        assert "ตรวจเอกสาร แล้วรับเรื่องหรือขอเอกสารเพิ่ม" in card and "งานทะเบียน" in card
        assert "ยังไม่ได้มอบหมาย" in card
        done = await registrar.post(f"/staff/applications/{application_id}/assign",
                                    data={"csrf": await csrf_of(registrar), "staff_id": str(people.teacher.id)},
                                    follow_redirects=True)
        assert "บันทึก “มอบหมายผู้รับผิดชอบ” แล้ว" in done.text
        assert "ครูประจำชั้น มีสุข" in next_card(done.text)
        assert "มอบหมายผู้รับผิดชอบ ให้ ครูประจำชั้น มีสุข" in done.text.split("<h2>ประวัติ</h2>", 1)[1]

        inbox = (await teacher.get("/staff/")).text
        assert "ของฉัน <b>1</b>" in inbox
        assert "เด็กหญิงฟ้าใส ใจงาม" in inbox and "เด็กชายภูผา" not in inbox  # the other is not the teacher's
        mine = (await teacher.get("/staff/", params={"assigned": "me"})).text
        assert "เด็กหญิงฟ้าใส ใจงาม" in mine
        # The registrar's inbox lists the assigned one with its holder.
        registrar_inbox = (await registrar.get("/staff/")).text
        assert "ผู้รับผิดชอบ ครูประจำชั้น มีสุข" in registrar_inbox

        detail = (await teacher.get(f"/staff/applications/{application_id}")).text
        assert 'data-action="accept_complete"' in detail and 'data-action="request_documents"' in detail
        assert 'data-action="reject"' not in detail  # deciding stays with the registrar
        accepted = await teacher.post(f"/staff/applications/{application_id}/actions/accept_complete",
                                      data={"csrf": await csrf_of(teacher)}, follow_redirects=True)
        assert "บันทึก “รับเรื่อง เอกสารครบ” แล้ว" in accepted.text
        # Now the registrar signs: the teacher reads why there is nothing to press.
        assert "ขั้นตอนนี้เป็นหน้าที่ของงานทะเบียน" in accepted.text
        refused = await teacher.post(f"/staff/applications/{application_id}/actions/reject",
                                     data={"csrf": await csrf_of(teacher), "reason": "ไม่ครบ"},
                                     follow_redirects=True)
        assert "ไม่อยู่ในหน้าที่ของท่าน" in refused.text
    assert (await application_row(bot, application_id)).status == "under_review"
    assert (await application_row(bot, other_id)).status == "submitted"


async def test_mine_comes_first_in_the_inbox(bot, people):
    await submitted_application(bot, people.school_id, people.parent_ref, child="เด็กชายภูผา ดีงาม")
    bot.runtime.clock.advance(hours=1)
    second, _ = await submitted_application(bot, people.school_id, people.parent_ref, child="เด็กหญิงมะลิ หอมดี")
    bot.runtime.clock.advance(hours=1)
    await submitted_application(bot, people.school_id, people.parent_ref, child="เด็กชายก้อง ไพเราะ")
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        await registrar.post(f"/staff/applications/{second}/assign",
                             data={"csrf": await csrf_of(registrar), "staff_id": str(people.registrar.id)})
        inbox = (await registrar.get("/staff/")).text
    names = [n for n in ("ภูผา", "มะลิ", "ก้อง")]
    positions = sorted(names, key=inbox.index)
    assert positions[0] == "มะลิ"


async def test_a_request_cannot_go_to_finance_or_another_school(bot, people):
    finance = await add_staff(bot, people.school_id, "finance", "คุณการเงิน")
    application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        page = (await registrar.get(f"/staff/applications/{application_id}")).text
        assert "คุณการเงิน" not in page and "ครูโรงเรียนอื่น" not in page  # not offered
        for member in (finance, people.other_registrar):
            refused = await registrar.post(f"/staff/applications/{application_id}/assign",
                                           data={"csrf": await csrf_of(registrar), "staff_id": str(member.id)},
                                           follow_redirects=True)
            assert "มอบหมายให้ผู้นี้ไม่ได้" in refused.text or "ไม่พบเจ้าหน้าที่" in refused.text
    assert (await application_row(bot, application_id)).assigned_to_id is None


async def test_internal_notes_are_never_shown_to_the_parent(bot, people):
    parent = Parent(bot)
    await file_transfer_out(parent)
    async with bot.runtime.sessions() as session:
        from backend.applications.models import Application
        application_id = await session.scalar(sa.select(Application.id))
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        saved = await registrar.post(f"/staff/applications/{application_id}/notes",
                                     data={"csrf": await csrf_of(registrar), "text": NOTE}, follow_redirects=True)
        assert NOTE in saved.text and "ไม่แสดงต่อผู้ปกครอง" in saved.text
        empty = await registrar.post(f"/staff/applications/{application_id}/notes",
                                     data={"csrf": await csrf_of(registrar), "text": "  "}, follow_redirects=True)
        assert "กรุณาพิมพ์บันทึก" in empty.text
        # Then the request moves on, which tells the parent: the note goes nowhere with it.
        await registrar.post(f"/staff/applications/{application_id}/actions/accept_complete",
                             data={"csrf": await csrf_of(registrar)})
    await bot.process()
    await parent.say("ติดตามสถานะ")
    await parent.say("ข้อมูลของฉัน")
    everything = json.dumps(parent.all_messages(), ensure_ascii=False)
    assert "อยู่ระหว่างพิจารณา" in everything  # the parent was told of the step
    assert "รอสำเนาทะเบียนบ้านวันจันทร์" not in everything
    async with bot.runtime.sessions() as session:
        queued = [json.dumps(m.payload, ensure_ascii=False) for m in await session.scalars(sa.select(OutboundMessage))]
        logged = [json.dumps(e.detail, ensure_ascii=False) for e in await session.scalars(sa.select(AuditEntry))]
    assert queued and not any("รอสำเนาทะเบียนบ้าน" in text for text in queued)
    assert not any("รอสำเนาทะเบียนบ้าน" in text for text in logged)  # the log says a note was left, not what
