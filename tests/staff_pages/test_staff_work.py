"""Staff work a request through the pages: the inbox, actions by role, the dashboard and its exports."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import sqlalchemy as sa

from backend.audit import AuditEntry
from backend.staff import StaffMember
from tests.staff_pages.conftest import application_row, client_for, sign_in, submitted_application


async def csrf_of(client) -> str:
    page = await client.get("/staff/settings")
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)


def buttons(html: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', html))


async def test_inbox_searches_by_child_name_or_number_and_shows_overdue_first(bot, people, clock):
    first, _ = await submitted_application(bot, people.school_id, people.parent_ref, child="เด็กชายภูผา ดีงาม")
    clock.advance(hours=1)
    await submitted_application(bot, people.school_id, people.parent_ref, child="เด็กหญิงมะลิ หอมดี")
    async with client_for(bot) as client:
        await sign_in(bot, client, people.registrar)
        by_name = await client.get("/staff/", params={"q": "มะลิ"})
        assert "เด็กหญิงมะลิ" in by_name.text and "ภูผา" not in by_name.text
        number = (await application_row(bot, first)).public_number
        by_number = await client.get("/staff/", params={"q": number.lower()})
        assert "ภูผา" in by_number.text and "มะลิ" not in by_number.text
        # Accept the first one, then let its time run out: it goes to the top, marked.
        csrf = await csrf_of(client)
        await client.post(f"/staff/applications/{first}/actions/accept_complete", data={"csrf": csrf})
        clock.advance(days=10)
        await sign_in(bot, client, people.registrar)  # the session lasts hours, not days
        inbox = (await client.get("/staff/")).text
    assert "เกินกำหนด 1 เรื่อง" in inbox
    assert inbox.index("ภูผา") < inbox.index("มะลิ")


async def test_only_the_actions_the_workflow_allows_are_shown_and_accepted(bot, people):
    application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    async with client_for(bot) as teacher, client_for(bot) as registrar:
        await sign_in(bot, teacher, people.teacher)
        # A teacher sees only requests of services whose chain names teachers (none here).
        assert (await teacher.get(f"/staff/applications/{application_id}")).status_code == 404
        refused = await teacher.post(f"/staff/applications/{application_id}/actions/request_documents",
                                     data={"csrf": await csrf_of(teacher), "documents": "student_house_registration"},
                                     follow_redirects=True)
        assert refused.status_code == 404
        assert (await application_row(bot, application_id)).status == "submitted"

        await sign_in(bot, registrar, people.registrar)
        page = await registrar.get(f"/staff/applications/{application_id}")
        assert buttons(page.text) == {"accept_complete", "request_documents", "reject"}
        # Without the form's token the post is refused (another site cannot act for staff).
        forged = await registrar.post(f"/staff/applications/{application_id}/actions/accept_complete")
        assert forged.status_code == 403
        empty_reason = await registrar.post(f"/staff/applications/{application_id}/actions/reject",
                                            data={"csrf": await csrf_of(registrar), "reason": " "},
                                            follow_redirects=True)
        assert "กรุณาระบุเหตุผล" in empty_reason.text
        asked = await registrar.post(
            f"/staff/applications/{application_id}/actions/request_documents",
            data={"csrf": await csrf_of(registrar), "documents": ["student_house_registration"],
                  "other_document": "สูติบัตรนักเรียน"}, follow_redirects=True)
        assert "บันทึก “ขอเอกสารเพิ่ม” แล้ว" in asked.text
        assert "ทะเบียนบ้าน" in asked.text and "สูติบัตรนักเรียน" in asked.text
    row = await application_row(bot, application_id)
    assert row.status == "documents_requested"
    assert row.requested_documents == [
        {"document": "student_house_registration", "name": "ทะเบียนบ้าน"},
        {"document": "other", "name": "สูติบัตรนักเรียน"}]


async def test_the_approval_chain_shows_sign_off_to_the_role_whose_turn_it_is(bot, people):
    application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    async with client_for(bot) as registrar, client_for(bot) as director:
        await sign_in(bot, registrar, people.registrar)
        await sign_in(bot, director, people.director)
        await registrar.post(f"/staff/applications/{application_id}/actions/accept_complete",
                             data={"csrf": await csrf_of(registrar)})
        # transfer_out's chain is the default, registrar only: the director has no button.
        assert "sign_off" not in buttons((await director.get(f"/staff/applications/{application_id}")).text)
        page = await registrar.get(f"/staff/applications/{application_id}")
        assert "sign_off" in buttons(page.text)
        done = await registrar.post(f"/staff/applications/{application_id}/actions/sign_off",
                                    data={"csrf": await csrf_of(registrar)}, follow_redirects=True)
        assert "อนุมัติแล้ว" in done.text
        assert "ลงนามอนุมัติ" in done.text and "ครูทะเบียน ใจดี" in done.text  # in the history
    assert (await application_row(bot, application_id)).status == "approved"


async def test_dashboard_and_exports_count_by_service_and_status_without_names(bot, people, clock):
    decided, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    await submitted_application(bot, people.school_id, people.parent_ref, child="เด็กหญิงมะลิ หอมดี")
    await submitted_application(bot, people.other_school_id, people.parent_ref, child="เด็กชายต่างโรงเรียน")
    async with client_for(bot) as client:
        await sign_in(bot, client, people.registrar)
        csrf = await csrf_of(client)
        await client.post(f"/staff/applications/{decided}/actions/accept_complete", data={"csrf": csrf})
        clock.advance(days=2)
        await sign_in(bot, client, people.registrar)
        await client.post(f"/staff/applications/{decided}/actions/sign_off",
                          data={"csrf": await csrf_of(client)})
        page = await client.get("/staff/dashboard")
        csv_file = await client.get("/staff/dashboard/export.csv")
        xlsx_file = await client.get("/staff/dashboard/export.xlsx")
    assert page.status_code == 200
    assert "ย้ายออก" in page.text and "อนุมัติแล้ว 1" in page.text and "ยื่นแล้ว รอตรวจ 1" in page.text
    assert re.search(r"<b>2</b><span>คำขอทั้งหมด", page.text)
    assert re.search(r"<b>2\.0</b><span>มัธยฐานวันถึงการตัดสิน", page.text)

    assert csv_file.headers["content-disposition"].startswith("attachment;")
    text = csv_file.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["เลขที่คำขอ", "บริการ", "สถานะ"]
    assert sorted(r[2] for r in rows[1:]) == ["ยื่นแล้ว รอตรวจ", "อนุมัติแล้ว"]
    assert "ฟ้าใส" not in text and "มะลิ" not in text and "ต่างโรงเรียน" not in text

    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_file.content))
    assert workbook.sheetnames == ["สรุปตามบริการ", "รายเดือน", "รายการคำขอ"]
    summary = list(workbook["สรุปตามบริการ"].values)
    assert summary[1][0] == "ย้ายออก" and summary[1][1] == 2
    async with bot.runtime.sessions() as session:
        exports = list(await session.scalars(sa.select(AuditEntry.detail).where(
            AuditEntry.action == "report_exported")))
    assert exports == [{"format": "csv", "rows": 2}, {"format": "xlsx", "rows": 2}]


async def test_staff_turn_new_submission_notifications_off_and_on(bot, people):
    async with client_for(bot) as client:
        await sign_in(bot, client, people.teacher)
        page = await client.get("/staff/settings")
        assert 'name="notify_new_submissions" checked' in page.text
        await client.post("/staff/settings", data={"csrf": await csrf_of(client)})
        assert 'name="notify_new_submissions" checked' not in (await client.get("/staff/settings")).text
        async with bot.runtime.sessions() as session:
            assert (await session.get(StaffMember, people.teacher.id)).notify_new_submissions is False
        await client.post("/staff/settings", data={"csrf": await csrf_of(client),
                                                   "notify_new_submissions": "on"})
        async with bot.runtime.sessions() as session:
            assert (await session.get(StaffMember, people.teacher.id)).notify_new_submissions is True


async def test_development_login_lists_the_demo_schools_staff_and_signs_in_through_line(bot, people):
    async with client_for(bot) as client:
        login = await client.get("/staff/login", params={"next": "/staff/dashboard"})
        assert "ครูทะเบียน ใจดี" in login.text and "ครูโรงเรียนอื่น" not in login.text
        assert "liff" not in login.text.lower().replace("staffliff", "")  # no LIFF ID configured
        response = await client.post("/staff/dev-login", data={"staff_id": people.registrar.id,
                                                               "next": "/staff/dashboard"})
        assert response.status_code == 303 and response.headers["location"] == "/staff/dashboard"
        assert (await client.get("/staff/dashboard")).status_code == 200
        outsider = await client.post("/staff/dev-login", data={"staff_id": people.other_registrar.id})
        assert outsider.status_code == 404
        elsewhere = await client.post("/staff/dev-login", data={"staff_id": people.registrar.id,
                                                                "next": "https://evil.example/"})
        assert elsewhere.headers["location"] == "/staff/"
    assert [r.status for r in bot.standin.requests_to("verify_id_token")] == [200, 200]


async def test_staff_see_when_the_parent_cannot_be_reached_in_line(bot, people):
    from backend import contacts

    application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        before = await registrar.get(f"/staff/applications/{application_id}")
        assert "บล็อกบัญชี LINE" not in before.text
        async with bot.runtime.sessions() as session:
            await contacts.set_following(session, school_id=people.school_id, channel="default",
                                         user_ref=people.parent_ref, following=False, now=bot.runtime.clock.now())
            await session.commit()
        after = await registrar.get(f"/staff/applications/{application_id}")
    assert "ผู้ปกครองบล็อกบัญชี LINE ของโรงเรียนแล้ว" in after.text
