"""Where a message a parent typed goes: the one ordered router for chat text.

The edge and the conversation ask here instead of keeping word lists of their own, then do what
only they can: the edge redeems an invite code (it links the staff rich menu) and sends the fee
QR (it makes media links); the front desk answers status, contact, which transfer and about, and
reopens a request for documents; the engine applies control words and the final confirmation and
starts a service. Text is compared after one normaliser (backend/thai/normalise.py), so a polite
ending, a space, a Thai digit or a doubled letter changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from backend.catalog import CATALOG
from backend.staff import looks_like_invite_code, normalise_invite_code
from backend.thai.normalise import bare_forms, compact, fold
from flows.intents import match_service


class Destination(StrEnum):
    INVITE_CODE = "invite_code"
    PAY = "pay"
    # A parent's rights over their data (PDPA ss.30-33): the edge answers them (bot/data_rights.py).
    MY_DATA = "my_data"
    ERASE_MY_DATA = "erase_my_data"
    STATUS = "status"
    CONTACT = "contact"
    WHICH_TRANSFER = "which_transfer"
    ABOUT = "about"
    # The school's admission announcement (ประกาศรับสมัคร): the edge shows it as a card (bot/admission.py).
    ADMISSION_ANNOUNCEMENT = "admission_announcement"
    # OBEC's own services, for people who are not parents (flows/flow.py, OBEC_PUBLIC).
    OBEC_SERVICES = "obec_services"
    SEND_DOCUMENTS = "send_documents"
    # The control words' values are the engine's (and the postbacks') action names.
    CANCEL = "cancel"
    BACK = "back"
    RESTART = "restart"
    MENU = "menu"
    CONFIRM = "confirm"
    SERVICE = "service"
    # A service the parent asked for in words that this school does not offer (its type has no
    # such service, or the school switched it off): the engine says so politely.
    NOT_OFFERED = "not_offered"
    NOTHING = "nothing"

# The order, first match wins. Every destination but SERVICE is a whole message (give or take
# polite endings, spaces and slips), so a sentence is never a command: "ขอยกเลิกเพราะย้ายบ้าน"
# typed as a reason is an answer, not "cancel".
ORDER: tuple[Destination, ...] = (
    # Latin letters and digits only, so it cannot be a Thai word; first, so that a teacher in
    # the middle of a child's request can still enrol.
    Destination.INVITE_CODE,
    # The edge shows what is owed, whatever else is going on.
    Destination.PAY,
    # Seeing or erasing one's data, also in the middle of a request (the draft waits, or goes).
    Destination.MY_DATA,
    Destination.ERASE_MY_DATA,
    # The front desk answers these even in the middle of a request; the draft waits.
    Destination.STATUS,
    Destination.CONTACT,
    Destination.WHICH_TRANSFER,  # only when the school offers transfer in or out (see route)
    Destination.ABOUT,
    # The announcement, also in the middle of a request; a question about when admission opens
    # ("รับสมัครเมื่อไหร่คะ") too, before the admission service would take it (see route).
    Destination.ADMISSION_ANNOUNCEMENT,
    Destination.OBEC_SERVICES,
    # Reopens a request that waits for documents. The front desk acts on it only when no draft
    # is open; otherwise the text goes on as an ordinary answer.
    Destination.SEND_DOCUMENTS,
    # An open request's control words (no draft: the engine shows its menu).
    Destination.CANCEL,
    Destination.BACK,
    Destination.RESTART,
    Destination.MENU,
    # Only at the summary (see route): elsewhere "ตกลง" or "ส่ง" is an answer.
    Destination.CONFIRM,
    # Last: free text searched for a service (flows/intents.py). The whole-message words above
    # win over it: "ย้ายโรงเรียน" is the in-or-out question before it is transfer out.
    Destination.SERVICE,
)
CONTROL = frozenset({Destination.CANCEL, Destination.BACK, Destination.RESTART, Destination.MENU})
TRANSFER_SERVICES = ("transfer_in", "transfer_out")

# The words of each whole-message destination, in the forms parents type them (spellings the
# normaliser forgives are not repeated here).
WORDS: dict[Destination, tuple[str, ...]] = {
    Destination.PAY: (
        "ชำระเงิน", "จ่ายเงิน", "ค่าธรรมเนียม", "ชำระค่าธรรมเนียม", "คิวอาร์ชำระเงิน"),
    Destination.MY_DATA: ("ข้อมูลของฉัน", "ดูข้อมูลของฉัน", "ขอดูข้อมูลของฉัน", "ข้อมูลส่วนบุคคลของฉัน",
                          "ขอดูข้อมูลส่วนบุคคล", "ขอสำเนาข้อมูล"),
    Destination.ERASE_MY_DATA: ("ลบข้อมูลของฉัน", "ขอลบข้อมูลของฉัน", "ขอลบข้อมูล", "ลบข้อมูลส่วนบุคคล",
                                "ขอลบข้อมูลส่วนบุคคล"),
    Destination.STATUS: ("ติดตามสถานะ", "สถานะ", "ตรวจสอบสถานะ", "สถานะคำขอ", "ดูสถานะ"),
    Destination.CONTACT: ("ติดต่อโรงเรียน", "ติดต่อ", "เบอร์โทร", "ติดต่อเจ้าหน้าที่"),
    Destination.WHICH_TRANSFER: ("ขอย้าย", "ย้าย", "ย้ายโรงเรียน"),
    Destination.ABOUT: ("เกี่ยวกับบริการ", "เกี่ยวกับ", "ช่วยเหลือ", "วิธีใช้"),
    Destination.ADMISSION_ANNOUNCEMENT: (
        "ประกาศรับสมัคร", "ประกาศรับนักเรียน", "ประกาศรับสมัครนักเรียน", "ประกาศการรับนักเรียน",
        "ประกาศการรับสมัครนักเรียน", "กำหนดการรับสมัคร", "กำหนดการรับนักเรียน", "รายละเอียดการรับสมัคร",
        "ดูประกาศรับสมัคร"),
    Destination.OBEC_SERVICES: ("บริการสพฐ", "บริการของสพฐ", "สพฐ", "บริการสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน",
                                "obec", "obecservices"),
    Destination.SEND_DOCUMENTS: ("ส่งเอกสารเพิ่ม", "ส่งเอกสาร", "ส่งเอกสารเพิ่มเติม"),
    Destination.CANCEL: ("ยกเลิก",),
    Destination.BACK: ("ย้อนกลับ",),
    Destination.RESTART: ("เริ่มใหม่",),
    Destination.MENU: ("เมนู",),
    Destination.CONFIRM: ("ยืนยัน", "ส่ง", "ยืนยันส่งคำขอ", "ตกลง"),
}
# A question about when (or how many, which documents) admission takes: a sentence, so it is
# searched in the compact text (no spaces, dots removed), not compared whole. It names admission
# and asks; "สมัคร ป.1 ให้ลูกชาย" asks nothing and starts the service.
_ADMISSION_WORDS = r"(?:รับสมัคร|สมัครเรียน|รับนักเรียน|รับเด็ก|เปิดรับ|เปิดสมัคร|สมัคร)"
_ASKS = (r"(?:เมื่อไหร่|เมื่อไร|เมื่อไหร|วันไหน|วันที่เท่าไหร่|วันที่เท่าไร|วันอะไร|ช่วงไหน|ตอนไหน|กี่วัน|กี่คน|"
         r"กี่ที่|รับกี่|แล้วยัง|หรือยัง|รึยัง|ถึงวันไหน|ถึงเมื่อไหร่|ใช้เอกสารอะไร|ต้องใช้อะไร|กำหนดการ)")
_ADMISSION_QUESTION = re.compile(rf"{_ADMISSION_WORDS}.*{_ASKS}|{_ASKS}.*{_ADMISSION_WORDS}|^ประกาศรับ")
# Each folded word to its destination.
_BY_WORD = {fold(word): destination for destination, words in WORDS.items() for word in words}
if len(_BY_WORD) != sum(len(words) for words in WORDS.values()):
    raise ValueError("two words of WORDS are the same once folded: one would route elsewhere")


@dataclass(frozen=True, slots=True)
class Route:
    to: Destination
    service: str | None = None  # SERVICE: the service id
    code: str | None = None  # INVITE_CODE: the code without spaces, dashes or a polite ending


_NOWHERE = Route(Destination.NOTHING)
# Looked up once: a member looked up through its class costs more than the comparison.
_INVITE_CODE, _SERVICE = Destination.INVITE_CODE, Destination.SERVICE


def route(text: str, *, services: Collection[str] | None = None, at_summary: bool = False) -> Route:
    """Where ``text`` goes.

    ``services``: the services the school offers, when the caller knows them (the which-transfer
    question needs transfer in or out; without either, "ย้ายโรงเรียน" is a service request; a
    service asked for that is not among them is NOT_OFFERED).
    ``at_summary``: a draft waits for its final confirmation.
    """
    transfer_offered = services is None or any(service in services for service in TRANSFER_SERVICES)
    routed = _route(text, transfer_offered, at_summary, CATALOG.version)
    if routed.to is _SERVICE and services is not None and routed.service not in services:
        return Route(Destination.NOT_OFFERED, service=routed.service)
    return routed


# The edge, the front desk and the engine each ask about the same message in turn: it is
# routed once. A pure function of its arguments (the catalog's version stands for the services'
# routing words, which change only when a service is registered), so nothing cached goes stale.
@lru_cache(maxsize=256)
def _route(text: str, transfer_offered: bool, at_summary: bool, catalog_version: int) -> Route:
    forms = bare_forms(text)
    said = {_BY_WORD.get(fold(form)) for form in forms}
    if not transfer_offered:
        said.discard(Destination.WHICH_TRANSFER)
    if not at_summary:
        said.discard(Destination.CONFIRM)
    if _ADMISSION_QUESTION.search(compact(text).replace(".", "")):
        said.add(Destination.ADMISSION_ANNOUNCEMENT)
    for destination in ORDER:
        if destination is _INVITE_CODE:
            code = next((form for form in forms if looks_like_invite_code(form)), None)
            if code is not None:
                return Route(destination, code=normalise_invite_code(code))
        elif destination is _SERVICE:
            service = match_service(text)
            if service is not None:
                return Route(destination, service=service)
        elif destination in said:
            return Route(destination)
    return _NOWHERE
