"""A district's civil servants' own services: welfare claims (medical care, children's tuition)
and pension applications, decided by the district's finance staff.

Who claims: a civil servant of a district (a teacher, a retiree) is identified as the district's
staff are: by a one-time invite typed in the chat of one of the district's schools. Every active
staff member of a school that belongs to a district may claim (teachers are civil servants; the
flow asks their status and the finance staff check it), and so may a member enrolled only to
claim (role ``civil_servant``: a retiree). Who decides: the district's finance staff (role
``district_finance``), enrolled through any school of the district; they see the claims filed
through every school of their district and nobody else sees them (backend/applications/access.py).

The checks the chat makes before a claim is filed (limits, deadlines, eligible relatives) read
backend/rules/data/welfare.toml, which names its sources; docs/rules.md, "Welfare claims of civil
servants" and "Pension and gratuity", lists them and what was not found.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog import CATALOG
from backend.organisations import DistrictOffice
from backend.rules.source import DATA, Source, read_table
from backend.schools import School
from backend.staff import Role, StaffMember
from backend.thai.dates import format_thai_date

TABLE = DATA / "welfare.toml"
WELFARE_CLAIM = "welfare_claim"
PENSION = "pension"


class TuitionLevel(StrEnum):
    KINDERGARTEN = "kindergarten"
    PRIMARY = "primary"
    LOWER_SECONDARY = "lower_secondary"
    UPPER_SECONDARY = "upper_secondary"
    VOCATIONAL = "vocational"  # ปวช.
    HIGHER_VOCATIONAL = "higher_vocational"  # ปวส. / อนุปริญญา
    BACHELOR = "bachelor"

    @property
    def label_th(self) -> str:
        return LEVEL_TH[self]


LEVEL_TH = {
    TuitionLevel.KINDERGARTEN: "อนุบาล",
    TuitionLevel.PRIMARY: "ประถมศึกษา",
    TuitionLevel.LOWER_SECONDARY: "มัธยมศึกษาตอนต้น",
    TuitionLevel.UPPER_SECONDARY: "มัธยมศึกษาตอนปลาย",
    TuitionLevel.VOCATIONAL: "ปวช.",
    TuitionLevel.HIGHER_VOCATIONAL: "ปวส. หรืออนุปริญญา",
    TuitionLevel.BACHELOR: "ปริญญาตรี",
}
SCHOOL_KIND_TH = {"government": "ของทางราชการ", "private": "ของเอกชน"}


class WelfareRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    medical_deadline_days: int = Field(ge=1, le=3650)
    tuition_deadline_days: int = Field(ge=1, le=3650)
    tuition_min_age: int = Field(ge=0, le=30)
    tuition_max_age: int = Field(ge=0, le=30)
    medical_child_max_age: int = Field(ge=0, le=30)
    children_counted: int = Field(ge=1, le=10)
    # school kind -> level -> baht per academic year; a level left out has no rate found.
    tuition_rates: dict[str, dict[TuitionLevel, int]]
    sources: list[Source] = Field(min_length=1)

    def tuition_cap(self, school_kind: str, level: str) -> int | None:
        """Baht per academic year for the level at that kind of school; None: no rate set here."""
        try:
            return self.tuition_rates.get(school_kind, {}).get(TuitionLevel(level))
        except ValueError:
            return None


@functools.cache
def rules() -> WelfareRules:
    return WelfareRules.model_validate(read_table(TABLE))


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _th(day: dt.date) -> str:
    return format_thai_date(day)


# -- the checks the chat makes (each returns the polite Thai refusal, or None) ------------------


def deadline_refusal(kind: str, start: dt.date, today: dt.date) -> str | None:
    """A claim is filed within the period from the receipt date (medical) or the term's opening
    day (tuition); neither may be a day to come."""
    table = rules()
    if start > today:
        return "วันที่นี้ยังมาไม่ถึงค่ะ กรุณาตรวจสอบวันที่อีกครั้ง"
    days = table.medical_deadline_days if kind == "medical" else table.tuition_deadline_days
    last = start + dt.timedelta(days=days)
    if today > last:
        counted = "วันที่ในใบเสร็จรับเงิน" if kind == "medical" else "วันเปิดภาคเรียน"
        return (f"ขออภัยค่ะ การเบิกต้องยื่นภายใน 1 ปีนับแต่{counted} ({_th(start)}) "
                f"ซึ่งครบกำหนดเมื่อ {_th(last)} แล้ว จึงยื่นเบิกรายการนี้ไม่ได้ค่ะ "
                "หากวันที่พิมพ์ผิด พิมพ์วันที่ที่ถูกต้องได้เลยค่ะ")
    return None


def child_order_refusal(order: int) -> str | None:
    counted = rules().children_counted
    if order > counted:
        return (f"ตามระเบียบ เบิกได้สำหรับบุตรคนที่ 1 ถึงคนที่ {counted} ตามลำดับการเกิดค่ะ "
                "(เว้นแต่บุตรคนก่อนเสียชีวิตหรือเป็นคนไร้ความสามารถ ซึ่งเบิกแทนได้ "
                "กรุณาติดต่อกลุ่มการเงินของสำนักงานเขตพื้นที่การศึกษาค่ะ)")
    return None


def tuition_age_refusal(birth: dt.date, term_start: dt.date) -> str | None:
    table = rules()
    age = age_on(birth, term_start)
    if age < table.tuition_min_age:
        return (f"บุตรต้องมีอายุครบ {table.tuition_min_age} ปีบริบูรณ์จึงเบิกค่าการศึกษาได้ค่ะ "
                f"(วันเปิดภาคเรียนบุตรอายุ {max(age, 0)} ปี) กรุณาตรวจสอบวันเกิดอีกครั้งค่ะ")
    if age > table.tuition_max_age:
        return (f"เบิกค่าการศึกษาได้สำหรับบุตรอายุไม่เกิน {table.tuition_max_age} ปีค่ะ "
                f"(วันเปิดภาคเรียนบุตรอายุ {age} ปี) กรุณาตรวจสอบวันเกิดอีกครั้งค่ะ")
    return None


def medical_child_age_refusal(birth: dt.date, treated_on: dt.date) -> str | None:
    limit = rules().medical_child_max_age
    if age_on(birth, treated_on) > limit:
        return ("ค่ารักษาพยาบาลของบุตรเบิกได้เมื่อบุตรยังไม่บรรลุนิติภาวะ (อายุไม่ถึง 20 ปี) ค่ะ "
                "หากบุตรเป็นคนไร้ความสามารถหรือเสมือนไร้ความสามารถ กรุณาติดต่อกลุ่มการเงินของ"
                "สำนักงานเขตพื้นที่การศึกษาค่ะ")
    return None


def tuition_amount_refusal(amount: int, cap: int | None, earlier: int, level_th: str) -> str | None:
    """The amount claimed, with what this child's claims of the same academic year already ask,
    stays within the yearly rate for the level (when a rate is set)."""
    if cap is None:
        return None
    left = cap - earlier
    if amount <= left:
        return None
    said = f" และเบิกไปแล้วในปีการศึกษานี้ {earlier:,} บาท" if earlier else ""
    if left <= 0:
        return (f"ระดับ{level_th} เบิกได้ไม่เกิน {cap:,} บาทต่อปีการศึกษา{said} "
                "จึงไม่มียอดที่เบิกได้เหลือแล้วค่ะ")
    return (f"ระดับ{level_th} เบิกได้ไม่เกิน {cap:,} บาทต่อปีการศึกษา{said} "
            f"ครั้งนี้เบิกได้อีกไม่เกิน {left:,} บาทค่ะ กรุณาพิมพ์จำนวนเงินที่ขอเบิกใหม่ค่ะ")


# -- who claims, who decides ------------------------------------------------------------------


def is_civil_servant_service(service: str) -> bool:
    """A service of the district's civil servants: its approval chain names the district's finance."""
    try:
        return Role.DISTRICT_FINANCE.value in CATALOG.service(service).approvers
    except KeyError:
        return False


def civil_servant_services() -> list[str]:
    return [service.id for service in CATALOG.services() if Role.DISTRICT_FINANCE.value in service.approvers]


async def claimant(session: AsyncSession, *, school_id: int, user_ref: str) -> StaffMember | None:
    """The active staff member behind this chat user at this school, when the school belongs to a
    district (whose finance staff decide): the civil servant who may claim; else None."""
    member = await session.scalar(
        sa.select(StaffMember).join(School, School.id == StaffMember.school_id)
        .where(StaffMember.school_id == school_id, StaffMember.line_user_id == user_ref,
               StaffMember.active.is_(True), School.district_id.is_not(None)))
    return member


async def finance_district(session: AsyncSession, member: StaffMember) -> DistrictOffice | None:
    """The district a finance officer works for: that of the school they enrolled through."""
    if member.role != Role.DISTRICT_FINANCE or not member.active:
        return None
    home = await session.get(School, member.school_id)
    return await session.get(DistrictOffice, home.district_id) if home and home.district_id else None


async def district_schools(session: AsyncSession, district_id: int) -> list[int]:
    return list(await session.scalars(sa.select(School.id).where(School.district_id == district_id)))


async def district_finance_staff(session: AsyncSession, school_id: int) -> list[StaffMember]:
    """The finance officers of the district the school belongs to (enrolled through any of its schools)."""
    school = await session.get(School, school_id)
    if school is None or school.district_id is None:
        return []
    return list(await session.scalars(
        sa.select(StaffMember).join(School, School.id == StaffMember.school_id)
        .where(School.district_id == school.district_id, StaffMember.active.is_(True),
               StaffMember.role == Role.DISTRICT_FINANCE.value).order_by(StaffMember.id)))


# -- what the finance staff decide --------------------------------------------------------------

APPROVED = "approved"
PAID = "paid"


def decision(application: Any, kind: str) -> dict[str, Any] | None:
    """The finance staff's approval or payment recorded on the request, if any."""
    return next((entry for entry in application.approvals or [] if entry.get("kind") == kind), None)


def baht(amount: int) -> str:
    return f"{amount:,} บาท"


def parse_baht(text: str) -> int | None:
    """Whole baht typed on a page ("5,800", "5800 บาท"); None when it is not a positive amount."""
    digits = "".join(ch for ch in str(text).split(".")[0] if ch.isdigit())
    return int(digits) if digits and 0 < int(digits) <= 10_000_000 else None


def earlier_amounts(rows: Sequence[Any], *, child: str, academic_year: Any) -> int:
    """What the claimant's other tuition claims for this child and academic year ask (or were paid)."""
    total = 0
    for row in rows:
        answers = row.answers or {}
        if answers.get("claim_type") != "tuition" or answers.get("child_name") != child \
                or str(answers.get("academic_year")) != str(academic_year):
            continue
        approved = decision(row, APPROVED)
        total += int(approved["amount"]) if approved and approved.get("amount") else int(answers.get("amount") or 0)
    return total
