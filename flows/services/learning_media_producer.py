"""Registration as a producer of learning media (การขอจดทะเบียนเป็นผู้ผลิตสื่อการเรียนรู้): OBEC's own service.

The source's OBEC-level service 3 (สำนักวิชาการและมาตรฐานการศึกษา, สวก.). A publisher asks OBEC,
in any school's LINE chat under "บริการ สพฐ.", to register it as a producer of learning media; OBEC's
officers (role ``obec``) decide and issue a signed certificate of registration as OBEC.

Its citizen's manual was not found with the search tool, nor any regulation on the registration:
the flow asks only what identifies the producer and what it makes (docs/rules.md, "Learning
media"); its documents, time limit and fee are to be checked against the manual.
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
from flows.flow import OBEC_PUBLIC, Flow, Step
from flows.spec import ServiceSpec

SERVICE_ID = "learning_media_producer"

FLOW = Flow(
    id=SERVICE_ID,
    title="ขอจดทะเบียนเป็นผู้ผลิตสื่อการเรียนรู้ (สพฐ.)",
    menu_label="จดทะเบียนผู้ผลิตสื่อ",
    number_prefix="MP",
    version=1,
    audience=OBEC_PUBLIC,
    intro=(
        "บริการสำหรับสำนักพิมพ์และผู้ผลิตสื่อการเรียนรู้ ที่ต้องการจดทะเบียนเป็นผู้ผลิตสื่อการเรียนรู้กับ "
        "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (สพฐ.) ค่ะ คำขอนี้ส่งถึงเจ้าหน้าที่ สพฐ. เท่านั้น ไม่ใช่โรงเรียน\n"
        "เตรียมรูปถ่ายหรือไฟล์หนังสือรับรองการจดทะเบียนนิติบุคคล (หรือบัตรประชาชน กรณีบุคคลธรรมดา) ไว้ได้เลยค่ะ"
    ),
    steps=[
        Step(
            "organisation_name",
            "ชื่อผู้ผลิตสื่อค่ะ (ชื่อบริษัท ห้างหุ้นส่วน หรือชื่อบุคคล)",
            kinds.text(max_length=200, example="บริษัท สื่อการเรียน จำกัด"),
            label="ผู้ผลิต",
        ),
        Step(
            "registration_id",
            "เลขทะเบียนนิติบุคคล 13 หลักค่ะ (บุคคลธรรมดา พิมพ์เลขประจำตัวประชาชน)",
            kinds.text(max_length=20, example="0105561234567"),
            label="เลขทะเบียน",
        ),
        Step(
            "requester_name",
            "ชื่อและนามสกุลของผู้ติดต่อ พร้อมคำนำหน้าค่ะ เช่น นางสาวสมใจ ใจดี",
            kinds.person_name(),
            label="ผู้ติดต่อ",
        ),
        Step("phone", "เบอร์โทรศัพท์ของผู้ติดต่อค่ะ", kinds.phone(), label="เบอร์โทร"),
        Step(
            "business_address",
            "ที่ตั้งสำนักงานค่ะ พิมพ์ในข้อความเดียว: เลขที่ ถนน ตำบล/แขวง อำเภอ/เขต จังหวัด และรหัสไปรษณีย์",
            kinds.address(),
            label="ที่ตั้ง",
        ),
        Step(
            "media_kinds",
            "ผลิตสื่อการเรียนรู้ประเภทใดบ้างคะ เช่น หนังสือเรียน แบบฝึกหัด สื่อดิจิทัล",
            kinds.text(max_length=300, example="หนังสือเรียนและแบบฝึกหัด ระดับประถมศึกษา"),
            label="ประเภทสื่อ",
        ),
        Step(
            "registration_certificate",
            "ขอรูปถ่ายหรือไฟล์หนังสือรับรองการจดทะเบียนนิติบุคคลค่ะ (บุคคลธรรมดา: บัตรประชาชน)",
            kinds.document(),
            label="หนังสือรับรอง",
        ),
    ],
    next_steps=(
        "เจ้าหน้าที่ สพฐ. จะตรวจเอกสารและพิจารณาคำขอ แล้วแจ้งผลทาง LINE นี้ค่ะ "
        "ถ้าเอกสารไม่ครบ จะขอเพิ่มในแชตนี้ครั้งเดียว เมื่อจดทะเบียนแล้ว จะได้รับหนังสือรับรองทาง LINE นี้ค่ะ"
    ),
)

PRODUCER_NUMBER = StaffField("producer_number", "เลขทะเบียนผู้ผลิตสื่อที่ สพฐ. ให้", required=True)
REFERENCE_NUMBER = StaffField("reference_number", "เลขที่หนังสือ (ที่ ศธ ...)", required=True,
                              placeholder="ศธ 04010/123")


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    return {
        "subject_name": answers.need("organisation_name", "ชื่อผู้ผลิต"),
        "registration_id": answers.get("registration_id"),
        "media_kinds": answers.get("media_kinds"),
        "producer_number": " ".join(str(given.get("producer_number") or "").split()),
        "reference_number": " ".join(str(given.get("reference_number") or "").split()),
    }


SPEC = ServiceSpec(
    id=SERVICE_ID,
    flow=FLOW,
    school_types=ALL_SCHOOL_TYPES,
    menu_position=130,
    # The manual's time limit was not found: 30 working days, this product's longest, until it is read.
    time_limit_days=30,
    approvers=("obec",),
    document=ServiceDocument(
        type=DocumentType(
            id="learning_media_producer_certificate",
            title_th="หนังสือรับรองการจดทะเบียนเป็นผู้ผลิตสื่อการเรียนรู้",
            required=("subject_name", "producer_number", "reference_number"),
            download_name="learning-media-producer.pdf",
            short_title="ทะเบียนผู้ผลิต",
            layout="certificate",
            signer="obec",
        ),
        make_data=document_data,
        staff_fields=(PRODUCER_NUMBER, REFERENCE_NUMBER),
    ),
    # No fee: no source found names one.
    fee=FeeRule(code="LMP"),
    routing_words=(r"ผู้ผลิตสื่อ", r"จดทะเบียนผู้ผลิต", r"ทะเบียนผู้ผลิตสื่อ"),
    routing_priority=130,
    source=("docs/rules.md#learning-media: the source's OBEC-level service 3; its citizen's manual "
            "(สพฐ., สวก.) was not found"),
)
