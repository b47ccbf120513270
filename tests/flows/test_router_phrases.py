"""What parents type, and where the one router sends it: a table of real phrasings.

Each row is a message as a parent types it and the destination expected: a whole-message word
("status", "cancel", ...), "service:<id>" for free text that asks for a service, "invite_code:<code>"
for a staff invite code, or "nothing" (an answer to the current question, or the greeting menu).
Unless a table says otherwise the school offers every service and no draft waits at its summary.
"""

from __future__ import annotations

import pytest

from flows.router import WORDS, Destination, Route, route
from richmenus.menus import parents_menu

PHRASES: list[tuple[str, str]] = [
    # -- status: "สถานะ" itself ends in นะ, and must survive its endings ----------------------
    ("ติดตามสถานะ", "status"),
    ("ติดตามสถานะค่ะ", "status"),
    ("ติดตามสถานะคะ", "status"),
    ("ติดตามสถานะครับ", "status"),
    ("ติดตามสถานะนะคะ", "status"),
    ("ติดตามสถานะจ้า", "status"),
    ("ติดตาม สถานะ ค่ะ", "status"),
    ("ติดตามสถานะ​ค่ะ", "status"),  # a zero-width space pasted in
    ("สถานะ", "status"),
    ("สถานะค่ะ", "status"),
    ("สถานะนะคะ", "status"),
    ("สถานะครับผม", "status"),
    ("ตรวจสอบสถานะหน่อยค่ะ", "status"),
    ("ดูสถานะค่ะ", "status"),
    ("สถานะคำขอ", "status"),
    ("ติดตามสถาณะค่ะ", "status"),  # ณ for น
    ("ติดตามสถานะ!!", "status"),
    # -- contact, which transfer, about -------------------------------------------------------
    ("ติดต่อโรงเรียน", "contact"),
    ("ติดต่อโรงเรียนค่ะ", "contact"),
    ("ติดต่อ", "contact"),
    ("ติดต่อครับ", "contact"),
    ("เบอร์โทรคะ", "contact"),
    ("ติดต่อเจ้าหน้าที่ค่ะ", "contact"),
    ("ติดต่อ เจ้าหน้าที่ หน่อยค่ะ", "contact"),
    ("ขอย้าย", "which_transfer"),
    ("ขอย้ายค่ะ", "which_transfer"),
    ("ขอย้ายนะคะ", "which_transfer"),
    ("ย้าย", "which_transfer"),
    ("ย้ายโรงเรียนครับ", "which_transfer"),
    ("เกี่ยวกับบริการ", "about"),
    ("เกี่ยวกับบริการค่ะ", "about"),
    ("ช่วยเหลือ", "about"),
    ("ช่วยเหลือด้วยค่ะ", "about"),
    ("วิธีใช้ครับ", "about"),
    # -- fees -----------------------------------------------------------------------------------
    ("ชำระเงิน", "pay"),
    ("ชำระเงินค่ะ", "pay"),
    ("ชําระเงิน", "pay"),  # SARA AM typed as NIKHAHIT + SARA AA
    ("จ่ายเงินครับ", "pay"),
    ("จ่าย เงิน ค่ะ", "pay"),
    ("ค่าธรรมเนียม", "pay"),
    ("ชำระค่าธรรมเนียมค่ะ", "pay"),
    ("คิวอาร์ชำระเงิน", "pay"),
    # -- documents staff asked for --------------------------------------------------------------
    ("ส่งเอกสาร", "send_documents"),
    ("ส่งเอกสารคะ", "send_documents"),
    ("ส่งเอกสารค่ะ", "send_documents"),
    ("ส่งเอกสารครับ", "send_documents"),
    ("ส่งเอกสารจ้า", "send_documents"),
    ("ส่ง เอกสาร นะคะ", "send_documents"),
    ("ส่งเอกสารเพิ่ม", "send_documents"),
    ("ส่งเอกสารเพิ่มเติมค่ะ", "send_documents"),
    # -- control words: the whole message, give or take endings, spaces and slips ---------------
    ("ยกเลิก", "cancel"),
    (" ยกเลิกค่ะ ", "cancel"),
    ("ยกเลิกนะคะ", "cancel"),
    ("ยกเลิกค้ะ", "cancel"),
    ("ยกเลิกค๊ะ", "cancel"),
    ("ยกเลิกค่าาา", "cancel"),
    ("ยกเลิกค่ะๆ", "cancel"),
    ("ยกเลิก 🙏", "cancel"),
    ("ยกเลิก!", "cancel"),
    ("ยกเลิกก", "cancel"),
    ("ยกเลิกครัช", "cancel"),
    ("ยกเลิกจ้า", "cancel"),
    ("ยกเลิกด้วยค่ะ", "cancel"),
    ("ย้อนกลับ", "back"),
    ("ย้อนกลับครับ", "back"),
    ("ย้อนกลับค่ะ", "back"),
    ("ย้อน กลับ", "back"),
    ("ย้อนกลับคับ", "back"),
    ("เริ่มใหม่", "restart"),
    ("เริ่มใหม่ค่ะ", "restart"),
    ("เริ่มไหม่", "restart"),  # ไ for ใ
    ("เริ่ม ใหม่ นะครับ", "restart"),
    ("เริ่มใหม่จ้าาา", "restart"),
    ("เมนู", "menu"),
    ("เมนูค่ะ", "menu"),
    ("“เมนู”", "menu"),  # copied from the bot's own hint, quotes and all
    ("เมนูๆ", "menu"),
    ("เมนู ครับ", "menu"),
    # -- a staff member's invite code -----------------------------------------------------------
    ("K7M2QX9P", "invite_code:K7M2QX9P"),
    ("k7m2qx9p", "invite_code:K7M2QX9P"),
    ("K7M2-QX9P", "invite_code:K7M2QX9P"),
    (" K7M2 QX9P ", "invite_code:K7M2QX9P"),
    ("K7M2QX9P ค่ะ", "invite_code:K7M2QX9P"),
    ("K7M2QX9", "nothing"),  # one letter short
    ("K7M2QX9O", "nothing"),  # O is not in the codes' alphabet
    ("Anna Berg", "nothing"),  # eight Latin letters without a digit: a name, never a code
    # -- services asked for in everyday Thai ----------------------------------------------------
    ("อยากย้ายลูกไปโรงเรียนใหม่ค่ะ", "service:transfer_out"),
    ("ขอย้ายออกค่ะ", "service:transfer_out"),
    ("ย้ายออก", "service:transfer_out"),
    ("ขอใบย้ายค่ะ", "service:transfer_out"),
    ("ย้ายเข้าค่ะ", "service:transfer_in"),
    ("อยากให้ลูกย้ายมาเรียนที่นี่ค่ะ", "service:transfer_in"),
    ("ขอย้ายเข้า ม.๒ ค่ะ", "service:transfer_in"),
    ("จะย้ายลูกเข้าโรงเรียนนี้ครับ", "service:transfer_in"),
    ("สมัครเรียน", "service:admission"),
    ("สมัครเรียน ป.๑ ค่ะ", "service:admission"),
    ("ลูกจะเข้า ป.๑ ปีหน้าค่ะ", "service:admission"),
    # Asking when is answered by the announcement card (issue 13), not an application form.
    ("รับสมัครนักเรียน ม.1 เมื่อไรคะ", "admission_announcement"),
    ("มอบตัวนักเรียนค่ะ", "service:admission"),
    ("ลาออกค่ะ", "service:withdrawal"),
    ("ขอลาออกให้ลูกครับ", "service:withdrawal"),
    ("ลูกจะไปเรียน กศน. ค่ะ", "service:withdrawal"),
    ("ขอใบแทน ปพ.๑ ค่ะ", "service:replacement_documents"),
    ("ปพ.2 ชำรุด", "service:replacement_documents"),
    ("ใบระเบียนหายค่ะ", "service:replacement_documents"),
    ("TRANSCRIPT หายครับ", "service:replacement_documents"),
    ("จองหอประชุมค่ะ", "service:venue_booking"),
    ("ขอใช้ห้องประชุมครับ", "service:venue_booking"),
    ("อยากจองสนามบอล", "service:venue_booking"),
    ("ผ่อนผันค่ะ", "service:grade1_entry"),
    ("ขอผ่อนผันเข้าเรียน ป.๑", "service:grade1_entry"),
    ("ลูกอายุยังไม่ถึงเกณฑ์ อยากเข้า ป.1", "service:grade1_entry"),
    ("เทียบโอนค่ะ", "service:credit_transfer"),
    ("ขอเทียบโอนผลการเรียนค่ะ", "service:credit_transfer"),
    # -- nothing: greetings, answers, and sentences that merely contain a command word ----------
    ("สวัสดีค่ะ", "nothing"),
    ("ขอบคุณค่ะ", "nothing"),
    ("ค่ะ", "nothing"),
    ("นะคะ", "nothing"),
    ("🙏", "nothing"),
    ("", "nothing"),
    ("ป.4", "nothing"),
    ("เด็กหญิงสมใจ ใจดี", "nothing"),
    ("ขอยกเลิกการย้ายเพราะเปลี่ยนใจ", "nothing"),  # a reason, not "cancel"
    ("ไม่ยกเลิกค่ะ", "nothing"),
    ("ผู้ปกครองขอยกเลิกนัดเองค่ะ", "nothing"),
    ("เมนูอาหารกลางวัน", "nothing"),
    ("ติดต่อไม่ได้เลยค่ะ", "nothing"),
    ("ส่งเอกสารไปแล้วค่ะ", "nothing"),
    ("สถานที่จัดงาน", "nothing"),
    ("ราคาเท่าไรคะ", "nothing"),
    ("ตกลงค่ะ", "nothing"),  # not at the summary: an answer
    ("ยืนยัน", "nothing"),
]

