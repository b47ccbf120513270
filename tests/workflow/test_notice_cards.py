"""The parent's status card reads as what it says: a refusal is not dressed as good news."""

from __future__ import annotations

from backend import notices
from bot.cards import GREEN, RED
from bot.notices import card


def _notice(status: str, status_th: str, kind: str = notices.STATUS_CHANGED) -> notices.Notice:
    return notices.Notice(school_id=1, recipient_ref="U1", audience=notices.PARENT, kind=kind, application_id=7,
                          data={"service": "transfer_out", "public_number": "TO-1", "status": status,
                                "status_th": status_th, "reason": "เอกสารไม่ตรงกับทะเบียนนักเรียน"})


def _header(message) -> tuple[str, str]:
    band = message["contents"]["header"]
    return band["contents"][0]["text"], band["backgroundColor"]


def test_a_rejection_has_its_own_red_headline():
    rejected = card(_notice("rejected", "ไม่อนุมัติ"), staff_url="https://x/staff")
    approved = card(_notice("approved", "อนุมัติแล้ว"), staff_url="https://x/staff")

    assert _header(rejected) == ("แจ้งผลการพิจารณาคำขอ", RED)
    assert rejected["altText"].startswith("แจ้งผลการพิจารณาคำขอ")
    assert _header(approved) == ("อัปเดตสถานะคำขอ", GREEN)


def test_a_revoked_document_is_red_too():
    revoked = card(_notice("valid", "", kind=notices.DOCUMENT_REVOKED), staff_url="https://x/staff")
    assert _header(revoked)[1] == RED
