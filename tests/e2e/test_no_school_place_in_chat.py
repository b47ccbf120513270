"""A child without a school place: the parent registers in the chat, the district's staff assign
a school of the district, and that school receives an admission with the answers and documents
already given, which it may not refuse (docs/rules.md, "Children without a school place")."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from backend.applications import workflow
from backend.applications.models import Application, ApplicationStatus
from backend.organisations import DistrictOffice
from backend.school_config import parse_school_config
from backend.schools import School, school_by_slug
from tests.chat import Parent
from tests.e2e.test_every_service_from_the_rich_menu import _answer, _draft, _flows
from tests.e2e.test_review_with_parent_and_staff import _enrolled_staff
from tests.harness import running_bot
from tests.staff_pages.conftest import add_staff, client_for, sign_in


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


async def _schools(bot) -> tuple[int, int, int]:
    """The demo school and โรงเรียนบ้านหนองบัว in one district; a school of another district."""
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
        seats = School(slug="bannong", name="โรงเรียนบ้านหนองบัว", settings={}, district_id=ours.id, created_at=now)
        elsewhere = School(slug="elsewhere", name="โรงเรียนเขตอื่น", settings={}, district_id=theirs.id,
                           created_at=now)
        session.add_all([seats, elsewhere])
        await session.commit()
        return demo.id, seats.id, elsewhere.id


async def _register(bot, parent: Parent) -> Application:
    await parent.follow()
    await parent.say("ลูกยังไม่มีที่เรียนค่ะ")
    await parent.tap("รับทราบ เริ่มกรอก")
    flow = (await _flows(bot))["no_school_place"]
    for _ in range(30):
        draft = await _draft(bot, parent.user_id)
        assert draft is not None and draft.service == "no_school_place", parent.last_text()
        if draft.status == ApplicationStatus.SUBMITTED:
            return draft
        if draft.current_step == "_summary":
            await parent.tap("ยืนยันส่งคำขอ")
            continue
        await _answer(parent, "no_school_place", flow.step(draft.current_step))
    raise AssertionError(parent.last_text())


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


async def test_a_child_turned_away_is_assigned_by_the_district_and_admitted_with_what_was_given(bot):
    # Enrolled as staff are, by an invite code typed in the demo school's chat (they follow it).
    officer = (await _enrolled_staff(bot, "district", "เจ้าหน้าที่เขต")).user_id
    registrar = (await _enrolled_staff(bot, "registrar", "ครูทะเบียน")).user_id
    demo_id, seats_id, elsewhere_id = await _schools(bot)
    already = {user: len(bot.standin.bot_messages(user)) for user in (officer, registrar)}
    parent = Parent(bot)
    request = await _register(bot, parent)
    assert "สำนักงานเขตพื้นที่การศึกษา" in parent.last_text()
    child = request.answers["student_name"]
    # The district's staff hear of it, with a link to their page; the school's staff do not.
    await bot.process()
    await bot.process()  # the notice is queued in one pass and sent in the next
    told_officer = json.dumps([entry["message"] for entry in bot.standin.bot_messages(officer)[already[officer]:]],
                              ensure_ascii=False)
    assert "/staff/district" in told_officer
    assert bot.standin.bot_messages(registrar)[already[registrar]:] == []
    receiving = await add_staff(bot, seats_id, "registrar", "ครูทะเบียนหนองบัว")

    # The school through whose chat it came does not handle it: it is the district's.
    async with client_for(bot) as client:
        await sign_in(bot, client, registrar)
        assert child not in (await client.get("/staff/")).text

    async with client_for(bot) as client:
        await sign_in(bot, client, officer)
        page = (await client.get("/staff/district")).text
        assert child in page and request.public_number in page
        assert f'value="{seats_id}"' in page and f'value="{elsewhere_id}"' not in page
        url = f"/staff/district/requests/{request.id}/assign"
        refused = await client.post(url, data={"csrf": _csrf(page), "school_id": str(elsewhere_id)})
        assert refused.status_code == 303 and "error=" in refused.headers["location"]
        done = await client.post(url, data={"csrf": _csrf(page), "school_id": str(seats_id)})
        assert done.status_code == 303 and "error=" not in done.headers["location"]
        assert child not in (await client.get("/staff/district")).text  # no longer waiting

    async with bot.runtime.sessions() as session:
        origin = await session.get(Application, request.id)
        assert origin.status == ApplicationStatus.APPROVED
        admission = await session.scalar(sa.select(Application).where(Application.school_id == seats_id))
        assert admission.service == "admission" and admission.status == ApplicationStatus.SUBMITTED
        assert admission.answers["referred_from"] == request.public_number
        for step in ("student_name", "student_national_id", "grade_applied", "parent_phone", "home_address"):
            assert admission.answers[step] == origin.answers[step]
        # The documents came along, readable by the receiving school (sealed with its own key).
        for step in ("birth_certificate", "parents_id_cards"):
            [copied], [given] = admission.answers[step], origin.answers[step]
            assert copied != given
            data, _ = await bot.runtime.files.read(session, copied, school_id=seats_id)
            original, _ = await bot.runtime.files.read(session, given, school_id=demo_id)
            assert data == original
        seats = await session.get(School, seats_id)
        allowed = workflow.allowed_actions(admission, receiving, parse_school_config(seats.settings))
        assert "reject" not in allowed and "accept_complete" in allowed
        admission_id = admission.id

    async with client_for(bot) as client:
        await sign_in(bot, client, receiving)
        assert child in (await client.get("/staff/")).text
        assert child in (await client.get(f"/staff/applications/{admission_id}")).text

    # The parent hears which school it is.
    await bot.process()
    told = json.dumps(parent.new_messages(), ensure_ascii=False)
    assert "โรงเรียนบ้านหนองบัว" in told