# A draft waits for its final confirmation: the confirmation words count, control words still win.
AT_SUMMARY: list[tuple[str, str]] = [
    ("ยืนยัน", "confirm"),
    ("ยืนยันค่ะ", "confirm"),
    ("ยืนยัน ส่งคำขอ ค่ะ", "confirm"),
    ("ส่งค่ะ", "confirm"),
    ("ยังไม่ส่งค่ะ", "nothing"),
    ("ตกลงครับ", "confirm"),
    ("ตกลงจ้า", "confirm"),
    ("ยกเลิกนะคะ", "cancel"),
    ("ติดตามสถานะค่ะ", "status"),
    ("แก้ชื่อค่ะ", "nothing"),
]

# The school offers neither transfer in nor out: there is nothing to ask "in or out?" about, and
# "ย้ายโรงเรียน" asks for a service the school does not offer (the engine says so politely).
NO_TRANSFERS = ("admission", "withdrawal", "replacement_documents")
WITHOUT_TRANSFERS: list[tuple[str, str]] = [
    ("ขอย้ายค่ะ", "nothing"),
    ("ย้ายโรงเรียน", "not_offered:transfer_out"),
    ("ติดตามสถานะค่ะ", "status"),
]


def _described(routed: Route) -> str:
    if routed.to in (Destination.SERVICE, Destination.NOT_OFFERED):
        return f"{routed.to.value}:{routed.service}"
    if routed.to is Destination.INVITE_CODE:
        return f"invite_code:{routed.code}"
    return routed.to.value


