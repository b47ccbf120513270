"""Reading a bank's statement / bill-payment file (CSV) and matching its lines to fee requests."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend.fees.models import FeeRequest, FlagKind, PaymentMethod
from backend.fees.service import payment_by_reference, record_flag, settle
from backend.payments.money import AmountFormatError, parse_amount

# Banks name the columns differently (and export in English or Thai); matching is on the
# normalised header (lower case, no spaces, dots, underscores or hyphens).
_ALIASES = {
    "ref1": {"ref1", "reference1", "refno1", "customerno", "เลขอ้างอิง1", "ค่าอ้างอิง1", "รหัสอ้างอิง1"},
    "ref2": {"ref2", "reference2", "refno2", "เลขอ้างอิง2", "ค่าอ้างอิง2", "รหัสอ้างอิง2"},
    "amount": {"amount", "amountthb", "creditamount", "credit", "deposit", "จำนวนเงิน", "ยอดเงิน", "ฝาก"},
    "date": {"date", "transactiondate", "paymentdate", "วันที่", "วันที่ทำรายการ"},
    "time": {"time", "transactiontime", "เวลา"},
    "transaction_ref": {"transactionref", "transactionid", "txnref", "bankref", "referenceno", "journalno",
                        "เลขที่รายการ", "เลขที่อ้างอิงธนาคาร"},
}


def _normal(header: str) -> str:
    return "".join(ch for ch in header.strip().lower() if ch not in " ._-()")


@dataclass(frozen=True)
class StatementLine:
    line_no: int  # as a spreadsheet shows it: the header is line 1
    ref1: str
    ref2: str
    amount: Decimal | None
    date: str
    time: str
    transaction_ref: str


class StatementFormatError(ValueError):
    """The file is not a statement we can read; ``message_th`` says why, for the staff member."""

    def __init__(self, message_th: str) -> None:
        super().__init__(message_th)
        self.message_th = message_th


def _decode(data: bytes) -> str:
    # Thai bank exports come as UTF-8 (often with a BOM) or Windows-874 from older systems.
    for encoding in ("utf-8-sig", "cp874"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StatementFormatError("อ่านไฟล์ไม่ได้ค่ะ กรุณาส่งออกไฟล์จากธนาคารเป็น CSV (UTF-8) อีกครั้ง")


def parse_statement_csv(data: bytes) -> list[StatementLine]:
    """The lines of a CSV statement with at least Ref1 and amount columns."""
    text = _decode(data)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise StatementFormatError("ไฟล์นี้ว่างเปล่าค่ะ")
    columns: dict[str, int] = {}
    for index, header in enumerate(rows[0]):
        for name, aliases in _ALIASES.items():
            if _normal(header) in aliases and name not in columns:
                columns[name] = index
    if "ref1" not in columns or "amount" not in columns:
        raise StatementFormatError("ไม่พบคอลัมน์ Ref1 หรือจำนวนเงินในแถวแรกของไฟล์ค่ะ "
                                   "กรุณาส่งออกไฟล์รายการรับชำระ (bill payment) ที่มีหัวคอลัมน์")

    def cell(row: list[str], name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    lines = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(value.strip() for value in row):
            continue
        try:
            amount: Decimal | None = parse_amount(cell(row, "amount"))
        except AmountFormatError:
            amount = None
        lines.append(StatementLine(line_no=number, ref1=cell(row, "ref1").upper(), ref2=cell(row, "ref2").upper(),
                                   amount=amount, date=cell(row, "date"), time=cell(row, "time"),
                                   transaction_ref=cell(row, "transaction_ref")))
    return lines


def line_reference(line: StatementLine, occurrence: int) -> str:
    """A stable reference for the line, so importing the same file twice pays nothing twice.
    Without the bank's own transaction number, identical lines are told apart by their order."""
    if line.transaction_ref:
        return f"stmt:{line.transaction_ref}"[:96]
    key = "|".join((line.ref1, line.ref2, str(line.amount), line.date, line.time, str(occurrence)))
    return "stmt:" + hashlib.sha256(key.encode()).hexdigest()[:40]


@dataclass
class LineResult:
    line: StatementLine
    outcome: str  # confirmed | already_recorded | wrong_amount | refund_flagged | unmatched
    reason_th: str = ""
    fee_request_id: int | None = None


@dataclass
class StatementReport:
    results: list[LineResult] = field(default_factory=list)

    def of(self, outcome: str) -> list[LineResult]:
        return [r for r in self.results if r.outcome == outcome]

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(r.outcome for r in self.results))


async def import_statement(session: AsyncSession, *, school_id: int, data: bytes, actor: str, received_by: str,
                           now: dt.datetime) -> StatementReport:
    """Match every line on Ref1 (and Ref2 when the file has it) and amount; the caller commits.

    A matching line pays its request and numbers the receipt; a wrong amount or a second payment
    is flagged; a line that names no request of this school is listed (and flagged) as unmatched.
    """
    report = StatementReport()
    seen: Counter[tuple] = Counter()
    for line in parse_statement_csv(data):
        key = (line.ref1, line.ref2, line.amount, line.date, line.time)
        seen[key] += 1
        reference = line_reference(line, seen[key])
        if line.amount is None or line.amount <= 0:
            report.results.append(_unmatched(session, school_id, line, now, "อ่านจำนวนเงินไม่ได้"))
            continue
        request = await session.scalar(sa.select(FeeRequest).where(
            FeeRequest.school_id == school_id, FeeRequest.ref1 == line.ref1)) if line.ref1 else None
        if request is None:
            report.results.append(_unmatched(session, school_id, line, now, "ไม่พบรายการที่มี Ref1 นี้"))
            continue
        if line.ref2 and line.ref2 != request.ref2:
            report.results.append(_unmatched(session, school_id, line, now, "Ref2 ไม่ตรงกับรายการ"))
            continue
        if await payment_by_reference(session, reference) is not None:
            report.results.append(LineResult(line, "already_recorded", "นำเข้าไปแล้วก่อนหน้านี้", request.id))
            continue
        settled = await settle(session, request.id, amount=line.amount, method=PaymentMethod.STATEMENT, now=now,
                               actor=actor, received_by=received_by, transaction_ref=reference, tell_staff=False)
        reason = {"wrong_amount": f"ยอดเงินไม่ตรง (ต้องชำระ {request.amount:,.2f} บาท)",
                  "refund_flagged": "ชำระซ้ำ ต้องคืนเงิน", "duplicate": "นำเข้าไปแล้วก่อนหน้านี้"}
        outcome = "already_recorded" if settled.outcome == "duplicate" else settled.outcome
        report.results.append(LineResult(line, outcome, reason.get(settled.outcome, ""), request.id))
    await session.flush()
    return report


def _unmatched(session: AsyncSession, school_id: int, line: StatementLine, now: dt.datetime,
               reason_th: str) -> LineResult:
    record_flag(session, None, FlagKind.UNMATCHED_LINE, now, school_id=school_id, line=line.line_no, ref1=line.ref1,
                ref2=line.ref2, amount=line.amount if line.amount is not None else "", reason=reason_th)
    return LineResult(line, "unmatched", reason_th)
