"""The figures a school reports, on a page and as CSV or Excel files."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from backend import audit
from backend.applications import access
from web.runtime import DbSession, Now
from web.staff import charts, export, presentation, queries, request_export
from web.staff.dependencies import CurrentStaff, SchoolOfStaff
from web.staff.pages import page

router = APIRouter()

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/dashboard", name="staff_dashboard")
async def dashboard_page(request: Request, staff: CurrentStaff, school: SchoolOfStaff, db: DbSession,
                         now: Now) -> Response:
    figures = await queries.dashboard(db, school_id=staff.member.school_id, now=now)
    drawn = await charts.charts(db, school_id=staff.member.school_id, now=now, title=school.title)
    return page(request, "dashboard.html", staff, school=school.school, figures=figures, title=school.title,
                charts=drawn, chart_json={"charts": [c.as_json() for c in drawn]})


@router.get("/dashboard/charts/{name}.csv")
async def chart_csv(name: str, staff: CurrentStaff, school: SchoolOfStaff, db: DbSession, now: Now) -> Response:
    """The numbers behind one chart (counts and sums only: no personal data)."""
    drawn = {c.name: c for c in await charts.charts(db, school_id=staff.member.school_id, now=now, title=school.title)}
    if name not in drawn:
        raise HTTPException(404)
    return Response(drawn[name].to_csv(), media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="chart-{name}.csv"', "cache-control": "no-store"})


def export_format(fmt: str) -> str:
    # A dependency declared first: an unknown format is 404 before sign-in, as any unknown page.
    if fmt not in {"csv", "xlsx"}:
        raise HTTPException(404)
    return fmt


@router.get("/dashboard/export.{fmt}")
async def export_file(fmt: Annotated[str, Depends(export_format)], staff: CurrentStaff, school: SchoolOfStaff,
                      db: DbSession, now: Now) -> Response:
    member = staff.member
    figures = await queries.dashboard(db, school_id=member.school_id, now=now)
    applications = await queries.submitted_applications(db, school_id=member.school_id)
    audit.record(db, school_id=member.school_id, actor=member.actor, action="report_exported",
                 subject=f"school:{member.school_id}", at=now,
                 detail={"format": fmt, "rows": len(applications)})
    await db.commit()
    rows = export.application_rows(applications, school.title, now)
    stamp = presentation.bangkok(now).strftime("%Y%m%d")
    if fmt == "csv":
        body, media = export.to_csv(rows, export.APPLICATION_COLUMNS), "text/csv; charset=utf-8"
    else:
        body, media = export.to_xlsx(figures, rows, school.title, figures.months), XLSX
    return Response(body, media_type=media, headers={
        "content-disposition": f'attachment; filename="eservice-report-{stamp}.{fmt}"',
        "cache-control": "no-store"})


@router.get("/requests/export.{fmt}")
async def export_requests(fmt: Annotated[str, Depends(export_format)], staff: CurrentStaff, school: SchoolOfStaff,
                          db: DbSession, now: Now, since: str | None = None, until: str | None = None) -> Response:
    """The requests this member sees, with names, dates, fees and receipts, submitted in the range."""
    member = staff.member
    if not access.sees_requests(member):
        raise HTTPException(403, "หน้านี้สำหรับเจ้าหน้าที่ที่ดูแลคำขอค่ะ")
    period = request_export.Period.parse(since, until)
    table = await request_export.rows(db, member=member, config=school.config, period=period, title=school.title)
    # The file names children and parents: who took it, when, which range and how many rows.
    audit.record(db, school_id=member.school_id, actor=member.actor, action="requests_exported",
                 subject=f"school:{member.school_id}", at=now,
                 detail={"format": fmt, "rows": len(table), "since": period.since and period.since.isoformat(),
                         "until": period.until and period.until.isoformat()})
    await db.commit()
    stamp = presentation.bangkok(now).strftime("%Y%m%d")
    if fmt == "csv":
        body, media = request_export.to_csv(table), "text/csv; charset=utf-8"
    else:
        body, media = request_export.to_xlsx(table), XLSX
    return Response(body, media_type=media, headers={
        "content-disposition": f'attachment; filename="requests-{stamp}.{fmt}"', "cache-control": "no-store"})
