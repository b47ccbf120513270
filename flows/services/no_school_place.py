"""A child without a school place for the coming year: the parent registers with the district office.

The source's district-level service 9, "กระบวนการยื่นความจำนงประสงค์เข้าเรียนของนักเรียนที่ยังไม่มีที่เรียน
สำหรับการรับนักเรียนประจำปีการศึกษา". The parent registers in the chat of any school of the district
(typically the one that had no place); the district office's staff assign a school of the district
with seats (web/staff/routes/district.py), and that school receives the request as an admission
with the answers and documents already given, so the parent is not asked again
(backend/referrals.py). Its citizen's manual was not found: docs/rules.md, "Children without a
school place".
"""

from __future__ import annotations

from backend.catalog import FeeRule
from backend.organisations import SchoolType
from backend.thai.grades import Grade
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
from flows.flow import Flow, Step
from flows.spec import ServiceSpec

SERVICE_ID = "no_school_place"
# The grades OBEC's yearly admission admits children into; the district places children there.
ENTRY_GRADES = (Grade.K2, Grade.P1, Grade.M1, Grade.M4)

FLOW = Flow(
    id=SERVICE_ID,
    title="แจ้งความประสงค์ขอที่เรียน (ยังไม่มีที่เรียน)",
    menu_label="ยังไม่มีที่เรียน",
    number_prefix="NP",
    version=1,
    intro=(
        "สำหรับนักเรียนที่ยังไม่มีที่เรียนในปีการศึกษาหน้าค่ะ คำขอนี้ส่งถึงสำนักงานเขตพื้นที่การศึกษา "
        "ซึ่งจะจัดหาโรงเรียนในสังกัดที่ยังมีที่ว่างให้ แล้วโรงเรียนนั้นจะรับเรื่องต่อโดยใช้ข้อมูลและเอกสารชุดนี้ "
        "ไม่ต้องส่งซ้ำค่ะ\n"
        # Who sees the data differs from a school's request (PDPA s.23: the purpose and recipients).
        "ข้อมูลและเอกสารในคำขอนี้ เจ้าหน้าที่สำนักงานเขตพื้นที่การศึกษาและโรงเรียนที่จัดให้เข้าเรียนเท่านั้นที่เห็น "
        "เพื่อจัดหาที่เรียนให้นักเรียนค่ะ"
    ),
    steps=[
        CHILD_NAME,
        ENROLLING_NATIONAL_ID,
        STUDENT_BIRTH_DATE,
        Step(
            "grade_applied",
            "ต้องการเข้าเรียนชั้นอะไรคะ เลือกจากปุ่มด้านล่างได้เลยค่ะ",
            kinds.grade(buttons=ENTRY_GRADES),
            label="ชั้นที่ต้องการ",
        ),
        Step(
            "schools_applied",
            "เคยสมัครโรงเรียนใดแล้วบ้างคะ (ถ้ายังไม่เคยสมัคร พิมพ์ “ยังไม่เคย”)",
            kinds.text(max_length=300, example="โรงเรียนบ้านหนองบัว (เต็ม)"),
            label="เคยสมัครที่",
        ),
        PARENT_NAME,
        RELATIONSHIP,
        PARENT_PHONE,
        Step(
            "home_address",
            "ที่อยู่ตามทะเบียนบ้านของนักเรียนค่ะ พิมพ์ในข้อความเดียว: บ้านเลขที่ หมู่ ซอย ถนน "
            "ตามด้วยตำบล อำเภอ จังหวัด และรหัสไปรษณีย์\n"
            "เช่น 12 หมู่ 3 ต.ในเมือง อ.เมืองขอนแก่น จ.ขอนแก่น 40000",
            kinds.address(),
            label="ที่อยู่",
        ),
        Step("birth_certificate", "ขอรูปถ่ายสูติบัตรของนักเรียนค่ะ", kinds.document(), label="สูติบัตร"),
        STUDENT_HOUSE_REGISTRATION,
        Step(
            "parents_id_cards",
            "ขอรูปถ่ายบัตรประชาชนของบิดาและมารดา (หรือผู้ปกครอง) ค่ะ ส่งหลายรูปพร้อมกันได้",
            kinds.document(),
            label="บัตรบิดามารดา",
        ),
    ],
    next_steps=(
        "สำนักงานเขตพื้นที่การศึกษาจะจัดหาโรงเรียนที่มีที่ว่างให้ และแจ้งชื่อโรงเรียนทาง LINE นี้ค่ะ "
        "จากนั้นโรงเรียนนั้นจะติดต่อเรื่องการมอบตัวค่ะ"
    ),
)

SPEC = ServiceSpec(
    id=SERVICE_ID,
    flow=FLOW,
    # A district office's service, asked for in the chat of an ordinary school of the district:
    # docs/rules.md, "Services by type of school" and "Children without a school place".
    school_types=(SchoolType.ORDINARY,),
    menu_position=15,
    # The manual's time limit was not found: the admission service's 7 working days until it is read.
    time_limit_days=7,
    approvers=("district",),
    document=None,  # the outcome is the assigned school's admission, which issues its own result
    assigns_school=True,
    fee=FeeRule(code="NSP"),
    routing_words=(r"ยังไม่มีที่เรียน", r"ไม่มีที่เรียน", r"ไม่ได้ที่เรียน", r"หาที่เรียน", r"ขอที่เรียน",
                   r"โรงเรียนเต็ม", r"ไม่มีโรงเรียนรับ"),
    routing_priority=75,
    source=("docs/rules.md#children-without-a-school-place: the source's district-level service 9; "
            "its citizen's manual was not found (OBEC's 2567 announcements are followed)"),
    free_by=FREE_BASIC_EDUCATION,
)
