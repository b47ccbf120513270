"""Every (status, role, action): what each staff member may do, and that nothing else goes through."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.applications.models import ApplicationStatus as S
from backend.applications.workflow import (
    Action,
    ActionNotAllowed,
    Appointment,
    allowed_actions,
    perform,
)
from backend.staff import Role

ALL_ACTIONS = [a.value for a in Action]
SYSTEM = "system"

# Written out by hand (not derived from the module's table) so that a change to the table is a
# visible change here. Chain teacher -> registrar -> director, nobody signed yet: teacher's turn.
EXPECTED: dict[tuple[str, str], set[str]] = {
    (S.SUBMITTED, "registrar"): {"accept_complete", "request_documents", "reject"},
    (S.SUBMITTED, "admin"): {"accept_complete", "request_documents", "reject"},
    (S.DOCUMENTS_REQUESTED, "registrar"): {"reject"},
    (S.DOCUMENTS_REQUESTED, "admin"): {"reject"},
    (S.DOCUMENTS_REQUESTED, SYSTEM): {"documents_received"},
    (S.UNDER_REVIEW, "teacher"): {"sign_off", "reject", "set_appointment", "set_late_reason"},
    (S.UNDER_REVIEW, "registrar"): {"reject", "set_appointment", "set_late_reason"},
    (S.UNDER_REVIEW, "admin"): {"sign_off", "reject", "set_appointment", "set_late_reason"},
    (S.APPROVED, "registrar"): {"set_appointment", "issue_document", "close"},
    (S.APPROVED, "teacher"): {"set_appointment"},
    (S.APPROVED, "director"): {"issue_document"},
    (S.APPROVED, "admin"): {"set_appointment", "issue_document", "close"},
    (S.REJECTED, "registrar"): {"close"},
    (S.REJECTED, "admin"): {"close"},
}
WHO = [role.value for role in Role] + [SYSTEM]

# What each allowed action leads to (status after it), with the input it needs.
RESULT = {"accept_complete": S.UNDER_REVIEW, "request_documents": S.DOCUMENTS_REQUESTED,
          "reject": S.REJECTED, "documents_received": S.SUBMITTED, "close": S.CLOSED}
INPUTS = {
    "reject": {"reason": "เอกสารไม่ตรงกับทะเบียนบ้าน"},
    "set_late_reason": {"reason": "รอผลจากเขตพื้นที่การศึกษา"},
    "request_documents": {"documents": [{"document": "house_registration", "name": "สำเนาทะเบียนบ้าน"}]},
    "set_appointment": {"appointment": Appointment(at=dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC),
                                                   place="ห้องธุรการ")},
    # The e-document is issued first (backend/documents/issuing.py); the action records it.
    "issue_document": {"document": {"id": 1, "code": "7KQ2MX9DRT4B", "doc_type": "transfer_out_letter"}},
}


def _cases(allowed: bool):
    for status in S:
        for who in WHO:
            expected = EXPECTED.get((status, who), set())
            for action in ALL_ACTIONS:
                if (action in expected) == allowed:
                    yield pytest.param(status.value, who, action, id=f"{status}-{who}-{action}")


async def test_the_allowed_set_for_every_status_and_role_is_exactly_the_expected_one(world):
    for status in S:
        application = await world.application(status)
        for who in WHO:
            staff = None if who == SYSTEM else world.staff[who]
            assert set(allowed_actions(application, staff, world.config)) == \
                EXPECTED.get((status, who), set()), (status, who)


@pytest.mark.parametrize(("status", "who", "action"), list(_cases(allowed=True)))
async def test_every_allowed_action_goes_through(world, status, who, action):
    application = await world.application(status)
    staff = None if who == SYSTEM else world.staff[who]
    await perform(world.session, application, action, staff=staff, now=world.clock.now(),
                  config=world.config, **INPUTS.get(action, {}))
    expected = RESULT.get(action, S(status))  # sign_off by the first of three keeps under_review
    assert application.status == expected
    [entry] = await world.audit(subject=f"application:{application.id}")
    assert entry.action == action
    assert entry.actor == (f"staff:{staff.id}" if staff else "system")
    assert entry.detail["from"] == status and entry.detail["to"] == expected


@pytest.mark.parametrize(("status", "who", "action"), list(_cases(allowed=False)))
async def test_every_other_action_is_refused_and_changes_nothing(world, status, who, action):
    application = await world.application(status)
    staff = None if who == SYSTEM else world.staff[who]
    with pytest.raises(ActionNotAllowed) as refused:
        await perform(world.session, application, action, staff=staff, now=world.clock.now(),
                      config=world.config, **INPUTS.get(action, {}))
    assert refused.value.message_th.endswith("ค่ะ")
    assert application.status == status
    assert await world.audit(subject=f"application:{application.id}") == []
    assert await world.notices(application_id=application.id) == []


async def test_staff_of_another_school_or_inactive_staff_may_do_nothing(world):
    from backend.schools import School

    other = School(slug="other", name="โรงเรียนอื่น", settings={}, created_at=world.clock.now())
    world.session.add(other)
    await world.session.flush()
    outsider = await world.add_staff("admin", school=other)
    retired = await world.add_staff("registrar", active=False)
    application = await world.application(S.SUBMITTED)
    for staff in (outsider, retired):
        assert allowed_actions(application, staff, world.config) == []
        with pytest.raises(ActionNotAllowed):
            await perform(world.session, application, "accept_complete", staff=staff,
                          now=world.clock.now(), config=world.config)
    assert application.status == S.SUBMITTED
