"""The round's decisions: the announcement and its edits, eligibility, withdrawals, the commitment
and the draw. Every decision is in the audit log (ids, statuses and counts only); the caller
owns the transaction."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit
from backend.admission_round import lottery
from backend.admission_round.calendar import DATE_FIELDS, default_dates
from backend.admission_round.decisions import decide
from backend.admission_round.models import (
    AdmissionDraw,
    AdmissionEntry,
    AdmissionRound,
    EntryStatus,
    Selection,
)
from backend.admission_round.transitions import EntryEvent, can, move
from backend.applications.models import Application, ApplicationStatus
from backend.thai.dates import format_thai_date
from backend.thai.grades import Grade
from backend.working_days import BANGKOK

ADMISSION = "admission"
# The rules a round holds: refused once applications have closed (seats or rules changed after
# the close would change who gets a place after the applicants are known).
LOCKED_AT_CLOSE = frozenset({"seats", "in_area_seats", "reserve_limit", "selection", "priority_groups",
                             "applications_open", "applications_close"})


class RoundError(ValueError):
    """A decision the round refuses; ``message_th`` is what staff read."""

    def __init__(self, message_th: str, code: str) -> None:
        super().__init__(message_th)
        self.message_th = message_th
        self.code = code


class Phase(StrEnum):
    NOT_SET = "not_set"  # no application dates yet
    BEFORE = "before"
    OPEN = "open"
    CLOSED = "closed"


def round_subject(round_id: int) -> str:
    return f"admission_round:{round_id}"


def local_day(now: dt.datetime) -> dt.date:
    return now.astimezone(BANGKOK).date()


def phase(round_: AdmissionRound, now: dt.datetime) -> Phase:
    if round_.applications_open is None or round_.applications_close is None:
        return Phase.NOT_SET
    today = local_day(now)
    if today < round_.applications_open:
        return Phase.BEFORE
    if today > round_.applications_close:
        return Phase.CLOSED
    return Phase.OPEN


# -- the announcement ------------------------------------------------------------------------

async def create_round(session: AsyncSession, *, school_id: int, academic_year: int, grade: Grade, seats: int,
                       actor: str, now: dt.datetime, in_area_seats: int | None = None) -> AdmissionRound:
    """A new round with OBEC's calendar dates of that year as defaults (none where not found)."""
    if seats < 1:
        raise RoundError("จำนวนที่นั่งต้องมากกว่า 0 ค่ะ", "round.seats")
    existing = await find_round(session, school_id=school_id, academic_year=academic_year, grade=grade)
    if existing is not None:
        raise RoundError(f"มีประกาศรับสมัครชั้น {grade.label_th} ปีการศึกษา {academic_year} อยู่แล้วค่ะ", "round.exists")
    dates, sources = default_dates(academic_year, grade)
    round_ = AdmissionRound(
        school_id=school_id, academic_year=academic_year, grade=grade.value, seats=seats,
        in_area_seats=seats if in_area_seats is None else in_area_seats, reserve_limit=None,
        selection=Selection.LOTTERY, priority_groups=[], documents={},
        dates_source=[{"title": s.title, "url": s.url} for s in sources] if dates != type(dates)() else [],
        created_at=now, updated_at=now, **dates.model_dump(),
    )
    _check_shares(round_)
    session.add(round_)
    await session.flush()
    audit.record(session, school_id=school_id, actor=actor, action="round.create", subject=round_subject(round_.id),
                 at=now, detail={"academic_year": academic_year, "grade": grade.value, "seats": seats})
    return round_


def _check_shares(round_: AdmissionRound) -> None:
    if not 0 <= round_.in_area_seats <= round_.seats:
        raise RoundError("ที่นั่งสำหรับเด็กในเขตพื้นที่บริการต้องไม่เกินจำนวนที่นั่งทั้งหมดค่ะ", "round.in_area_seats")
    if round_.offer_days is not None and not 1 <= round_.offer_days <= 14:
        raise RoundError("จำนวนวันให้ผู้สำรองยืนยันสิทธิ์ต้องอยู่ระหว่าง 1 ถึง 14 วันค่ะ", "round.offer_days")
    if round_.reserve_limit is not None and round_.reserve_limit < 0:
        raise RoundError("จำนวนสำรองต้องไม่ติดลบค่ะ", "round.reserve_limit")
    if round_.applications_open and round_.applications_close and \
            round_.applications_close < round_.applications_open:
        raise RoundError("วันปิดรับสมัครต้องไม่ก่อนวันเปิดรับสมัครค่ะ", "round.dates")
    codes = [group.get("code") for group in round_.priority_groups]
    if len(set(codes)) != len(codes) or not all(codes):
        raise RoundError("กลุ่มความสำคัญแต่ละกลุ่มต้องมีรหัสไม่ซ้ำกันค่ะ", "round.priority_groups")


