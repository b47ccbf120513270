"""Staff mark applications eligible or not, one by one or in bulk, with reasons; every decision is
in the audit log; a parent's withdrawal leaves the round."""

from __future__ import annotations

import pytest

from backend.admission_round import service
from backend.admission_round.models import EntryStatus
from backend.admission_round.service import RoundError
from backend.thai.grades import Grade
from tests.admission_round.round_world import STAFF


async def test_bulk_and_single_marking_with_reasons_are_audited(world):
    round_ = await world.new_round(priority_groups=[{"code": "sibling", "label": "มีพี่น้องเรียนอยู่"}])
    a, b, c = [await world.apply() for _ in range(3)]
    entries = await service.mark_eligibility(world.session, round_, [a, b], eligible=True, reason="",
                                             actor=STAFF, now=world.clock.now())
    assert [e.status for e in entries] == [EntryStatus.ELIGIBLE] * 2
    [entry] = await service.mark_eligibility(world.session, round_, [c], eligible=False,
                                             reason="อายุไม่ถึงเกณฑ์", actor=STAFF, now=world.clock.now())
    assert (entry.status, entry.reason) == (EntryStatus.NOT_ELIGIBLE, "อายุไม่ถึงเกณฑ์")
    # Checked again: the staff found the sibling; eligible, in the announcement's group.
    [entry] = await service.mark_eligibility(world.session, round_, [c], eligible=True, reason="ตรวจสูติบัตรใหม่",
                                             priority_group="sibling", actor=STAFF, now=world.clock.now())
    assert (entry.status, entry.priority_group) == (EntryStatus.ELIGIBLE, "sibling")
    logged = await world.audit(actor=STAFF)
    marks = [(e.subject, e.detail["status"]) for e in logged if e.action.startswith("entry.")]
    assert marks == [(f"application:{a.id}", "eligible"), (f"application:{b.id}", "eligible"),
                     (f"application:{c.id}", "not_eligible"), (f"application:{c.id}", "eligible")]
    assert all("อายุ" not in str(e.detail) for e in logged)  # reasons stay out of the log


async def test_not_eligible_needs_a_reason_and_groups_must_be_announced(world):
    round_ = await world.new_round()
    application = await world.apply()
    with pytest.raises(RoundError) as no_reason:
        await service.mark_eligibility(world.session, round_, [application], eligible=False, reason="  ",
                                       actor=STAFF, now=world.clock.now())
    assert no_reason.value.code == "entry.reason"
    with pytest.raises(RoundError):
        await service.mark_eligibility(world.session, round_, [application], eligible=True, reason="",
                                       priority_group="vip", actor=STAFF, now=world.clock.now())


async def test_an_application_for_another_grade_is_not_entered(world):
    round_ = await world.new_round(grade=Grade.K2)
    other = await world.apply(Grade.K3)
    with pytest.raises(RoundError) as wrong:
        await service.mark_eligibility(world.session, round_, [other], eligible=True, reason="", actor=STAFF,
                                       now=world.clock.now())
    assert wrong.value.code == "entry.other_grade"


async def test_a_withdrawn_application_cannot_be_marked_again(world):
    round_ = await world.new_round()
    application = await world.apply()
    await service.mark_eligibility(world.session, round_, [application], eligible=True, reason="", actor=STAFF,
                                   now=world.clock.now())
    entry = await service.withdraw(world.session, application.id, now=world.clock.now())
    assert entry is not None and entry.status == EntryStatus.WITHDRAWN
    with pytest.raises(RoundError) as refused:
        await service.mark_eligibility(world.session, round_, [application], eligible=True, reason="",
                                       actor=STAFF, now=world.clock.now())
    assert refused.value.code == "entry.decided"
    assert [e.detail["was"] for e in await world.audit(action="entry.withdraw")] == ["eligible"]
