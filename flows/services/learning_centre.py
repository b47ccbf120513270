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
is OBEC's (สพฐ.) decision, not a district's: the applicant is told so and where to apply (OBEC's own
service, flows/services/learning_centre_obec.py, which shares these questions through
flows/learning_centres.py). Each variant asks its own documents (steps with ``when``); the district's
staff review and decide on the district pages (web/staff/routes/district.py), and the permit is
issued and signed by the district office, as home schooling's is.

The applicant is not a parent: the questions speak to "ผู้ขออนุญาต". Sources, and what was not
found (the manuals' own lists of documents): docs/rules.md, "Learning centres".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend.applications.models import Application
from backend.catalog import DocumentType, FeeRule, ServiceDocument
from backend.documents.from_applications import Answers
from backend.organisations import SchoolType
from backend.school_config import SchoolConfig
from backend.thai.errors import ThaiInputError
from flows import kinds
from flows.flow import Check, Context, Flow, Step, When
from flows.learning_centres import (
    CONSIDERATION_FIELD,
    DISTRICT_ENTRY,
    OBEC_ENTRY,
    PERIOD_FIELD,
    centre_steps,
    learners_step,
    permit_data,
)
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
# Where more than 100 learners go: OBEC's own service, in the same chat (learning_centre_obec).
OBEC_DECIDES = ("ศูนย์การเรียนของบุคคล หรือขององค์กรเอกชนที่ไม่ได้จดทะเบียนในประเทศไทย ที่มีผู้เรียนเกิน 100 คน "
                "ยื่นขออนุญาตต่อสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (สพฐ.) ซึ่งยื่นได้ในแชตนี้เช่นกัน: "
                f"พิมพ์ “ยกเลิก” แล้วพิมพ์ “{OBEC_ENTRY}” หรือเลือกจากเมนู “บริการ สพฐ.” ค่ะ")


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
    menu_label=DISTRICT_ENTRY,
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
        learners_step(Check(_learners_fit_the_variant, uses=("variant",))),
        *centre_steps(variant_in, individual=INDIVIDUAL, organisation=ORGANISATION, foreign=FOREIGN,
                      registered_in_thailand=("professional", "community_thai", "workplace")),
    ],
    next_steps=(
        "สำนักงานเขตพื้นที่การศึกษาจะตรวจสอบคำขอและเอกสาร พิจารณา และแจ้งผลทาง LINE นี้ค่ะ "
        "เมื่อได้รับอนุญาต จะได้รับหนังสืออนุญาตที่ตรวจสอบได้ทางออนไลน์"
    ),
)

def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    return permit_data(answers, application, given, VARIANT_TITLES)


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
