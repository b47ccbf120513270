"""What the staff pages read from the database: the inbox, one application with its files and
history, the dashboard figures and the export's list."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit
from backend.applications import access
from backend.applications.models import CHILD_NAME_STEP, Application
from backend.files.models import StoredFile
from backend.school_config import SchoolConfig
from backend.staff import StaffMember
from backend.thai.dates import MONTHS_SHORT, be_year
from backend.welfare import civil_servant_services
from web.staff.presentation import BANGKOK, OPEN_STATUSES, STATUS_ORDER, actor_name

INBOX_PAGE_SIZE = 50
VIEWED = "application_viewed"
# A search shorter than this matches too much to be useful and scans more than it should.
MIN_SEARCH = 2


def _visible(school_id: int) -> sa.ColumnElement[bool]:
    # Drafts are a parent's unfinished conversation: not the school's business until submitted.
    # A civil servant's claim filed through the school's chat is the district's, not the school's.
    return sa.and_(Application.school_id == school_id, Application.status != "draft",
                   Application.service.not_in(civil_servant_services()))


@dataclass
class Inbox:
    applications: list[Application]
    by_service: Counter[str]
    by_status: Counter[str]
    overdue: int
    total: int
    mine: int = 0
    # The staff a request is assigned to, by id (for the rows' "ผู้รับผิดชอบ").
    holders: dict[int, StaffMember] = field(default_factory=dict)


async def inbox(
    session: AsyncSession,
    *,
    member: StaffMember,
    config: SchoolConfig,
    now: dt.datetime,
    service: str | None = None,
    status: str | None = None,
    search: str | None = None,
    assigned: str | None = None,
    overdue_only: bool = False,
) -> Inbox:
    """The requests the member may see, theirs first ("mine"), then overdue, then by due date.
    ``assigned``: "me" (assigned to the member), "none" (to nobody), else any."""
    base = access.visible(member, config)
    # Counts are of all the member may see, so the tabs say where work is whatever filter is on.
    by_service = Counter(dict((await session.execute(
        sa.select(Application.service, sa.func.count()).where(base).group_by(Application.service)
    )).all()))
    by_status = Counter(dict((await session.execute(
        sa.select(Application.status, sa.func.count()).where(base).group_by(Application.status)
    )).all()))
    open_overdue = sa.and_(Application.status.in_(OPEN_STATUSES), Application.due_at.is_not(None),
                           Application.due_at < now)
    overdue = await session.scalar(sa.select(sa.func.count()).where(base, open_overdue)) or 0
    is_mine = Application.assigned_to_id == member.id
    mine = await session.scalar(sa.select(sa.func.count()).where(
        base, is_mine, Application.status.in_(OPEN_STATUSES))) or 0

    query = sa.select(Application).where(base)
    if assigned == "me":
        query = query.where(is_mine)
    elif assigned == "none":
        query = query.where(Application.assigned_to_id.is_(None))
    if overdue_only:
        query = query.where(open_overdue)
    if service:
        query = query.where(Application.service == service)
    if status:
        query = query.where(Application.status == status)
    term = " ".join((search or "").split())
    if len(term) >= MIN_SEARCH:
        pattern = f"%{_escape_like(term)}%"
        query = query.where(sa.or_(
            Application.public_number.ilike(pattern, escape="\\"),
            Application.answers[CHILD_NAME_STEP].as_string().like(pattern, escape="\\"),
        ))
    is_overdue = sa.case((open_overdue, 0), else_=1)
    is_open = sa.case((Application.status.in_(OPEN_STATUSES), 0), else_=1)
    mine_first = sa.case((sa.and_(is_mine, Application.status.in_(OPEN_STATUSES)), 0), else_=1)
    query = query.order_by(mine_first, is_overdue, is_open, Application.due_at.is_(None), Application.due_at,
                           Application.submitted_at.desc(), Application.id.desc())
    total = await session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = list(await session.scalars(query.limit(INBOX_PAGE_SIZE)))
    holder_ids = {a.assigned_to_id for a in rows if a.assigned_to_id is not None}
    holders = {m.id: m for m in await session.scalars(
        sa.select(StaffMember).where(StaffMember.id.in_(holder_ids)))} if holder_ids else {}
    return Inbox(rows, by_service, by_status, overdue, total, mine, holders)


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def application_for_staff(
    session: AsyncSession, application_id: int, *, member: StaffMember, config: SchoolConfig
) -> Application | None:
    """The application if this member may see it (backend/applications/access.py); another
    school's, or one outside the member's role, looks absent."""
    return await session.scalar(
        sa.select(Application).where(Application.id == application_id, access.visible(member, config)))


async def stored_files(session: AsyncSession, application: Application, file_ids: set[str]
                       ) -> dict[str, StoredFile]:
    """The application's files that are still kept, by id."""
    if not file_ids:
        return {}
    rows = await session.scalars(sa.select(StoredFile).where(
        StoredFile.id.in_(file_ids), StoredFile.school_id == application.school_id,
        StoredFile.deleted_at.is_(None)))
    return {row.id: row for row in rows}


