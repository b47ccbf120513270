"""Students' records (ปพ.1 data) on the staff pages: load the grading system's file, find a student,
attach the archived scan of a record that exists only on paper. Registrar, director and admin."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from backend import audit
from backend.files.service import FileRejected
from backend.records.importer import RecordFileError, import_records, student_rows, template_csv
from backend.records.models import StudentRecord
from backend.staff import Role
from web.runtime import DbSession, Now, Runtime, WebRuntime
from web.staff import flash
from web.staff.dependencies import STAFF_PREFIX, CheckedForm, CurrentStaff, SignedInStaff
from web.staff.pages import page

router = APIRouter()
RECORDS = f"{STAFF_PREFIX}/records"
KEEPERS = {Role.REGISTRAR.value, Role.DIRECTOR.value, Role.ADMIN.value}
MAX_FILE_BYTES = 10 * 1024 * 1024
LIST_ROWS = 100
SCAN_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def record_keeper(staff: CurrentStaff) -> SignedInStaff:
    if staff.member.role not in KEEPERS:
        raise HTTPException(403, "หน้านี้สำหรับงานทะเบียนค่ะ")
    return staff


RecordKeeper = Annotated[SignedInStaff, Depends(record_keeper)]


async def _back(runtime: WebRuntime, staff: SignedInStaff, **said: str) -> RedirectResponse:
    return await flash.back(runtime.state, staff_id=staff.member.id, url=RECORDS, **said)


@router.get("/records", name="staff_records")
async def records_page(request: Request, staff: RecordKeeper, db: DbSession, runtime: Runtime,
                       q: str | None = None, done: str | None = None, error: str | None = None) -> Response:
    statement = sa.select(StudentRecord).where(StudentRecord.school_id == staff.member.school_id)
    term = " ".join((q or "").split())
    if term:
        statement = statement.where(sa.or_(StudentRecord.student_number == term,
                                           StudentRecord.name.contains(term, autoescape=True)))
    rows = student_rows(await db.scalars(statement.order_by(StudentRecord.student_number).limit(LIST_ROWS)))
    said = await flash.recall(runtime.state, staff_id=staff.member.id, code=error)
    return page(request, "records.html", staff, nav="records", students=rows, q=term,
                done=await flash.recall(runtime.state, staff_id=staff.member.id, code=done),
                errors=said.split("\n") if said else [])


@router.get("/records/template.csv")
async def template(staff: RecordKeeper) -> Response:
    return Response(template_csv(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="student-records-template.csv"'})


@router.post("/records/import")
async def load_file(staff: RecordKeeper, form: CheckedForm, db: DbSession, runtime: Runtime,
                    now: Now) -> Response:
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        return await _back(runtime, staff, error="กรุณาเลือกไฟล์ CSV หรือ Excel (.xlsx) ค่ะ")
    data = await upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return await _back(runtime, staff, error="ไฟล์ใหญ่เกิน 10 MB กรุณาแบ่งเป็นหลายไฟล์ค่ะ")
    try:
        report = await import_records(db, school_id=staff.member.school_id, data=data,
                                      filename=str(getattr(upload, "filename", "") or ""), now=now)
    except RecordFileError as problems:
        return await _back(runtime, staff, error="\n".join(problems.problems))
    audit.record(db, school_id=staff.member.school_id, actor=staff.member.actor, action="student_records_imported",
                 subject=f"school:{staff.member.school_id}", at=now,
                 detail={"layout": report.layout, "created": report.created, "updated": report.updated})
    await db.commit()
    return await _back(runtime, staff, done=f"นำเข้าระเบียน {report.created + report.updated} คนแล้วค่ะ "
                      f"(ใหม่ {report.created} คน ปรับปรุง {report.updated} คน)")


@router.post("/records/scan")
async def attach_scan(staff: RecordKeeper, form: CheckedForm, db: DbSession, runtime: Runtime,
                      now: Now) -> Response:
    """The archived scan of a student's record, for a student with no data in any system."""
    member = staff.member
    number = " ".join(str(form.get("student_number") or "").split())[:20]
    name = " ".join(str(form.get("name") or "").split())[:160]
    upload = form.get("file")
    if not number or upload is None or not hasattr(upload, "read"):
        return await _back(runtime, staff, error="กรุณากรอกเลขประจำตัวนักเรียนและเลือกไฟล์สแกนค่ะ")
    data = await upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return await _back(runtime, staff, error="ไฟล์ใหญ่เกิน 10 MB ค่ะ")
    record = await db.scalar(sa.select(StudentRecord).where(StudentRecord.school_id == member.school_id,
                                                            StudentRecord.student_number == number))
    if record is None and not name:
        return await _back(runtime, staff, error="นักเรียนคนนี้ยังไม่มีระเบียนในระบบ กรุณากรอกชื่อ-นามสกุลด้วยค่ะ")
    try:
        stored = await runtime.files.store(db, school_id=member.school_id, owner_ref="student-records",
                                           source_ref=f"record-scan:{number}:{now.timestamp():.0f}", data=data)
    except FileRejected:
        return await _back(runtime, staff, error="รับได้เฉพาะไฟล์ PDF, JPEG หรือ PNG ค่ะ")
    if stored.content_type not in SCAN_TYPES:
        return await _back(runtime, staff, error="รับได้เฉพาะไฟล์ PDF, JPEG หรือ PNG ค่ะ")
    if record is None:
        record = StudentRecord(school_id=member.school_id, student_number=number, name=name,
                               data={"student_number": number, "name": name, "terms": []}, source="scan",
                               imported_at=now, updated_at=now)
        db.add(record)
    record.scan_file_id, record.updated_at = stored.id, now
    await db.flush()
    audit.record(db, school_id=member.school_id, actor=member.actor, action="student_record_scan_attached",
                 subject=f"student_record:{record.id}", at=now, detail={"file_id": stored.id})
    await db.commit()
    return await _back(runtime, staff, done="แนบภาพสแกนระเบียนแล้วค่ะ", q=number)
