"""Home schooling (การขอจัดการศึกษาขั้นพื้นฐานโดยครอบครัว): a family asks the district office for
the right to provide basic education itself, with its education plan (แผนการจัดการศึกษา).

The source's district-level service 1. The family applies in the chat of a school of the district
(as for a child without a school place: the district is reached through its schools' channels);
the request is the district's, not the school's (backend/applications/access.py): the district's
staff check it, put it before the district's committee and record the decision on the district
pages (web/staff/routes/district.py), and the permit (หนังสืออนุญาต) is issued and signed by the
district office (its director, or a deputy in the director's place), under its own letterhead and
signing key (backend/documents/service.py ``issuing_office``); it verifies on /verify. The same
service takes the family's yearly assessment report (its first question: apply, or report), which
the district's staff acknowledge (the sign-off; no document). A withdrawal "for home schooling"
points here (flows/services/withdrawal.py).

Sources and what was not found: docs/rules.md, "Home schooling".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from backend.applications.models import Application
from backend.catalog import DocumentType, FeeRule, ServiceDocument, StaffField
from backend.documents.from_applications import Answers, DocumentInputMissing
from backend.organisations import SchoolType
from backend.school_config import SchoolConfig
from flows import kinds
from flows.common import (
    CHILD_NAME,
    ENROLLING_NATIONAL_ID,
    FREE_BASIC_EDUCATION,
    PARENT_NAME,
    PARENT_PHONE,
    RELATIONSHIP,
    STUDENT_BIRTH_DATE,
    STUDENT_HOUSE_REGISTRATION,
)
from flows.flow import Flow, Step, answer_is
from flows.spec import ServiceSpec

SERVICE_ID = "home_school"
# The levels of basic education a family may provide (National Education Act 2542 s.15–16, as the
# OBEC guideline on home schooling lays them out).
LEVELS = {
    "early_childhood": "ปฐมวัย",
    "primary": "ประถมศึกษา",
    "lower_secondary": "มัธยมศึกษาตอนต้น",
    "upper_secondary": "มัธยมศึกษาตอนปลาย",
}

# What the family comes for: the permit, or the yearly report of a family that holds one.
REQUEST_KINDS = {"apply": "ขออนุญาตจัดบ้านเรียน", "report": "ส่งรายงานประจำปี"}
APPLYING = answer_is("request_kind", "apply")
REPORTING = answer_is("request_kind", "report")


def is_yearly_report(answers: Mapping[str, Any]) -> bool:
    """A yearly report: acknowledged by the district, with no document."""
    return answers.get("request_kind") == "report"


def _applying(step: Step) -> Step:
    return replace(step, when=APPLYING)


def _what_was_asked(text: str, today: dt.date) -> dict[str, Any]:
    """"ส่งรายงานบ้านเรียน" is a yearly report; the family's first question is not asked again."""
    return {"request_kind": "report"} if "รายงาน" in text or "ประเมินผล" in text else {}


def _next_steps(answers: Mapping[str, Any]) -> str:
    if is_yearly_report(answers):
        return ("สำนักงานเขตพื้นที่การศึกษาจะตรวจรับรายงาน และแจ้งการรับทราบทาง LINE นี้ค่ะ "
                "หากต้องนัดประเมินผลร่วมกับคณะกรรมการ เจ้าหน้าที่จะแจ้งวันนัดหมายค่ะ")
    return ("สำนักงานเขตพื้นที่การศึกษาจะตรวจสอบคำขอและแผนการจัดการศึกษา เสนอคณะกรรมการพิจารณา "
            "และแจ้งผลทาง LINE นี้ค่ะ เมื่อได้รับอนุญาต จะได้รับหนังสืออนุญาตที่ตรวจสอบได้ทางออนไลน์\n"
            "ระหว่างปี ครอบครัวประเมินผลการเรียนรู้ของผู้เรียน และส่งรายงานผลประจำปีได้ในแชตนี้ "
            "โดยพิมพ์ “ส่งรายงานบ้านเรียน” ค่ะ")


