"""มอบตัว: slots never overbooked, the form filled from what the parent gave, student numbers from
the school's running series, and the export of the new students (CSV and XLSX)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from backend.admission_round import handover, results, service
from backend.admission_round.models import AdmissionEntry, EntryStatus
from backend.admission_round.service import RoundError
from backend.thai.ids import synthetic_national_id
from tests.admission_round.round_world import CLOSE_DAY, STAFF, bangkok


async def _confirmed(world, count=3):
    round_ = await world.new_round(seats=count, documents={"handover": ["สูติบัตรตัวจริง", "ทะเบียนบ้านตัวจริง"]})
    await service.commit(world.session, round_, public_value_source="สลาก", actor=STAFF, now=world.clock.now())
    applications = [await world.apply() for _ in range(count)]
    for number, application in enumerate(applications):
        application.answers = {**application.answers, "student_national_id": synthetic_national_id(500 + number),
                               "student_birth_date": "2023-01-01", "parent_name": "นางสมศรี ใจดี",
                               "relationship": "มารดา", "parent_phone": "0812345678",
                               "home_address": {"line": "12 หมู่ 3", "subdistrict": "ในเมือง",
                                                "district": "เมืองขอนแก่น", "province": "ขอนแก่น",
                                                "postal_code": "40000"}}
    await service.mark_eligibility(world.session, round_, applications, eligible=True, reason="", actor=STAFF,
                                   now=world.clock.now())
    world.at(bangkok(CLOSE_DAY + dt.timedelta(days=1)))
    await service.draw(world.session, round_, public_value="1", actor=STAFF, now=world.clock.now())
    await results.announce(world.session, round_, actor=STAFF, now=world.clock.now())
    entries = []
    for application in applications:
        entry = await world.session.scalar(sa.select(AdmissionEntry).where(
            AdmissionEntry.application_id == application.id))
        await results.confirm(world.session, entry_id=entry.id, draw=1, parent_ref=application.parent_ref,
                              school_id=world.school.id, now=world.clock.now())
        entries.append(entry)
    return round_, applications, entries


async def test_a_slot_takes_no_more_than_its_capacity(world):
    round_, _, entries = await _confirmed(world)
    early = await handover.add_slot(world.session, round_, starts_at=bangkok(dt.date(2027, 3, 20), 8), capacity=2,
                                    actor=STAFF, now=world.clock.now())
    later = await handover.add_slot(world.session, round_, starts_at=bangkok(dt.date(2027, 3, 20), 10), capacity=2,
                                    actor=STAFF, now=world.clock.now())
    await handover.book(world.session, entries[0], early.id, now=world.clock.now())
    await handover.book(world.session, entries[1], early.id, now=world.clock.now())
    with pytest.raises(RoundError) as full:
        await handover.book(world.session, entries[2], early.id, now=world.clock.now())
    assert full.value.code == "slot.full" and "08:00 น. เต็มแล้วค่ะ" in full.value.message_th
    await handover.book(world.session, entries[2], later.id, now=world.clock.now())
    await handover.book(world.session, entries[1], later.id, now=world.clock.now())  # a change frees the old place
    assert [s.booked for s in await handover.slots_of(world.session, round_.id)] == [1, 2]


async def test_the_form_is_filled_from_the_application_and_lists_what_is_missing(world):
    round_, applications, _ = await _confirmed(world, count=1)
    form = handover.handover_form(round_, applications[0])
    filled = dict(form.rows)
    assert filled["ชื่อ-นามสกุลนักเรียน"] == "เด็กหญิงสมใจ ใจดี"
    assert filled["วันเกิด"] == "1 มกราคม 2566"
    assert filled["ที่อยู่ตามทะเบียนบ้าน"] == "12 หมู่ 3 ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000"
    assert form.missing == ["สัญชาติ", "ศาสนา", "ชื่อบิดา", "ชื่อมารดา", "โรงเรียนเดิม"]
    assert form.bring == ["สูติบัตรตัวจริง", "ทะเบียนบ้านตัวจริง"]


async def test_student_numbers_run_on_from_the_series_and_the_export_lists_them(world):
    round_, _, entries = await _confirmed(world)
    with pytest.raises(RoundError) as unset:
        await handover.hand_over(world.session, entries[0], actor=STAFF, now=world.clock.now())
    assert unset.value.code == "series.unset"
    await handover.set_series(world.session, world.school.id, next_number=12001, actor=STAFF, now=world.clock.now())
    numbers = [await handover.hand_over(world.session, e, actor=STAFF, now=world.clock.now()) for e in entries[:2]]
    assert numbers == ["12001", "12002"]
    assert await handover.hand_over(world.session, entries[0], actor=STAFF, now=world.clock.now()) == "12001"
    assert entries[0].status == EntryStatus.HANDED_OVER
    rows = await handover.export_rows(world.session, round_, actor=STAFF, now=world.clock.now())
    assert [r[0] for r in rows] == ["12001", "12002"]
    first = dict(zip(handover.EXPORT_COLUMNS, rows[0], strict=True))
    assert (first["คำนำหน้าชื่อ"], first["ชื่อ"], first["นามสกุล"], first["เพศ"]) == ("เด็กหญิง", "สมใจ", "ใจดี", "หญิง")
    assert first["วันเดือนปีเกิด"] == "01/01/2566" and first["ชั้น"] == "อ.2" and first["จังหวัด"] == "ขอนแก่น"
    parsed = list(csv.reader(io.StringIO(handover.as_csv(rows).decode("utf-8-sig"))))
    assert parsed[0] == list(handover.EXPORT_COLUMNS) and parsed[1] == rows[0]
    sheet = load_workbook(io.BytesIO(handover.as_xlsx(rows))).active
    assert [c.value for c in sheet[2]][:2] == ["12001", rows[0][1]]  # text: ID numbers keep every digit
    assert [e.detail["rows"] for e in await world.audit(action="round.export")] == [2]
    with pytest.raises(RoundError):
        await handover.hand_over(world.session, await _unconfirmed(world, round_), actor=STAFF, now=world.clock.now())


async def _unconfirmed(world, round_):
    application = await world.apply()
    return await service.entry_for(world.session, round_, application, now=world.clock.now())
