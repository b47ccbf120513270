"""The yearly report of a family that home-schools (รายงานผลการจัดการศึกษาโดยครอบครัวประจำปี).

Part of the source's district-level service 1 (flows/services/home_school.py): a family with the
district's permit evaluates its learner's learning each year and reports to the district office,
whose staff acknowledge the report on the district pages (the sign-off of this request is the
acknowledgement; no document is issued). docs/rules.md, "Home schooling".
"""

from __future__ import annotations

from backend.catalog import FeeRule
from backend.organisations import SchoolType
from flows import kinds
from flows.common import CHILD_NAME, FREE_BASIC_EDUCATION, PARENT_NAME, PARENT_PHONE
from flows.flow import Flow, Step
from flows.spec import ServiceSpec

SERVICE_ID = "home_school_report"

FLOW = Flow(
    id=SERVICE_ID,
    title="ส่งรายงานผลการจัดการศึกษาโดยครอบครัวประจำปี",
    menu_label="รายงานบ้านเรียน",
    number_prefix="HR",
    version=1,
    intro=(
        "สำหรับครอบครัวที่ได้รับอนุญาตให้จัดการศึกษาโดยครอบครัว (บ้านเรียน) แล้ว ส่งรายงานผลการจัดการศึกษา"
        "และผลการประเมินผู้เรียนประจำปีถึงสำนักงานเขตพื้นที่การศึกษาค่ะ"
    ),
    steps=[
        CHILD_NAME,
        Step(
            "permit_reference",
            "เลขที่คำขอบ้านเรียนที่ได้รับอนุญาต (ขึ้นต้นด้วย HS-) หรือรหัสตรวจสอบบนหนังสืออนุญาตค่ะ",
            kinds.text(max_length=40, example="HS-7KX3M9QP"),
            label="เลขที่อนุญาต",
        ),
        Step(
            "academic_year",
            "รายงานของปีการศึกษาใดคะ",
            kinds.be_year(),
            label="ปีการศึกษา",
        ),
        Step(
            "yearly_report",
            "ขอไฟล์หรือรูปถ่ายแบบรายงานการจัดการศึกษาโดยครอบครัว (รายปี) ค่ะ",
            kinds.document(),
            label="รายงานประจำปี",
        ),
        Step(
            "assessment_evidence",
            "ขอหลักฐานผลการประเมินผู้เรียน เช่น แฟ้มสะสมงาน หรือผลการประเมินตามแผนค่ะ (ถ้าไม่มี ข้ามได้)",
            kinds.document(),
            label="หลักฐานการประเมิน",
            required=False,
        ),
        PARENT_NAME,
        PARENT_PHONE,
    ],
    next_steps=(
        "สำนักงานเขตพื้นที่การศึกษาจะตรวจรับรายงาน และแจ้งการรับทราบทาง LINE นี้ค่ะ "
        "หากต้องนัดประเมินผลร่วมกับคณะกรรมการ เจ้าหน้าที่จะแจ้งวันนัดหมายค่ะ"
    ),
)

SPEC = ServiceSpec(
    id=SERVICE_ID,
    flow=FLOW,
    school_types=(SchoolType.ORDINARY,),
    menu_position=17,
    # No time limit for acknowledging a report was found: docs/rules.md, "Home schooling".
    time_limit_days=15,
    approvers=("district",),
    document=None,  # acknowledged on the district pages; the parent is told in the chat
    fee=FeeRule(code="HSR"),
    routing_words=(r"รายงาน(ผล)?(การจัดการศึกษา)?(โดยครอบครัว|บ้านเรียน)", r"ส่งรายงานบ้านเรียน",
                   r"ประเมินผลบ้านเรียน", r"รายงานประจำปีบ้านเรียน"),
    routing_priority=44,
    source="docs/rules.md#home-schooling: the yearly report of OBEC's guideline and a district's forms",
    free_by=FREE_BASIC_EDUCATION,
)