async def update_round(session: AsyncSession, round_: AdmissionRound, changes: Mapping[str, Any], *,
                       actor: str, now: dt.datetime) -> None:
    """The school edits its announcement; seats and rules are refused once applications closed."""
    allowed = LOCKED_AT_CLOSE | set(DATE_FIELDS) | {"documents", "offer_days"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not a round field: {sorted(unknown)}")
    changed = {key for key, value in changes.items() if getattr(round_, key) != value}
    if phase(round_, now) is Phase.CLOSED and changed & LOCKED_AT_CLOSE:
        raise RoundError("ปิดรับสมัครแล้ว จึงแก้ไขจำนวนที่นั่ง สัดส่วน หรือวิธีคัดเลือกไม่ได้ค่ะ", "round.locked")
    if await draws_of(session, round_.id) and changed - {"documents", "handover_day", "report_day", "offer_days"}:
        raise RoundError("ประกาศผลการคัดเลือกแล้ว แก้ไขได้เฉพาะวันรายงานตัว วันมอบตัว และเอกสารค่ะ", "round.drawn")
    before = {key: getattr(round_, key) for key in changed}
    for key in changed:
        setattr(round_, key, changes[key])
    try:
        _check_shares(round_)
    except RoundError:
        for key, value in before.items():
            setattr(round_, key, value)
        raise
    if changed & set(DATE_FIELDS):
        round_.dates_source = [{"title": "ประกาศรับสมัครนักเรียนของโรงเรียน", "url": ""}]
    round_.updated_at = now
    if changed:
        audit.record(session, school_id=round_.school_id, actor=actor, action="round.update",
                     subject=round_subject(round_.id), at=now, detail={"fields": sorted(changed)})


async def find_round(session: AsyncSession, *, school_id: int, academic_year: int,
                     grade: Grade | str) -> AdmissionRound | None:
    return await session.scalar(sa.select(AdmissionRound).where(
        AdmissionRound.school_id == school_id, AdmissionRound.academic_year == academic_year,
        AdmissionRound.grade == str(grade)))


async def rounds_of(session: AsyncSession, *, school_id: int, academic_year: int) -> list[AdmissionRound]:
    order = {grade.value: n for n, grade in enumerate(Grade)}
    rows = await session.scalars(sa.select(AdmissionRound).where(
        AdmissionRound.school_id == school_id, AdmissionRound.academic_year == academic_year))
    return sorted(rows, key=lambda r: order.get(r.grade, 99))


# -- applications follow the round -----------------------------------------------------------

DISTRICT_NOTE = ("หากนักเรียนยังไม่มีที่เรียน ติดต่อสำนักงานเขตพื้นที่การศึกษาที่โรงเรียนสังกัด "
                 "เพื่อหาสถานศึกษาที่ยังมีที่ว่างได้ค่ะ")


def window_message(round_: AdmissionRound, now: dt.datetime) -> str | None:
    """What a parent is told when applying to this round is not possible now; None while open."""
    label = f"ชั้น {Grade(round_.grade).label_th} ปีการศึกษา {round_.academic_year}"
    current = phase(round_, now)
    if current is Phase.OPEN:
        return None
    if current is Phase.NOT_SET:
        return f"โรงเรียนยังไม่ได้ประกาศวันรับสมัคร{label}ค่ะ กรุณาติดตามประกาศของโรงเรียนนะคะ"
    assert round_.applications_open is not None and round_.applications_close is not None
    span = f"วันที่ {format_thai_date(round_.applications_open)} ถึงวันที่ {format_thai_date(round_.applications_close)}"
    if current is Phase.BEFORE:
        return f"รับสมัคร{label} เปิดรับ{span}ค่ะ เมื่อถึงวันเปิดรับสมัคร ทักมาสมัครได้เลยนะคะ"
    return f"ขออภัยค่ะ การรับสมัคร{label} ปิดรับแล้ว (รับสมัคร{span}) {DISTRICT_NOTE}"


@dataclass(frozen=True)
class Windows:
    """The rounds of a school's academic year, read once for a conversation."""

    by_grade: Mapping[str, AdmissionRound]

    def refusal(self, grade: Grade | str, now: dt.datetime) -> str | None:
        """Why this grade cannot be applied for now; None when it can (or the school runs no round)."""
        round_ = self.by_grade.get(str(grade))
        return None if round_ is None else window_message(round_, now)

    def start_refusal(self, now: dt.datetime, grades: Iterable[str]) -> str | None:
        """Before any question: when none of ``grades`` (those the school admits to) can be applied
        for now, why; None when one can (its round is open, or the school runs none for it)."""
        grades = [str(grade) for grade in grades]
        if not grades or any(grade not in self.by_grade for grade in grades):
            return None
        messages = [window_message(self.by_grade[grade], now) for grade in grades]
        if any(m is None for m in messages):
            return None
        return "\n".join(m for m in messages if m)


async def windows(session: AsyncSession, *, school_id: int, academic_year: int) -> Windows:
    rounds = await rounds_of(session, school_id=school_id, academic_year=academic_year)
    return Windows({r.grade: r for r in rounds})


# -- eligibility -----------------------------------------------------------------------------

async def entry_for(session: AsyncSession, round_: AdmissionRound, application: Application, *,
                    now: dt.datetime) -> AdmissionEntry:
    """The application's entry in the round (made the first time staff look at it)."""
    entry = await session.scalar(sa.select(AdmissionEntry).where(AdmissionEntry.application_id == application.id))
    if entry is not None:
        if entry.round_id != round_.id:
            raise RoundError("ใบสมัครนี้อยู่ในประกาศรับสมัครอื่นค่ะ", "entry.other_round")
        return entry
    if application.service != ADMISSION or application.school_id != round_.school_id:
        raise RoundError("ใบสมัครนี้ไม่ใช่ใบสมัครเรียนของโรงเรียนนี้ค่ะ", "entry.not_admission")
    if str(application.answers.get("grade_applied")) != round_.grade:
        raise RoundError("ใบสมัครนี้สมัครชั้นอื่นค่ะ", "entry.other_grade")
    if application.status == ApplicationStatus.DRAFT:
        raise RoundError("ใบสมัครนี้ยังไม่ได้ยื่นค่ะ", "entry.draft")
    entry = AdmissionEntry(round_id=round_.id, application_id=application.id, ref=application.public_number,
                           in_area=application.answers.get("in_service_area") == "in_area", updated_at=now)
    session.add(entry)
    await session.flush()
    return entry


async def enter_filed(session: AsyncSession, round_: AdmissionRound, *, now: dt.datetime) -> int:
    """Enter the round's applications filed without an entry (filed before the round was set up,
    or by staff on paper): the school's admission requests for the grade, filed up to the close
    and not cancelled. How many were entered."""
    if round_.applications_close is None:
        return 0
    until = dt.datetime.combine(round_.applications_close + dt.timedelta(days=1), dt.time(), tzinfo=BANGKOK)
    entered = sa.select(AdmissionEntry.application_id)
    candidates = await session.scalars(sa.select(Application).where(
        Application.school_id == round_.school_id, Application.service == ADMISSION,
        Application.status.not_in((ApplicationStatus.DRAFT, ApplicationStatus.CANCELLED)),
        Application.submitted_at < until, Application.id.not_in(entered)))
    count = 0
    for application in candidates:
        if str(application.answers.get("grade_applied")) == round_.grade and \
                await _same_year(session, round_, application):
            await entry_for(session, round_, application, now=now)
            count += 1
    return count


async def _same_year(session: AsyncSession, round_: AdmissionRound, application: Application) -> bool:
    """An application belongs to the round's year unless another round of its grade is closer in
    time to its filing (a school keeps one round per grade a year)."""
    others = await session.scalars(sa.select(AdmissionRound).where(
        AdmissionRound.school_id == round_.school_id, AdmissionRound.grade == round_.grade,
        AdmissionRound.id != round_.id))
    assert application.submitted_at is not None
    filed = local_day(application.submitted_at)

    def distance(r: AdmissionRound) -> int:
        close = r.applications_close or dt.date.max
        return (close - filed).days if close >= filed else 10**6

    return all(distance(round_) <= distance(other) for other in others)


async def mark_eligibility(session: AsyncSession, round_: AdmissionRound, applications: Sequence[Application], *,
                           eligible: bool, reason: str, actor: str, now: dt.datetime,
                           in_area: bool | None = None, priority_group: str | None = None) -> list[AdmissionEntry]:
    """Mark one or many applications eligible or not, with the reason staff give (required when
    not eligible). ``in_area`` and ``priority_group`` record what staff found, for the draw."""
    reason = " ".join(reason.split())
    if not eligible and not reason:
        raise RoundError("กรุณาระบุเหตุผลที่ไม่มีสิทธิ์ค่ะ", "entry.reason")
    if priority_group and priority_group not in {g["code"] for g in round_.priority_groups}:
        raise RoundError("ไม่มีกลุ่มนี้ในประกาศรับสมัครค่ะ", "entry.group")
    event = EntryEvent.MARK_ELIGIBLE if eligible else EntryEvent.MARK_NOT_ELIGIBLE
    entries = [await entry_for(session, round_, application, now=now) for application in applications]
    refused = [entry.ref for entry in entries if not can(entry, event)]
    if refused:
        raise RoundError("ใบสมัคร " + ", ".join(refused) + " ผ่านการคัดเลือกหรือถอนแล้ว เปลี่ยนสิทธิ์ไม่ได้ค่ะ",
                         "entry.decided")
    for entry in entries:
        move(entry, event)
        entry.reason = reason or None
        if in_area is not None:
            entry.in_area = in_area
        if priority_group is not None:
            entry.priority_group = priority_group or None
        entry.decided_at = entry.updated_at = now
        audit.record(session, school_id=round_.school_id, actor=actor, action=f"entry.{event.value}",
                     subject=audit.application_subject(entry.application_id), at=now,
                     detail={"round": round_.id, "status": entry.status, "in_area": entry.in_area,
                             "group": entry.priority_group or ""})
    return entries


async def withdraw(session: AsyncSession, application_id: int, *, now: dt.datetime,
                   actor: str = audit.PARENT) -> AdmissionEntry | None:
    """The parent withdrew the application: it leaves the round (a draw's published inputs keep
    it; a seat it held is offered on by the caller, backend/admission_round/results.py)."""
    entry = await session.scalar(sa.select(AdmissionEntry).where(AdmissionEntry.application_id == application_id))
    if entry is None or not can(entry, EntryEvent.WITHDRAW):
        return entry
    before = entry.status
    move(entry, EntryEvent.WITHDRAW)
    entry.updated_at = now
    round_ = await session.get(AdmissionRound, entry.round_id)
    assert round_ is not None
    audit.record(session, school_id=round_.school_id, actor=actor, action="entry.withdraw",
                 subject=audit.application_subject(application_id), at=now, detail={"round": round_.id, "was": before})
    await decide(session, round_, entry, now=now)
    return entry


async def entries_of(session: AsyncSession, round_id: int, *statuses: str) -> list[AdmissionEntry]:
    statement = sa.select(AdmissionEntry).where(AdmissionEntry.round_id == round_id)
    if statuses:
        statement = statement.where(AdmissionEntry.status.in_(statuses))
    return list(await session.scalars(statement.order_by(AdmissionEntry.ref)))


# -- commitment and draw ---------------------------------------------------------------------

async def commit(session: AsyncSession, round_: AdmissionRound, *, public_value_source: str, actor: str,
                 now: dt.datetime) -> str:
    """Fix the draw's seed in advance: keep a secret, publish its hash and the public value the
    draw will use. Only before applications close, and only once."""
    if round_.commitment is not None:
        raise RoundError("ประกาศค่าผูกมัดของการจับสลากไปแล้ว เปลี่ยนไม่ได้ค่ะ", "draw.committed")
    if phase(round_, now) is Phase.CLOSED:
        raise RoundError("ต้องประกาศค่าผูกมัดก่อนปิดรับสมัครค่ะ", "draw.too_late")
    source = " ".join(public_value_source.split())
    if not source:
        raise RoundError("กรุณาระบุค่าสาธารณะที่จะใช้ เช่น รางวัลที่ 1 สลากกินแบ่งรัฐบาลงวดหลังปิดรับสมัคร", "draw.source")
    secret = lottery.new_secret()
    round_.secret = secret
    round_.commitment = lottery.commitment_of(secret)
    round_.public_value_source = source
    round_.committed_at = round_.updated_at = now
    audit.record(session, school_id=round_.school_id, actor=actor, action="draw.commit",
                 subject=round_subject(round_.id), at=now, detail={"commitment": round_.commitment})
    return round_.commitment


async def draws_of(session: AsyncSession, round_id: int) -> list[AdmissionDraw]:
    return list(await session.scalars(
        sa.select(AdmissionDraw).where(AdmissionDraw.round_id == round_id).order_by(AdmissionDraw.number)))


def _inputs(round_: AdmissionRound, entries: Iterable[AdmissionEntry], public_value: str) -> dict[str, Any]:
    applicants = [{"ref": e.ref, "in_area": e.in_area, "group": e.priority_group or lottery.GENERAL,
                   **({"score": e.score} if round_.selection == Selection.SCORES else {})}
                  for e in sorted(entries, key=lambda e: e.ref)]
    return {
        "algorithm": lottery.ALGORITHM, "selection": round_.selection,
        "school_id": round_.school_id, "academic_year": round_.academic_year, "grade": round_.grade,
        "seats": round_.seats, "in_area_seats": round_.in_area_seats, "reserve_limit": round_.reserve_limit,
        "priority_groups": [g["code"] for g in round_.priority_groups],
        "commitment": round_.commitment, "public_value_source": round_.public_value_source,
        "public_value": public_value, "secret": round_.secret, "applicants": applicants,
    }


async def _check_can_draw(session: AsyncSession, round_: AdmissionRound, published: list[AdmissionDraw],
                          reason: str | None, value: str, now: dt.datetime) -> None:
    if published and reason is None:
        raise RoundError("จับสลากและประกาศผลแล้ว จับใหม่ไม่ได้ค่ะ หากต้องแก้ไข ให้ทำการจับสลากแก้ไขพร้อมเหตุผล",
                         "draw.published")
    if not published and reason is not None:
        raise RoundError("ยังไม่มีผลการจับสลากให้แก้ไขค่ะ", "draw.nothing_to_correct")
    if phase(round_, now) is not Phase.CLOSED:
        raise RoundError("จับสลากได้หลังปิดรับสมัครเท่านั้นค่ะ", "draw.not_closed")
    if round_.commitment is None or round_.secret is None:
        raise RoundError("ต้องประกาศค่าผูกมัดก่อนปิดรับสมัครจึงจะจับสลากได้ค่ะ", "draw.no_commitment")
    if not value:
        raise RoundError("กรุณาใส่ค่าสาธารณะที่ประกาศไว้ค่ะ", "draw.public_value")
    if published and value != published[-1].inputs["public_value"]:
        raise RoundError("การจับสลากแก้ไขต้องใช้ค่าสาธารณะเดิมค่ะ", "draw.public_value_changed")
    await enter_filed(session, round_, now=now)
    if await entries_of(session, round_.id, EntryStatus.PENDING):
        raise RoundError("ยังมีใบสมัครที่ยังไม่ได้ตรวจสิทธิ์ค่ะ กรุณาตรวจให้ครบก่อน", "draw.pending")
    if published and await entries_of(session, round_.id, EntryStatus.CONFIRMED, EntryStatus.HANDED_OVER,
                                      EntryStatus.DECLINED, EntryStatus.LAPSED):
        raise RoundError("มีผู้รายงานตัวหรือสละสิทธิ์แล้ว จึงจับสลากแก้ไขไม่ได้ค่ะ", "draw.too_late_to_correct")


async def draw(session: AsyncSession, round_: AdmissionRound, *, public_value: str, actor: str,
               now: dt.datetime, correction_reason: str | None = None) -> AdmissionDraw:
    """Run and publish the draw (or ranking) over the eligible applicants. A published draw is
    never re-run: a correction is a new draw with a reason, logged, that replaces it (only
    before anyone reported or declined)."""
    published = await draws_of(session, round_.id)
    reason = " ".join((correction_reason or "").split()) or None
    value = " ".join(public_value.split())
    await _check_can_draw(session, round_, published, reason, value, now)
    if published:
        for entry in await entries_of(session, round_.id, EntryStatus.ACCEPTED, EntryStatus.RESERVE,
                                      EntryStatus.NOT_ACCEPTED):
            move(entry, EntryEvent.RESET)
            entry.reserve_position = None
    eligible = await entries_of(session, round_.id, EntryStatus.ELIGIBLE)
    if round_.selection == Selection.SCORES and any(e.score is None for e in eligible):
        raise RoundError("ยังมีผู้มีสิทธิ์ที่ไม่มีคะแนนค่ะ กรุณานำเข้าคะแนนให้ครบ", "draw.scores_missing")
    inputs = _inputs(round_, eligible, value)
    result = lottery.run(inputs)
    by_ref = {e.ref: e for e in eligible}
    for row in result["order"]:
        entry = by_ref[row["ref"]]
        move(entry, {"accepted": EntryEvent.ACCEPT, "reserve": EntryEvent.RESERVE,
                     "not_accepted": EntryEvent.NOT_ACCEPT}[row["outcome"]])
        entry.reserve_position = row.get("position")
        entry.draw_number = len(published) + 1
        entry.decided_at = entry.updated_at = now
    record = AdmissionDraw(round_id=round_.id, number=len(published) + 1, inputs=inputs, result=result,
                           replaces=published[-1].number if published else None, reason=reason, actor=actor,
                           drawn_at=now)
    session.add(record)
    await session.flush()
    counts = {o: sum(1 for r in result["order"] if r["outcome"] == o) for o in ("accepted", "reserve", "not_accepted")}
    audit.record(session, school_id=round_.school_id, actor=actor,
                 action="draw.correct" if published else "draw.publish", subject=round_subject(round_.id), at=now,
                 detail={"draw": record.number, "applicants": len(eligible), **counts})
    return record


# -- scores (ม.1, ม.4) ------------------------------------------------------------------------

async def import_scores(session: AsyncSession, round_: AdmissionRound, csv_text: str, *, actor: str,
                        now: dt.datetime) -> int:
    """Scores from a CSV of "application number,score" rows (a header row is skipped). Every row is
    checked before any is kept; the message names the line at fault."""
    if round_.selection != Selection.SCORES:
        raise RoundError("ประกาศนี้คัดเลือกด้วยการจับสลาก ไม่ใช้คะแนนค่ะ", "scores.not_scores")
    if await draws_of(session, round_.id):
        raise RoundError("ประกาศผลแล้ว นำเข้าคะแนนใหม่ไม่ได้ค่ะ", "scores.published")
    entries = {e.ref: e for e in await entries_of(session, round_.id, EntryStatus.ELIGIBLE)}
    found = _score_rows(csv_text, entries)
    for ref, score in found.items():
        entries[ref].score = score
        entries[ref].updated_at = now
    audit.record(session, school_id=round_.school_id, actor=actor, action="scores.import",
                 subject=round_subject(round_.id), at=now, detail={"rows": len(found)})
    return len(found)


def _score_rows(csv_text: str, known: Mapping[str, AdmissionEntry]) -> dict[str, float]:
    found: dict[str, float] = {}
    for line, row in enumerate(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))), start=1):
        padded = [*row, "", ""]
        ref, raw = padded[0].strip(), padded[1].strip()
        if not ref and not raw:
            continue
        try:
            score = float(raw)
        except ValueError:
            if line == 1 and ref not in known:
                continue  # a header
            raise RoundError(f"บรรทัด {line}: คะแนน “{raw}” ไม่ใช่ตัวเลขค่ะ", "scores.number") from None
        if ref not in known:
            raise RoundError(f"บรรทัด {line}: ไม่พบผู้มีสิทธิ์เลขที่ใบสมัคร {ref} ค่ะ", "scores.unknown")
        if ref in found:
            raise RoundError(f"บรรทัด {line}: เลขที่ใบสมัคร {ref} ซ้ำค่ะ", "scores.duplicate")
        found[ref] = score
    return found
