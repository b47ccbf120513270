"""Qualification equivalence (การให้บริการเทียบวุฒิการศึกษาระดับการศึกษาขั้นพื้นฐาน): OBEC's own service.

The source's OBEC-level service 1 (สำนักทดสอบทางการศึกษา, สทศ.). Someone educated abroad, or in
Thailand outside the ordinary school system, asks OBEC to state what their studies are equivalent
to at lower or upper secondary level; OBEC's officers (role ``obec``) decide and issue a signed
certificate of equivalence (หนังสือรับรองการเทียบวุฒิ) as OBEC, with OBEC's own signing material,
verifiable on ``/verify``. The request is made in any school's LINE chat, under "บริการ สพฐ.".

Who does what follows ระเบียบกระทรวงศึกษาธิการ ว่าด้วยการเทียบวุฒิการศึกษาในประเทศและต่างประเทศ
ระดับการศึกษาขั้นพื้นฐาน พ.ศ. 2563: OBEC compares Thai qualifications at lower and upper secondary
level, foreign ones at lower secondary level, and foreign upper secondary ones only for purposes
other than higher education. The citizen's manual itself was not found with the search tool: its
documents, time limit and fee are not known (docs/rules.md, "Qualification equivalence").
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
from flows.flow import OBEC_PUBLIC, Check, Context, Flow, Step, answer_is
from flows.spec import ServiceSpec

SERVICE_ID = "qualification_equivalence"

WHERE = {"abroad": "ต่างประเทศ", "thailand": "ในประเทศ นอกระบบ"}
LEVELS = {"lower_secondary": "มัธยมศึกษาตอนต้น", "upper_secondary": "มัธยมศึกษาตอนปลาย"}
PURPOSES = {"higher_education": "เรียนต่อมหาวิทยาลัย", "work": "สมัครงาน", "other": "อื่น ๆ"}
# The regulation of 2563 leaves a foreign upper secondary qualification for higher education to
# others: OBEC compares it only for other purposes.
NOT_OBECS = ("วุฒิ ม.ปลาย จากต่างประเทศที่จะใช้เรียนต่อมหาวิทยาลัย สพฐ. ไม่ได้เป็นผู้เทียบวุฒิค่ะ "
             "(ระเบียบกระทรวงศึกษาธิการ ว่าด้วยการเทียบวุฒิการศึกษาฯ พ.ศ. 2563) "
             "กรุณาสอบถามมหาวิทยาลัยที่จะสมัครเรียนค่ะ ถ้าจะใช้วุฒิเพื่อเรื่องอื่น เลือกใหม่ได้เลยค่ะ")


def _obecs_to_compare(value: str, ctx: Context) -> None:
    if (value == "higher_education" and ctx.answers["studied_where"] == "abroad"
            and ctx.answers["level"] == "upper_secondary"):
        raise ThaiInputError(NOT_OBECS, code="equivalence.not_obec")


FLOW = Flow(
    id=SERVICE_ID,
    title="ขอเทียบวุฒิการศึกษา (สพฐ.)",
    menu_label="เทียบวุฒิการศึกษา",
    number_prefix="QE",
    version=1,
    audience=OBEC_PUBLIC,
    intro=(
        "บริการเทียบวุฒิการศึกษาระดับมัธยมศึกษา สำหรับผู้ที่เรียนจากต่างประเทศ หรือเรียนในประเทศไทยนอกระบบโรงเรียนค่ะ "
        "คำขอนี้ส่งถึงสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (สพฐ.) ไม่ใช่โรงเรียน "
        "เจ้าหน้าที่ สพฐ. เท่านั้นที่เห็นข้อมูลและเอกสารในคำขอนี้ เพื่อพิจารณาเทียบวุฒิค่ะ\n"
        "เตรียมรูปถ่ายใบแสดงผลการเรียน (transcript) คำแปลเป็นภาษาไทย และบัตรประชาชนหรือหนังสือเดินทางไว้ได้เลยค่ะ"
    ),
    steps=[
        Step(
            "requester_name",
            "ชื่อและนามสกุลของผู้ขอเทียบวุฒิค่ะ พิมพ์ตามบัตรประชาชนหรือหนังสือเดินทาง พร้อมคำนำหน้า เช่น นายสมชาย ใจดี",
            kinds.person_name(),
            label="ชื่อผู้ขอ",
        ),
        Step(
            "identity_number",
            "เลขประจำตัวประชาชน หรือเลขหนังสือเดินทางค่ะ",
            kinds.text(max_length=30, example="AA1234567"),
            label="เลขบัตร",
        ),
        Step(
            "studied_where",
            "เรียนจบที่ไหนคะ",
            kinds.choice(WHERE, synonyms={"abroad": ("ต่างประเทศ", "เมืองนอก", "abroad"),
                                          "thailand": ("ในประเทศ", "ไทย", "นอกระบบ")}),
            label="เรียนที่",
        ),
        Step(
            "level",
            "ต้องการเทียบวุฒิระดับไหนคะ",
            kinds.choice(LEVELS, synonyms={"lower_secondary": ("ม.ต้น", "ม.3", "มต้น"),
                                           "upper_secondary": ("ม.ปลาย", "ม.6", "มปลาย")}),
            label="ระดับ",
        ),
        Step(
            "purpose",
            "จะนำวุฒิไปใช้ทำอะไรคะ",
            kinds.choice(PURPOSES, synonyms={"higher_education": ("เรียนต่อ", "มหาวิทยาลัย"),
                                             "work": ("ทำงาน", "งาน")}),
            label="นำไปใช้เพื่อ",
            check=Check(_obecs_to_compare, uses=("studied_where", "level")),
        ),
        Step(
            "institution",
            "ชื่อสถานศึกษาที่เรียนจบ และประเทศค่ะ",
            kinds.text(max_length=200, example="Lincoln High School, USA"),
            label="สถานศึกษา",
        ),
        Step(
            "completed_year",
            "เรียนจบปีไหนคะ (พ.ศ. หรือ ค.ศ. ก็ได้)",
            kinds.text(max_length=20, example="2566"),
            label="ปีที่จบ",
        ),
        Step(
            "transcript",
            "ขอรูปถ่ายใบแสดงผลการเรียน (transcript) และประกาศนียบัตร (ถ้ามี) ค่ะ ส่งหลายรูปพร้อมกันได้",
            kinds.document(),
            label="ใบแสดงผลการเรียน",
        ),
        Step(
            "translation",
            "ขอรูปถ่ายคำแปลใบแสดงผลการเรียนเป็นภาษาไทยค่ะ",
            kinds.document(),
            label="คำแปล",
            when=answer_is("studied_where", "abroad"),
        ),
        Step(
            "identity_document",
            "ขอรูปถ่ายบัตรประชาชน หรือหนังสือเดินทางหน้าที่มีรูปค่ะ",
            kinds.document(one_page=True),
            label="บัตรหรือพาสปอร์ต",
        ),
        Step("phone", "เบอร์โทรศัพท์ที่ติดต่อได้ค่ะ", kinds.phone(), label="เบอร์โทร"),
    ],
    next_steps=(
        "เจ้าหน้าที่ สพฐ. จะตรวจเอกสารและพิจารณาเทียบวุฒิ แล้วแจ้งผลทาง LINE นี้ค่ะ "
        "ถ้าเอกสารไม่ครบ จะขอเพิ่มในแชตนี้ครั้งเดียว\n"
        "เมื่อเทียบวุฒิแล้ว จะได้รับหนังสือรับรองการเทียบวุฒิแบบอิเล็กทรอนิกส์ทาง LINE นี้ "
        "ตรวจสอบได้ที่หน้าตรวจสอบเอกสารค่ะ"
    ),
)

EQUIVALENT_TO = StaffField("equivalent_to", "ผลการเทียบวุฒิ: เทียบได้เท่ากับ", required=True,
                           placeholder="ชั้นมัธยมศึกษาปีที่ 3 ตามหลักสูตรแกนกลางการศึกษาขั้นพื้นฐาน")
# OBEC's own letter series: typed by its officer (the school's letter code is not OBEC's).
REFERENCE_NUMBER = StaffField("reference_number", "เลขที่หนังสือ (ที่ ศธ ...)", required=True,
                              placeholder="ศธ 04004/123")


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    return {
        "subject_name": answers.need("requester_name", "ชื่อผู้ขอเทียบวุฒิ"),
        "identity_number": answers.get("identity_number"),
        "studied_where": WHERE.get(answers.need("studied_where", "สถานที่เรียน"), ""),
        "level": LEVELS.get(answers.need("level", "ระดับ"), ""),
        "institution": answers.need("institution", "สถานศึกษา"),
        "completed_year": answers.get("completed_year"),
        "equivalent_to": " ".join(str(given.get("equivalent_to") or "").split()),
        "reference_number": " ".join(str(given.get("reference_number") or "").split()),
    }


SPEC = ServiceSpec(
    id=SERVICE_ID,
    flow=FLOW,
    # Asked for in any school's chat: OBEC's service does not depend on the school's type.
    school_types=ALL_SCHOOL_TYPES,
    menu_position=110,
    # The manual's time limit was not found: 30 working days, the longest of this product's services
    # (credit transfer's), until it is read (docs/rules.md, "Qualification equivalence").
    time_limit_days=30,
    approvers=("obec",),
    document=ServiceDocument(
        type=DocumentType(
            id="qualification_equivalence_certificate",
            title_th="หนังสือรับรองการเทียบวุฒิการศึกษา",
            required=("subject_name", "level", "institution", "equivalent_to", "reference_number"),
            download_name="qualification-equivalence.pdf",
            short_title="หนังสือเทียบวุฒิ",
            layout="certificate",
            signer="obec",
        ),
        make_data=document_data,
        staff_fields=(EQUIVALENT_TO, REFERENCE_NUMBER),
    ),
    # No fee: the manual, which would name one, was not found.
    fee=FeeRule(code="QEQ"),
    routing_words=(r"เทียบวุฒิ", r"เทียบคุณวุฒิ", r"วุฒิต่างประเทศ", r"equivalence"),
    routing_priority=110,
    source=("docs/rules.md#qualification-equivalence: ระเบียบกระทรวงศึกษาธิการ ว่าด้วยการเทียบวุฒิการศึกษา"
            "ในประเทศและต่างประเทศระดับการศึกษาขั้นพื้นฐาน พ.ศ. 2563; the citizen's manual "
            "(สพฐ., สำนักทดสอบทางการศึกษา) was not found"),
)
