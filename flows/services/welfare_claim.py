"""Welfare claims of a district's civil servants: medical care and children's tuition
(การเบิกสวัสดิการค่ารักษาพยาบาล ค่าศึกษาเล่าเรียนบุตร), the source's district-level service 10.

A teacher or retiree enrolled as the district's staff (backend/welfare.py) files the claim in the
chat with photos of the receipts; the chat checks what the rules require before it is filed
(eligible relatives, the first three legitimate children, ages, the yearly tuition rate per level
where one is set, one year from the receipt date or the term's opening), and the district's
finance staff check, approve the amount and record the payment (web/staff/routes/welfare.py); the
status and the amount paid reach the claimant's chat. The claim carries the data of the paper
forms it replaces: แบบ 7131 (medical) and แบบ 7223 (tuition).

Sources (docs/rules.md, "Welfare claims of civil servants"; backend/rules/data/welfare.toml):
- พระราชกฤษฎีกาเงินสวัสดิการเกี่ยวกับการรักษาพยาบาล พ.ศ. 2553 (ราชกิจจานุเบกษา เล่ม 127 ตอนที่ 23 ก,
  2 เม.ย. 2553; copy: http://www.slideshare.net/patty_sb/ss-21493633), as summarised by
  http://www.pakchomhospital.com/index.php?mo=59&id=1108513 (who counts) and
  https://www.dent.psu.ac.th/hospital/civil-servant-rights/ (within 1 year of the receipt date).
- พระราชกฤษฎีกาเงินสวัสดิการเกี่ยวกับการศึกษาของบุตร พ.ศ. 2523 and amendments (replaced by the
  พ.ศ. 2562 decree, in force 13 มิ.ย. 2562: https://tnews.co.th/social/510852), as summarised by
  https://nonthaburi.rmutsb.ac.th/content/289 (legitimate children aged 3–25, the first three).
- กรมบัญชีกลาง ด่วนที่สุด ที่ กค 0422.3/ว 257 (28 มิ.ย. 2559), ประเภทและอัตราเงินบำรุงการศึกษาและ
  ค่าเล่าเรียน: only the kindergarten rate at government schools was found (5,800 บาท a year,
  https://www4.fisheries.go.th/local/index.php/main/view_blog2/1222/69912/2345); the other rates
  are settings in welfare.toml, unset until read.
- The forms and documents: แบบ 7223 with receipts, the child's birth certificate, and the
  marriage certificate when the father claims (สพป.อุดรธานี เขต 4, กลุ่มบริหารงานการเงินฯ:
  https://finance.udon4.go.th/knowledge/ขั้นตอนและอัตราการเบิกเงินสวัสดิการค่าการศึกษาบุตร.html);
  แบบ 7131 with receipts (https://info.go.th/procedure/94e56d1e-f325-4c0f-a2be-be9e01fcd412/view).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend import welfare
from backend.applications.models import Application, ApplicationStatus
from backend.catalog import FeeRule
from backend.organisations import ALL_SCHOOL_TYPES
from backend.thai.digits import to_arabic_digits
from backend.thai.errors import ThaiInputError
from flows import kinds
from flows.flow import CIVIL_SERVANTS, Check, Context, Facts, Flow, Step, When, answer_is
from flows.kinds import Kind, Reply
from flows.spec import ServiceSpec

SERVICE_ID = welfare.WELFARE_CLAIM
EARLIER = "earlier_tuition"  # what this child's other claims of the academic year ask (Facts)


def money() -> Kind:
    """Baht as people type them ("5,800", "5800 บาท", "1,250.50"): whole baht, satang dropped."""

    def parse(reply: Reply, today: dt.date) -> int:
        text = to_arabic_digits(reply.text or "").replace("บาท", "").replace(" ", "")
        text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
        found = re.fullmatch(r"(\d+)(?:\.\d{1,2})?", text.strip())
        if not found:
            raise ThaiInputError("กรุณาพิมพ์จำนวนเงินเป็นตัวเลขค่ะ เช่น 5,800", code="money.unreadable")
        amount = int(found.group(1))
        if not 1 <= amount <= 10_000_000:
            raise ThaiInputError("จำนวนเงินต้องมากกว่า 0 บาทค่ะ กรุณาพิมพ์ใหม่อีกครั้ง", code="money.range")
        return amount

    return Kind("money", "จำนวนเงินเป็นตัวเลข เช่น 5,800", parse, show=welfare.baht, sample=5800)


def _refuse(message: str | None, code: str) -> None:
    if message is not None:
        raise ThaiInputError(message, code=code)


def _is_tuition(ctx: Context) -> bool:
    return ctx.answers["claim_type"] == "tuition"


def _about_a_child(ctx: Context) -> bool:
    return ctx.answers["claim_type"] == "tuition" or ctx.answers["patient"] == "child"


ABOUT_A_CHILD = When(_about_a_child, ("claim_type", "patient"), "tuition, or a child's medical care")
MEDICAL = answer_is("claim_type", "medical")
TUITION = answer_is("claim_type", "tuition")


def _check_relation(value: str, ctx: Context) -> None:
    if value == "adopted":
        raise ThaiInputError("ตามระเบียบ บุตรบุญธรรมไม่มีสิทธิเบิกสวัสดิการนี้ค่ะ เบิกได้เฉพาะบุตรชอบด้วยกฎหมายค่ะ "
                             "หากเลือกผิด กดเลือกใหม่ได้เลยค่ะ", code="welfare.adopted")


def _check_order(value: int, ctx: Context) -> None:
    _refuse(welfare.child_order_refusal(value), "welfare.child_order")


def _check_receipt_date(value: dt.date, ctx: Context) -> None:
    _refuse(welfare.deadline_refusal("medical", value, ctx.today), "welfare.deadline")


def _check_term_start(value: dt.date, ctx: Context) -> None:
    _refuse(welfare.deadline_refusal("tuition", value, ctx.today), "welfare.deadline")


def _check_birth_date(value: dt.date, ctx: Context) -> None:
    if value >= ctx.today:
        raise ThaiInputError("วันเกิดต้องเป็นวันที่ผ่านมาแล้วค่ะ กรุณาตรวจสอบอีกครั้ง", code="welfare.birth_future")
    if ctx.answers["claim_type"] == "tuition":
        _refuse(welfare.tuition_age_refusal(value, ctx.answers["term_start"] or ctx.today), "welfare.age")
    else:
        _refuse(welfare.medical_child_age_refusal(value, ctx.answers["receipt_date"] or ctx.today), "welfare.age")


def _check_amount(value: int, ctx: Context) -> None:
    if ctx.answers["claim_type"] != "tuition":
        return
    level = ctx.answers["level"]
    cap = welfare.rules().tuition_cap(ctx.answers["school_kind"] or "", level or "")
    label = welfare.TuitionLevel(level).label_th if level in set(welfare.TuitionLevel) else ""
    _refuse(welfare.tuition_amount_refusal(value, cap, int(ctx.facts.get(EARLIER) or 0), label), "welfare.limit")


async def _earlier_tuition(session: AsyncSession, application: Application) -> Mapping[str, Any]:
    """The claimant's other tuition claims for the same child and academic year, filed or paid."""
    answers = application.answers or {}
    rows = await session.scalars(sa.select(Application).where(
        Application.parent_ref == application.parent_ref, Application.service == SERVICE_ID,
        Application.id != application.id,
        Application.status.in_([ApplicationStatus.SUBMITTED, ApplicationStatus.DOCUMENTS_REQUESTED,
                                ApplicationStatus.UNDER_REVIEW, ApplicationStatus.APPROVED,
                                ApplicationStatus.CLOSED])))
    return {EARLIER: welfare.earlier_amounts(list(rows), child=str(answers.get("child_name") or ""),
                                             academic_year=answers.get("academic_year"))}


