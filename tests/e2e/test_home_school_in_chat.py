"""Home schooling: a family applies in the chat of a school of the district, the district's staff
check it, record the committee's decision and issue the permit, which the district office signs
with its own key and which verifies on /verify as the district's (docs/rules.md, "Home schooling")."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from backend.applications.models import Application, ApplicationStatus
from backend.documents.models import IssuedDocument
from backend.documents.service import VerifyOutcome
from backend.documents.signing import make_dev_ca
from backend.organisations import DistrictOffice
from backend.schools import school_by_slug
from backend.staff import StaffMember
from tests.chat import Parent
from tests.e2e.test_every_service_from_the_rich_menu import _answer, _draft, _flows
from tests.e2e.test_review_with_parent_and_staff import _enrolled_staff
from tests.harness import running_bot
from tests.staff_pages.conftest import client_for, sign_in

DISTRICT_NAME = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 1"
ANSWERS = {"educator_name": "นางสมศรี ใจดี", "previous_school": "โรงเรียนบ้านหนองบัว ชั้น ป.2",
           "educator_qualification": "ปริญญาตรี"}


@pytest.fixture
async def bot(env, clock, redis_namespace):
    signing = Path(env["DATA_DIR"]) / "signing"
    make_dev_ca(signing, "demo", "โรงเรียนสาธิตบ้านสวน")
    make_dev_ca(signing, "district-kk1", "สพป.ขอนแก่น เขต 1")  # the district's own signing identity
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


async def _district(bot) -> None:
    async with bot.runtime.sessions() as session:
        district = DistrictOffice(slug="kk1", name=DISTRICT_NAME, level="primary", created_at=bot.runtime.clock.now())
        session.add(district)
        await session.flush()
        (await school_by_slug(session, "demo")).district_id = district.id
        await session.commit()


async def _printed(bot, user_id: str, full_name: str, position: str) -> None:
    async with bot.runtime.sessions() as session:
        member = await session.scalar(sa.select(StaffMember).where(StaffMember.line_user_id == user_id))
        member.full_name, member.position = full_name, position
        await session.commit()


async def apply(bot, parent: Parent, service: str, opening: str, taps: dict[str, str] | None = None) -> Application:
    await parent.follow()
    await parent.say(opening)
    await parent.tap("รับทราบ เริ่มกรอก")
    flow = (await _flows(bot))[service]
    for _ in range(40):
        draft = await _draft(bot, parent.user_id)
        assert draft is not None and draft.service == service, parent.last_text()
        if draft.status == ApplicationStatus.SUBMITTED:
            return draft
        if draft.current_step == "_summary":
            await parent.tap("ยืนยันส่งคำขอ")
        elif draft.current_step in (taps or {}):
            await parent.tap(taps[draft.current_step])
        elif draft.current_step in ANSWERS:
            await parent.say(ANSWERS[draft.current_step])
        else:
            await _answer(parent, service, flow.step(draft.current_step))
    raise AssertionError(parent.last_text())


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


async def act(client, application: Application, action: str, **fields) -> str:
    page = (await client.get(f"/staff/district/requests/{application.id}")).text
    done = await client.post(f"/staff/district/requests/{application.id}/actions/{action}",
                             data={"csrf": csrf_of(page), **fields})
    assert done.status_code == 303
    return done.headers["location"]


async def test_a_home_schooling_permit_is_decided_by_the_district_and_verifies_as_the_districts(bot):
    director = (await _enrolled_staff(bot, "district", "ผอ.เขต")).user_id
    clerk = (await _enrolled_staff(bot, "district", "นักวิชาการเขต")).user_id
    registrar = (await _enrolled_staff(bot, "registrar", "ครูทะเบียน")).user_id
    await _printed(bot, director, "นายเขตพื้นที่ ใจงาม", f"ผู้อำนวยการ{DISTRICT_NAME}")
    await _printed(bot, clerk, "นางสาวส่งเสริม การศึกษา", "นักวิชาการศึกษาชำนาญการ")
    await _district(bot)
    already = {user: len(bot.standin.bot_messages(user)) for user in (clerk, registrar)}

    parent = Parent(bot)
    request = await apply(bot, parent, "home_school", "อยากขอจัดการศึกษาโดยครอบครัวให้ลูกค่ะ")
    assert "สำนักงานเขตพื้นที่การศึกษา" in parent.last_text()
    child = request.answers["student_name"]
    assert request.answers["education_plan"], "the education plan was asked for and kept"
    # The district's staff hear of it with a link to the request on their pages; the school's do not.
    await bot.process()
    await bot.process()  # the notice is queued in one pass and sent in the next
    told_clerk = json.dumps([entry["message"] for entry in bot.standin.bot_messages(clerk)[already[clerk]:]],
                            ensure_ascii=False)
    assert f"/staff/district/requests/{request.id}" in told_clerk
    assert bot.standin.bot_messages(registrar)[already[registrar]:] == []

    # The school through whose chat it came does not see it: it is the district's.
    async with client_for(bot) as client:
        await sign_in(bot, client, registrar)
        assert child not in (await client.get("/staff/")).text
        assert (await client.get(f"/staff/district/requests/{request.id}")).status_code == 403
        assert (await client.get(f"/staff/applications/{request.id}")).status_code == 404

    async with client_for(bot) as client:
        await sign_in(bot, client, clerk)
        listing = (await client.get("/staff/district")).text
        assert request.public_number in listing and "ขอจัดการศึกษาโดยครอบครัว" in listing
        detail = (await client.get(f"/staff/district/requests/{request.id}")).text
        assert "แผนการจัดการศึกษา" in detail and "นางสมศรี ใจดี" in detail
        plan_link = re.search(rf'/staff/district/requests/{request.id}/files/[^"]+', detail).group(0)
        assert (await client.get(plan_link)).status_code == 200
        assert "error=" not in await act(client, request, "accept_complete")
        assert "error=" not in await act(client, request, "sign_off")  # the committee's decision recorded
        # An officer who is neither the district's director nor a deputy cannot sign the permit.
        refused = await act(client, request, "issue_document", committee_resolution="ครั้งที่ 2/2569",
                            permitted_period="ปีการศึกษา 2569")
        assert "error=" in refused
        assert "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา" in (await client.get(refused)).text

    async with client_for(bot) as client:
        await sign_in(bot, client, director)
        issued = await act(client, request, "issue_document",
                           committee_resolution="ครั้งที่ 2/2569 เมื่อวันที่ 15 พฤษภาคม 2569",
                           permitted_period="ปีการศึกษา 2569 ถึง 2571")
        assert "error=" not in issued

    async with bot.runtime.sessions() as session:
        application = await session.get(Application, request.id)
        assert application.status == ApplicationStatus.APPROVED
        document = await session.scalar(sa.select(IssuedDocument).where(IssuedDocument.application_id == request.id))
        assert document.doc_type == "home_school_permit"
        assert document.data["issuer"]["name"] == DISTRICT_NAME
        assert document.data["data"]["signature"]["name"] == "นายเขตพื้นที่ ใจงาม"
        pdf = await bot.runtime.documents.read_pdf(session, document)
        checked = await bot.runtime.documents.verify_upload(session, pdf)
        assert checked.outcome is VerifyOutcome.VALID  # signed with the district's key, unaltered
        code = document.code

    async with client_for(bot) as phone:
        page = (await phone.get(f"/verify/{code}")).text
    assert "ใช้ได้ (ยังมีผล)" in page and DISTRICT_NAME in page
    assert child not in page  # only the masked name is public

    # The family is told in the chat, with the permit.
    await bot.process()
    told = json.dumps(parent.new_messages(), ensure_ascii=False)
    assert "หนังสืออนุญาต" in told


async def test_the_yearly_report_is_acknowledged_by_the_district(bot):
    officer = (await _enrolled_staff(bot, "district", "นักวิชาการเขต")).user_id
    await _district(bot)
    parent = Parent(bot)
    # The same service, its first question answered by what the family typed.
    report = await apply(bot, parent, "home_school", "ส่งรายงานบ้านเรียนประจำปีค่ะ",
                         taps={"request_kind": "ส่งรายงานประจำปี"})
    assert report.answers["request_kind"] == "report" and report.answers["yearly_report"]
    assert "education_plan" not in report.answers  # nothing of the application is asked again
    async with client_for(bot) as client:
        await sign_in(bot, client, officer)
        detail = (await client.get(f"/staff/district/requests/{report.id}")).text
        assert "รับทราบรายงาน" not in detail  # first the report is received as complete
        assert "error=" not in await act(client, report, "accept_complete")
        detail = (await client.get(f"/staff/district/requests/{report.id}")).text
        assert "รับทราบรายงาน" in detail and "issue_document" not in detail
        assert "error=" not in await act(client, report, "sign_off")
    async with bot.runtime.sessions() as session:
        assert (await session.get(Application, report.id)).status == ApplicationStatus.APPROVED
    await bot.process()
    assert "อนุมัติแล้ว" in json.dumps(parent.new_messages(), ensure_ascii=False)


async def test_withdrawal_for_home_schooling_points_to_the_districts_service_in_the_chat():
    from flows.services.withdrawal import HOME_SCHOOL_NEEDS_PERMISSION

    assert "ขอจัดการศึกษาโดยครอบครัว" in HOME_SCHOOL_NEEDS_PERMISSION
