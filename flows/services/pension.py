"""Pension and gratuity for a district's retiring civil servants (การขอรับบำเหน็จ บำนาญ
ข้าราชการผู้เกษียณอายุราชการ), the source's district-level service 11.

The retiring teacher files the application in the chat with photos of the signed forms and
documents; the district's finance staff check it and send it on to กรมบัญชีกลาง (Digital Pension),
then record the order to pay; each step reaches the claimant's chat (web/staff/routes/welfare.py).
The citizen's manual of OBEC for this service was not found; the steps follow these sources
(docs/rules.md, "Pension and gratuity"):
- the forms: แบบขอรับบำเหน็จ บำนาญ บำนาญพิเศษ บำเหน็จดำรงชีพ (แบบ 5300), แบบแจ้งรายการลดหย่อนภาษี
  (แบบ สรจ.1), หนังสือรับรองและขอเบิกบำเหน็จดำรงชีพ (แบบ สรจ.3), หนังสือแสดงเจตนาระบุตัวผู้รับ
  บำเหน็จตกทอด (แบบ 1 / แบบ 2): http://personnel.rmu.ac.th/pension, and the documents
  (kruupdate.com, "เอกสารประกอบการขอรับบำเหน็จบำนาญ", address in docs/rules.md:
  แบบ 5300, สรจ.1, สรจ.3, สมุดประวัติ ก.พ.7);
- แบบ 5300 under หนังสือกระทรวงการคลัง ด่วนที่สุด ที่ กค 0420.9/ว 53 (29 มิ.ย. 2552) and
  ระเบียบกระทรวงการคลังว่าด้วยการขอรับและการจ่ายบำเหน็จบำนาญข้าราชการ พ.ศ. 2527:
  http://oss.rtarf.mi.th/archives3.html;
- filing up to 8 months before retirement through Digital Pension (for retirement on
  1 ต.ค. 2569, from 1 ก.พ. 2569): https://thethaiger.com/th/news/1525649/ (3 ก.พ. 2569).
"""

from __future__ import annotations

import calendar
import datetime as dt

from backend import welfare
from backend.catalog import FeeRule
from backend.organisations import ALL_SCHOOL_TYPES
from backend.thai.dates import format_thai_date
from backend.thai.errors import ThaiInputError
from flows import kinds
from flows.flow import CIVIL_SERVANTS, Check, Context, Flow, Step, answer_is
from flows.spec import ServiceSpec

SERVICE_ID = welfare.PENSION
MONTHS_AHEAD = 8  # Digital Pension takes applications this many months before retirement


def earliest_filing(retirement: dt.date) -> dt.date:
    """The first day an application may be filed: the same day of the month, 8 months before."""
    month = retirement.month - MONTHS_AHEAD
    year = retirement.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, min(retirement.day, calendar.monthrange(year, month)[1]))


def _check_retirement(value: dt.date, ctx: Context) -> None:
    first = earliest_filing(value)
    if ctx.today < first:
        raise ThaiInputError(
            f"ยื่นขอรับบำเหน็จบำนาญได้ล่วงหน้าไม่เกิน {MONTHS_AHEAD} เดือนก่อนวันพ้นจากราชการค่ะ "
            f"สำหรับวันที่ {format_thai_date(value)} ยื่นได้ตั้งแต่ {format_thai_date(first)} ค่ะ "
            "หากวันที่พิมพ์ผิด พิมพ์วันที่ที่ถูกต้องได้เลยค่ะ", code="pension.too_early")