FLOW = Flow(
    id=SERVICE_ID,
    title="ขอจัดการศึกษาโดยครอบครัว (บ้านเรียน)",
    menu_label="ขอจัดบ้านเรียน",
    number_prefix="HS",
    version=1,
    intro=(
        "สำหรับครอบครัวที่ขอจัดการศึกษาขั้นพื้นฐานให้บุตรหลานเอง (บ้านเรียน) หรือส่งรายงานผลประจำปีค่ะ "
        "คำขอนี้ส่งถึงสำนักงานเขตพื้นที่การศึกษา ซึ่งจะตรวจสอบ เสนอคณะกรรมการพิจารณา "
        "และออกหนังสืออนุญาตทาง LINE นี้\n"
        "ขออนุญาต: เตรียมแผนการจัดการศึกษา สูติบัตรและทะเบียนบ้านของผู้เรียน บัตรประชาชนของบิดามารดา"
        "หรือผู้ปกครอง และหลักฐานการศึกษาของผู้จัดการศึกษาไว้ด้วยนะคะ\n"
        # Who sees the data differs from a school's request (PDPA s.23: the purpose and recipients).
        "ข้อมูลและเอกสารในคำขอนี้ เจ้าหน้าที่สำนักงานเขตพื้นที่การศึกษาเท่านั้นที่เห็น เพื่อพิจารณาคำขอค่ะ"
    ),
    steps=[
        Step(
            "request_kind",
            "ต้องการขออนุญาตจัดการศึกษาโดยครอบครัว หรือส่งรายงานผลการจัดการศึกษาประจำปี (สำหรับครอบครัว"
            "ที่ได้รับอนุญาตแล้ว) คะ",
            kinds.choice(REQUEST_KINDS, synonyms={"apply": ("ขออนุญาต", "ยื่นคำขอ", "สมัคร"),
                                                  "report": ("รายงาน", "ส่งรายงาน", "รายงานประจำปี")}),
            label="เรื่องที่ยื่น",
        ),
        CHILD_NAME,
        _applying(ENROLLING_NATIONAL_ID),
        _applying(STUDENT_BIRTH_DATE),
        Step(
            "education_level",
            "ครอบครัวจะจัดการศึกษาระดับใดคะ",
            kinds.choice(LEVELS, synonyms={"early_childhood": ("อนุบาล",), "primary": ("ประถม",),
                                           "lower_secondary": ("มต้น",), "upper_secondary": ("มปลาย",)}),
            label="ระดับการศึกษา",
            when=APPLYING,
        ),
        Step(
            "previous_school",
            "ก่อนหน้านี้ผู้เรียนเรียนที่โรงเรียนใด ชั้นอะไรคะ (ถ้ายังไม่เคยเข้าเรียน พิมพ์ “ไม่เคย”)",
            kinds.text(max_length=200, example="โรงเรียนบ้านหนองบัว ชั้น ป.2"),
            label="การศึกษาเดิม",
            when=APPLYING,
        ),
        Step(
            "permit_reference",
            "เลขที่คำขอบ้านเรียนที่ได้รับอนุญาต (ขึ้นต้นด้วย HS-) หรือรหัสตรวจสอบบนหนังสืออนุญาตค่ะ",
            kinds.text(max_length=40, example="HS-7KX3M9QP"),
            label="เลขที่อนุญาต",
            when=REPORTING,
        ),
        Step(
            "academic_year",
            "รายงานของปีการศึกษาใดคะ",
            kinds.be_year(),
            label="ปีการศึกษา",
            when=REPORTING,
        ),
        PARENT_NAME,
        _applying(RELATIONSHIP),
        PARENT_PHONE,
        Step(
            "home_address",
            "ที่อยู่ที่จัดการศึกษา (บ้านที่ผู้เรียนอยู่) ค่ะ พิมพ์ในข้อความเดียว: บ้านเลขที่ หมู่ ซอย ถนน "
            "ตามด้วยตำบล อำเภอ จังหวัด และรหัสไปรษณีย์",
            kinds.address(),
            label="ที่อยู่ที่จัด",
            when=APPLYING,
        ),
        Step(
            "educator_name",
            "ผู้จัดการศึกษาคือใครคะ (บุคคลในครอบครัว หรือผู้ที่ครอบครัวมอบหมาย) พิมพ์ชื่อและนามสกุล",
            kinds.person_name(),
            label="ผู้จัดการศึกษา",
            when=APPLYING,
        ),
        Step(
            "educator_qualification",
            "ผู้จัดการศึกษาจบการศึกษาสูงสุดระดับใดคะ",
            kinds.text(max_length=120, example="ปริญญาตรี ครุศาสตรบัณฑิต"),
            label="วุฒิผู้จัด",
            when=APPLYING,
        ),
        Step(
            "education_plan",
            "ขอไฟล์หรือรูปถ่ายแผนการจัดการศึกษาของครอบครัวค่ะ (ส่งเป็น PDF หรือหลายรูปพร้อมกันได้)",
            kinds.document(),
            label="แผนการจัดการศึกษา",
            when=APPLYING,
        ),
        Step("birth_certificate", "ขอรูปถ่ายสูติบัตรของผู้เรียนค่ะ", kinds.document(), label="สูติบัตร",
             when=APPLYING),
        _applying(STUDENT_HOUSE_REGISTRATION),
        Step(
            "parents_id_cards",
            "ขอรูปถ่ายบัตรประชาชนของบิดามารดา (หรือผู้ปกครอง) ค่ะ ส่งหลายรูปพร้อมกันได้",
            kinds.document(),
            label="บัตรบิดามารดา",
            when=APPLYING,
        ),
        Step(
            "educator_certificate",
            "ขอรูปถ่ายหลักฐานการศึกษาของผู้จัดการศึกษาค่ะ (ถ้าไม่มี ข้ามได้)",
            kinds.document(),
            label="วุฒิบัตรผู้จัด",
            required=False,
            when=APPLYING,
        ),
        Step(
            "previous_records",
            "ถ้าผู้เรียนเคยเรียนในโรงเรียน ขอรูปถ่ายหลักฐานผลการเรียนเดิม (ปพ.1) ค่ะ (ถ้าไม่มี ข้ามได้)",
            kinds.document(),
            label="ผลการเรียนเดิม",
            required=False,
            when=APPLYING,
        ),
        Step(
            "yearly_report",
            "ขอไฟล์หรือรูปถ่ายแบบรายงานการจัดการศึกษาโดยครอบครัว (รายปี) ค่ะ",
            kinds.document(),
            label="รายงานประจำปี",
            when=REPORTING,
        ),
        Step(
            "assessment_evidence",
            "ขอหลักฐานผลการประเมินผู้เรียน เช่น แฟ้มสะสมงาน หรือผลการประเมินตามแผนค่ะ (ถ้าไม่มี ข้ามได้)",
            kinds.document(),
            label="หลักฐานการประเมิน",
            required=False,
            when=REPORTING,
        ),
    ],
    next_steps=_next_steps,
    first_message=_what_was_asked,
)

