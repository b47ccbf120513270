"""Learning centres (ศูนย์การเรียน): an individual, an organisation or a workplace asks for the right
to provide basic education in a learning centre. One service for the source's family of services,
told apart by the variant the applicant picks first:

| variant | source row (README) | learners | decided by |
|---|---|---|---|
| individual_50 | district office 2 | up to 50 | the district office |
| individual_100 | district office 3 | 51–100 | the district office |
| professional | district office 4 | – | the district office |
| community_thai | district office 5 | – | the district office |
| foreign_50 | district office 6 | up to 50 | the district office |
| foreign_100 | district office 7 | 51–100 | the district office |
| workplace | district office 8 (ศูนย์การเรียนรู้ of a สถานประกอบการ) | – | the district office |

More than 100 learners (an individual, a foreign-registered organisation: OBEC's rows 6 and 7)
is OBEC's (สพฐ.) decision, not a district's: the applicant is told so and the chat takes no such
request (not built here). Each variant asks its own documents (steps with ``when``); the district's
staff review and decide on the district pages (web/staff/routes/district.py), and the permit is
issued and signed by the district office, as home schooling's is.

The applicant is not a parent: the questions speak to "ผู้ขออนุญาต". Sources, and what was not
found (the manuals' own lists of documents): docs/rules.md, "Learning centres".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend.applications.models import Application
from backend.catalog import DocumentType, FeeRule, ServiceDocument, StaffField
from backend.documents.from_applications import Answers, DocumentInputMissing
from backend.organisations import SchoolType
from backend.school_config import SchoolConfig
from backend.thai.errors import ThaiInputError
from flows import kinds
from flows.flow import Check, Context, Flow, Step, When
from flows.spec import ServiceSpec

SERVICE_ID = "learning_centre"

VARIANTS = {  # chat buttons: at most 20 characters each
    "individual_50": "บุคคล ≤50 คน",
    "individual_100": "บุคคล 51–100 คน",
    "professional": "องค์กรวิชาชีพ",
    "community_thai": "องค์กรชุมชน/เอกชน",
    "foreign_50": "ต่างชาติ ≤50 คน",
    "foreign_100": "ต่างชาติ 51–100 คน",
    "workplace": "สถานประกอบการ",
}
# As the source names each variant, for the permit and the staff pages.
VARIANT_TITLES = {
    "individual_50": "ตามสิทธิของบุคคล (มีผู้เรียนจำนวนไม่เกิน 50 คน)",
    "individual_100": "ตามสิทธิของบุคคล (มีผู้เรียนจำนวนเกินกว่า 50 คน แต่ไม่เกิน 100 คน)",
    "professional": "ตามสิทธิขององค์กรวิชาชีพ",
    "community_thai": "ตามสิทธิขององค์กรชุมชนและองค์กรเอกชน (เป็นนิติบุคคลจดทะเบียนในประเทศไทย)",
    "foreign_50": "ตามสิทธิขององค์กรเอกชนที่เป็นนิติบุคคลซึ่งไม่ได้จดทะเบียนในประเทศไทย (มีผู้เรียนจำนวนไม่เกิน 50 คน)",
    "foreign_100": ("ตามสิทธิขององค์กรเอกชนที่เป็นนิติบุคคลซึ่งไม่ได้จดทะเบียนในประเทศไทย "
                    "(มีผู้เรียนจำนวนเกินกว่า 50 คน แต่ไม่เกิน 100 คน)"),
    "workplace": "ในศูนย์การเรียนรู้โดยสถานประกอบการ",
}
INDIVIDUAL = ("individual_50", "individual_100")
ORGANISATION = ("professional", "community_thai", "foreign_50", "foreign_100", "workplace")
FOREIGN = ("foreign_50", "foreign_100")
# The learners each variant's district-level service is for; more is OBEC's to decide.
LEARNER_RANGE = {"individual_50": (1, 50), "individual_100": (51, 100),
                 "foreign_50": (1, 50), "foreign_100": (51, 100)}
OBEC_DECIDES = ("ศูนย์การเรียนของบุคคล หรือขององค์กรเอกชนที่ไม่ได้จดทะเบียนในประเทศไทย ที่มีผู้เรียนเกิน 100 คน "
                "ยื่นขออนุญาตต่อสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (สพฐ.) โดยตรงค่ะ")
LEVELS = {
    "early_childhood": "ปฐมวัย",
    "primary": "ประถมศึกษา",
    "lower_secondary": "มัธยมศึกษาตอนต้น",
    "upper_secondary": "มัธยมศึกษาตอนปลาย",
}


def variant_in(*variants: str) -> When:
    return When(lambda ctx: ctx.answers["variant"] in variants, uses=("variant",),
                describe=" / ".join(VARIANTS[v] for v in variants))


def _learners_fit_the_variant(value: int, ctx: Context) -> None:
    variant = ctx.answers.get("variant")
    low, high = LEARNER_RANGE.get(str(variant), (1, 100_000))
    if value > 100 and variant in LEARNER_RANGE:
        raise ThaiInputError(OBEC_DECIDES, code="learning_centre.obec")
    if not low <= value <= high:
        raise ThaiInputError(
            f"ประเภท “{VARIANTS[str(variant)]}” สำหรับผู้เรียน {low}–{high} คนค่ะ "
            "กรุณาตรวจสอบจำนวนผู้เรียน หรือพิมพ์ “แก้ประเภทผู้ขอ” เพื่อเลือกประเภทใหม่ค่ะ",
            code="learning_centre.range")


FLOW = Flow(
    id=SERVICE_ID,
    title="ขออนุญาตจัดการศึกษาขั้นพื้นฐานในศูนย์การเรียน",
    menu_label="ขอตั้งศูนย์การเรียน",
    number_prefix="LN",
    version=1,
    intro=(
        "สำหรับบุคคล องค์กร หรือสถานประกอบการ ที่ขออนุญาตจัดการศึกษาขั้นพื้นฐานในศูนย์การเรียนค่ะ "
        "คำขอนี้ส่งถึงสำนักงานเขตพื้นที่การศึกษา ซึ่งจะตรวจสอบ พิจารณา และออกหนังสืออนุญาตทาง LINE นี้\n"
        f"{OBEC_DECIDES}\n"
        "ข้อมูลและเอกสารในคำขอนี้ เจ้าหน้าที่สำนักงานเขตพื้นที่การศึกษาเท่านั้นที่เห็น เพื่อพิจารณาคำขอค่ะ"
    ),
    steps=[
        Step(
            "variant",
            "ผู้ขออนุญาตเป็นใครคะ เลือกจากปุ่มด้านล่างค่ะ\n"
            "• บุคคล: ผู้เรียนไม่เกิน 50 คน หรือ 51–100 คน\n"
            "• องค์กรวิชาชีพ\n"
            "• องค์กรชุมชน/เอกชน: นิติบุคคลที่จดทะเบียนในประเทศไทย\n"
            "• ต่างชาติ: องค์กรเอกชนที่เป็นนิติบุคคลซึ่งไม่ได้จดทะเบียนในประเทศไทย ผู้เรียนไม่เกิน 50 คน หรือ 51–100 คน\n"
            "• สถานประกอบการ: จัดในศูนย์การเรียนรู้ของสถานประกอบการ",
            kinds.choice(VARIANTS, synonyms={"professional": ("สมาคมวิชาชีพ",),
                                             "workplace": ("บริษัท", "โรงงาน", "ศูนย์การเรียนรู้")}),
            label="ประเภทผู้ขอ",
        ),
        Step(
            "learners",
            "ศูนย์การเรียนจะมีผู้เรียนกี่คนคะ",
            kinds.number(minimum=1, maximum=100_000, unit="คน", example=30),
            label="จำนวนผู้เรียน",
            check=Check(_learners_fit_the_variant, uses=("variant",)),
        ),
        Step(
            "applicant_name",
            "ชื่อและนามสกุลของผู้ขออนุญาตค่ะ เช่น นายสมชาย ใจดี",
            kinds.person_name(),
            label="ชื่อผู้ขออนุญาต",
            when=variant_in(*INDIVIDUAL),
        ),
        Step(
            "organisation_name",
            "ชื่อองค์กรหรือสถานประกอบการที่ขออนุญาตค่ะ (ตามหนังสือรับรองการจดทะเบียน)",
            kinds.text(max_length=200, example="มูลนิธิเพื่อการศึกษาชุมชน"),
            label="ชื่อองค์กร",
            when=variant_in(*ORGANISATION),
        ),
        Step(
            "representative_name",
            "ชื่อและนามสกุลของผู้มีอำนาจกระทำการแทนองค์กรค่ะ",
            kinds.person_name(),
            label="ผู้แทนองค์กร",
            when=variant_in(*ORGANISATION),
        ),
        Step(
            "phone",
            "เบอร์โทรศัพท์ที่ติดต่อได้ค่ะ",
            kinds.phone(),
            label="เบอร์โทรศัพท์",
        ),
        Step(
            "centre_name",
            "ชื่อศูนย์การเรียนที่จะจัดตั้งค่ะ",
            kinds.text(max_length=200, example="ศูนย์การเรียนบ้านรักเรียน"),
            label="ชื่อศูนย์การเรียน",
        ),
        Step(
            "centre_address",
            "ที่ตั้งศูนย์การเรียนค่ะ พิมพ์ในข้อความเดียว: บ้านเลขที่ หมู่ ซอย ถนน ตามด้วยตำบล อำเภอ จังหวัด "
            "และรหัสไปรษณีย์",
            kinds.address(),
            label="ที่ตั้งศูนย์",
        ),
        Step(
            "education_level",
            "จะจัดการศึกษาระดับใดคะ (ถ้าหลายระดับ เลือกระดับสูงสุด แล้วระบุในแผนการจัดการศึกษา)",
            kinds.choice(LEVELS, synonyms={"early_childhood": ("อนุบาล",), "primary": ("ประถม",),
                                           "lower_secondary": ("มต้น",), "upper_secondary": ("มปลาย",)}),
            label="ระดับการศึกษา",
        ),
        Step(
            "education_plan",
            "ขอไฟล์แผนการจัดการศึกษาของศูนย์การเรียน (หลักสูตร การวัดและประเมินผล) ค่ะ",
            kinds.document(),
            label="แผนการจัดการศึกษา",
        ),
        Step(
            "learner_list",
            "ขอไฟล์หรือรูปถ่ายรายชื่อผู้เรียน และหนังสือยินยอมของผู้ปกครองค่ะ",
            kinds.document(),
            label="รายชื่อผู้เรียน",
        ),
        Step(
            "applicant_id_card",
            "ขอรูปถ่ายบัตรประชาชนและทะเบียนบ้านของผู้ขออนุญาตค่ะ",
            kinds.document(),
            label="บัตรผู้ขออนุญาต",
            when=variant_in(*INDIVIDUAL),
        ),
        Step(
            "registration_certificate",
            "ขอรูปถ่ายหนังสือรับรองการจดทะเบียนนิติบุคคล หรือหลักฐานการจัดตั้งองค์กรค่ะ",
            kinds.document(),
            label="หลักฐานนิติบุคคล",
            when=variant_in("professional", "community_thai", "workplace"),
        ),
        Step(
            "foreign_registration",
            "ขอหลักฐานการเป็นนิติบุคคลตามกฎหมายต่างประเทศ และหลักฐานการได้รับอนุญาตให้ดำเนินงาน"
            "ในประเทศไทยค่ะ",
            kinds.document(),
            label="หลักฐานต่างชาติ",
            when=variant_in(*FOREIGN),
        ),
        Step(
            "representative_authority",
            "ขอหนังสือมอบอำนาจหรือมติขององค์กรที่ให้ขออนุญาตจัดการศึกษา และบัตรประชาชนของผู้แทนค่ะ",
            kinds.document(),
            label="หนังสือมอบอำนาจ",
            when=variant_in(*ORGANISATION),
        ),
        Step(
            "educator_qualifications",
            "ขอหลักฐานคุณวุฒิของผู้จัดการศึกษาและผู้สอนค่ะ",
            kinds.document(),
            label="คุณวุฒิผู้สอน",
        ),
        Step(
            "premises",
            "ขอรูปถ่ายสถานที่และแผนที่ตั้งศูนย์การเรียนค่ะ (ถ้าไม่มี ข้ามได้)",
            kinds.document(),
            label="สถานที่ตั้งศูนย์",
            required=False,
        ),
    ],
    next_steps=(
        "สำนักงานเขตพื้นที่การศึกษาจะตรวจสอบคำขอและเอกสาร พิจารณา และแจ้งผลทาง LINE นี้ค่ะ "
        "เมื่อได้รับอนุญาต จะได้รับหนังสืออนุญาตที่ตรวจสอบได้ทางออนไลน์"
    ),
)

CONSIDERATION_FIELD = StaffField(
    "decision_reference",
    "การพิจารณาที่อนุญาต (มติ/คำสั่ง ครั้งที่ และวันที่)",
    required=True,
    placeholder="เช่น มติคณะกรรมการ ครั้งที่ 3/2569 เมื่อวันที่ 20 มิถุนายน 2569",
)
PERIOD_FIELD = StaffField(
    "permitted_period",
    "ระยะเวลาที่อนุญาต",
    required=True,
    placeholder="เช่น ปีการศึกษา 2569 ถึง 2571",
)


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    decision = " ".join(given.get(CONSIDERATION_FIELD.name, "").split())
    period = " ".join(given.get(PERIOD_FIELD.name, "").split())
    if not decision or not period:
        raise DocumentInputMissing(
            "the permit needs the decision and the period",
            "กรุณากรอกการพิจารณาที่อนุญาต และระยะเวลาที่อนุญาต ก่อนออกหนังสืออนุญาตค่ะ")
    variant = str(answers.need("variant", "ประเภทผู้ขออนุญาต"))
    applicant = answers.get("organisation_name") or answers.need("applicant_name", "ชื่อผู้ขออนุญาต")
    return {
        "subject_name": applicant,
        "variant_title": VARIANT_TITLES.get(variant, ""),
        "representative_name": answers.get("representative_name"),
        "centre_name": answers.need("centre_name", "ชื่อศูนย์การเรียน"),
        "learners": answers.get("learners"),
        "level": LEVELS.get(str(answers.get("education_level")), ""),
        "application_number": application.public_number,
        "request_date": application.submitted_at.date().isoformat() if application.submitted_at else None,
        "decision_reference": decision,
        "permitted_period": period,
    }


SPEC = ServiceSpec(
    id=SERVICE_ID,
    flow=FLOW,
    # Asked for in the chat of a school of the district, as the district's other services are.
    school_types=(SchoolType.ORDINARY,),
    menu_position=18,
    # The manuals' time limits were not read: docs/rules.md, "Learning centres".
    time_limit_days=30,
    approvers=("district",),
    document=ServiceDocument(
        type=DocumentType(
            id="learning_centre_permit",
            title_th="หนังสืออนุญาตให้จัดการศึกษาขั้นพื้นฐานในศูนย์การเรียน",
            required=("subject_name", "variant_title", "centre_name", "decision_reference", "permitted_period"),
            download_name="learning-centre-permit.pdf",
            short_title="หนังสืออนุญาต",
            layout="form",
            signer="district",
        ),
        make_data=document_data,
        staff_fields=(CONSIDERATION_FIELD, PERIOD_FIELD),
    ),
    fee=FeeRule(code="LC"),
    routing_words=(r"ศูนย์การเรียน", r"ศูนย์การเรียนรู้", r"learningcent"),
    routing_priority=43,
    source=("docs/rules.md#learning-centres: กฎกระทรวงว่าด้วยสิทธิในการจัดการศึกษาขั้นพื้นฐานในศูนย์การเรียน "
            "พ.ศ. 2555; the source's list of the district office's services"),
    # No fee line was seen in a manual; a permit for an organisation is not a child's free basic
    # education, so no rule forbids one: docs/rules.md, "Learning centres".
)
