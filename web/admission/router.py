"""The round's public page: the announcement, the commitment published before the close, and
each draw with its inputs, algorithm and result (masked names), for anyone to check; no login.
The published inputs are also served as JSON, so anyone can re-run the draw
(backend/admission_round/lottery.py, docs/admission-round.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import sqlalchemy as sa
from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from backend.admission_round import service
from backend.admission_round.lottery import ALGORITHM
from backend.admission_round.models import AdmissionDraw, AdmissionRound
from backend.applications.models import Application
from backend.documents.service import mask_name
from backend.schools import School, school_by_slug
from backend.thai.dates import format_thai_date
from backend.thai.grades import Grade
from backend.working_days import BANGKOK
from web.runtime import DbSession, Now

_pages = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)
_pages.filters["thai_date"] = lambda d: format_thai_date(d) if d else "—"
_pages.filters["thai_time"] = lambda t: f"{format_thai_date(t.astimezone(BANGKOK).date())} " \
                                        f"{t.astimezone(BANGKOK):%H:%M} น." if t else "—"

OUTCOME_TH = {"accepted": "ได้รับคัดเลือก", "reserve": "สำรองลำดับที่ {position}", "not_accepted": "ไม่ได้รับคัดเลือก"}

router = APIRouter()
STATIC = Path(__file__).parent / "static"


@router.get("/admission/static/round.css", include_in_schema=False)
async def stylesheet() -> FileResponse:
    return FileResponse(STATIC / "round.css", media_type="text/css")


def outcome_th(row: dict[str, Any]) -> str:
    return OUTCOME_TH[row["outcome"]].format(position=row.get("position"))


async def _round(db: AsyncSession, slug: str, year: int, grade: str) -> tuple[School, AdmissionRound]:
    school = await school_by_slug(db, slug)
    if school is None or grade not in {g.value for g in Grade}:
        raise HTTPException(404)
    round_ = await service.find_round(db, school_id=school.id, academic_year=year, grade=grade)
    if round_ is None:
        raise HTTPException(404)
    return school, round_


# In place of a masked name once the application's data was erased (backend/admission_round/retention.py):
# the draw stays checkable by application number.
ERASED_NAME = "ลบข้อมูลแล้วตามระยะเวลาเก็บรักษา"


async def masked_names(db: AsyncSession, refs: list[str], school_id: int) -> dict[str, str]:
    rows = await db.execute(sa.select(Application.public_number, Application.answers,
                                      Application.personal_data_erased_at).where(
        Application.school_id == school_id, Application.public_number.in_(refs)))
    return {ref: ERASED_NAME if erased else mask_name(str((answers or {}).get("student_name") or ""))
            for ref, answers, erased in rows}


@router.get("/admission/{slug}/{year}/{grade}", response_class=HTMLResponse)
async def round_page(slug: str, year: int, grade: str, db: DbSession, now: Now) -> HTMLResponse:
    school, round_ = await _round(db, slug, year, grade)
    draws = await service.draws_of(db, round_.id)
    refs = sorted({row["ref"] for d in draws for row in d.result["order"]})
    names = await masked_names(db, refs, school.id)
    html = _pages.get_template("round.html").render(
        school=school, round=round_, grade_label=Grade(round_.grade).label_th, draws=draws, names=names,
        outcome_th=outcome_th, algorithm=ALGORITHM, phase=service.phase(round_, now).value,
        groups={g["code"]: g["label"] for g in round_.priority_groups})
    return HTMLResponse(html)


@router.get("/admission/{slug}/{year}/{grade}/draws/{number}.json")
async def draw_inputs(slug: str, year: int, grade: str, number: int, db: DbSession) -> JSONResponse:
    """The draw exactly as published: what lottery.run takes, and what it gave."""
    _, round_ = await _round(db, slug, year, grade)
    found = await db.scalar(sa.select(AdmissionDraw).where(AdmissionDraw.round_id == round_.id,
                                                          AdmissionDraw.number == number))
    if found is None:
        raise HTTPException(404)
    return JSONResponse({"draw": found.number, "replaces": found.replaces, "reason": found.reason,
                         "inputs": found.inputs, "result": found.result})
