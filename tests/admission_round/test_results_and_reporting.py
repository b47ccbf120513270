"""Results to every parent once, รายงานตัว in one tap by the deadline, and a freed seat offered to
the next reserve with their own deadline (declines, missed deadlines, withdrawals)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from backend import notices
from backend.admission_round import results, service
from backend.admission_round.models import AdmissionEntry, EntryStatus
from backend.admission_round.service import RoundError
from backend.notices import Notice
from tests.admission_round.round_world import CLOSE_DAY, STAFF, bangkok

REPORT_DAY = dt.date(2027, 3, 12)


async def _drawn(world, seats=2, applicants=5):
    round_ = await world.new_round(seats=seats, report_day=REPORT_DAY, offer_days=2)
    await service.commit(world.session, round_, public_value_source="สลากกินแบ่งรัฐบาล", actor=STAFF,
                         now=world.clock.now())
    applications = [await world.apply() for _ in range(applicants)]
    await service.mark_eligibility(world.session, round_, applications, eligible=True, reason="", actor=STAFF,
                                   now=world.clock.now())
    world.at(bangkok(CLOSE_DAY + dt.timedelta(days=2)))
    draw = await service.draw(world.session, round_, public_value="42", actor=STAFF, now=world.clock.now())
    by_ref = {a.public_number: a for a in applications}
    ordered = [by_ref[row["ref"]] for row in draw.result["order"]]
    return round_, ordered


async def _entry(world, application) -> AdmissionEntry:
    return await world.session.scalar(sa.select(AdmissionEntry).where(AdmissionEntry.application_id == application.id))


async def _notices(world, kind) -> list[Notice]:
    return list(await world.session.scalars(sa.select(Notice).where(Notice.kind == kind).order_by(Notice.id)))


async def _tap(world, fn, application, draw=1):
    entry = await _entry(world, application)
    return await fn(world.session, entry_id=entry.id, draw=draw, parent_ref=application.parent_ref,
                    school_id=world.school.id, now=world.clock.now())


async def test_each_parent_gets_their_own_result_once(world):
    round_, ordered = await _drawn(world)
    plan = await results.plan(world.session, round_)
    assert (plan.messages, plan.already_sent) == (5, False)
    assert await results.announce(world.session, round_, actor=STAFF, now=world.clock.now()) == 5
    sent = await _notices(world, notices.ADMISSION_RESULT)
    assert {n.recipient_ref for n in sent} == {a.parent_ref for a in ordered}
    outcome = {n.recipient_ref: (n.data["outcome"], n.data["position"]) for n in sent}
    assert [outcome[a.parent_ref] for a in ordered] == [("accepted", None)] * 2 + [
        ("reserve", 1), ("reserve", 2), ("reserve", 3)]
    accepted = next(n for n in sent if n.data["outcome"] == "accepted")
    assert accepted.data["confirm_by"] == "2027-03-12T16:59:59+00:00"  # end of the report day in Bangkok
    with pytest.raises(RoundError) as twice:
        await results.announce(world.session, round_, actor=STAFF, now=world.clock.now())
    assert twice.value.code == "results.sent"
    assert len(await _notices(world, notices.ADMISSION_RESULT)) == 5
    [logged] = await world.audit(action="results.announce")
    assert logged.detail == {"draw": 1, "notices": 5}


async def test_confirm_in_one_tap_decline_frees_the_seat_for_the_next_reserve(world):
    round_, ordered = await _drawn(world)
    await results.announce(world.session, round_, actor=STAFF, now=world.clock.now())
    first, second, reserve1, reserve2, _ = ordered
    answer = await _tap(world, results.confirm, first)
    assert answer.ok and "ยืนยันสิทธิ์เข้าเรียนชั้น อ.2 ปีการศึกษา 2570 เรียบร้อยแล้วค่ะ" in answer.text_th
    assert (await _tap(world, results.confirm, first)).code == "seat.already"  # a second tap: no change
    reserve_answer = await _tap(world, results.confirm, reserve1)
    assert reserve_answer.code == "seat.not_accepted" and "สำรองลำดับที่ 1" in reserve_answer.text_th

    world.clock.advance(hours=3)
    answer = await _tap(world, results.decline, second)
    assert answer.ok and answer.code == "seat.declined"
    promoted = await _entry(world, reserve1)
    assert promoted.status == EntryStatus.ACCEPTED
    # Their own deadline: two days from the offer, to the end of that day in Bangkok.
    assert promoted.confirm_by == dt.datetime(2027, 3, 10, 16, 59, 59, tzinfo=dt.UTC)
    [offer] = await _notices(world, notices.ADMISSION_OFFER)
    assert offer.recipient_ref == reserve1.parent_ref and offer.data["was_position"] == 1
    assert (await _entry(world, reserve2)).status == EntryStatus.RESERVE
    assert (await _tap(world, results.decline, second)).code == "seat.already_declined"
    actions = [e.action for e in await world.audit()]
    # The parent's decline also closes the application (not "rejected": the school refused nothing).
    assert actions[-4:] == ["seat.confirm", "seat.decline", "round_declined", "seat.offer"]


async def test_a_missed_deadline_lapses_and_offers_on_and_a_late_tap_is_told(world):
    round_, ordered = await _drawn(world)
    await results.announce(world.session, round_, actor=STAFF, now=world.clock.now())
    first, second, reserve1, *_ = ordered
    await _tap(world, results.confirm, first)
    world.at(bangkok(REPORT_DAY + dt.timedelta(days=1), 8))  # the report day has ended
    late = await _tap(world, results.confirm, second)
    assert not late.ok and late.code == "seat.late" and "เลยกำหนดยืนยันสิทธิ์" in late.text_th
    assert (await _entry(world, second)).status == EntryStatus.LAPSED
    assert (await _entry(world, reserve1)).status == EntryStatus.ACCEPTED
    assert [n.recipient_ref for n in await _notices(world, notices.ADMISSION_LAPSED)] == [second.parent_ref]
    # The sweep finds nothing more until the reserve's own deadline passes.
    assert await results.sweep(world.session, now=world.clock.now()) == 0
    world.clock.advance(days=3)
    assert await results.sweep(world.session, now=world.clock.now()) == 1
    assert (await _entry(world, ordered[3])).status == EntryStatus.ACCEPTED


async def test_a_withdrawal_after_the_results_offers_the_seat_and_an_old_card_is_refused(world):
    round_, ordered = await _drawn(world)
    await results.announce(world.session, round_, actor=STAFF, now=world.clock.now())
    await results.withdraw_and_offer(world.session, ordered[0].id, now=world.clock.now())
    assert (await _entry(world, ordered[2])).status == EntryStatus.ACCEPTED
    stale = await _tap(world, results.confirm, ordered[1], draw=0)
    assert stale.code == "seat.stale"
    stranger = await results.confirm(world.session, entry_id=(await _entry(world, ordered[1])).id, draw=1,
                                     parent_ref="U-someone-else", school_id=world.school.id, now=world.clock.now())
    assert stranger.code == "seat.unknown"


async def test_no_offers_before_the_results_are_out(world):
    round_, ordered = await _drawn(world)
    await service.withdraw(world.session, ordered[0].id, now=world.clock.now())
    assert await results.offer_free_seats(world.session, round_, now=world.clock.now()) == []


async def test_a_child_confirmed_in_one_grade_cannot_hold_a_second_place(world):
    from backend.thai.grades import Grade
    from backend.thai.ids import synthetic_national_id

    child = synthetic_national_id(808)
    places = []
    for grade in (Grade.K2, Grade.K3):
        world.at(bangkok(dt.date(2027, 2, 1)))
        round_ = await world.new_round(seats=1, grade=grade, report_day=REPORT_DAY)
        await service.commit(world.session, round_, public_value_source="สลาก", actor=STAFF, now=world.clock.now())
        application = await world.apply(grade)
        application.answers = {**application.answers, "student_national_id": child}
        await service.mark_eligibility(world.session, round_, [application], eligible=True, reason="",
                                       actor=STAFF, now=world.clock.now())
        world.at(bangkok(CLOSE_DAY + dt.timedelta(days=1)))
        await service.draw(world.session, round_, public_value="7", actor=STAFF, now=world.clock.now())
        await results.announce(world.session, round_, actor=STAFF, now=world.clock.now())
        places.append(application)
    assert (await _tap(world, results.confirm, places[0])).code == "seat.confirmed"
    second = await _tap(world, results.confirm, places[1])
    assert second.code == "seat.two_places" and "ยืนยันสิทธิ์ชั้น อ.2 ไว้แล้ว" in second.text_th
    assert (await _entry(world, places[1])).status == EntryStatus.ACCEPTED
