"""Free text to a service, by keyword rules."""

from __future__ import annotations

import pytest

from flows.intents import match_service


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("อยากย้ายลูกไปโรงเรียนใหม่", "transfer_out"),
        ("ขอย้ายออกค่ะ", "transfer_out"),
        ("ลาออก", "withdrawal"),
        ("ลูกจะไปเรียน กศน. ค่ะ", "withdrawal"),
        ("สมัครเรียน ป.1", "admission"),
        ("ขอใบแทน ปพ.1", "replacement_documents"),
        ("ใบประกาศหายค่ะ", "replacement_documents"),
        ("จองหอประชุม", "venue_booking"),
        ("ขอใช้สถานที่จัดงาน", "venue_booking"),
        ("ย้ายเข้า", "transfer_in"),
        ("อยากให้ลูกย้ายมาเรียนที่นี่", "transfer_in"),
        ("ผ่อนผัน", "grade1_entry"),
        ("เทียบโอน", "credit_transfer"),
        ("ขอเทียบโอนผลการเรียนค่ะ", "credit_transfer"),
        ("ลูกเรียนเมืองนอกมา อยากโอนหน่วยกิต", "credit_transfer"),
        ("ปพ.2 ชำรุด", "replacement_documents"),
        ("ใบระเบียนหายค่ะ", "replacement_documents"),
        ("ทรานสคริปต์หาย", "replacement_documents"),
        ("Transcript หายค่ะ", "replacement_documents"),
        ("วุฒิการศึกษาหาย", "replacement_documents"),
        ("ขอใช้ห้องประชุม", "venue_booking"),
        ("อยากจองสนามบอล", "venue_booking"),
        ("ขอใช้โรงอาหารจัดงานเลี้ยง", "venue_booking"),
        ("เช่าสถานที่จัดงานบวช", "venue_booking"),
        ("ขอผ่อนผันเข้าเรียน ป.1", "grade1_entry"),
        ("ลูกอายุยังไม่ถึงเกณฑ์ อยากเข้า ป.1", "grade1_entry"),
        ("ขอเลื่อนเข้าเรียน ป.1", "grade1_entry"),
        ("ลูกยังไม่พร้อมเข้า ป.1 ขอเรียนอนุบาลอีกปี", "grade1_entry"),
        ("สมัครเรียนอนุบาล", "admission"),
        ("รับสมัครนักเรียน ม.1 เมื่อไรคะ", "admission"),
        ("อยากให้ลูกเข้าเรียนที่นี่", "admission"),
        ("ลูกจะเข้า ป.1 ปีหน้า", "admission"),
        ("มอบตัวนักเรียน", "admission"),
        ("ขอย้ายเข้า ม.2", "transfer_in"),
        ("ขอย้ายโรงเรียนเข้ามาค่ะ", "transfer_in"),
        ("จะย้ายลูกเข้าโรงเรียนนี้", "transfer_in"),
        ("ย้ายโรงเรียน", "transfer_out"),
    ],
)
def test_thai_free_text_finds_the_service(text, service):
    assert match_service(text) == service


@pytest.mark.parametrize("text", ["สวัสดีค่ะ", "ขอบคุณค่ะ", "", "ป.4", "🙏"])
def test_anything_else_finds_none(text):
    assert match_service(text) is None