# On the issue form: the committee's decision the permit rests on, and from when it applies.
COMMITTEE_FIELD = StaffField(
    "committee_resolution",
    "มติคณะกรรมการพิจารณาการจัดการศึกษาโดยครอบครัว (ครั้งที่ และวันที่ประชุม)",
    required=True,
    placeholder="เช่น ครั้งที่ 2/2569 เมื่อวันที่ 15 พฤษภาคม 2569",
)
PERIOD_FIELD = StaffField(
    "permitted_period",
    "ระยะเวลาที่อนุญาต (ปีการศึกษา หรือช่วงชั้น)",
    required=True,
    placeholder="เช่น ปีการศึกษา 2569 ถึง 2571 (ช่วงชั้นที่ 2)",
)


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    if answers.get("request_kind") == "report":
        raise DocumentInputMissing("a yearly report is acknowledged, not permitted",
                                   "รายงานประจำปีไม่มีหนังสืออนุญาตค่ะ กด “รับทราบรายงาน” แทน")
    resolution = " ".join(given.get(COMMITTEE_FIELD.name, "").split())
    period = " ".join(given.get(PERIOD_FIELD.name, "").split())
    if not resolution or not period:
        raise DocumentInputMissing(
            "the permit needs the committee's resolution and the period",
            "กรุณากรอกมติคณะกรรมการ และระยะเวลาที่อนุญาต ก่อนออกหนังสืออนุญาตค่ะ")
    return {
        "subject_name": answers.need("student_name", "ชื่อผู้เรียน"),
        "applicant_name": answers.need("parent_name", "ชื่อผู้ยื่นคำขอ"),
        "educator_name": answers.need("educator_name", "ชื่อผู้จัดการศึกษา"),
        "level": LEVELS.get(str(answers.get("education_level")), ""),
        "application_number": application.public_number,
        "request_date": application.submitted_at.date().isoformat() if application.submitted_at else None,
        "committee_resolution": resolution,
        "permitted_period": period,
    }


SPEC = ServiceSpec(
    id=SERVICE_ID,
    flow=FLOW,
    # A district office's service, asked for in the chat of a school of the district, as
    # no_school_place is: docs/rules.md, "Home schooling".
    school_types=(SchoolType.ORDINARY,),
    menu_position=16,
    # Not found in a source seen here (the 2547 regulation's own limit was not read): docs/rules.md.
    time_limit_days=30,
    approvers=("district",),
    document=ServiceDocument(
        type=DocumentType(
            id="home_school_permit",
            title_th="หนังสืออนุญาตให้จัดการศึกษาขั้นพื้นฐานโดยครอบครัว",
            required=("subject_name", "applicant_name", "educator_name", "committee_resolution",
                      "permitted_period"),
            download_name="home-school-permit.pdf",
            short_title="หนังสืออนุญาต",
            layout="form",
            signer="district",
        ),
        make_data=document_data,
        staff_fields=(COMMITTEE_FIELD, PERIOD_FIELD),
    ),
    fee=FeeRule(code="HS"),
    routing_words=(r"จัดการศึกษา(ขั้นพื้นฐาน)?โดยครอบครัว", r"ขอ(ทำ|จัด|เปิด)?บ้านเรียน", r"จดทะเบียนบ้านเรียน",
                   r"ขอโฮมสคูล", r"homeschool", r"รายงาน(ผล)?(ประจำปี)?บ้านเรียน", r"ประเมินผลบ้านเรียน"),
    routing_priority=45,
    source=("docs/rules.md#home-schooling: กฎกระทรวงว่าด้วยสิทธิในการจัดการศึกษาขั้นพื้นฐานโดยครอบครัว "
            "พ.ศ. 2547; OBEC's guideline on home schooling; a district's published steps, forms and "
            "yearly report"),
    free_by=FREE_BASIC_EDUCATION,
)
