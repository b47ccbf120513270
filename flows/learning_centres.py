"""What the learning-centre services share (ศูนย์การเรียน): the district's family
(flows/services/learning_centre.py) and OBEC's, for more than 100 learners
(flows/services/learning_centre_obec.py), ask the same questions of the applicant and the centre,
the same documents, and put the same facts on their permits; only the variants, the learner limits
and who decides differ. Sources, and what was not found: docs/rules.md, "Learning centres"."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from backend.applications.models import Application
from backend.catalog import StaffField
from backend.documents.from_applications import Answers, DocumentInputMissing
from flows import kinds
from flows.flow import Check, Step, When

# What to type to reach each: the district's service (its menu label) and OBEC's (its routing words
# match this); each service's refusal of the other's learners names the other.
DISTRICT_ENTRY = "ขอตั้งศูนย์การเรียน"
OBEC_ENTRY = "ศูนย์การเรียนเกิน 100 คน"

LEVELS = {
    "early_childhood": "ปฐมวัย",
    "primary": "ประถมศึกษา",
    "lower_secondary": "มัธยมศึกษาตอนต้น",
    "upper_secondary": "มัธยมศึกษาตอนปลาย",
}

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


def learners_step(check: Check) -> Step:
    return Step(
        "learners",
        "ศูนย์การเรียนจะมีผู้เรียนกี่คนคะ",
        kinds.number(minimum=1, maximum=100_000, unit="คน", example=30),
        label="จำนวนผู้เรียน",
        check=check,
    )


def centre_steps(variant_in: Callable[..., When], *, individual: tuple[str, ...],
                 organisation: tuple[str, ...], foreign: tuple[str, ...],
                 registered_in_thailand: tuple[str, ...] = ()) -> list[Step]:
    """The questions after the variant and the learners: who applies, the centre, and the
    documents, each asked of the variants named (an empty group leaves its step out)."""
    steps = [
        Step(
            "applicant_name",
            "ชื่อและนามสกุลของผู้ขออนุญาตค่ะ เช่น นายสมชาย ใจดี",
            kinds.person_name(),
            label="ชื่อผู้ขออนุญาต",
            when=variant_in(*individual),
        ),
        Step(
            "organisation_name",
            "ชื่อองค์กรหรือสถานประกอบการที่ขออนุญาตค่ะ (ตามหนังสือรับรองการจดทะเบียน)",
            kinds.text(max_length=200, example="มูลนิธิเพื่อการศึกษาชุมชน"),
            label="ชื่อองค์กร",
            when=variant_in(*organisation),
        ),
        Step(
            "representative_name",
            "ชื่อและนามสกุลของผู้มีอำนาจกระทำการแทนองค์กรค่ะ",
            kinds.person_name(),
            label="ผู้แทนองค์กร",
            when=variant_in(*organisation),
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
            when=variant_in(*individual),
        ),
    ]
    if registered_in_thailand:
        steps.append(Step(
            "registration_certificate",
            "ขอรูปถ่ายหนังสือรับรองการจดทะเบียนนิติบุคคล หรือหลักฐานการจัดตั้งองค์กรค่ะ",
            kinds.document(),
            label="หลักฐานนิติบุคคล",
            when=variant_in(*registered_in_thailand),
        ))
    steps += [
        Step(
            "foreign_registration",
            "ขอหลักฐานการเป็นนิติบุคคลตามกฎหมายต่างประเทศ และหลักฐานการได้รับอนุญาตให้ดำเนินงาน"
            "ในประเทศไทยค่ะ",
            kinds.document(),
            label="หลักฐานต่างชาติ",
            when=variant_in(*foreign),
        ),
        Step(
            "representative_authority",
            "ขอหนังสือมอบอำนาจหรือมติขององค์กรที่ให้ขออนุญาตจัดการศึกษา และบัตรประชาชนของผู้แทนค่ะ",
            kinds.document(),
            label="หนังสือมอบอำนาจ",
            when=variant_in(*organisation),
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
    ]
    return steps


def permit_data(answers: Answers, application: Application, given: Mapping[str, str],
                variant_titles: Mapping[str, str]) -> dict[str, Any]:
    """The permit's facts: who applies, for which centre, and the decision typed by who decides."""
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
        "variant_title": variant_titles.get(variant, ""),
        "representative_name": answers.get("representative_name"),
        "centre_name": answers.need("centre_name", "ชื่อศูนย์การเรียน"),
        "learners": answers.get("learners"),
        "level": LEVELS.get(str(answers.get("education_level")), ""),
        "application_number": application.public_number,
        "request_date": application.submitted_at.date().isoformat() if application.submitted_at else None,
        "decision_reference": decision,
        "permitted_period": period,
    }
