"""Load students' records (ปพ.1 data) from the file a school's grading system exports (CSV or XLSX).

Two layouts are read, told apart by their column names (docs/records.md describes both):
  * SGS's "ระเบียนผลการเรียน" (report 44) and "ตรวจสอบผลการเรียน หน่วยกิต รายวิชา" (report 22):
    one row per student and course, as SGS (the grading system of OBEC's secondary schools) exports
    them; column names as seen in a published description of those exports (docs/records.md).
  * Our own template (``TEMPLATE_COLUMNS``), which any school fills from any system: the same
    rows, plus the student's particulars SGS does not export (national ID, birth date, parents...).

A file is loaded whole or not at all: a row the importer cannot read stops it, and every problem is
listed in Thai with its line, so staff fix the file and load it again (nothing half-loaded).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend.records.models import StudentRecord
from backend.thai.dates import parse_thai_date
from backend.thai.digits import to_arabic_digits
from backend.thai.errors import ThaiInputError
from backend.thai.ids import is_valid_national_id

MAX_ROWS = 50_000
MAX_PROBLEMS = 20

# Canonical key -> the column names that carry it (SGS's first, then our template's).
COLUMNS: dict[str, tuple[str, ...]] = {
    "student_number": ("เลขประจำตัว", "เลขประจำตัวนักเรียน"),
    "title": ("คำนำหน้าชื่อ", "คำนำหน้า"),
    "first_name": ("ชื่อ",),
    "last_name": ("นามสกุล",),
    "full_name": ("ชื่อ-นามสกุล",),
    "national_id": ("เลขประจำตัวประชาชน",),
    "birth_date": ("วันเกิด", "วันเดือนปีเกิด"),
    "sex": ("เพศ",),
    "nationality": ("สัญชาติ",),
    "religion": ("ศาสนา",),
    "father_name": ("ชื่อบิดา",),
    "mother_name": ("ชื่อมารดา",),
    "entered_on": ("วันเข้าเรียน",),
    "previous_school": ("โรงเรียนเดิม",),
    "level": ("ระดับ",),
    "year": ("ปีการศึกษา",),
    "term": ("ภาคเรียนที่", "ภาคเรียน"),
    "code": ("รหัสวิชา",),
    "name": ("ชื่อวิชา",),
    "kind": ("ประเภทวิชา",),
    "credits": ("หน่วยกิต",),
    "grade": ("ผลการเรียน",),
    "score": ("คะแนนระหว่างภาค", "รวม"),
    "max_score": ("คะแนนเต็ม", "เต็มรวม"),
    "attendance": ("เวลาเรียนร้อยละ",),
    "graduation_date": ("วันอนุมัติการจบ",),
    "reading_result": ("ผลการประเมินการอ่าน คิดวิเคราะห์ และเขียน",),
    "characteristics_result": ("ผลการประเมินคุณลักษณะอันพึงประสงค์",),
}
REQUIRED = ("student_number", "year", "term", "code", "name", "credits")
# The template a school fills: every column above in this order (docs/records.md).
TEMPLATE_COLUMNS = ("เลขประจำตัวนักเรียน", "คำนำหน้าชื่อ", "ชื่อ", "นามสกุล", "เลขประจำตัวประชาชน", "วันเกิด",
                    "เพศ", "สัญชาติ", "ศาสนา", "ชื่อบิดา", "ชื่อมารดา", "วันเข้าเรียน", "โรงเรียนเดิม", "ระดับ",
                    "ปีการศึกษา", "ภาคเรียน", "รหัสวิชา", "ชื่อวิชา", "ประเภทวิชา", "หน่วยกิต", "ผลการเรียน",
                    "คะแนนระหว่างภาค", "คะแนนเต็ม", "เวลาเรียนร้อยละ", "วันอนุมัติการจบ",
                    "ผลการประเมินการอ่าน คิดวิเคราะห์ และเขียน", "ผลการประเมินคุณลักษณะอันพึงประสงค์")
SGS_MARKERS = ("ชั้นเรียนปัจจุบัน", "ชั้น/ห้อง", "ปกติ", "แก้ตัว", "เรียนซ้ำ")

LEVELS = {"ประถมศึกษา": "primary", "มัธยมศึกษาตอนต้น": "lower_secondary", "มัธยมศึกษาตอนปลาย": "upper_secondary"}
# The level digit of an OBEC course code (ท21101: 2 = lower secondary), used when no level is given.
CODE_LEVELS = {"1": "primary", "2": "lower_secondary", "3": "upper_secondary"}
# Results that are not grade points: they count toward no average (ผ/มผ pass or fail an activity,
# ร and มส mean a result is pending or time was short).
NON_NUMERIC = {"ผ", "มผ", "ร", "มส", "ผ่าน", "ไม่ผ่าน"}


class RecordFileError(ValueError):
    """The file cannot be loaded; ``problems`` are Thai lines for staff, one per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ImportReport:
    layout: str
    created: int = 0
    updated: int = 0
    students: list[str] = field(default_factory=list)


