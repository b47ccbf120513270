"""The round decides the applications that took part in it: a child handed over is admitted, the
others are refused (not accepted, not eligible) or closed (declined, lapsed), each with a Thai
reason, a decision time and an audit entry, and without a second, generic status message to the
parent. Staff no longer see them as waiting or overdue; the retention rules and "ข้อมูลของฉัน"
follow the outcome."""

from __future__ import annotations

import base64
import datetime as dt
import os

import sqlalchemy as sa

from backend import data_rights, notices, retention
from backend.admission_round import handover, results, service
from backend.admission_round.models import AdmissionEntry, EntryStatus
from backend.admission_round.retention import last_day
from backend.applications.models import ApplicationStatus
from backend.files.crypto import KeyRing
from backend.files.service import FileVault
from backend.files.storage import LocalBlobStore
from backend.notices import Notice
from backend.thai.dates import format_thai_date
from bot.data_rights import _line
from tests.admission_round.round_world import CLOSE_DAY, STAFF, bangkok
from web.staff.queries import dashboard

REPORT_DAY = dt.date(2027, 3, 12)
HANDOVER_DAY = dt.date(2027, 3, 20)
S = ApplicationStatus


async def _entry(world, application) -> AdmissionEntry:
    return await world.session.scalar(sa.select(AdmissionEntry).where(AdmissionEntry.application_id == application.id))


async def _tap(world, fn, application):
    entry = await _entry(world, application)
    return await fn(world.session, entry_id=entry.id, draw=1, parent_ref=application.parent_ref,
                    school_id=world.school.id, now=world.clock.now())


async def _hand_over(world, application) -> str:
    return await handover.hand_over(world.session, await _entry(world, application), actor=STAFF,
                                    now=world.clock.now())


async def _round_played(world):
    """2 seats, 5 eligible and 1 not: the first confirms and is handed over, the second declines,
    the first reserve lets the offer lapse, the second reserve confirms and is handed over; the
    third reserve never gets a seat."""
    round_ = await world.new_round(seats=2, report_day=REPORT_DAY, handover_day=HANDOVER_DAY, offer_days=2)
    await service.commit(world.session, round_, public_value_source="สลากกินแบ่งรัฐบาล", actor=STAFF,
                         now=world.clock.now())
    applications = [await world.apply() for _ in range(6)]
    for application in applications:  # staff had set a due date: all would be overdue if left open
        application.due_at = bangkok(CLOSE_DAY + dt.timedelta(days=3))
    await service.mark_eligibility(world.session, round_, applications[:5], eligible=True, reason="",
                                   actor=STAFF, now=world.clock.now())
    await service.mark_eligibility(world.session, round_, applications[5:], eligible=False,
                                   reason="บ้านเลขที่ 99 อยู่นอกเขตบริการ", actor=STAFF, now=world.clock.now())
    world.at(bangkok(CLOSE_DAY + dt.timedelta(days=2)))
    draw = await service.draw(world.session, round_, public_value="42", actor=STAFF, now=world.clock.now())
    by_ref = {a.public_number: a for a in applications}
    ordered = [by_ref[row["ref"]] for row in draw.result["order"]]
    await results.announce(world.session, round_, actor=STAFF, now=world.clock.now())
    first, second, reserve1, reserve2, reserve3 = ordered
    assert (await _tap(world, results.confirm, first)).ok
    assert (await _tap(world, results.decline, second)).code == "seat.declined"
    world.at(bangkok(REPORT_DAY - dt.timedelta(days=1)))  # reserve 1's two days are over
    assert await results.sweep(world.session, now=world.clock.now()) == 1
    assert (await _tap(world, results.confirm, reserve2)).ok
    await handover.set_series(world.session, world.school.id, next_number=6501, actor=STAFF, now=world.clock.now())
    world.at(bangkok(HANDOVER_DAY, 9))
    assert await _hand_over(world, first) == "6501"
    assert await _hand_over(world, reserve2) == "6502"
    await world.session.flush()
    return round_, {"first": first, "second": second, "reserve1": reserve1, "reserve2": reserve2,
                    "reserve3": reserve3, "not_eligible": applications[5]}


async def _round_decisions(world) -> list[str]:
    return [e.action for e in await world.audit() if e.action.startswith("round_")]


