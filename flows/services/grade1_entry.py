"""Grade 1 early or late entry (ผ่อนผันเข้าเรียน ป.1): entering ป.1 a year before or after the rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend import consent
from backend.applications.models import Application, ApplicationStatus
from backend.applications.service import submit_application
from backend.catalog import DocumentType, FeeRule, ServiceDocument
from backend.documents.from_applications import Answers, submitted_on
from backend.organisations import SchoolType
from backend.school_config import SchoolConfig, cached_school_config
from backend.schools import School
from backend.thai.age import p1_cohort
from backend.thai.dates import be_year
from backend.thai.errors import ThaiInputError
from backend.thai.names import parse_person_name
from flows import kinds
from flows.common import (
    CHILD_NAME,
    ENROLLING_NATIONAL_ID,
    FREE_BASIC_EDUCATION,
    PARENT_ID_CARD,
    RELATIONSHIP,
    STUDENT_BIRTH_DATE,
    academic_year_applied_for,
)
from flows.flow import Check, Context, Flow, Step, answer_is
from flows.spec import ServiceSpec

SERVICE_ID = "grade1_entry"
CONSENT_STATEMENT = "ยินยอมให้โรงเรียนเก็บและใช้ใบรับรองแพทย์เพื่อพิจารณาคำขอนี้เท่านั้น"
_CHECK_BIRTH_DATE = "\nถ้าวันเกิดไม่ถูกต้อง พิมพ์ “ย้อนกลับ” เพื่อแก้ไขค่ะ"
MEDICAL_CERTIFICATE = {"document": "medical_certificate", "name": "ใบรับรองแพทย์"}


def _request_fits_birth_year(config: SchoolConfig) -> Check:
    def test(request: str, ctx: Context) -> None:
        year = academic_year_applied_for(config, ctx.today)
        cohort = p1_cohort(year)  # OBEC's policy of the year: born in Y − 7 ("ย่างเข้าปีที่ 7")
        born = be_year(ctx.answers["student_birth_date"])
        rule = f"ชั้น ป.1 ปีการศึกษา {year} รับเด็กที่เกิดปี พ.ศ. {cohort}"
        if request == "early" and born != cohort + 1:
            if born == cohort:
                message = f"{rule} นักเรียนอยู่ในเกณฑ์พอดี ไม่ต้องขอผ่อนผันค่ะ สมัครเรียนได้ตามปกติ"
            elif born < cohort:
                message = (
                    f"{rule} นักเรียนเกิดปี {born} จึงเกินเกณฑ์แล้ว ไม่ใช่การเข้าก่อนเกณฑ์ค่ะ "
                    "หากต้องการให้เข้าเรียนช้ากว่าเกณฑ์ เลือก “ขอเลื่อนเข้าเรียน” ค่ะ"
                )
            else:
                message = (
                    f"ขอเข้าเรียนก่อนเกณฑ์ได้เฉพาะเด็กที่เกิดปี พ.ศ. {cohort + 1} (ก่อนเกณฑ์ 1 ปี) ค่ะ "
                    f"นักเรียนเกิดปี {born} จะเข้าเรียน ป.1 ตามเกณฑ์ในปีการศึกษา "
                    f"{born + year - cohort} ค่ะ"
                )
            raise ThaiInputError(message + _CHECK_BIRTH_DATE, code="grade1_entry.early")
        if request == "late" and born > cohort:
            message = (
                f"{rule} นักเรียนเกิดปี {born} ยังไม่ถึงเกณฑ์ จึงไม่ต้องขอเลื่อนค่ะ "
                f"จะเข้าเรียน ป.1 ตามเกณฑ์ในปีการศึกษา {born + year - cohort}"
            )
            if born == cohort + 1:
                message += " หากต้องการให้เข้าเรียนปีนี้ เลือก “ขอเข้าก่อนเกณฑ์” ค่ะ"
            raise ThaiInputError(message + _CHECK_BIRTH_DATE, code="grade1_entry.late")

    return Check(test, uses=("student_birth_date",))


async def submit_with_consent(
    session: AsyncSession, application: Application, *, now: dt.datetime
) -> None:
    """File the request and, when the consent question was asked, the parent's choice with it.

    Without consent the certificate was not asked for; it is listed as missing so that staff
    see what the decision lacks, and the parent may bring it to the school instead.
    """
    if "medical_consent" in application.answers:
        granted = application.answers["medical_consent"] == "yes"
        consent.record(
            session,
            school_id=application.school_id,
            user_ref=application.parent_ref,
            purpose=consent.SENSITIVE,
            granted=granted,
            now=now,
        )
        if not granted:
            application.missing_documents = [*application.missing_documents, MEDICAL_CERTIFICATE]
    await submit_application(session, application, now=now)


def build(config: SchoolConfig) -> Flow:
    """Grade 1 entry for one school: which birth years may ask follows its academic year."""
    privacy = (
        f"\nอ่านประกาศความเป็นส่วนตัวของโรงเรียน: {config.privacy_notice_url}"
        if config.privacy_notice_url
        else ""
    )
    return Flow(
        id=SERVICE_ID,
        title="ผ่อนผันการเข้าเรียน",
        menu_label="ขอผ่อนผัน ป.1",
        number_prefix="GE",
        version=1,
        intro="สำหรับขอให้นักเรียนเข้าเรียน ป.1 ก่อนเกณฑ์ 1 ปี หรือขอเลื่อนการเข้าเรียน ป.1 ออกไปค่ะ",
        steps=[
            CHILD_NAME,
            ENROLLING_NATIONAL_ID,
            STUDENT_BIRTH_DATE,
            Step(
                "request_type",
                "ต้องการขอผ่อนผันแบบใดคะ",
                kinds.choice({"early": "ขอเข้าก่อนเกณฑ์", "late": "ขอเลื่อนเข้าเรียน"}),
                label="ประเภทคำขอ",
                check=_request_fits_birth_year(config),
            ),
            Step(
                "reason",
                "เหตุผลที่ขอผ่อนผันคืออะไรคะ",
                kinds.choice(
                    {
                        "readiness": "ความพร้อมของเด็ก",
                        "medical": "สุขภาพ/การเจ็บป่วย",
                        "family": "เหตุผลทางครอบครัว",
                        "other": "อื่น ๆ",
                    }
                ),
                label="เหตุผล",
            ),
            Step(
                "reason_other",
                "เล่าเหตุผลสั้น ๆ ได้เลยค่ะ",
                kinds.text(max_length=300),
                label="เหตุผล (อื่น ๆ)",
                when=answer_is("reason", "other"),
            ),
            # A medical certificate is health data (PDPA s.26): asked only after explicit,
            # separate consent; without it the request goes on and the school sees it missing.
            Step(
                "medical_consent",
                "ใบรับรองแพทย์เป็นข้อมูลสุขภาพ ซึ่งเป็นข้อมูลส่วนบุคคลที่อ่อนไหวค่ะ\n"
                f"ท่าน{CONSENT_STATEMENT} ใช่ไหมคะ\n"
                "ถ้าไม่ยินยอม ยื่นคำขอต่อได้ตามปกติ โดยไม่ต้องส่งใบรับรองแพทย์ทาง LINE "
                "(นำมาแสดงที่โรงเรียนได้) และถอนความยินยอมได้ทุกเมื่อโดยแจ้งโรงเรียนค่ะ" + privacy,
                # Explicit consent: the button or its word typed, never a near guess (PDPA s.19).
                kinds.choice({"yes": "ยินยอม", "no": "ไม่ยินยอม"}, load=lambda v: v == "yes", exact=True),
                label="ความยินยอม",
                when=answer_is("reason", "medical"),
            ),
            Step(
                "medical_certificate",
                "ขอรูปถ่ายใบรับรองแพทย์ค่ะ",
                kinds.document(one_page=True),
                label="ใบรับรองแพทย์",
                when=answer_is("medical_consent", True),
            ),
            RELATIONSHIP,
            Step(
                "birth_certificate",
                "ขอรูปถ่ายสูติบัตรของนักเรียนค่ะ",
                kinds.document(one_page=True),
                label="สูติบัตร",
            ),
            PARENT_ID_CARD,
        ],
        next_steps=(
            "โรงเรียนจะพิจารณาคำขอผ่อนผัน แล้วแจ้งผลทาง LINE นี้ค่ะ "
            "หากได้รับอนุญาตให้เข้าก่อนเกณฑ์ ยื่นสมัครเรียน ป.1 ตามกำหนดรับสมัครของโรงเรียนได้เลยค่ะ "
            "หากได้รับอนุญาตให้เลื่อน นักเรียนจะเข้าเรียน ป.1 ในปีการศึกษาถัดไปค่ะ"
        ),
        submit=submit_with_consent,
    )


# The flow for a school with no academic year set: the year then follows today's date.
FLOW = build(SchoolConfig())

# The fact admission reads (Flow.facts): {"request": "early" | "late", "academic_year": the year
# the request was for, "number": its request number}, for the child a draft names.
ENTRY_APPROVAL = "entry_approval"
NO_ID = "none"


def _same_name(one: Any, other: Any) -> bool:
    try:
        return str(parse_person_name(str(one))) == str(parse_person_name(str(other)))
    except ThaiInputError:
        return False


def _same_child(answers: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """The same birth date, and the same ID number, or (where either has none) the same name."""
    if not answers.get("student_birth_date") or answers["student_birth_date"] != other.get("student_birth_date"):
        return False
    ids = answers.get("student_national_id"), other.get("student_national_id")
    if all(value and value != NO_ID for value in ids):
        return ids[0] == ids[1]
    return _same_name(answers.get("student_name"), other.get("student_name"))


async def approved_entry_for(session: AsyncSession, application: Application) -> Mapping[str, Any]:
    """The school's approved early/late entry for the child an application names, as a fact for
    admission's age check ({} when there is none). Approved: its decision was not a refusal."""
    rows = await session.scalars(
        sa.select(Application)
        .where(Application.school_id == application.school_id,
               Application.service == SERVICE_ID,
               Application.status.in_((ApplicationStatus.APPROVED, ApplicationStatus.CLOSED)),
               Application.decision_reason.is_(None))
        .order_by(Application.decided_at.desc())
        .limit(200)
    )
    approvals = [row for row in rows if row.decided_at and _same_child(application.answers, row.answers)]
    if not approvals:
        return {}
    school = await session.get(School, application.school_id)
    config = cached_school_config(school.settings if school else None)
    latest = approvals[0]
    return {ENTRY_APPROVAL: {
        "request": latest.answers.get("request_type"),
        "academic_year": academic_year_applied_for(config, submitted_on(latest)),
        "number": latest.public_number,
    }}


