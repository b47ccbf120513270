"""The requests as staff work with them, for a spreadsheet: child and contact names, status, real
dates, fees and receipts, within a date range.

Unlike the dashboard's export (figures only), this one names people: only staff who see requests
may take it, only the requests they see, and each export is in the audit log. Every text cell that
a spreadsheet would run as a formula (= + - @) is escaped, as in the receipt register.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend.applications import access
from backend.applications.models import Application
from backend.fees.models import FeeReceipt, FeeRequest
from backend.school_config import SchoolConfig
from backend.staff import StaffMember
from backend.thai.dates import format_thai_date
from web.staff.presentation import BANGKOK, STATUS_TH, child_name

COLUMNS = ("เลขที่คำขอ", "บริการ", "ชื่อนักเรียน/ผู้ขอ", "ผู้ติดต่อ", "เบอร์โทรศัพท์", "สถานะ", "ผู้รับผิดชอบ",
           "วันที่ยื่น", "วันที่เอกสารครบ", "กำหนดแล้วเสร็จ", "วันที่ตัดสิน", "ค่าธรรมเนียม (บาท)",
           "สถานะค่าธรรมเนียม", "วันที่ชำระ", "ใบเสร็จ เล่มที่/เลขที่")
DATE_COLUMNS = frozenset({"วันที่ยื่น", "วันที่เอกสารครบ", "กำหนดแล้วเสร็จ", "วันที่ตัดสิน", "วันที่ชำระ"})
# A real date, shown in the Buddhist Era: "bbbb" is the BE year in Excel's number formats.
BE_DATE_FORMAT = "d/m/bbbb"
MONEY_FORMAT = "#,##0.00"
FEE_STATUS_TH = {"unpaid": "รอชำระ", "paid": "ชำระแล้ว", "expired": "เลยกำหนด", "refund_flagged": "ต้องคืนเงิน"}
MAX_ROWS = 20_000


def escaped(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@dataclass(frozen=True)
class Period:
    since: dt.date | None
    until: dt.date | None

    @classmethod
    def parse(cls, since: str | None, until: str | None) -> Period:
        def day(text: str | None) -> dt.date | None:
            try:
                return dt.date.fromisoformat(text) if text else None
            except ValueError:
                return None
        return cls(day(since), day(until))

    def where(self) -> list[sa.ColumnElement[bool]]:
        """Submitted on or after ``since`` and on or before ``until`` (days in Bangkok)."""
        clauses = []
        if self.since:
            clauses.append(Application.submitted_at >= dt.datetime.combine(self.since, dt.time(), BANGKOK))
        if self.until:
            end = dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time(), BANGKOK)
            clauses.append(Application.submitted_at < end)
        return clauses


def _local(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(BANGKOK).date() if moment is not None else None


async def rows(session: AsyncSession, *, member: StaffMember, config: SchoolConfig, period: Period,
               title) -> list[list[object]]:
    """One row per request the member sees, oldest first, cells in COLUMNS' order (dates as dates)."""
    applications = list(await session.scalars(
        sa.select(Application).where(access.visible(member, config), *period.where())
        .order_by(Application.submitted_at, Application.id).limit(MAX_ROWS)))
    ids = [a.id for a in applications]
    fees = {f.application_id: f for f in await session.scalars(
        sa.select(FeeRequest).where(FeeRequest.application_id.in_(ids)))} if ids else {}
    receipts: dict[int, FeeReceipt] = {}
    if fees:
        for receipt in await session.scalars(sa.select(FeeReceipt).where(
                FeeReceipt.fee_request_id.in_([f.id for f in fees.values()])).order_by(FeeReceipt.id)):
            receipts.setdefault(receipt.fee_request_id, receipt)
    holder_ids = {a.assigned_to_id for a in applications if a.assigned_to_id}
    holders = {m.id: m.display_name for m in await session.scalars(
        sa.select(StaffMember).where(StaffMember.id.in_(holder_ids)))} if holder_ids else {}
    out: list[list[object]] = []
    for a in applications:
        fee = fees.get(a.id)
        receipt = receipts.get(fee.id) if fee else None
        out.append([
            a.public_number, title(a.service), child_name(a), a.contact_name or "", a.contact_phone or "",
            STATUS_TH.get(a.status, a.status), holders.get(a.assigned_to_id or 0, ""),
            _local(a.submitted_at), _local(a.complete_at), _local(a.due_at), _local(a.decided_at),
            Decimal(fee.amount_satang) / 100 if fee else None,
            FEE_STATUS_TH.get(fee.status, fee.status) if fee else "",
            _local(fee.paid_at) if fee else None,
            f"{receipt.book_number}/{receipt.receipt_number}" if receipt else "",
        ])
    return out


def to_xlsx(table: list[list[object]]) -> bytes:
    # Imported on first use: openpyxl takes a fraction of a second to import (docs/performance.md, "Start-up").
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "คำขอ"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="067A36")
    for row in table:
        sheet.append([escaped(v) if not isinstance(v, Decimal) else float(v) for v in row])
    for index, name in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        for cell in sheet[letter][1:]:
            if name in DATE_COLUMNS and cell.value is not None:
                cell.number_format = BE_DATE_FORMAT
            elif name == "ค่าธรรมเนียม (บาท)" and cell.value is not None:
                cell.number_format = MONEY_FORMAT
        width = max([len(name), *(len(str(r[index - 1] or "")) for r in table)])
        sheet.column_dimensions[letter].width = min(max(width + 2, 10), 40)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(table: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in table:
        writer.writerow([_csv_cell(v) for v in row])
    # The byte-order mark makes Excel read the Thai as UTF-8 when the file is opened directly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value: object) -> object:
    if isinstance(value, dt.date):
        return format_thai_date(value, style="numeric")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return "" if value is None else escaped(value)
