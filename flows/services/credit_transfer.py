"""Credit transfer (เทียบโอนผลการเรียน): earlier studies counted towards the student's studies here."""

from __future__ import annotations

from flows import kinds
from flows.flow import Flow, Step, answer_is
from flows.services.common import (
    CURRENT_GRADE,
    STUDENT_NAME,
    STUDENT_NATIONAL_ID,
    relationship_or_self,
)

FLOW = Flow(
    id="credit_transfer",
    title="เทียบโอนผลการเรียน",
    menu_label="เทียบโอนผลการเรียน",
    number_prefix="CT",
    version=1,
    intro=("เตรียมรูปถ่ายใบระเบียนแสดงผลการเรียนหรือวุฒิการศึกษาเดิม และบัตรประชาชนของนักเรียนไว้ด้วยนะคะ"),
    steps=[
        STUDENT_NAME,
        STUDENT_NATIONAL_ID,
        CURRENT_GRADE,
        relationship_or_self("นักเรียนเอง"),
        Step(
            "previous_study_place",
            "ผลการเรียนที่จะขอเทียบโอน เรียนมาจากที่ไหนคะ",
            kinds.choice(
                {
                    "school": "โรงเรียนในประเทศ",
                    "non_formal": "กศน.",
                    "abroad": "ต่างประเทศ",
                    "other": "อื่น ๆ",
                }
            ),
            label="เรียนมาจาก",
        ),
        Step(
            "previous_study_name",
            "ชื่อสถานศึกษาหรือแหล่งเรียนรู้เดิม พร้อมจังหวัดหรือประเทศค่ะ เช่น โรงเรียนบ้านหนองบัว จังหวัดขอนแก่น",
            kinds.text(max_length=200, example="กศน.อำเภอเมือง จังหวัดลำปาง"),
            label="สถานศึกษาเดิม",
        ),
        Step(
            "previous_level",
            "ตอนนั้นเรียนอยู่ระดับใดคะ",
            kinds.choice(
                {
                    "primary": "ประถมศึกษา",
                    "lower_secondary": "ม.ต้น (ม.1–ม.3)",
                    "upper_secondary": "ม.ปลาย (ม.4–ม.6)",
                    "vocational": "อาชีวศึกษา",
                    "other": "อื่น ๆ",
                }
            ),
            label="ระดับที่เรียนมา",
        ),
        Step(
            "subjects_to_transfer",
            "ต้องการเทียบโอนรายวิชาหรือผลการเรียนใดคะ พิมพ์สั้น ๆ ได้เลยค่ะ "
            "เช่น ภาษาอังกฤษ ม.4 ภาคเรียนที่ 1 หรือ ทุกวิชาที่เรียนมาแล้ว 1 ปี",
            kinds.text(max_length=300, example="ภาษาอังกฤษ ม.4 ภาคเรียนที่ 1"),
            label="สิ่งที่ขอเทียบโอน",
        ),
        Step(
            "previous_transcript",
            "ขอรูปถ่ายใบระเบียนแสดงผลการเรียน (ปพ.1) หรือใบรับรอง/วุฒิการศึกษาจากที่เรียนเดิมค่ะ "
            "ถ่ายให้เห็นทุกหน้า ส่งได้หลายรูป",
            kinds.document(),
            label="หลักฐานผลการเรียน",
        ),
        Step(
            "transcript_translation",
            "เอกสารจากต่างประเทศ ขอรูปถ่ายคำแปลเป็นภาษาไทยหรือภาษาอังกฤษด้วยค่ะ",
            kinds.document(),
            label="คำแปลเอกสาร",
            when=answer_is("previous_study_place", "abroad"),
        ),
        Step(
            "student_id_card",
            "ขอรูปถ่ายบัตรประชาชนของนักเรียนค่ะ ถ่ายให้เห็นตัวอักษรชัดเจน",
            kinds.document(),
            label="บัตรประชาชน",
        ),
        Step(
            "other_evidence",
            "มีหลักฐานอื่นที่ช่วยการพิจารณาไหมคะ เช่น เกียรติบัตร ผลงาน หรือหนังสือรับรองการทำงาน (ไม่บังคับ)",
            kinds.document(),
            label="หลักฐานอื่น",
            required=False,
        ),
    ],
    next_steps=(
        "คณะกรรมการเทียบโอนผลการเรียนของโรงเรียนจะพิจารณาจากเอกสาร "
        "หรืออาจนัดประเมินความรู้ (สอบ สัมภาษณ์ หรือดูผลงาน) เพิ่มเติม "
        "โรงเรียนจะแจ้งผลหรือวันนัดประเมินทาง LINE นี้ค่ะ"
    ),
)
