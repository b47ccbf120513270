"""Learning centres with more than 100 learners (ศูนย์การเรียน, เกิน 100 คน): OBEC's own service.

The source's OBEC-level services 6 and 7 ("ระดับ สพฐ."): an individual, or a private organisation
registered abroad (นิติบุคคลซึ่งไม่ได้จดทะเบียนในประเทศไทย), asks for the right to provide basic
education in a learning centre of more than 100 learners. Up to 100 is the district office's
(flows/services/learning_centre.py, README's district rows 2–7): the same applicant is told so
politely, at the learner count, and where to apply; nothing given is lost.

| variant | source row (README) | learners |
|---|---|---|
| individual | OBEC 6 | more than 100 |
| foreign | OBEC 7 | more than 100 |

The questions, documents and permit's facts are the district family's (flows/learning_centres.py);
OBEC's officers (role ``obec``) decide, and the permit is issued and signed as OBEC, with OBEC's
letter number. Asked for in any school's LINE chat, under "บริการ สพฐ.". Sources, and what was not
found (the manuals' own lists of documents, time limit, fee): docs/rules.md, "Learning centres".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend.applications.models import Application
from backend.catalog import DocumentType, FeeRule, ServiceDocument, StaffField
from backend.documents.from_applications import Answers
from backend.organisations import ALL_SCHOOL_TYPES
from backend.school_config import SchoolConfig
from backend.thai.errors import ThaiInputError
from flows import kinds
from flows.flow import OBEC_PUBLIC, Check, Context, Flow, Step, When
from flows.learning_centres import (
    CONSIDERATION_FIELD,
    DISTRICT_ENTRY,
    PERIOD_FIELD,
    centre_steps,
    learners_step,
    permit_data,
)
from flows.spec import ServiceSpec

SERVICE_ID = "learning_centre_obec"

VARIANTS = {"individual": "บุคคล เกิน 100 คน", "foreign": "ต่างชาติ เกิน 100 คน"}
# As the source names each (OBEC's rows 6 and 7), for the permit and the officers' pages.
VARIANT_TITLES = {
    "individual": "ตามสิทธิของบุคคล (มีผู้เรียนจำนวนเกินกว่า 100 คน)",
    "foreign": ("ตามสิทธิขององค์กรเอกชนที่เป็นนิติบุคคลซึ่งไม่ได้จดทะเบียนในประเทศไทย "
                "(มีผู้เรียนจำนวนเกินกว่า 100 คน)"),
}
MORE_THAN = 100
DISTRICT_DECIDES = (
    f"ศูนย์การเรียนที่มีผู้เรียนไม่เกิน {MORE_THAN} คน ยื่นขออนุญาตต่อสำนักงานเขตพื้นที่การศึกษา ไม่ใช่ สพฐ. ค่ะ "
    "ถ้าพิมพ์จำนวนผิด พิมพ์จำนวนผู้เรียนใหม่ได้เลย ข้อมูลที่กรอกไว้ยังอยู่ครบ\n"
    f"ถ้าจะยื่นต่อสำนักงานเขตพื้นที่การศึกษา พิมพ์ “ยกเลิก” แล้วพิมพ์ “{DISTRICT_ENTRY}” ในแชตนี้ได้เลยค่ะ"
)


def variant_in(*variants: str) -> When:
    return When(lambda ctx: ctx.answers["variant"] in variants, uses=("variant",),
                describe=" / ".join(VARIANTS[v] for v in variants))


def _more_than_a_hundred(value: int, ctx: Context) -> None:
    if value <= MORE_THAN:
        raise ThaiInputError(DISTRICT_DECIDES, code="learning_centre.district")


FLOW = Flow(
    id=SERVICE_ID,
    title="ขออนุญาตจัดการศึกษาในศูนย์การเรียน เกิน 100 คน (สพฐ.)",
    menu_label="ศูนย์การเรียนเกิน100",
    number_prefix="LO",
    version=1,
    audience=OBEC_PUBLIC,
    intro=(
        "สำหรับบุคคล หรือองค์กรเอกชนที่เป็นนิติบุคคลซึ่งไม่ได้จดทะเบียนในประเทศไทย ที่ขออนุญาตจัดการศึกษา"
        f"ขั้นพื้นฐานในศูนย์การเรียนที่มีผู้เรียนเกิน {MORE_THAN} คนค่ะ "
        "คำขอนี้ส่งถึงสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (สพฐ.) ไม่ใช่โรงเรียน "
        "เจ้าหน้าที่ สพฐ. เท่านั้นที่เห็นข้อมูลและเอกสารในคำขอนี้ เพื่อพิจารณาคำขอค่ะ\n"
        f"ศูนย์การเรียนที่มีผู้เรียนไม่เกิน {MORE_THAN} คน หรือขององค์กรอื่น ยื่นต่อสำนักงานเขตพื้นที่การศึกษา: "
        f"พิมพ์ “{DISTRICT_ENTRY}” ค่ะ"
    ),
    steps=[
        Step(
            "variant",
            "ผู้ขออนุญาตเป็นใครคะ เลือกจากปุ่มด้านล่างค่ะ\n"
            "• บุคคล\n"
            "• ต่างชาติ: องค์กรเอกชนที่เป็นนิติบุคคลซึ่งไม่ได้จดทะเบียนในประเทศไทย",
            kinds.choice(VARIANTS, synonyms={"individual": ("บุคคล",),
                                             "foreign": ("ต่างชาติ", "ต่างประเทศ", "องค์กรต่างชาติ")}),
            label="ประเภทผู้ขอ",
        ),
        learners_step(Check(_more_than_a_hundred, uses=())),
        *centre_steps(variant_in, individual=("individual",), organisation=("foreign",), foreign=("foreign",)),
    ],
    next_steps=(
        "เจ้าหน้าที่ สพฐ. จะตรวจสอบคำขอและเอกสาร พิจารณา และแจ้งผลทาง LINE นี้ค่ะ "
        "ถ้าเอกสารไม่ครบ จะขอเพิ่มในแชตนี้ครั้งเดียว\n"
        "เมื่อได้รับอนุญาต จะได้รับหนังสืออนุญาตแบบอิเล็กทรอนิกส์ทาง LINE นี้ ตรวจสอบได้ที่หน้าตรวจสอบเอกสารค่ะ"
    ),
)

# OBEC's own letter series: typed by its officer (the school's letter code is not OBEC's).
REFERENCE_NUMBER = StaffField("reference_number", "เลขที่หนังสือ (ที่ ศธ ...)", required=True,
                              placeholder="ศธ 04010/123")


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    return {**permit_data(answers, application, given, VARIANT_TITLES),
            "reference_number": " ".join(str(given.get(REFERENCE_NUMBER.name) or "").split())}


SPEC = ServiceSpec(
    id=SERVICE_ID,
    flow=FLOW,
    # Asked for in any school's chat: OBEC's service does not depend on the school's type.
    school_types=ALL_SCHOOL_TYPES,
    menu_position=150,
    # The manuals' time limits were not found: 30 working days, the district family's, until read.
    time_limit_days=30,
    approvers=("obec",),
    document=ServiceDocument(
        type=DocumentType(
            id="learning_centre_obec_permit",
            title_th="หนังสืออนุญาตให้จัดการศึกษาขั้นพื้นฐานในศูนย์การเรียน",
            required=("subject_name", "variant_title", "centre_name", "decision_reference", "permitted_period",
                      "reference_number"),
            download_name="learning-centre-permit-obec.pdf",
            short_title="หนังสืออนุญาต",
            layout="form",
            signer="obec",
        ),
        make_data=document_data,
        staff_fields=(REFERENCE_NUMBER, CONSIDERATION_FIELD, PERIOD_FIELD),
    ),
    # No fee: no manual was found that names one (docs/rules.md, "OBEC's own services").
    fee=FeeRule(code="LCO"),
    # Before the district's words ("ศูนย์การเรียน", priority 43): only a count over 100, or OBEC named.
    routing_words=(r"ศูนย์การเรียน\S*(เกิน|มากกว่า)[1-9]\d{2,}", r"ศูนย์การเรียน\S*(สพฐ|obec)"),
    routing_priority=42,
    source=("docs/rules.md#learning-centres-of-more-than-100-learners: the source's list of OBEC's services "
            "(ระดับ สพฐ., 6 and 7); กฎกระทรวงว่าด้วยสิทธิในการจัดการศึกษาขั้นพื้นฐานในศูนย์การเรียน พ.ศ. 2555 "
            "(its text not found, docs/rules.md#learning-centres)"),
)
