"""The dashboard's charts and the numbers behind each: requests per week by service, how each
decision fell against its legal due date (overdue marked), fees received per month, and the
admission round's funnel (once the school runs a round).

The page draws them with Chart.js (vendored in static/, no CDN: the pages' policy allows scripts
from this server only); each chart's numbers are also a table on the page and a CSV file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend.admission_round.models import AdmissionEntry, AdmissionRound, EntryStatus
from backend.applications.models import Application
from backend.fees.models import FeeReceipt
from backend.thai.dates import MONTHS_SHORT, be_year
from backend.thai.grades import Grade
from web.staff.presentation import BANGKOK, OPEN_STATUSES

WEEKS = 12
MONTHS = 12
# Days between the decision and its legal due date: early on the left, late (red) on the right.
DECISION_BUCKETS: tuple[tuple[str, float, float, bool], ...] = (
    ("เร็วกว่ากำหนดเกิน 10 วัน", -1e9, -10, False),
    ("เร็วกว่ากำหนด 6–10 วัน", -10, -5, False),
    ("เร็วกว่ากำหนด 1–5 วัน", -5, 0, False),
    ("เกินกำหนด 1–5 วัน", 0, 5, True),
    ("เกินกำหนดมากกว่า 5 วัน", 5, 1e9, True),
)
STILL_OPEN_LATE = "ยังไม่ตัดสิน เกินกำหนดแล้ว"
# How far the applicants of an admission round got: an entry counts in every stage it passed
# (one who declined or missed the รายงานตัว deadline was accepted first).
_ACCEPTED = {EntryStatus.ACCEPTED, EntryStatus.CONFIRMED, EntryStatus.DECLINED, EntryStatus.LAPSED,
             EntryStatus.HANDED_OVER}
FUNNEL: tuple[tuple[str, frozenset[str]], ...] = (
    ("สมัคร", frozenset(EntryStatus)),
    ("มีสิทธิ์", frozenset(_ACCEPTED | {EntryStatus.ELIGIBLE, EntryStatus.RESERVE, EntryStatus.NOT_ACCEPTED})),
    ("ได้รับคัดเลือก", frozenset(_ACCEPTED)),
    ("รายงานตัว", frozenset({EntryStatus.CONFIRMED, EntryStatus.HANDED_OVER})),
    ("มอบตัว", frozenset({EntryStatus.HANDED_OVER})),
)


@dataclass
class Chart:
    name: str
    title: str
    labels: list[str]
    # (series name, values); one series for a simple bar chart.
    series: list[tuple[str, list[float]]]
    unit: str
    late: list[bool] = field(default_factory=list)  # per label: drawn in red

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "labels": self.labels, "unit": self.unit,
                "late": self.late, "series": [{"label": s, "data": values} for s, values in self.series]}

    def rows(self) -> list[list[object]]:
        return [[label, *(_number(values[i]) for _, values in self.series)] for i, label in enumerate(self.labels)]

    def header(self) -> list[str]:
        return ["ช่วง", *(name for name, _ in self.series)]

    def to_csv(self) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.header())
        writer.writerows(self.rows())
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 2)


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _short(day: dt.date) -> str:
    return f"{day.day} {MONTHS_SHORT[day.month - 1]} {be_year(day) % 100:02d}"


async def charts(session: AsyncSession, *, school_id: int, now: dt.datetime,
                 title: Callable[[str], str]) -> list[Chart]:
    applications = list(await session.scalars(sa.select(Application).where(
        Application.school_id == school_id, Application.status != "draft")))
    drawn = [weekly(applications, now, title), decisions(applications, now),
             await fees(session, school_id=school_id, now=now)]
    funnel = await admission_funnel(session, school_id=school_id)
    return [*drawn, funnel] if funnel is not None else drawn


def weekly(applications: list[Application], now: dt.datetime, title: Callable[[str], str]) -> Chart:
    this_week = _week_start(now.astimezone(BANGKOK).date())
    weeks = [this_week - dt.timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    counts: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for a in applications:
        if a.submitted_at is None:
            continue
        week = _week_start(a.submitted_at.astimezone(BANGKOK).date())
        if week >= weeks[0]:
            counts[a.service][week] += 1
    series = [(title(service), [float(by_week.get(w, 0)) for w in weeks])
              for service, by_week in sorted(counts.items())]
    return Chart("weekly", "คำขอต่อสัปดาห์ แยกตามบริการ", [f"สัปดาห์ {_short(w)}" for w in weeks],
                 series or [("คำขอ", [0.0] * len(weeks))], "เรื่อง")


def decisions(applications: list[Application], now: dt.datetime) -> Chart:
    counts = [0] * (len(DECISION_BUCKETS) + 1)
    for a in applications:
        if a.due_at is None:
            continue
        if a.decided_at is None:
            if a.status in OPEN_STATUSES and a.due_at < now:
                counts[-1] += 1
            continue
        days = (a.decided_at - a.due_at).total_seconds() / 86400
        for index, (_label, low, high, _late) in enumerate(DECISION_BUCKETS):
            if low < days <= high:
                counts[index] += 1
                break
    labels = [b[0] for b in DECISION_BUCKETS] + [STILL_OPEN_LATE]
    return Chart("decisions", "เวลาที่ใช้ตัดสินเทียบกับกำหนดตามกฎหมาย", labels,
                 [("คำขอ", [float(c) for c in counts])], "เรื่อง", late=[b[3] for b in DECISION_BUCKETS] + [True])


async def fees(session: AsyncSession, *, school_id: int, now: dt.datetime) -> Chart:
    local = now.astimezone(BANGKOK).date()
    months: list[tuple[int, int]] = []
    year, month = local.year, local.month
    for _ in range(MONTHS):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    months.reverse()
    since = dt.datetime(months[0][0], months[0][1], 1, tzinfo=BANGKOK)
    totals: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for received_at, amount in (await session.execute(sa.select(FeeReceipt.received_at, FeeReceipt.amount_satang).where(
            FeeReceipt.school_id == school_id, FeeReceipt.received_at >= since))).all():
        moment = received_at.astimezone(BANGKOK)
        totals[(moment.year, moment.month)] += Decimal(amount) / 100
    labels = [f"{MONTHS_SHORT[m - 1]} {be_year(dt.date(y, m, 1))}" for y, m in months]
    return Chart("fees", "ค่าธรรมเนียมที่ได้รับต่อเดือน", labels,
                 [("บาท", [float(totals.get(key, Decimal(0))) for key in months])], "บาท")


async def admission_funnel(session: AsyncSession, *, school_id: int) -> Chart | None:
    """The latest academic year's admission rounds, a series per grade; None without a round."""
    year = await session.scalar(sa.select(sa.func.max(AdmissionRound.academic_year))
                                .where(AdmissionRound.school_id == school_id))
    if year is None:
        return None
    rows = (await session.execute(
        sa.select(AdmissionRound.grade, AdmissionEntry.status, sa.func.count())
        .join(AdmissionEntry, AdmissionEntry.round_id == AdmissionRound.id, isouter=True)
        .where(AdmissionRound.school_id == school_id, AdmissionRound.academic_year == year)
        .group_by(AdmissionRound.grade, AdmissionEntry.status))).all()
    by_grade: dict[str, dict[str, int]] = defaultdict(dict)
    for grade, status, count in rows:
        by_grade[grade][status] = count if status is not None else 0
    series = [(_grade_label(grade), [float(sum(n for s, n in statuses.items() if s in stage))
                                     for _label, stage in FUNNEL])
              for grade, statuses in sorted(by_grade.items())]
    return Chart("admission", f"การรับนักเรียน ปีการศึกษา {year}", [label for label, _ in FUNNEL], series, "คน")


def _grade_label(grade: str) -> str:
    try:
        return Grade(grade).label_th
    except ValueError:
        return grade
