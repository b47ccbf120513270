"""The admission round's staff pages: the rounds of a year with their figures (the round's
dashboard), and one round: the announcement, eligibility (one or many), the commitment and the
draw, results to the parents, มอบตัว times, hand-over with student numbers, and the export."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from backend.admission_round import handover, results, service
from backend.admission_round.models import AdmissionEntry, AdmissionRound, Selection
from backend.admission_round.service import RoundError
from backend.applications.models import Application
from backend.staff import Role
from backend.thai.dates import academic_year_for
from backend.thai.grades import Grade
from backend.working_days import BANGKOK
from web import message_quota
from web.runtime import DbSession, Now, Runtime
from web.staff import flash
from web.staff.dependencies import STAFF_PREFIX, CheckedForm, CurrentStaff, SchoolOfStaff, SignedInStaff
from web.staff.pages import not_found, page

router = APIRouter()
ROUNDS = f"{STAFF_PREFIX}/admission"
MANAGERS = {Role.REGISTRAR, Role.DIRECTOR, Role.ADMIN}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_TH = {"pending": "รอตรวจสิทธิ์", "eligible": "มีสิทธิ์", "not_eligible": "ไม่มีสิทธิ์", "withdrawn": "ถอน",
             "accepted": "ได้รับคัดเลือก", "reserve": "สำรอง", "not_accepted": "ไม่ได้รับคัดเลือก",
             "confirmed": "รายงานตัวแล้ว", "declined": "สละสิทธิ์", "lapsed": "เลยกำหนดรายงานตัว",
             "handed_over": "มอบตัวแล้ว"}


def _manager(staff: SignedInStaff) -> None:
    if staff.member.role not in MANAGERS:
        raise HTTPException(403)


@dataclass(frozen=True)
class Figures:
    """One round on the dashboard."""

    round: AdmissionRound
    phase: str
    counts: Counter[str]
    in_area: int
    by_group: Counter[str]
    overdue_checks: int  # applications still unchecked after the close

    @property
    def applications(self) -> int:
        return sum(self.counts.values())


async def figures(db, round_: AdmissionRound, now: dt.datetime) -> Figures:
    entries = await service.entries_of(db, round_.id)
    phase = service.phase(round_, now)
    counts = Counter(e.status for e in entries)
    return Figures(round=round_, phase=phase.value, counts=counts, in_area=sum(e.in_area for e in entries),
                   by_group=Counter(e.priority_group or "" for e in entries),
                   overdue_checks=counts["pending"] if phase is service.Phase.CLOSED else 0)


def _year(school: Any, now: dt.datetime, asked: int | None) -> int:
    return asked or school.config.academic_year or academic_year_for(now.astimezone(BANGKOK).date()) + 1


@router.get("/admission", name="staff_admission")
async def rounds_page(request: Request, staff: CurrentStaff, school: SchoolOfStaff, db: DbSession, runtime: Runtime,
                      now: Now, year: int | None = None, error: str | None = None) -> Response:
    academic_year = _year(school, now, year)
    for round_ in await service.rounds_of(db, school_id=staff.member.school_id, academic_year=academic_year):
        await service.enter_filed(db, round_, now=now)
    await db.commit()
    rounds = await service.rounds_of(db, school_id=staff.member.school_id, academic_year=academic_year)
    return page(request, "admission.html", staff, school=school.school, year=academic_year,
                figures=[await figures(db, r, now) for r in rounds], grades=list(Grade), STATUS_TH=STATUS_TH,
                error=await flash.recall(runtime.state, staff_id=staff.member.id, code=error),
                can_manage=staff.member.role in MANAGERS)


@router.post("/admission")
async def create(staff: CurrentStaff, form: CheckedForm, db: DbSession, runtime: Runtime, now: Now) -> Response:
    _manager(staff)
    try:
        round_ = await service.create_round(
            db, school_id=staff.member.school_id, academic_year=int(str(form.get("year"))),
            grade=Grade(str(form.get("grade"))), seats=int(str(form.get("seats") or 0)), actor=staff.member.actor,
            now=now, in_area_seats=int(str(form.get("in_area_seats"))) if form.get("in_area_seats") else None)
    except (RoundError, ValueError) as error:
        text = error.message_th if isinstance(error, RoundError) else "กรุณากรอกชั้นและจำนวนที่นั่งให้ถูกต้องค่ะ"
        return await flash.refused(runtime.state, staff_id=staff.member.id, url=ROUNDS, text=text)
    await db.commit()
    return RedirectResponse(f"{ROUNDS}/{round_.id}", status_code=303)


async def _round_of(db, staff: SignedInStaff, round_id: int) -> AdmissionRound | None:
    round_ = await db.get(AdmissionRound, round_id)
    return round_ if round_ is not None and round_.school_id == staff.member.school_id else None


@router.get("/admission/{round_id}", name="staff_admission_round")
async def round_page(round_id: int, request: Request, staff: CurrentStaff, school: SchoolOfStaff, db: DbSession,
                     runtime: Runtime, now: Now, error: str | None = None, done: str | None = None) -> Response:
    round_ = await _round_of(db, staff, round_id)
    if round_ is None:
        return not_found(request, staff)
    await service.enter_filed(db, round_, now=now)
    await db.commit()
    entries = await service.entries_of(db, round_.id)
    applications = {a.id: a for a in await db.scalars(sa.select(Application).where(
        Application.id.in_([e.application_id for e in entries])))}
    draws = await service.draws_of(db, round_.id)
    plan = await results.plan(db, round_) if draws else None
    sending = await results.progress(db, round_)
    # Before the send: what it costs against the month's LINE quota (read from LINE, not stored).
    quota = (await message_quota.check(getattr(runtime, "message_quota", None), round_.school_id, plan.messages)
             if plan is not None and not plan.already_sent else None)
    return page(request, "admission_round.html", staff, school=school.school, round=round_,
                grade_label=Grade(round_.grade).label_th, figures=await figures(db, round_, now),
                entries=entries, applications=applications, draws=draws, plan=plan, STATUS_TH=STATUS_TH,
                slots=await handover.slots_of(db, round_.id), slot_label=handover.slot_label,
                groups={g["code"]: g["label"] for g in round_.priority_groups}, done=done,
                error=await flash.recall(runtime.state, staff_id=staff.member.id, code=error),
                can_manage=staff.member.role in MANAGERS, selections=list(Selection), sending=sending,
                quota=quota, sending_th=sending_th)


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        raise RoundError("วันที่ไม่ถูกต้องค่ะ", "round.date") from None


def _settings(form: Any) -> dict[str, Any]:
    groups = []
    for line in str(form.get("priority_groups") or "").splitlines():
        code, _, label = line.partition(":")
        if code.strip():
            groups.append({"code": code.strip(), "label": label.strip() or code.strip()})
    documents = [d.strip() for d in str(form.get("handover_documents") or "").splitlines() if d.strip()]
    try:
        numbers = {key: int(str(form.get(key))) for key in ("seats", "in_area_seats", "offer_days")}
    except ValueError:
        raise RoundError("จำนวนที่นั่งและจำนวนวันต้องเป็นตัวเลขค่ะ", "round.number") from None
    return {
        **{key: _date(form.get(key)) for key in ("applications_open", "applications_close", "selection_day",
                                                  "results_day", "report_day", "handover_day")},
        **numbers, "selection": str(form.get("selection") or Selection.LOTTERY), "priority_groups": groups,
        "documents": {"handover": documents},
    }




async def _act(round_id: int, staff: SignedInStaff, db, runtime, action, done: str) -> Response:
    _manager(staff)
    staff_id = staff.member.id  # read before a rollback expires the row
    round_ = await _round_of(db, staff, round_id)
    if round_ is None:
        raise HTTPException(404)
    url = f"{ROUNDS}/{round_id}"
    try:
        await action(round_)
    except RoundError as error:
        await db.rollback()
        return await flash.refused(runtime.state, staff_id=staff_id, url=url, text=error.message_th)
    await db.commit()
    return RedirectResponse(f"{url}?done={done}", status_code=303)


@router.post("/admission/{round_id}/settings")
async def save_settings(round_id: int, staff: CurrentStaff, form: CheckedForm, db: DbSession, runtime: Runtime,
                        now: Now) -> Response:
    async def action(round_: AdmissionRound) -> None:
        changes = _settings(form)
        if service.phase(round_, now) is service.Phase.CLOSED or await service.draws_of(db, round_.id):
            # After the close only what may still change is sent on; the rest must be as it was.
            changes = {k: v for k, v in changes.items() if getattr(round_, k) != v}
        await service.update_round(db, round_, changes, actor=staff.member.actor, now=now)
    return await _act(round_id, staff, db, runtime, action, "saved")


@router.post("/admission/{round_id}/eligibility")
async def mark(round_id: int, staff: CurrentStaff, form: CheckedForm, db: DbSession, runtime: Runtime,
               now: Now) -> Response:
    async def action(round_: AdmissionRound) -> None:
        chosen = [int(v) for v in form.getlist("entry") if str(v).isdigit()]
        if not chosen:
            raise RoundError("กรุณาเลือกใบสมัครอย่างน้อยหนึ่งรายการค่ะ", "entry.none")
        entries = list(await db.scalars(sa.select(AdmissionEntry).where(
            AdmissionEntry.id.in_(chosen), AdmissionEntry.round_id == round_.id)))
        applications = [a for a in [await db.get(Application, e.application_id) for e in entries] if a]
        area = str(form.get("in_area") or "")
        await service.mark_eligibility(
            db, round_, applications, eligible=form.get("decision") == "eligible",
            reason=str(form.get("reason") or ""), actor=staff.member.actor, now=now,
            in_area={"in": True, "out": False}.get(area), priority_group=str(form.get("group") or "") or None)
    return await _act(round_id, staff, db, runtime, action, "marked")


@router.post("/admission/{round_id}/commit")
async def commit(round_id: int, staff: CurrentStaff, form: CheckedForm, db: DbSession, runtime: Runtime,
                 now: Now) -> Response:
    async def action(round_: AdmissionRound) -> None:
        await service.commit(db, round_, public_value_source=str(form.get("public_value_source") or ""),
                             actor=staff.member.actor, now=now)
    return await _act(round_id, staff, db, runtime, action, "committed")


@router.post("/admission/{round_id}/draw")
async def draw(round_id: int, staff: CurrentStaff, form: CheckedForm, db: DbSession, runtime: Runtime,
               now: Now) -> Response:
    async def action(round_: AdmissionRound) -> None:
        await service.draw(db, round_, public_value=str(form.get("public_value") or ""), actor=staff.member.actor,
                           now=now, correction_reason=str(form.get("reason") or "") or None)
    return await _act(round_id, staff, db, runtime, action, "drawn")


@router.post("/admission/{round_id}/scores")
async def scores(round_id: int, staff: CurrentStaff, form: CheckedForm, db: DbSession, runtime: Runtime,
                 now: Now) -> Response:
    async def action(round_: AdmissionRound) -> None:
        await service.import_scores(db, round_, str(form.get("scores") or ""), actor=staff.member.actor, now=now)
    return await _act(round_id, staff, db, runtime, action, "scores")


@router.post("/admission/{round_id}/announce")
async def announce(round_id: int, staff: CurrentStaff, form: CheckedForm, db: DbSession, runtime: Runtime,
                   now: Now) -> Response:
    async def action(round_: AdmissionRound) -> None:
        found = await results.plan(db, round_)
        if not found.already_sent:  # (a second press is refused below, by the domain)
            quota = await message_quota.check(getattr(runtime, "message_quota", None), round_.school_id,
                                              found.messages)
            if quota.exceeds:
                raise RoundError(quota.refusal_th(), "results.quota")
        await results.announce(db, round_, actor=staff.member.actor, now=now)
    return await _act(round_id, staff, db, runtime, action, "announced")


@router.get("/admission/{round_id}/sending", name="staff_admission_sending")
async def sending_progress(round_id: int, staff: CurrentStaff, db: DbSession) -> Response:
    """The results' progress, for the round's page to poll while they go out."""
    round_ = await _round_of(db, staff, round_id)
    if round_ is None:
        raise HTTPException(404)
    found = await results.progress(db, round_)
    return JSONResponse({"text": sending_th(found), "finished": found.finished},
                        headers={"Cache-Control": "no-store"})


def sending_th(found: results.Progress) -> str:
    text = (f"ส่งผลถึงผู้ปกครองแล้ว {found.sent:,} จาก {found.recorded:,} ข้อความ"
            f" · ไม่สำเร็จ {found.failed:,} · รอส่ง {max(found.recorded - found.sent - found.failed, 0):,}")
    return text + (" · ส่งครบแล้ว" if found.finished else " · กำลังส่ง…")


@router.post("/admission/{round_id}/slots")
async def add_slot(round_id: int, staff: CurrentStaff, form: CheckedForm, db: DbSession, runtime: Runtime,
                   now: Now) -> Response:
    async def action(round_: AdmissionRound) -> None:
        try:
            local = dt.datetime.fromisoformat(str(form.get("starts_at"))).replace(tzinfo=BANGKOK)
            capacity = int(str(form.get("capacity")))
        except ValueError:
            raise RoundError("กรุณาระบุวันเวลาและจำนวนครอบครัวต่อช่วงให้ถูกต้องค่ะ", "slot.input") from None
        await handover.add_slot(db, round_, starts_at=local.astimezone(dt.UTC), capacity=capacity,
                                actor=staff.member.actor, now=now)
    return await _act(round_id, staff, db, runtime, action, "slot")


@router.post("/admission/{round_id}/series")
async def set_series(round_id: int, staff: CurrentStaff, form: CheckedForm, db: DbSession, runtime: Runtime,
                     now: Now) -> Response:
    async def action(round_: AdmissionRound) -> None:
        try:
            number = int(str(form.get("next_number")))
        except ValueError:
            raise RoundError("เลขประจำตัวนักเรียนต้องเป็นตัวเลขค่ะ", "series.number") from None
        await handover.set_series(db, round_.school_id, next_number=number, actor=staff.member.actor, now=now)
    return await _act(round_id, staff, db, runtime, action, "series")


@router.post("/admission/{round_id}/handover/{entry_id}")
async def hand_over(round_id: int, entry_id: int, staff: CurrentStaff, form: CheckedForm, db: DbSession,
                    runtime: Runtime, now: Now) -> Response:
    async def action(round_: AdmissionRound) -> None:
        entry = await db.get(AdmissionEntry, entry_id)
        if entry is None or entry.round_id != round_.id:
            raise RoundError("ไม่พบนักเรียนนี้ในประกาศนี้ค่ะ", "entry.unknown")
        await handover.hand_over(db, entry, actor=staff.member.actor, now=now)
    return await _act(round_id, staff, db, runtime, action, "handed_over")


@router.post("/admission/{round_id}/withdraw/{entry_id}")
async def withdraw(round_id: int, entry_id: int, staff: CurrentStaff, form: CheckedForm, db: DbSession,
                   runtime: Runtime, now: Now) -> Response:
    """The parent asked the school to withdraw the application: it leaves the round, and a seat it
    held goes to the next reserve."""
    async def action(round_: AdmissionRound) -> None:
        entry = await db.get(AdmissionEntry, entry_id)
        if entry is None or entry.round_id != round_.id:
            raise RoundError("ไม่พบนักเรียนนี้ในประกาศนี้ค่ะ", "entry.unknown")
        await results.withdraw_and_offer(db, entry.application_id, now=now, actor=staff.member.actor)
    return await _act(round_id, staff, db, runtime, action, "withdrawn")


def export_format(fmt: str) -> str:
    if fmt not in {"csv", "xlsx"}:
        raise HTTPException(404)
    return fmt


@router.get("/admission/{round_id}/export.{fmt}")
async def export(round_id: int, fmt: Annotated[str, Depends(export_format)], staff: CurrentStaff, db: DbSession,
                 now: Now) -> Response:
    _manager(staff)
    round_ = await _round_of(db, staff, round_id)
    if round_ is None:
        raise HTTPException(404)
    rows = await handover.export_rows(db, round_, actor=staff.member.actor, now=now)
    await db.commit()
    body, media = (handover.as_csv(rows), "text/csv; charset=utf-8") if fmt == "csv" else (handover.as_xlsx(rows), XLSX)
    name = f"new-students-{round_.academic_year}-{round_.grade}.{fmt}"
    return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"',
                                                     "cache-control": "no-store"})