# -- reading the file --------------------------------------------------------------------------


def _rows(data: bytes, filename: str) -> Iterator[list[str]]:
    if filename.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        yield from _xlsx_rows(data)
        return
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # the old binary Excel format
        raise RecordFileError(["ไฟล์นี้เป็น Excel รุ่นเก่า (.xls) กรุณาบันทึกเป็น .xlsx หรือ .csv แล้วนำเข้าอีกครั้งค่ะ"])
    for encoding in ("utf-8-sig", "cp874"):  # CSV from Excel in Thai Windows is often TIS-620
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RecordFileError(["อ่านไฟล์ไม่ได้ กรุณาบันทึกเป็น CSV (UTF-8) หรือ .xlsx ค่ะ"])
    yield from csv.reader(io.StringIO(text))


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - anything openpyxl cannot open is "not a workbook" to staff
        raise RecordFileError(["เปิดไฟล์ Excel นี้ไม่ได้ กรุณาตรวจสอบไฟล์ค่ะ"]) from None
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield ["" if cell is None else _cell_text(cell) for cell in row]
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _header_index(header: list[str]) -> dict[str, int]:
    names = [" ".join(str(cell).split()) for cell in header]
    index: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in names:
                index[key] = names.index(alias)
                break
    return index


# -- one row ------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return " ".join(to_arabic_digits(text or "").split())


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(_clean(text))
    except InvalidOperation:
        return None


def _date(text: str, today: dt.date) -> str | None:
    value = _clean(text)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    try:
        return parse_thai_date(value, today=today).isoformat()
    except ThaiInputError:
        raise ValueError(f"วันที่ “{value}” อ่านไม่ได้") from None


def _grade(text: str) -> str:
    value = _clean(text).replace(".", "") if _clean(text).rstrip(".") in NON_NUMERIC else _clean(text)
    if not value or value in NON_NUMERIC:
        return value
    number = _decimal(value)
    if number is None or not 0 <= number <= 4 or (number * 2) % 1:
        raise ValueError(f"ผลการเรียน “{value}” ไม่ใช่ 0–4 (ทีละ 0.5) หรือ ผ มผ ร มส")
    return f"{number.normalize():f}"


# -- the whole file -----------------------------------------------------------------------------


def read_records(data: bytes, filename: str = "", *, today: dt.date) -> tuple[str, dict[str, dict[str, Any]]]:
    """(layout, student number -> record data) from a file; RecordFileError lists what is wrong."""
    rows = _rows(data, filename)
    header = next(rows, None)
    if header is None:
        raise RecordFileError(["ไฟล์ว่างเปล่าค่ะ"])
    index = _header_index(header)
    missing = [COLUMNS[key][-1] for key in REQUIRED if key not in index]
    if "first_name" not in index and "full_name" not in index:
        missing.append("ชื่อ")
    if missing:
        raise RecordFileError([f"ไม่พบคอลัมน์ {', '.join(missing)} ในแถวแรกของไฟล์ "
                               "กรุณาใช้ไฟล์จาก SGS (ระเบียนผลการเรียน) หรือแบบฟอร์มของระบบค่ะ"])
    layout = "sgs" if any(marker in header for marker in SGS_MARKERS) else "template"
    students = _read_rows(rows, index, today)
    return layout, {number: _finish(record) for number, record in students.items()}