def test_the_table_is_large_enough_to_mean_something():
    assert len(PHRASES) + len(AT_SUMMARY) + len(WITHOUT_TRANSFERS) >= 100
    assert len({text for text, _ in PHRASES}) == len(PHRASES)


@pytest.mark.parametrize(("text", "expected"), PHRASES)
def test_a_phrase_goes_where_a_parent_means(text, expected):
    assert _described(route(text)) == expected


@pytest.mark.parametrize(("text", "expected"), AT_SUMMARY)
def test_at_the_summary_confirmation_words_count(text, expected):
    assert _described(route(text, at_summary=True)) == expected


@pytest.mark.parametrize(("text", "expected"), WITHOUT_TRANSFERS)
def test_without_transfer_services_moving_is_a_service_request(text, expected):
    assert _described(route(text, services=NO_TRANSFERS)) == expected


ENDINGS = ["", "ค่ะ", "คะ", "ครับ", "นะคะ", "นะครับ", "จ้า", "จ้ะ", " ค่ะ", "ค่ะๆ", "ค่ะ!"]


@pytest.mark.parametrize("ending", ENDINGS)
@pytest.mark.parametrize(("destination", "word"), [(d, w) for d, words in WORDS.items() for w in words])
def test_every_word_with_every_polite_ending_goes_to_its_destination(destination, word, ending):
    assert route(word + ending, at_summary=True).to is destination


def test_every_text_the_parents_rich_menu_sends_goes_somewhere():
    sent = [cell.action.text for cell in parents_menu().cells]
    assert [_described(route(text)) for text in sent] == [
        "service:admission", "admission_announcement", "which_transfer", "menu", "status", "contact", "about"]
