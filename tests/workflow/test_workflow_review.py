"""A request's review: documents asked for once, sign-offs in the configured order, due dates in
working days, and what the parent and staff are told at each step."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.applications.models import ApplicationStatus as S
from backend.applications.service import submit_application
from backend.applications.workflow import (
    ActionInputInvalid,
    ActionNotAllowed,
    Appointment,
    allowed_actions,
    confirm_outcome,
    current_turn,
    perform,
)
from backend.school_config import parse_school_config
from backend.working_days import add_working_days, due_at_for

DOCS = [{"document": "house_registration", "name": "สำเนาทะเบียนบ้าน"}]


async def act(world, application, action, role, **inputs):
    await perform(world.session, application, action, staff=world.staff[role] if role else None,
                  now=world.clock.now(), config=world.config, **inputs)


async def test_documents_can_be_requested_only_once(world):
    application = await world.application(S.SUBMITTED)
    await act(world, application, "request_documents", "registrar", documents=DOCS)
    assert application.status == S.DOCUMENTS_REQUESTED
    [notice] = await world.notices(application_id=application.id, audience="parent")
    assert notice.kind == "documents_requested"
    assert notice.data["documents"] == DOCS
    assert notice.data["child_name"] == "เด็กหญิงสมใจ ใจดี"

    world.clock.advance(days=1)
    await act(world, application, "documents_received", None)
    assert application.status == S.SUBMITTED
    assert "request_documents" not in allowed_actions(application, world.staff["registrar"], world.config)
    with pytest.raises(ActionNotAllowed) as refused:
        await act(world, application, "request_documents", "admin", documents=DOCS)
    assert "มาตรา 8" in refused.value.message_th
    assert application.requested_documents == DOCS


async def test_a_request_for_documents_must_name_them(world):
    application = await world.application(S.SUBMITTED)
    for documents in (None, [], [{"document": "x", "name": " "}]):
        with pytest.raises(ActionInputInvalid):
            await act(world, application, "request_documents", "registrar", documents=documents)
    assert application.status == S.SUBMITTED and application.documents_requested_at is None


async def test_sign_offs_follow_the_chain_and_the_last_one_approves(world):
    application = await world.application(S.SUBMITTED)
    await act(world, application, "accept_complete", "registrar")
    assert current_turn(application, world.config) == "teacher"
    for early in ("registrar", "director"):
        with pytest.raises(ActionNotAllowed):
            await act(world, application, "sign_off", early)

    world.clock.advance(hours=1)
    await act(world, application, "sign_off", "teacher")
    assert current_turn(application, world.config) == "registrar"
    assert "sign_off" not in allowed_actions(application, world.staff["teacher"], world.config)
    assert "sign_off" not in allowed_actions(application, world.staff["director"], world.config)

    await act(world, application, "sign_off", "registrar")
    assert application.status == S.UNDER_REVIEW and application.decided_at is None
    world.clock.advance(hours=1)
    await act(world, application, "sign_off", "director")

    assert application.status == S.APPROVED
    assert application.decided_at == world.clock.now()
    assert [(a["role"], a["staff_id"]) for a in application.approvals] == [
        ("teacher", world.staff["teacher"].id), ("registrar", world.staff["registrar"].id),
        ("director", world.staff["director"].id)]
    parent = await world.notices(application_id=application.id, audience="parent")
    assert [(n.kind, n.data["status"]) for n in parent] == [
        ("status_changed", "under_review"), ("status_changed", "approved")]
    # Each signer's turn was announced to that role (and to admins), not to the one who acted.
    turns = await world.notices(application_id=application.id, kind="sign_off_needed")
    announced = {n.recipient_ref for n in turns}
    assert world.staff["director"].line_user_id in announced
    signed_off = [e.detail["role"] for e in await world.audit(action="sign_off")]
    assert signed_off == ["teacher", "registrar", "director"]


async def test_one_person_cannot_sign_two_steps_but_an_admin_may(world):
    world.config = parse_school_config({"services": {"transfer_out": {"approvers": ["registrar", "registrar"]}}})
    application = await world.application(S.UNDER_REVIEW)
    await act(world, application, "sign_off", "registrar")
    assert "sign_off" not in allowed_actions(application, world.staff["registrar"], world.config)
    second = await world.add_staff("registrar")
    assert "sign_off" in allowed_actions(application, second, world.config)

    solo = await world.application(S.UNDER_REVIEW)
    await act(world, solo, "sign_off", "admin")
    await act(world, solo, "sign_off", "admin")
    assert solo.status == S.APPROVED


async def test_a_rejection_needs_a_reason_and_is_a_legal_notice_that_carries_it(world):
    application = await world.application(S.SUBMITTED)
    with pytest.raises(ActionInputInvalid) as missing:
        await act(world, application, "reject", "registrar", reason="   ")
    assert missing.value.message_th == "กรุณาระบุเหตุผลค่ะ"
    reason = "นักเรียนไม่ได้มีชื่ออยู่ในทะเบียนบ้านในเขตบริการ"
    await act(world, application, "reject", "registrar", reason=reason)
    assert application.status == S.REJECTED and application.decision_reason == reason
    [notice] = await world.notices(application_id=application.id, audience="parent")
    assert notice.legal and notice.data["reason"] == reason and notice.data["status_th"] == "ไม่อนุมัติ"
    [entry] = await world.audit(action="reject")
    assert reason not in str(entry.detail)


async def test_an_appointment_is_told_to_the_parent_in_buddhist_era(world):
    application = await world.application(S.APPROVED)
    at = dt.datetime(2026, 12, 3, 2, 30, tzinfo=dt.UTC)  # 09:30 in Bangkok
    with pytest.raises(ActionInputInvalid):
        await act(world, application, "set_appointment", "teacher",
                  appointment=Appointment(at=at, place=""))
    with pytest.raises(ActionInputInvalid):
        await act(world, application, "set_appointment", "teacher",
                  appointment=Appointment(at=world.clock.now() - dt.timedelta(days=1), place="ห้อง 1"))
    await act(world, application, "set_appointment", "teacher",
              appointment={"at": at.isoformat(), "place": "ห้องธุรการ", "note": "นำสูติบัตรตัวจริงมาด้วย"})
    assert application.appointment["place"] == "ห้องธุรการ"
    [notice] = await world.notices(application_id=application.id, audience="parent")
    assert notice.kind == "appointment_set"
    assert notice.data["appointment"]["at_th"] == "3 ธันวาคม 2569 เวลา 09:30 น."


async def test_closing_asks_the_parent_to_confirm_and_rate(world):
    application = await world.application(S.APPROVED)
    with pytest.raises(ActionNotAllowed):
        await confirm_outcome(world.session, application, now=world.clock.now(), rating=5)
    await act(world, application, "close", "registrar")
    [notice] = await world.notices(application_id=application.id, audience="parent")
    assert notice.data["ask_rating"] is True and notice.data["status"] == "closed"
    with pytest.raises(ActionInputInvalid):
        await confirm_outcome(world.session, application, now=world.clock.now(), rating=6)
    await confirm_outcome(world.session, application, now=world.clock.now(), rating=4)
    assert application.parent_rating == 4 and application.parent_confirmed_at == world.clock.now()
    assert [e.actor for e in await world.audit(action="confirm_outcome")] == ["parent"]


# -- due dates -------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "days", "due"), [
    ("2026-11-23", 7, "2026-12-02"),  # Monday + 7 working days: Wednesday of the next week
    ("2026-11-27", 1, "2026-11-30"),  # Friday + 1: Monday
    ("2026-11-28", 1, "2026-11-30"),  # accepted on a Saturday: Monday is the first working day
    ("2026-11-23", 0, "2026-11-23"),
    # 7 December (in lieu of King Bhumibol's birthday on a Saturday) and 10 December
    # (Constitution Day) are holidays: backend/working_days.py.
    ("2026-11-26", 15, "2026-12-21"),
])
def test_working_days_skip_weekends_and_holidays(start, days, due):
    assert add_working_days(dt.date.fromisoformat(start), days) == dt.date.fromisoformat(due)


def test_the_due_day_is_counted_in_thai_time():
    # Friday 20:00 UTC is already Saturday 03:00 in Bangkok: one working day ends on Monday.
    due = due_at_for(dt.datetime(2026, 11, 27, 20, 0, tzinfo=dt.UTC), 1)
    assert due == dt.datetime(2026, 11, 30, 16, 59, 59, tzinfo=dt.UTC)  # Monday 23:59:59 in Bangkok


async def test_accepting_starts_the_clock_with_the_service_limit_and_the_parent_sees_the_due_date(world):
    application = await world.application(S.SUBMITTED)  # transfer_out: 7 working days here
    await act(world, application, "accept_complete", "registrar")
    assert application.complete_at == world.clock.now()
    assert application.due_at.astimezone(dt.timezone(dt.timedelta(hours=7))).date() == dt.date(2026, 12, 2)
    [notice] = await world.notices(application_id=application.id, audience="parent")
    assert notice.data["due_date_th"] == "2 ธันวาคม 2569"

    other = await world.application(S.SUBMITTED, service="withdrawal")  # default: 1 working day
    await act(world, other, "accept_complete", "registrar")
    assert other.due_at.astimezone(dt.timezone(dt.timedelta(hours=7))).date() == dt.date(2026, 11, 24)


# -- submission ------------------------------------------------------------------------------

async def test_a_submission_tells_the_parent_and_staff_who_handle_it_with_notifications_on(world):
    quiet = await world.add_staff("registrar", notify=False)
    application = await world.application(S.DRAFT)
    await submit_application(world.session, application, now=world.clock.now())
    [parent] = await world.notices(application_id=application.id, audience="parent")
    assert parent.kind == "status_changed" and parent.data["status_th"] == "ยื่นคำขอแล้ว"
    assert parent.recipient_ref == application.parent_ref
    staff = await world.notices(application_id=application.id, audience="staff")
    assert {n.kind for n in staff} == {"new_submission"}
    assert {n.recipient_ref for n in staff} == {
        world.staff["registrar"].line_user_id, world.staff["admin"].line_user_id}
    assert quiet.line_user_id not in {n.recipient_ref for n in staff}
    [entry] = await world.audit(subject=f"application:{application.id}")
    assert (entry.actor, entry.action) == ("parent", "submit")


async def test_the_parents_upload_of_requested_documents_alerts_the_registrar(world):
    application = await world.application(S.SUBMITTED)
    await act(world, application, "request_documents", "registrar", documents=DOCS)
    await act(world, application, "documents_received", None)
    alerts = await world.notices(application_id=application.id, kind="documents_received")
    # The registrar who asked is told too: the system, not they, acted.
    assert world.staff["registrar"].line_user_id in {n.recipient_ref for n in alerts}
    assert [e.actor for e in await world.audit(action="documents_received")] == ["system"]