FLOW = Flow(
    id=SERVICE_ID,
    title="ขอรับบำเหน็จบำนาญ (ผู้เกษียณอายุราชการ)",
    menu_label="บำเหน็จบำนาญ",
    number_prefix="PN",
    version=1,
    audience=CIVIL_SERVANTS,
    intro=(
        "สำหรับข้าราชการในสังกัดสำนักงานเขตพื้นที่การศึกษาที่จะเกษียณอายุราชการค่ะ "
        "ถ่ายรูปแบบฟอร์มที่ลงนามแล้วและเอกสารประกอบส่งในแชตนี้ได้เลย "
        "กลุ่มการเงินของสำนักงานเขตฯ จะตรวจสอบและส่งเรื่องถึงกรมบัญชีกลาง แล้วแจ้งความคืบหน้าทาง LINE นี้ค่ะ\n"
        "ข้อมูลและเอกสารในคำขอนี้ เจ้าหน้าที่การเงินของสำนักงานเขตพื้นที่การศึกษาเท่านั้นที่เห็นค่ะ"
    ),
    steps=[
        Step("requester_name", "ชื่อและนามสกุลของท่าน พร้อมคำนำหน้าค่ะ เช่น นายสมชาย ใจดี",
             kinds.person_name(), label="ชื่อผู้ขอรับ"),
        Step("position", "ตำแหน่งและสถานที่ทำงานค่ะ เช่น ครู โรงเรียนบ้านหนองบัว",
             kinds.text(max_length=200, example="ครู โรงเรียนบ้านหนองบัว"), label="ตำแหน่ง สังกัด"),
        Step("retirement_date", "วันที่พ้นจากราชการค่ะ (ผู้เกษียณอายุ คือวันที่ 1 ตุลาคมหลังอายุครบ 60 ปี เช่น 1 ต.ค. 2570)",
             kinds.date(upcoming=True), label="วันพ้นจากราชการ", check=Check(_check_retirement)),
        Step("benefit", "ประสงค์ขอรับแบบใดคะ",
             kinds.choice({"pension": "บำนาญ (รายเดือน)", "gratuity": "บำเหน็จ (ครั้งเดียว)"},
                          synonyms={"pension": ("บำนาญ", "รายเดือน"), "gratuity": ("บำเหน็จ", "ก้อนเดียว")}),
             label="ขอรับ"),
        Step("living_gratuity", "ขอรับบำเหน็จดำรงชีพด้วยหรือไม่คะ", kinds.yes_no(), label="บำเหน็จดำรงชีพ",
             when=answer_is("benefit", "pension")),
        Step("form_5300", "ขอรูปถ่ายแบบขอรับบำเหน็จบำนาญ (แบบ 5300) ที่กรอกและลงนามแล้วค่ะ", kinds.document(),
             label="แบบ 5300"),
        Step("form_srj1", "ขอรูปถ่ายแบบแจ้งรายการลดหย่อนภาษีเงินได้ (แบบ สรจ.1) ค่ะ", kinds.document(),
             label="แบบ สรจ.1", when=answer_is("benefit", "pension")),
        Step("form_srj3", "ขอรูปถ่ายหนังสือรับรองและขอเบิกบำเหน็จดำรงชีพ (แบบ สรจ.3) ค่ะ", kinds.document(),
             label="แบบ สรจ.3", when=answer_is("living_gratuity", True)),
        Step("heirs_form", "ขอรูปถ่ายหนังสือแสดงเจตนาระบุตัวผู้รับบำเหน็จตกทอด (แบบ 1 หรือแบบ 2) ค่ะ ถ้ายังไม่ได้ทำ กดข้ามได้",
             kinds.document(), label="แบบระบุทายาท", required=False),
        Step("house_registration", "ขอรูปถ่ายทะเบียนบ้านของท่านค่ะ", kinds.document(), label="ทะเบียนบ้าน"),
        Step("bank_book", "ขอรูปถ่ายหน้าสมุดบัญชีเงินฝากออมทรัพย์ที่มีชื่อและเลขที่บัญชีค่ะ", kinds.document(),
             label="สมุดบัญชี"),
        Step("phone", "เบอร์โทรศัพท์ที่ติดต่อท่านได้ค่ะ", kinds.phone(), label="เบอร์โทร"),
    ],
    next_steps=(
        "กลุ่มการเงินของสำนักงานเขตพื้นที่การศึกษาจะตรวจสอบเอกสารกับสมุดประวัติ (ก.พ.7) ของท่าน "
        "แล้วส่งเรื่องถึงกรมบัญชีกลาง และแจ้งความคืบหน้าทาง LINE นี้ค่ะ"
    ),
)

SPEC = ServiceSpec(
    id=SERVICE_ID,
    flow=FLOW,
    school_types=tuple(t.value for t in ALL_SCHOOL_TYPES),
    menu_position=113,
    # No time limit for the district's check was found: 15 working days until it is read.
    time_limit_days=15,
    approvers=("district_finance",),
    document=None,  # กรมบัญชีกลาง orders the payment; the district forwards and tells
    fee=FeeRule(code="PENSION"),
    # Not "เกษียณ" alone: "จองหอประชุมจัดงานเลี้ยงเกษียณ" is a venue booking.
    routing_words=(r"บำเหน็จ", r"บำนาญ"),
    routing_priority=86,
    source=("docs/rules.md#pension-and-gratuity: แบบ 5300 (กค 0420.9/ว 53); Digital Pension, "
            "8 months before retirement; OBEC's citizen's manual not found"),
    free_by="A civil servant's pension is an entitlement paid by the state: docs/rules.md, \"Pension and gratuity\"",
)
