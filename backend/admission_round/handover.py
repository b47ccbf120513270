"""มอบตัว: appointment slots with a capacity, the ใบมอบตัว form filled from what the parent already
gave (and what is still missing), staff marking each child handed over with a student number
from the school's running series, and the new students' export for the registers (DMC)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit
from backend.admission_round.decisions import decide
from backend.admission_round.models import (
    AdmissionEntry,
    AdmissionRound,
    AdmissionSlot,
    EntryStatus,
    StudentNumberSeries,
)
from backend.admission_round.service import RoundError, entries_of, round_subject
from backend.admission_round.transitions import EntryEvent, can, move
from backend.applications.models import Application
from backend.db import rowcount
from backend.thai.dates import format_thai_date
from backend.thai.errors import ThaiInputError
from backend.thai.grades import Grade
from backend.thai.names import parse_person_name
from backend.working_days import BANGKOK

# -- slots ---------------------------------------------------------------------------------


async def add_slot(session: AsyncSession, round_: AdmissionRound, *, starts_at: dt.datetime, capacity: int,
                   actor: str, now: dt.datetime) -> AdmissionSlot:
    if capacity < 1:
        raise RoundError("แต่ละช่วงเวลาต้องรับได้อย่างน้อย 1 ครอบครัวค่ะ", "slot.capacity")
    slot = AdmissionSlot(round_id=round_.id, starts_at=starts_at, capacity=capacity, booked=0)
    session.add(slot)
    await session.flush()
    audit.record(session, school_id=round_.school_id, actor=actor, action="slot.add", subject=round_subject(round_.id),
                 at=now, detail={"slot": slot.id, "capacity": capacity})
    return slot


async def slots_of(session: AsyncSession, round_id: int) -> list[AdmissionSlot]:
    return list(await session.scalars(sa.select(AdmissionSlot).where(AdmissionSlot.round_id == round_id)
                                      .order_by(AdmissionSlot.starts_at)))


def slot_label(slot: AdmissionSlot) -> str:
    local = slot.starts_at.astimezone(BANGKOK)
    return f"{format_thai_date(local.date())} เวลา {local:%H:%M} น."


async def book(session: AsyncSession, entry: AdmissionEntry, slot_id: int, *, now: dt.datetime) -> AdmissionSlot:
    """The parent of a confirmed child books (or changes) the มอบตัว time; never past capacity."""
    if entry.status != EntryStatus.CONFIRMED:
        raise RoundError("นัดวันมอบตัวได้หลังยืนยันสิทธิ์แล้วค่ะ", "slot.not_confirmed")
    slot = await session.get(AdmissionSlot, slot_id)
    if slot is None or slot.round_id != entry.round_id:
        raise RoundError("ไม่พบช่วงเวลานี้ค่ะ", "slot.unknown")
    if entry.slot_id == slot.id:
        return slot
    taken = await session.execute(sa.update(AdmissionSlot).where(
        AdmissionSlot.id == slot.id, AdmissionSlot.booked < AdmissionSlot.capacity)
        .values(booked=AdmissionSlot.booked + 1))
    if rowcount(taken) != 1:
        raise RoundError(f"ช่วงเวลา {slot_label(slot)} เต็มแล้วค่ะ กรุณาเลือกช่วงเวลาอื่นนะคะ", "slot.full")
    if entry.slot_id is not None:
        await session.execute(sa.update(AdmissionSlot).where(AdmissionSlot.id == entry.slot_id)
                              .values(booked=AdmissionSlot.booked - 1))
    entry.slot_id, entry.updated_at = slot.id, now
    await session.refresh(slot)
    return slot


# -- the ใบมอบตัว form --------------------------------------------------------------------

# What the form asks, in its order: (key, Thai label). Filled from the admission answers where the
# parent gave it; the rest is asked on the day (the form's fields: docs/admission-round.md).
FORM_FIELDS: tuple[tuple[str, str], ...] = (
    ("student_name", "ชื่อ-นามสกุลนักเรียน"), ("student_national_id", "เลขประจำตัวประชาชน"),
    ("student_birth_date", "วันเกิด"), ("nationality", "สัญชาติ"), ("religion", "ศาสนา"),
    ("home_address", "ที่อยู่ตามทะเบียนบ้าน"), ("father_name", "ชื่อบิดา"), ("mother_name", "ชื่อมารดา"),
    ("parent_name", "ชื่อผู้ปกครอง"), ("relationship", "ความเกี่ยวข้องกับนักเรียน"), ("parent_phone", "โทรศัพท์"),
    ("previous_school", "โรงเรียนเดิม"),
)


def _address_text(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value or "")
    parts = [value.get("line") or "", value.get("subdistrict") and f"ตำบล{value['subdistrict']}",
             value.get("district") and f"อำเภอ{value['district']}",
             value.get("province") and f"จังหวัด{value['province']}", value.get("postal_code") or ""]
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class HandoverForm:
    rows: list[tuple[str, str]]  # (label, value), value "" where still missing
    missing: list[str]  # labels of what is asked on the day
    bring: list[str]  # originals to bring


def handover_form(round_: AdmissionRound, application: Application) -> HandoverForm:
    answers = dict(application.answers or {})
    answers.setdefault("previous_school", answers.get("kindergarten_school"))
    rows: list[tuple[str, str]] = []
    for key, label in FORM_FIELDS:
        value = answers.get(key)
        if key == "home_address":
            text = _address_text(value)
        elif key == "student_birth_date" and value:
            text = format_thai_date(dt.date.fromisoformat(str(value)))
        else:
            text = str(value or "")
        rows.append((label, text))
    return HandoverForm(rows=rows, missing=[label for label, text in rows if not text],
                        bring=list(round_.documents.get("handover") or []))


# -- handed over, with a student number ----------------------------------------------------

async def set_series(session: AsyncSession, school_id: int, *, next_number: int, actor: str,
                     now: dt.datetime) -> None:
    """The school states the next student number of its running series (from its register)."""
    if next_number < 1:
        raise RoundError("เลขประจำตัวนักเรียนต้องเป็นเลขบวกค่ะ", "series.number")
    series = await session.get(StudentNumberSeries, school_id)
    if series is None:
        session.add(StudentNumberSeries(school_id=school_id, next_number=next_number, updated_at=now))
    else:
        series.next_number, series.updated_at = next_number, now
    audit.record(session, school_id=school_id, actor=actor, action="series.set", subject=f"school:{school_id}",
                 at=now, detail={"next": next_number})


async def _next_number(session: AsyncSession, school_id: int) -> int:
    for _ in range(5):
        current = await session.scalar(sa.select(StudentNumberSeries.next_number)
                                       .where(StudentNumberSeries.school_id == school_id))
        if current is None:
            raise RoundError("ยังไม่ได้ตั้งเลขประจำตัวนักเรียนถัดไปของโรงเรียนค่ะ", "series.unset")
        taken = await session.execute(sa.update(StudentNumberSeries).where(
            StudentNumberSeries.school_id == school_id, StudentNumberSeries.next_number == current)
            .values(next_number=current + 1))
        if rowcount(taken) == 1:
            return current
    raise RoundError("มีผู้ออกเลขประจำตัวพร้อมกัน กรุณาลองอีกครั้งค่ะ", "series.busy")


async def hand_over(session: AsyncSession, entry: AdmissionEntry, *, actor: str, now: dt.datetime) -> str:
    """Staff mark the child handed over (มอบตัว); the child gets the next student number."""
    if entry.status == EntryStatus.HANDED_OVER:
        return entry.student_number or ""
    if not can(entry, EntryEvent.HAND_OVER):
        raise RoundError("มอบตัวได้เฉพาะนักเรียนที่ยืนยันสิทธิ์แล้วค่ะ", "handover.not_confirmed")
    round_ = await session.get(AdmissionRound, entry.round_id)
    assert round_ is not None
    number = await _next_number(session, round_.school_id)
    move(entry, EntryEvent.HAND_OVER)
    entry.student_number = str(number)
    entry.handed_over_at = entry.updated_at = now
    audit.record(session, school_id=round_.school_id, actor=actor, action="entry.hand_over",
                 subject=audit.application_subject(entry.application_id), at=now,
                 detail={"round": round_.id, "student_number": entry.student_number})
    await decide(session, round_, entry, now=now)  # the application: admitted, with the number
    return entry.student_number


# -- the export for the registers (DMC) -----------------------------------------------------

# The columns of a new entrant's record; which of them DMC's import takes, and in what layout,
# could not be confirmed (docs/admission-round.md, "Export").
EXPORT_COLUMNS = ("เลขประจำตัวนักเรียน", "เลขประจำตัวประชาชน", "คำนำหน้าชื่อ", "ชื่อ", "นามสกุล", "เพศ",
                  "วันเดือนปีเกิด", "ชั้น", "ปีการศึกษา", "บ้านเลขที่", "ตำบล/แขวง", "อำเภอ/เขต", "จังหวัด",
                  "รหัสไปรษณีย์", "ชื่อผู้ปกครอง", "ความเกี่ยวข้อง", "โทรศัพท์ผู้ปกครอง", "วันที่มอบตัว")
_MALE = {"เด็กชาย", "นาย"}
_FEMALE = {"เด็กหญิง", "นางสาว", "นาง"}


def _be(day: dt.date | None) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}" if day else ""


def _export_row(round_: AdmissionRound, entry: AdmissionEntry, application: Application) -> list[str]:
    answers = application.answers or {}
    try:
        name = parse_person_name(str(answers.get("student_name") or ""))
        prefix, first, last = name.prefix or "", name.first, name.last
    except ThaiInputError:
        prefix, first, last = "", str(answers.get("student_name") or ""), ""
    sex = "ชาย" if prefix in _MALE else "หญิง" if prefix in _FEMALE else ""
    birth = answers.get("student_birth_date")
    given = answers.get("home_address")
    address: dict[str, Any] = given if isinstance(given, dict) else {}
    handed = entry.handed_over_at.astimezone(BANGKOK).date() if entry.handed_over_at else None
    return [entry.student_number or "", str(answers.get("student_national_id") or ""), prefix, first, last, sex,
            _be(dt.date.fromisoformat(str(birth)) if birth else None), Grade(round_.grade).label_th,
            str(round_.academic_year), str(answers.get("house_number") or address.get("line") or ""),
            address.get("subdistrict", ""), address.get("district", ""), address.get("province", ""),
            address.get("postal_code", ""), str(answers.get("parent_name") or ""),
            str(answers.get("relationship") or ""), str(answers.get("parent_phone") or ""), _be(handed)]


async def export_rows(session: AsyncSession, round_: AdmissionRound, *, actor: str,
                      now: dt.datetime) -> list[list[str]]:
    """The children handed over, by student number; the export itself is audited."""
    entries = await entries_of(session, round_.id, EntryStatus.HANDED_OVER)
    rows = []
    for entry in sorted(entries, key=lambda e: int(e.student_number or 0)):
        application = await session.get(Application, entry.application_id)
        assert application is not None
        rows.append(_export_row(round_, entry, application))
    audit.record(session, school_id=round_.school_id, actor=actor, action="round.export",
                 subject=round_subject(round_.id), at=now, detail={"rows": len(rows)})
    return rows


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()  # with a BOM, so Excel reads the Thai


def as_xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook  # on first use: openpyxl takes a fraction of a second to import

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "นักเรียนใหม่"
    sheet.append(list(EXPORT_COLUMNS))
    for row in rows:
        sheet.append(row)  # every cell text: IDs and numbers keep their leading zeros
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