def _read_rows(rows: Iterator[list[str]], index: dict[str, int], today: dt.date) -> dict[str, dict[str, Any]]:
    students: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for line, row in enumerate(rows, start=2):
        if line > MAX_ROWS:
            problems.append(f"ไฟล์มีเกิน {MAX_ROWS:,} แถว กรุณาแบ่งเป็นหลายไฟล์ค่ะ")
            break
        cells = {key: (row[i] if i < len(row) else "") for key, i in index.items()}
        if not any(str(v).strip() for v in cells.values()):
            continue
        try:
            _add_row(students, cells, today)
        except ValueError as problem:
            problems.append(f"แถวที่ {line}: {problem}")
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise RecordFileError(problems)
    if not students:
        raise RecordFileError(["ไม่พบข้อมูลนักเรียนในไฟล์ค่ะ"])
    return students


def _add_row(students: dict[str, dict[str, Any]], cells: dict[str, str], today: dt.date) -> None:
    number = _clean(cells["student_number"])
    if not number:
        raise ValueError("ไม่มีเลขประจำตัวนักเรียน")
    record = students.setdefault(number, {"student_number": number, "terms": {}, "term_record": None})
    _add_particulars(record, cells, today)
    _add_course(record, cells)


def _name(cells: dict[str, str]) -> str:
    whole = _clean(cells.get("full_name", ""))
    if whole:
        return whole
    given = " ".join(filter(None, (_clean(cells.get("first_name", "")), _clean(cells.get("last_name", "")))))
    return _clean(cells.get("title", "")) + given if given else ""


def _add_particulars(record: dict[str, Any], cells: dict[str, str], today: dt.date) -> None:
    """Who the student is: taken from the first row that says it."""
    name = _name(cells)
    if name and not record.get("name"):
        record["name"] = name
    national_id = _clean(cells.get("national_id", "")).replace("-", "").replace(" ", "")
    if national_id:
        if not is_valid_national_id(national_id, allow_non_thai=True):
            raise ValueError(f"เลขประจำตัวประชาชน “{national_id}” ไม่ถูกต้อง")
        record["national_id"] = national_id
    for key in ("sex", "nationality", "religion", "father_name", "mother_name", "previous_school",
                "reading_result", "characteristics_result"):
        if _clean(cells.get(key, "")):
            record[key] = _clean(cells[key])
    for key in ("birth_date", "entered_on", "graduation_date"):
        if _clean(cells.get(key, "")):
            record[key] = _date(cells[key], today)
    level = _clean(cells.get("level", "")).removeprefix("ระดับ")
    if level:
        if level not in LEVELS:
            raise ValueError(f"ระดับ “{level}” ต้องเป็น {' / '.join(LEVELS)}")
        record["level"] = LEVELS[level]


