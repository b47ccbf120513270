"""Permits to use private learning media in schools (การขออนุญาตให้ใช้สื่อการเรียนรู้ของเอกชนในสถานศึกษา):
OBEC's own service, in its two variants, checked before sale (ตรวจก่อนจัดจำหน่าย) and after sale
(ตรวจหลังจัดจำหน่าย).

The source's OBEC-level services 4 and 5 (สำนักวิชาการและมาตรฐานการศึกษา, สวก.): one process whose
variant is the first question, as the district's learning centres are one family of flows. A
publisher asks in any school's LINE chat under "บริการ สพฐ."; OBEC's officers (role ``obec``) check
the media and issue a signed permit as OBEC. Its citizen's manuals were not found with the search
tool: the flow asks only what identifies the publisher and the media, and the media itself
(docs/rules.md, "Learning media").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend.applications.models import Application
from backend.catalog import DocumentType, FeeRule, ServiceDocument, StaffField
from backend.documents.from_applications import Answers
from backend.organisations import ALL_SCHOOL_TYPES
from backend.school_config import SchoolConfig
from flows import kinds
from flows.flow import OBEC_PUBLIC, Flow, Step, answer_is
from flows.spec import ServiceSpec

SERVICE_ID = "learning_media_permit"
STAGES = {"before_sale": "ตรวจก่อนจัดจำหน่าย", "after_sale": "ตรวจหลังจัดจำหน่าย"}
MEDIA_KINDS = {"textbook": "หนังสือเรียน", "workbook": "แบบฝึกหัด", "digital": "สื่อดิจิทัล", "other": "สื่ออื่น"}

FLOW = Flow(
    id=SERVICE_ID,
    title="ขออนุญาตให้ใช้สื่อการเรียนรู้ในสถานศึกษา (สพฐ.)",
    menu_label="ขออนุญาตใช้สื่อ",
    number_prefix="MU",
    version=1,
    audience=OBEC_PUBLIC,
    intro=(
        "บริการสำหรับสำนักพิมพ์และผู้ผลิตสื่อการเรียนรู้ของเอกชน ที่ต้องการขออนุญาตให้ใช้สื่อในสถานศึกษา "
        "สังกัด สพฐ. ค่ะ ขอได้ทั้งแบบตรวจก่อนจัดจำหน่าย และตรวจหลังจัดจำหน่าย "
        "คำขอนี้ส่งถึงเจ้าหน้าที่ สพฐ. เท่านั้น ไม่ใช่โรงเรียนค่ะ"
    ),
    steps=[
        Step(
            "check_stage",
            "ต้องการขออนุญาตแบบใดคะ\n• ตรวจก่อนจัดจำหน่าย: สื่อที่ยังไม่ได้วางจำหน่าย\n"
            "• ตรวจหลังจัดจำหน่าย: สื่อที่วางจำหน่ายแล้ว",
            kinds.choice(STAGES, synonyms={"before_sale": ("ก่อนจำหน่าย", "ก่อนขาย", "ยังไม่ได้ขาย"),
                                           "after_sale": ("หลังจำหน่าย", "หลังขาย", "ขายแล้ว")}),
            label="แบบการตรวจ",
        ),
        Step(
            "organisation_name",
            "ชื่อผู้ผลิตหรือสำนักพิมพ์ค่ะ",
            kinds.text(max_length=200, example="บริษัท สื่อการเรียน จำกัด"),
            label="ผู้ผลิต",
        ),
        Step(
            "producer_number",
            "เลขทะเบียนผู้ผลิตสื่อการเรียนรู้ที่ สพฐ. ให้ไว้ค่ะ (ถ้ายังไม่มี กด “ข้าม”)",
            kinds.text(max_length=40, example="สพฐ. 123/2569"),
            label="เลขทะเบียนผู้ผลิต",
            required=False,
        ),
        Step(
            "requester_name",
            "ชื่อและนามสกุลของผู้ติดต่อ พร้อมคำนำหน้าค่ะ เช่น นางสาวสมใจ ใจดี",
            kinds.person_name(),
            label="ผู้ติดต่อ",
        ),
        Step("phone", "เบอร์โทรศัพท์ของผู้ติดต่อค่ะ", kinds.phone(), label="เบอร์โทร"),
        Step(
            "media_title",
            "ชื่อสื่อการเรียนรู้ค่ะ",
            kinds.text(max_length=200, example="หนังสือเรียนรายวิชาพื้นฐาน คณิตศาสตร์ ป.4"),
            label="ชื่อสื่อ",
        ),
        Step("media_kind", "เป็นสื่อประเภทใดคะ", kinds.choice(MEDIA_KINDS), label="ประเภทสื่อ"),
        Step(
            "subject_and_grade",
            "กลุ่มสาระการเรียนรู้ และระดับชั้นที่ใช้ค่ะ",
            kinds.text(max_length=200, example="คณิตศาสตร์ ชั้นประถมศึกษาปีที่ 4"),
            label="สาระและชั้น",
        ),
        Step(
            "manuscript",
            "ขอไฟล์หรือรูปถ่ายต้นฉบับสื่อที่จะตรวจค่ะ ส่งหลายไฟล์พร้อมกันได้",
            kinds.document(),
            label="ต้นฉบับสื่อ",
            when=answer_is("check_stage", "before_sale"),
        ),
        Step(
            "published_copy",
            "ขอไฟล์หรือรูปถ่ายสื่อฉบับที่จำหน่ายแล้ว (ปก หน้าลิขสิทธิ์ และเนื้อหา) ค่ะ ส่งหลายไฟล์พร้อมกันได้",
            kinds.document(),
            label="สื่อที่จำหน่าย",
            when=answer_is("check_stage", "after_sale"),
        ),
    ],
    next_steps=(
        "เจ้าหน้าที่ สพฐ. จะตรวจพิจารณาสื่อ แล้วแจ้งผลทาง LINE นี้ค่ะ ถ้าเอกสารไม่ครบ จะขอเพิ่มในแชตนี้ครั้งเดียว "
        "เมื่อได้รับอนุญาต จะได้รับหนังสืออนุญาตแบบอิเล็กทรอนิกส์ทาง LINE นี้ค่ะ"
    ),
)

REFERENCE_NUMBER = StaffField("reference_number", "เลขที่หนังสือ (ที่ ศธ ...)", required=True,
                              placeholder="ศธ 04010/456")
CONDITIONS = StaffField("conditions", "เงื่อนไขการอนุญาต (ถ้ามี)", multiline=True)


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    return {
        "subject_name": answers.need("organisation_name", "ชื่อผู้ผลิต"),
        "check_stage": STAGES.get(answers.need("check_stage", "แบบการตรวจ"), ""),
        "media_title": answers.need("media_title", "ชื่อสื่อ"),
        "media_kind": MEDIA_KINDS.get(answers.get("media_kind") or "", ""),
        "subject_and_grade": answers.get("subject_and_grade"),
        "producer_number": answers.get("producer_number"),
        "conditions": [line.strip() for line in str(given.get("conditions") or "").splitlines() if line.strip()],
        "reference_number": " ".join(str(given.get("reference_number") or "").split()),
    }


SPEC = ServiceSpec(
    id=SERVICE_ID,
    flow=FLOW,
    school_types=ALL_SCHOOL_TYPES,
    menu_position=140,
    # The manuals' time limits were not found: 30 working days, this product's longest, until read.
    time_limit_days=30,
    approvers=("obec",),
    document=ServiceDocument(
        type=DocumentType(
            id="learning_media_permit",
            title_th="หนังสืออนุญาตให้ใช้สื่อการเรียนรู้ในสถานศึกษา",
            required=("subject_name", "media_title", "check_stage", "reference_number"),
            download_name="learning-media-permit.pdf",
            short_title="อนุญาตใช้สื่อ",
            layout="certificate",
            signer="obec",
        ),
        make_data=document_data,
        staff_fields=(REFERENCE_NUMBER, CONDITIONS),
    ),
    # No fee: no source found names one.
    fee=FeeRule(code="LMU"),
    routing_words=(r"อนุญาตใช้สื่อ", r"อนุญาตให้ใช้สื่อ", r"ตรวจก่อนจัดจำหน่าย", r"ตรวจหลังจัดจำหน่าย",
                   r"ตรวจสื่อ"),
    routing_priority=140,
    source=("docs/rules.md#learning-media: the source's OBEC-level services 4 and 5; their citizen's "
            "manuals (สพฐ., สวก.) were not found"),
)
