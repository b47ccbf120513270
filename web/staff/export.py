"""The dashboard's figures and the application list as CSV and Excel files, without personal data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable

from backend.applications.models import Application
from web.staff.presentation import BANGKOK, OPEN_STATUSES, STATUS_TH
from web.staff.queries import Dashboard, days_to_decision

# No child names or national IDs: the export is for reporting figures and leaves the school's
# hands (e-mail, the district office); the application number finds a case when needed.
APPLICATION_COLUMNS = ("เลขที่คำขอ", "บริการ", "สถานะ", "วันที่ยื่น", "วันที่เอกสารครบ",
                       "กำหนดแล้วเสร็จ", "วันที่ตัดสิน", "จำนวนวันถึงการตัดสิน", "เกินกำหนด",
                       "คะแนนจากผู้ปกครอง")
SUMMARY_COLUMNS = ("บริการ", "ทั้งหมด", *(STATUS_TH[s] for s in (
    "submitted", "documents_requested", "under_review", "approved", "rejected", "closed",
    "cancelled")), "มัธยฐานวันถึงการตัดสิน", "เกินกำหนด", "คะแนนเฉลี่ย", "จำนวนผู้ให้คะแนน")

ServiceTitle = Callable[[str], str]


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(BANGKOK).date() if moment is not None else None


def _be(day: dt.date | None) -> str:
    # Buddhist Era dates, as Thai offices read them; ISO order so a spreadsheet sorts them.
    return f"{day.year + 543}-{day.month:02d}-{day.day:02d}" if day else ""


def application_rows(applications: Iterable[Application], title: ServiceTitle,
                     now: dt.datetime) -> list[list[object]]:
    rows: list[list[object]] = []
    for application in applications:
        due = getattr(application, "due_at", None)
        days = days_to_decision(application)
        overdue = application.status in OPEN_STATUSES and due is not None and due < now
        rows.append([
            application.public_number,
            title(application.service),
            STATUS_TH.get(application.status, application.status),
            _be(_local_date(application.submitted_at)),
            _be(_local_date(getattr(application, "complete_at", None))),
            _be(_local_date(due)),
            _be(_local_date(getattr(application, "decided_at", None))),
            round(days, 1) if days is not None else "",
            "ใช่" if overdue else "",
            getattr(application, "parent_rating", None) or "",
        ])
    return rows


def summary_rows(figures: Dashboard, title: ServiceTitle) -> list[list[object]]:
    rows = []
    for service in [*figures.services, figures.overall]:
        name = title(service.service) if service is not figures.overall else "รวมทุกบริการ"
        rows.append([
            name, service.total,
            *(service.by_status.get(s, 0) for s in (
                "submitted", "documents_requested", "under_review", "approved", "rejected",
                "closed", "cancelled")),
            service.median_days if service.median_days is not None else "",
            service.overdue,
            service.average_rating if service.average_rating is not None else "",
            len(service.ratings),
        ])
    return rows


def to_csv(rows: list[list[object]], columns: Iterable[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(columns))
    writer.writerows(rows)
    # The byte-order mark makes Excel read the Thai as UTF-8 when the file is opened directly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(figures: Dashboard, applications: list[list[object]], title: ServiceTitle,
            months: list[tuple[str, int, int]]) -> bytes:
    from openpyxl import Workbook  # on first use: openpyxl takes about half a second to import

    workbook = Workbook()
    summary = workbook.active
    summary.title = "สรุปตามบริการ"
    _fill(summary, SUMMARY_COLUMNS, summary_rows(figures, title))
    _fill(workbook.create_sheet("รายเดือน"), ("เดือน", "ยื่นคำขอ", "ตัดสินแล้ว"),
          [list(month) for month in months])
    _fill(workbook.create_sheet("รายการคำขอ"), APPLICATION_COLUMNS, applications)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill(sheet, columns: Iterable[str], rows: list[list[object]]) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    header = list(columns)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="06C755")
    for row in rows:
        sheet.append(row)
    for index, name in enumerate(header, start=1):
        width = max([len(str(name)), *(len(str(r[index - 1])) for r in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 40)
    sheet.freeze_panes = "A2"