def _kind_said(text: str, today: dt.date) -> Mapping[str, Any]:
    """"เบิกค่ารักษาพยาบาล" or "เบิกค่าเล่าเรียนบุตร" (the claimant menu's tiles) already say the kind."""
    said = text.replace(" ", "")
    if any(word in said for word in ("ค่าเล่าเรียน", "ค่าการศึกษา", "ค่าเทอม")):
        return {"claim_type": "tuition"}
    if "ค่ารักษา" in said:
        return {"claim_type": "medical"}
    return {}


PATIENTS = {"self": "ตนเอง", "spouse": "คู่สมรส", "father": "บิดา", "mother": "มารดา", "child": "บุตร"}

FLOW = Flow(
    id=SERVICE_ID,
    title="เบิกสวัสดิการค่ารักษาพยาบาลและค่าการศึกษาบุตร",
    menu_label="เบิกสวัสดิการ",
    number_prefix="WC",
    version=1,
    audience=CIVIL_SERVANTS,
    intro=(
        "สำหรับข้าราชการ ข้าราชการบำนาญ และลูกจ้างประจำในสังกัดสำนักงานเขตพื้นที่การศึกษาค่ะ "
        "ถ่ายรูปใบเสร็จรับเงินส่งในแชตนี้ได้เลย ระบบจะตรวจสิทธิเบื้องต้นตามระเบียบให้ก่อนยื่น "
        "แล้วกลุ่มการเงินของสำนักงานเขตฯ จะตรวจสอบ อนุมัติ และแจ้งยอดเงินที่โอนทาง LINE นี้ค่ะ\n"
        "ข้อมูลและเอกสารในคำขอนี้ เจ้าหน้าที่การเงินของสำนักงานเขตพื้นที่การศึกษาเท่านั้นที่เห็น "
        "เพื่อตรวจสอบและเบิกจ่ายให้ท่านค่ะ"
    ),
    steps=[
        Step("requester_name", "ชื่อและนามสกุลของท่าน (ผู้มีสิทธิ) พร้อมคำนำหน้าค่ะ เช่น นางสมศรี ใจดี",
             kinds.person_name(), label="ชื่อผู้มีสิทธิ"),
        Step("claimant_status", "ท่านเบิกในฐานะใดคะ",
             kinds.choice({"civil_servant": "ข้าราชการ", "pensioner": "ข้าราชการบำนาญ",
                           "permanent_employee": "ลูกจ้างประจำ"},
                          synonyms={"civil_servant": ("ครู", "ข้าราชการครู"), "pensioner": ("บำนาญ", "เกษียณ")}),
             label="ฐานะผู้มีสิทธิ"),
        Step("position", "ตำแหน่งและสถานที่ทำงาน (หรือสังกัดเดิม สำหรับข้าราชการบำนาญ) ค่ะ "
             "เช่น ครู โรงเรียนบ้านหนองบัว", kinds.text(max_length=200, example="ครู โรงเรียนบ้านหนองบัว"),
             label="ตำแหน่ง สังกัด"),
        Step("claim_type", "ต้องการเบิกค่าอะไรคะ",
             kinds.choice({"medical": "ค่ารักษาพยาบาล", "tuition": "ค่าการศึกษาบุตร"},
                          synonyms={"medical": ("ค่ารักษา", "ค่ายา", "โรงพยาบาล"),
                                    "tuition": ("ค่าเล่าเรียน", "ค่าเทอม", "ค่าเล่าเรียนบุตร")}),
             label="ประเภทการเบิก"),
        Step("patient", "ผู้ที่เข้ารับการรักษาคือใครคะ", kinds.choice(
            PATIENTS, synonyms={"self": ("ตัวเอง", "ผม", "ดิฉัน"), "spouse": ("สามี", "ภรรยา", "แฟน"),
                                "father": ("พ่อ",), "mother": ("แม่",), "child": ("ลูก",)}),
             label="ผู้รับการรักษา", when=MEDICAL),
        Step("child_name", "ชื่อและนามสกุลของบุตรค่ะ เช่น เด็กหญิงสมใจ ใจดี", kinds.person_name(),
             label="ชื่อบุตร", when=ABOUT_A_CHILD),
        Step("child_relation", "บุตรคนนี้เป็นบุตรแบบใดคะ",
             kinds.choice({"legitimate": "บุตรชอบด้วยกฎหมาย", "adopted": "บุตรบุญธรรม"},
                          synonyms={"legitimate": ("ลูกแท้ๆ", "บุตรแท้", "ลูกจริง"), "adopted": ("ลูกบุญธรรม",)}),
             label="ความเป็นบุตร", when=ABOUT_A_CHILD, check=Check(_check_relation)),
        Step("child_order", "บุตรคนนี้เป็นบุตรคนที่เท่าไรคะ (นับตามลำดับการเกิดของบุตรทุกคน)",
             kinds.number(minimum=1, maximum=20, unit="", example=1), label="บุตรคนที่",
             when=ABOUT_A_CHILD, check=Check(_check_order)),
        Step("receipt_date", "วันที่ในใบเสร็จรับเงินค่ะ (เลือกจากปฏิทิน หรือพิมพ์ เช่น 5 พ.ย. 2569)",
             kinds.date(), label="วันที่ใบเสร็จ", when=MEDICAL, check=Check(_check_receipt_date)),
        Step("academic_year", "ปีการศึกษาที่ขอเบิกค่ะ เช่น 2569", kinds.be_year(), label="ปีการศึกษา", when=TUITION),
        Step("term", "เบิกสำหรับภาคเรียนใดคะ",
             kinds.choice({"term1": "ภาคเรียนที่ 1", "term2": "ภาคเรียนที่ 2", "year": "ทั้งปีการศึกษา"},
                          synonyms={"term1": ("เทอม 1", "เทอมแรก"), "term2": ("เทอม 2", "เทอมสอง")}),
             label="ภาคเรียน", when=TUITION),
        Step("term_start", "วันเปิดภาคเรียนนั้นค่ะ (เลือกจากปฏิทิน หรือพิมพ์ เช่น 16 พ.ค. 2569)",
             kinds.date(), label="วันเปิดภาคเรียน", when=TUITION, check=Check(_check_term_start)),
        Step("child_birth_date", "วันเกิดของบุตรค่ะ (ตามสูติบัตร เช่น 3 มี.ค. 2558)", kinds.date(),
             label="วันเกิดบุตร", when=ABOUT_A_CHILD,
             check=Check(_check_birth_date, uses=("claim_type", "term_start", "receipt_date"))),
        Step("hospital", "ชื่อสถานพยาบาลค่ะ เช่น โรงพยาบาลขอนแก่น", kinds.text(max_length=200, example="โรงพยาบาลขอนแก่น"),
             label="สถานพยาบาล", when=MEDICAL),
        Step("school_kind", "บุตรเรียนในสถานศึกษาประเภทใดคะ",
             kinds.choice(welfare.SCHOOL_KIND_TH, synonyms={"government": ("รัฐบาล", "โรงเรียนรัฐ", "ของรัฐ"),
                                                            "private": ("เอกชน",)}),
             label="ประเภทสถานศึกษา", when=TUITION),
        Step("level", "บุตรเรียนระดับใดคะ",
             kinds.choice({level.value: level.label_th for level in welfare.TuitionLevel},
                          synonyms={"kindergarten": ("อนุบาล",), "primary": ("ประถม",),
                                    "lower_secondary": ("ม.ต้น",), "upper_secondary": ("ม.ปลาย",),
                                    "bachelor": ("มหาวิทยาลัย",)}),
             label="ระดับชั้น", when=TUITION),
        Step("school_name", "ชื่อสถานศึกษาของบุตรค่ะ", kinds.text(max_length=200, example="โรงเรียนอนุบาลขอนแก่น"),
             label="ชื่อสถานศึกษา", when=TUITION),
        Step("amount", "จำนวนเงินที่ขอเบิกค่ะ (ตามใบเสร็จ เป็นบาท เช่น 5,800)", money(), label="ยอดขอเบิก",
             check=Check(_check_amount, uses=("claim_type", "school_kind", "level"))),
        Step("receipts", "ขอรูปถ่ายใบเสร็จรับเงินค่ะ ส่งหลายรูปพร้อมกันได้", kinds.document(), label="ใบเสร็จรับเงิน"),
        Step("family_documents",
             "ขอรูปถ่ายเอกสารแสดงความเป็นบิดามารดา คู่สมรส หรือบุตรค่ะ เช่น สูติบัตรหรือทะเบียนบ้านของบุตร "
             "ทะเบียนสมรส (กรณีบิดาเป็นผู้เบิก หรือเบิกให้คู่สมรส) ส่งหลายรูปพร้อมกันได้",
             kinds.document(), label="เอกสารครอบครัว",
             when=When(lambda ctx: ctx.answers["claim_type"] == "tuition" or ctx.answers["patient"] != "self",
                       ("claim_type", "patient"), "not the claimant's own care")),
        Step("phone", "เบอร์โทรศัพท์ที่ติดต่อท่านได้ค่ะ", kinds.phone(), label="เบอร์โทร"),
    ],
    first_message=_kind_said,
    facts=Facts(load=_earlier_tuition, uses=("child_name", "academic_year"), sample={EARLIER: 0}),
    next_steps=(
        "กลุ่มการเงินของสำนักงานเขตพื้นที่การศึกษาจะตรวจสอบใบเสร็จและสิทธิ แล้วแจ้งผลการอนุมัติ "
        "และยอดเงินที่โอนเข้าบัญชีของท่านทาง LINE นี้ค่ะ"
    ),
)