# As the decision letter words them: what was asked is what was decided (it is issued when approved).
DECISIONS = {"early": "early", "late": "deferred"}
REASONS = {"readiness": "ความพร้อมของเด็ก", "medical": "สุขภาพของเด็ก", "family": "เหตุผลทางครอบครัว"}


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    request = answers.need("request_type", "ประเภทคำขอ")
    year = academic_year_applied_for(config, submitted_on(application))
    reason = answers.get("reason")
    return {
        "subject_name": answers.need("student_name", "ชื่อนักเรียน"),
        "decision": DECISIONS.get(request, request),
        "academic_year": year,
        "until_academic_year": year + 1 if request == "late" else None,
        "reason": answers.get("reason_other") if reason == "other" else REASONS.get(reason),
    }


SPEC = ServiceSpec(
    id=SERVICE_ID,
    build=build,
    # Which schools offer it: docs/rules.md, "Services by type of school".
    school_types=(SchoolType.ORDINARY, SchoolType.SPECIAL_CENTRE),
    menu_position=40,
    time_limit_days=15,
    approvers=("registrar",),
    document=ServiceDocument(
        type=DocumentType(
            id="grade1_entry_decision",
            title_th="หนังสือแจ้งผลการพิจารณาผ่อนผันการเข้าเรียนชั้นประถมศึกษาปีที่ ๑",
            required=("subject_name", "decision", "academic_year"),
            download_name="grade1-entry-decision.pdf", short_title="ผลผ่อนผัน ป.1", layout="letter"),
        make_data=document_data,
    ),
    fee=FeeRule(code="G1"),
    routing_words=(r"ผ่อนผัน", r"(ก่อน|หลัง|ไม่ถึง|เกิน)เกณฑ์", r"เลื่อนเข้าเรียน", r"ชะลอ", r"ไม่พร้อม.*ป1"),
    routing_priority=30,
    source=("docs/rules.md#grade-1-early-or-late-entry: Compulsory Education Act 2545; MOE notice on "
            "early or late entry to compulsory education (its year not found)"),
    free_by=FREE_BASIC_EDUCATION,
)