async def test_each_outcome_decides_the_application_once_and_the_parent_gets_no_second_message(world):
    _, apps = await _round_played(world)
    # Final outcomes are recorded when they happen.
    first, second, reserve1 = apps["first"], apps["second"], apps["reserve1"]
    assert first.status == S.APPROVED and first.decided_at == bangkok(HANDOVER_DAY, 9)
    assert "มอบตัวเข้าเรียนชั้น อ.2 ปีการศึกษา 2570แล้ว เลขประจำตัวนักเรียน 6501" in first.decision_reason
    assert "6502" in apps["reserve2"].decision_reason and apps["reserve2"].status == S.APPROVED
    assert second.status == S.CLOSED and "สละสิทธิ์" in second.decision_reason and second.decided_at is not None
    assert reserve1.status == S.CLOSED and "ไม่ได้ยืนยันสิทธิ์" in reserve1.decision_reason
    # A correction draw could still change these until the round ends: they stay open.
    assert apps["reserve3"].status == S.SUBMITTED and apps["not_eligible"].status == S.SUBMITTED
    await results.sweep(world.session, now=world.clock.now())  # on the hand-over day itself
    assert apps["reserve3"].status == S.SUBMITTED

    world.at(bangkok(HANDOVER_DAY + dt.timedelta(days=1), 7))  # the morning after the last day
    await results.sweep(world.session, now=world.clock.now())
    assert apps["reserve3"].status == S.REJECTED
    assert "ไม่ได้รับคัดเลือก" in apps["reserve3"].decision_reason and "สำรองลำดับที่ 3" in apps["reserve3"].decision_reason
    assert apps["not_eligible"].status == S.REJECTED
    assert "บ้านเลขที่ 99 อยู่นอกเขตบริการ" in apps["not_eligible"].decision_reason
    assert all(a.decided_at is not None for a in apps.values())

    decisions = await _round_decisions(world)
    assert sorted(decisions) == sorted(["round_admitted", "round_admitted", "round_declined", "round_lapsed",
                                        "round_not_accepted", "round_not_eligible"])
    [admitted_entry] = [e for e in await world.audit(action="round_admitted")
                        if e.subject == f"application:{first.id}"]
    assert admitted_entry.actor == "system" and admitted_entry.detail["student_number"] == "6501"
    assert admitted_entry.detail["from"] == S.SUBMITTED and admitted_entry.detail["to"] == S.APPROVED
    # Later sweeps find nothing left to decide.
    world.clock.advance(days=3)
    await results.sweep(world.session, now=world.clock.now())
    assert len(await _round_decisions(world)) == 6
    # The parents heard only the round's own cards: no generic "status changed" message.
    told = list(await world.session.scalars(sa.select(Notice.kind).where(
        Notice.application_id.in_([a.id for a in apps.values()]))))
    assert notices.STATUS_CHANGED not in told and notices.ADMISSION_RESULT in told


async def test_staff_no_longer_see_decided_round_applications_as_waiting_or_overdue(world):
    await _round_played(world)
    # Without the round's decisions all six (past their due date) would count as overdue.
    during = await dashboard(world.session, school_id=world.school.id, now=world.clock.now())
    # Only the two whose outcome the round's end settles still wait (and are past their date).
    assert during.overall.by_status[S.SUBMITTED] == 2 and during.overall.overdue == 2
    world.at(bangkok(HANDOVER_DAY + dt.timedelta(days=1)))
    await results.sweep(world.session, now=world.clock.now())
    after = await dashboard(world.session, school_id=world.school.id, now=world.clock.now())
    assert after.overall.by_status[S.SUBMITTED] == 0 and after.overall.overdue == 0
    assert after.overall.by_status[S.APPROVED] == 2
    assert after.overall.by_status[S.REJECTED] == 2 and after.overall.by_status[S.CLOSED] == 2


