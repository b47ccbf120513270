"""Who acts next on a request: the step it waits for and who holds it, assigning it to a
colleague, and the staff's internal notes.

The next step is read from the transition table (workflow.py), never decided here: the holder is
the role (or the parent) whose action moves the request on. Assigning is the school's own
delegation (docs/rules.md, "Who acts next"): the person assigned may do the checking steps the
table gives to ``workflow.ASSIGNED``; deciding stays with the approval chain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit
from backend.applications import workflow
from backend.applications.models import Application, ApplicationNote, ApplicationStatus
from backend.school_config import SchoolConfig
from backend.staff import Role, StaffMember

S = ApplicationStatus
MAX_NOTE_LENGTH = 1000
PARENT_HOLDER = "parent"

ROLE_TH = {"teacher": "ครูประจำชั้น", "registrar": "งานทะเบียน", "finance": "การเงิน",
           "director": "ผู้อำนวยการ", "admin": "ผู้ดูแลระบบ", PARENT_HOLDER: "ผู้ปกครอง"}


class AssignmentRefused(workflow.WorkflowError):
    """The colleague cannot hold this request, or the note is empty or too long."""


@dataclass(frozen=True)
class NextStep:
    text_th: str  # what is to be done next, in Thai
    holder: str | None  # a role, PARENT_HOLDER, or None once nothing is left to do

    @property
    def holder_th(self) -> str:
        return ROLE_TH.get(self.holder, self.holder) if self.holder else "–"


def next_step(application: Application, config: SchoolConfig) -> NextStep:
    """What the request waits for and who holds that step."""
    status = application.status
    if status == S.SUBMITTED:
        return NextStep("ตรวจเอกสาร แล้วรับเรื่องหรือขอเอกสารเพิ่ม", Role.REGISTRAR.value)
    if status == S.DOCUMENTS_REQUESTED:
        return NextStep("รอผู้ปกครองส่งเอกสารที่ขอเพิ่มในแชต", PARENT_HOLDER)
    if status == S.UNDER_REVIEW:
        turn = workflow.current_turn(application, config)
        chain = workflow.approval_chain(application, config)
        position = len(application.approvals or []) + 1
        return NextStep(f"พิจารณาและลงนามอนุมัติ (ลำดับที่ {position} จาก {len(chain)})", turn)
    if status == S.APPROVED:
        return NextStep("ออกเอกสารผลการพิจารณา แล้วปิดเรื่อง", Role.REGISTRAR.value)
    if status == S.REJECTED:
        return NextStep("ปิดเรื่อง", Role.REGISTRAR.value)
    return NextStep("ไม่มีขั้นตอนที่ต้องทำต่อ", None)


def may_hold(member: StaffMember, application: Application) -> bool:
    """Who a request may be assigned to: an active colleague of the school who works on requests."""
    return member.active and member.school_id == application.school_id and member.role != Role.FINANCE


async def colleagues(session: AsyncSession, school_id: int) -> list[StaffMember]:
    """The staff a request may be assigned to, by name."""
    return list(await session.scalars(sa.select(StaffMember).where(
        StaffMember.school_id == school_id, StaffMember.active.is_(True), StaffMember.role != Role.FINANCE,
    ).order_by(StaffMember.display_name, StaffMember.id)))


async def assign(session: AsyncSession, application: Application, *, to: StaffMember | None, by: StaffMember,
                 now: dt.datetime) -> None:
    """Give the request to a colleague (None: to nobody in particular); recorded in its history."""
    if not workflow.may_touch(application, by) or by.role == Role.FINANCE:
        raise AssignmentRefused("assigner may not act on this request", "ท่านมอบหมายคำขอนี้ไม่ได้ค่ะ")
    if to is not None and not may_hold(to, application):
        raise AssignmentRefused("assignee may not hold requests",
                                "มอบหมายให้ผู้นี้ไม่ได้ค่ะ กรุณาเลือกครูหรือเจ้าหน้าที่ของโรงเรียนที่ดูแลคำขอ")
    application.assigned_to_id = to.id if to is not None else None
    application.assigned_at = now if to is not None else None
    application.updated_at = now
    audit.record(session, school_id=application.school_id, actor=by.actor, action="assign",
                 subject=audit.application_subject(application.id), at=now,
                 detail={"to": to.id if to is not None else None})
    await session.flush()


async def add_note(session: AsyncSession, application: Application, *, by: StaffMember, text: str,
                   now: dt.datetime) -> ApplicationNote:
    """An internal note for colleagues. Its text stays in this table: the audit entry says only
    that a note was left."""
    cleaned = "\n".join(" ".join(line.split()) for line in (text or "").strip().splitlines()).strip()
    if not cleaned:
        raise AssignmentRefused("empty note", "กรุณาพิมพ์บันทึกก่อนกดบันทึกค่ะ")
    if len(cleaned) > MAX_NOTE_LENGTH:
        raise AssignmentRefused("note too long", f"บันทึกยาวเกิน {MAX_NOTE_LENGTH} ตัวอักษรค่ะ")
    if not workflow.may_touch(application, by) or by.role == Role.FINANCE:
        raise AssignmentRefused("note by someone outside the request", "ท่านบันทึกในคำขอนี้ไม่ได้ค่ะ")
    note = ApplicationNote(school_id=application.school_id, application_id=application.id, staff_id=by.id,
                           text=cleaned, created_at=now)
    session.add(note)
    audit.record(session, school_id=application.school_id, actor=by.actor, action="note_added",
                 subject=audit.application_subject(application.id), at=now, detail={"length": len(cleaned)})
    await session.flush()
    return note


async def notes_for(session: AsyncSession, application: Application) -> list[ApplicationNote]:
    return list(await session.scalars(sa.select(ApplicationNote).where(
        ApplicationNote.application_id == application.id, ApplicationNote.school_id == application.school_id,
    ).order_by(ApplicationNote.created_at, ApplicationNote.id)))