async def history(session: AsyncSession, application: Application) -> list[dict[str, Any]]:
    """The application's audit trail, oldest first, each entry with who did it in Thai."""
    entries = [entry for entry in await audit.entries_for(session, school_id=application.school_id,
                                                          subject=audit.application_subject(application.id))
               if entry.action != VIEWED]  # who looked is in the log, not in the request's history
    staff_ids = {int(e.actor.split(":", 1)[1]) for e in entries if e.actor.startswith("staff:")}
    # An assignment names its colleague (backend/applications/assignment.py records the id).
    staff_ids |= {int(e.detail["to"]) for e in entries
                  if e.action == "assign" and isinstance(e.detail, dict) and isinstance(e.detail.get("to"), int)}
    names: dict[int, StaffMember] = {}
    if staff_ids:
        names = {m.id: m for m in await session.scalars(
            sa.select(StaffMember).where(StaffMember.id.in_(staff_ids)))}
    return [{"at": entry.at, "action": entry.action, "detail": entry.detail,
             "to": _assignee(entry, names),
             "who": actor_name(entry.actor, names.get(int(entry.actor.split(":", 1)[1]))
                               if entry.actor.startswith("staff:") else None)}
            for entry in entries]


def _assignee(entry: Any, names: dict[int, StaffMember]) -> str | None:
    if entry.action != "assign" or not isinstance(entry.detail, dict):
        return None
    member = names.get(entry.detail.get("to")) if isinstance(entry.detail.get("to"), int) else None
    return member.display_name if member else "ไม่ระบุผู้รับผิดชอบ"


async def submitted_applications(session: AsyncSession, *, school_id: int) -> list[Application]:
    """Every application the school has received, in the order they came: the export's rows."""
    return list(await session.scalars(
        sa.select(Application).where(_visible(school_id))
        .order_by(Application.submitted_at, Application.id)))


# -- dashboard ------------------------------------------------------------------------------


@dataclass
class ServiceFigures:
    service: str
    by_status: Counter[str] = field(default_factory=Counter)
    decided_days: list[float] = field(default_factory=list)
    overdue: int = 0
    ratings: list[int] = field(default_factory=list)
    confirmed: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def median_days(self) -> float | None:
        return round(statistics.median(self.decided_days), 1) if self.decided_days else None

    @property
    def average_days(self) -> float | None:
        return round(statistics.fmean(self.decided_days), 1) if self.decided_days else None

    @property
    def average_rating(self) -> float | None:
        return round(statistics.fmean(self.ratings), 1) if self.ratings else None


@dataclass
class Dashboard:
    services: list[ServiceFigures]
    overall: ServiceFigures
    # (BE month label, submitted, decided), oldest first.
    months: list[tuple[str, int, int]]
    statuses: tuple[str, ...] = STATUS_ORDER


def days_to_decision(application: Application) -> float | None:
    decided, submitted = getattr(application, "decided_at", None), application.submitted_at
    if decided is None or submitted is None:
        return None
    return (decided - submitted).total_seconds() / 86400


async def dashboard(session: AsyncSession, *, school_id: int, now: dt.datetime) -> Dashboard:
    """The figures a school reports on its e-Service use, from its own applications."""
    rows = list(await session.scalars(
        sa.select(Application).where(_visible(school_id)).order_by(Application.submitted_at)))
    per_service: dict[str, ServiceFigures] = {}
    overall = ServiceFigures("ทั้งหมด")
    months: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for application in rows:
        figures = per_service.setdefault(application.service, ServiceFigures(application.service))
        for target in (figures, overall):
            target.by_status[application.status] += 1
            days = days_to_decision(application)
            if days is not None:
                target.decided_days.append(days)
            due = getattr(application, "due_at", None)
            if application.status in OPEN_STATUSES and due is not None and due < now:
                target.overdue += 1
            rating = getattr(application, "parent_rating", None)
            if rating:
                target.ratings.append(int(rating))
            if getattr(application, "parent_confirmed_at", None) is not None:
                target.confirmed += 1
        if application.submitted_at is not None:
            local = application.submitted_at.astimezone(BANGKOK)
            months[(local.year, local.month)][0] += 1
        decided = getattr(application, "decided_at", None)
        if decided is not None:
            local = decided.astimezone(BANGKOK)
            months[(local.year, local.month)][1] += 1
    month_rows = [
        (f"{MONTHS_SHORT[month - 1]} {be_year(dt.date(year, month, 1))}", submitted, decided)
        for (year, month), (submitted, decided) in sorted(months.items())
    ]
    ordered = sorted(per_service.values(), key=lambda f: f.service)
    return Dashboard(ordered, overall, month_rows)


async def civil_servant_claims(session: AsyncSession, *, school_ids: list[int], now: dt.datetime) -> ServiceFigures:
    """The figures of a district's civil servants' claims and pension applications, filed through
    any of its schools (counts only: their data is the finance staff's), overdue ones included."""
    figures = ServiceFigures("civil_servant_claims")
    rows = await session.scalars(sa.select(Application).where(
        Application.school_id.in_(school_ids), Application.status != "draft",
        Application.service.in_(civil_servant_services())))
    for application in rows:
        figures.by_status[application.status] += 1
        days = days_to_decision(application)
        if days is not None:
            figures.decided_days.append(days)
        if application.status in OPEN_STATUSES and application.due_at is not None and application.due_at < now:
            figures.overdue += 1
    return figures