async def test_the_round_rule_erases_the_not_admitted_and_the_decided_rule_keeps_the_students(world, tmp_path):
    vault = FileVault(KeyRing.from_config("k1:" + base64.b64encode(os.urandom(32)).decode()),
                      LocalBlobStore(tmp_path / "blobs"), world.clock)
    round_, apps = await _round_played(world)
    world.at(bangkok(HANDOVER_DAY + dt.timedelta(days=1)))
    await results.sweep(world.session, now=world.clock.now())
    students = [apps["first"], apps["reserve2"]]
    others = [a for a in apps.values() if a not in students]
    found = await data_rights.holdings(world.session, school_id=world.school.id,
                                       parent_ref=apps["second"].parent_ref)
    erase_day = found.kept_until(apps["second"])
    assert isinstance(erase_day, dt.date) and erase_day > last_day(round_) + dt.timedelta(days=364)

    world.at(bangkok(erase_day - dt.timedelta(days=1), 12))  # the day before the date the parent is told
    report = await retention.enforce(world.session, vault, now=world.clock.now())
    assert report["admission_round"] == 0 and report["decided_request"] == 0
    world.at(bangkok(erase_day, 8))
    report = await retention.enforce(world.session, vault, now=world.clock.now())
    assert report["admission_round"] == 4 and report["decided_request"] == 0
    assert all(a.personal_data_erased_at is not None for a in others)
    assert all(a.personal_data_erased_at is None and a.answers for a in students)

    # The students now fall under the decided requests' rule: 10 years from the hand-over.
    kept_until = data_rights.kept_until(apps["first"])
    assert kept_until == apps["first"].decided_at + retention.DECIDED.keep
    world.at(kept_until - dt.timedelta(hours=1))
    assert (await retention.enforce(world.session, vault, now=world.clock.now()))["decided_request"] == 0
    world.at(kept_until + dt.timedelta(hours=1))
    report = await retention.enforce(world.session, vault, now=world.clock.now())
    assert report["decided_request"] == 2  # both students were handed over at the same moment
    assert all(a.personal_data_erased_at is not None for a in students)


async def test_my_data_shows_the_round_outcome_and_when_the_data_goes(world):
    _, apps = await _round_played(world)

    async def line(application) -> str:
        found = await data_rights.holdings(world.session, school_id=world.school.id,
                                           parent_ref=application.parent_ref)
        return _line(application, found.places)

    pending = await line(apps["reserve3"])
    assert "อยู่ในรายชื่อสำรอง ลำดับที่ 3" in pending and "หากไม่ได้เข้าเรียน จะลบในวันที่" in pending
    admitted = await line(apps["first"])
    assert "มอบตัวแล้ว เลขประจำตัวนักเรียน 6501" in admitted and "ระหว่างพิจารณา" not in admitted
    until = (apps["first"].decided_at + retention.DECIDED.keep).astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert f"เก็บไว้ถึง {format_thai_date(until.date())}" in admitted
    declined = await line(apps["second"])
    assert "สละสิทธิ์แล้ว" in declined and "ระหว่างพิจารณา" not in declined
    found = await data_rights.holdings(world.session, school_id=world.school.id, parent_ref=apps["second"].parent_ref)
    erase_day = found.kept_until(apps["second"])
    assert f"เก็บไว้ถึง {format_thai_date(erase_day - dt.timedelta(days=1))} แล้วลบ" in declined
    copy = data_rights.copy_of(found, school_name="โรงเรียนทดสอบ", now=world.clock.now())
    [request] = copy["requests"]
    assert request["status"] == S.CLOSED and request["admission_round"] == "สละสิทธิ์แล้ว"
    assert request["kept_until"] == erase_day.isoformat()
    assert (await _entry(world, apps["second"])).status == EntryStatus.DECLINED


async def test_erasing_my_data_keeps_a_round_application_and_says_until_when(world, tmp_path):
    vault = FileVault(KeyRing.from_config("k1:" + base64.b64encode(os.urandom(32)).decode()),
                      LocalBlobStore(tmp_path / "blobs"), world.clock)
    _, apps = await _round_played(world)
    lapsed = apps["reserve1"]
    result = await data_rights.erase_for_parent(world.session, vault, school_id=world.school.id,
                                                parent_ref=lapsed.parent_ref, channel="adm", now=world.clock.now())
    assert [a.id for a in result.kept] == [lapsed.id] and lapsed.answers  # kept until the round rule's date
    text = _line(lapsed, result.places)
    erase_day = result.places[lapsed.id].erased_on
    assert "ไม่ได้ยืนยันสิทธิ์ภายในกำหนด" in text
    assert f"เก็บไว้ถึง {format_thai_date(erase_day - dt.timedelta(days=1))} แล้วลบ" in text