def _add_course(record: dict[str, Any], cells: dict[str, str]) -> None:
    """A course with its result, or, without one yet, a course of the term under way."""
    year, term = _clean(cells["year"]), _clean(cells["term"])
    if not (year.isdigit() and len(year) == 4 and term.isdigit()):
        raise ValueError(f"ปีการศึกษา “{year}” หรือภาคเรียน “{term}” ไม่ถูกต้อง")
    credits = _decimal(cells["credits"]) if _clean(cells["credits"]) else None
    if _clean(cells["credits"]) and (credits is None or credits < 0):
        raise ValueError(f"หน่วยกิต “{cells['credits']}” ไม่ใช่ตัวเลข")
    course = {"code": _clean(cells["code"]), "name": _clean(cells["name"]),
              "credits": f"{credits:.1f}" if credits is not None else "", "kind": _clean(cells.get("kind", ""))}
    grade = _grade(cells.get("grade", ""))
    if grade and "กิจกรรม" in course["kind"] and grade in NON_NUMERIC:
        # กิจกรรมพัฒนาผู้เรียน: passed or not, shown apart from the courses on the ปพ.1.
        record.setdefault("activities", []).append(
            {"year": int(year), "term": int(term), "name": course["name"], "result": grade})
    elif grade:
        record["terms"].setdefault((int(year), int(term)), []).append({**course, "grade": grade})
    elif any(_clean(cells.get(key, "")) for key in ("score", "attendance")):
        current = record["term_record"] or {"year": int(year), "term": int(term), "courses": []}
        current["courses"].append({**course, "score": _clean(cells.get("score", "")),
                                   "max_score": _clean(cells.get("max_score", "")),
                                   "attendance": _clean(cells.get("attendance", ""))})
        record["term_record"] = current
    else:
        raise ValueError(f"วิชา {course['code']} ไม่มีผลการเรียนหรือคะแนนระหว่างภาค")


def _finish(record: dict[str, Any]) -> dict[str, Any]:
    terms = [{"year": year, "term": term, "courses": courses}
             for (year, term), courses in sorted(record.pop("terms").items())]
    record["terms"] = terms
    if not record.get("level"):
        codes = [c["code"] for t in terms for c in t["courses"] if len(c["code"]) > 1]
        record["level"] = CODE_LEVELS.get(codes[-1][1], "") if codes else ""
    points = Decimal(0)
    weight = Decimal(0)
    earned = Decimal(0)
    for course in (c for t in terms for c in t["courses"]):
        credits = Decimal(course["credits"] or 0)
        if course["grade"] not in NON_NUMERIC:
            grade = Decimal(course["grade"])
            points += grade * credits
            weight += credits
            if grade > 0:
                earned += credits
        elif course["grade"] in ("ผ", "ผ่าน"):
            earned += credits
    # A credit-weighted mean, cut (not rounded) to two decimals.
    record["gpa"] = f"{(points / weight).quantize(Decimal('0.01'), rounding='ROUND_DOWN')}" if weight else ""
    record["credits_earned"] = f"{earned:.1f}"
    record["graduated"] = bool(record.get("graduation_date"))
    record.setdefault("name", record["student_number"])
    return record


# -- storing ------------------------------------------------------------------------------------


async def import_records(session: AsyncSession, *, school_id: int, data: bytes, filename: str,
                         now: dt.datetime) -> ImportReport:
    """Read a file and store its students' records (replacing a student's earlier data); flushes."""
    layout, records = read_records(data, filename, today=now.date())
    existing = {row.student_number: row for row in await session.scalars(
        sa.select(StudentRecord).where(StudentRecord.school_id == school_id,
                                       StudentRecord.student_number.in_(list(records))))}
    report = ImportReport(layout)
    for number, record in records.items():
        row = existing.get(number)
        if row is None:
            session.add(StudentRecord(school_id=school_id, student_number=number, national_id=record.get("national_id"),
                                      name=record["name"], data=record, source=layout, imported_at=now,
                                      updated_at=now))
            report.created += 1
        else:
            row.data, row.name, row.source, row.updated_at = record, record["name"], layout, now
            row.national_id = record.get("national_id") or row.national_id
            report.updated += 1
        report.students.append(number)
    await session.flush()
    return report


def template_csv() -> bytes:
    """The header row of our template, for a school to fill (UTF-8 with BOM, as Excel expects)."""
    output = io.StringIO()
    csv.writer(output).writerow(TEMPLATE_COLUMNS)
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def student_rows(records: Iterable[StudentRecord]) -> list[dict[str, Any]]:
    return [{"id": r.id, "number": r.student_number, "name": r.name, "terms": len(r.data.get("terms", [])),
             "gpa": r.data.get("gpa", ""), "scan": bool(r.scan_file_id), "source": r.source} for r in records]