SPEC = ServiceSpec(
    id=SERVICE_ID,
    flow=FLOW,
    # Filed through the chat of any school of the district, by its civil servants only
    # (flows/civil_servants.py); the district's finance staff decide.
    school_types=tuple(t.value for t in ALL_SCHOOL_TYPES),
    menu_position=112,
    # No time limit was found for the district's decision: 15 working days is the product's choice
    # until the finance staff's own service standard is read, counted from the filing (or from the
    # last document the finance staff asked for): docs/rules.md, "Welfare claims of civil servants".
    time_limit_days=15,
    approvers=("district_finance",),
    document=None,  # the outcome is a payment into the claimant's account, told in the chat
    fee=FeeRule(code="WELFARE"),
    routing_words=(r"เบิกสวัสดิการ", r"เบิกค่ารักษา", r"เบิกค่าเล่าเรียน", r"เบิกค่าการศึกษา", r"ค่าเล่าเรียนบุตร",
                   r"ค่าการศึกษาบุตร", r"สวัสดิการข้าราชการ"),
    # Tried after the parents' services: its words never take a parent's request away from them.
    routing_priority=85,
    source=("docs/rules.md#welfare-claims-of-civil-servants: พระราชกฤษฎีกาเงินสวัสดิการเกี่ยวกับการรักษาพยาบาล "
            "พ.ศ. 2553; พระราชกฤษฎีกาเงินสวัสดิการเกี่ยวกับการศึกษาของบุตร พ.ศ. 2523 (2562); "
            "กรมบัญชีกลาง กค 0422.3/ว 257"),
    free_by="A civil servant's welfare claim is an entitlement paid by the state: docs/rules.md, "
            "\"Welfare claims of civil servants\"",
)
