"""Which school service a parent's free text asks for, by keyword rules (no ML)."""

from __future__ import annotations

import re

from backend.thai.normalise import compact

# Ordered: the first matching rule wins, so the specific rules come before the broad ones
# ("ย้ายออก" before "ย้าย…ไป", "ขอใบแทน ปพ.1" before anything about grades).
# Patterns run on the compact text (backend/thai/normalise.py: no spaces, Thai digits as 0-9,
# Latin in lower case) with dots removed.
_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "replacement_documents",
        (r"ใบแทน", r"ปพ[12]", r"(?i:(ใบ|วุฒิ|ประกาศ|ระเบียน|ทรานสคริปต์|transcript).*(หาย|ชำรุด))"),
    ),
    ("credit_transfer", (r"เทียบโอน", r"โอนหน่วยกิต", r"โอนผลการเรียน")),
    (
        "grade1_entry",
        (r"ผ่อนผัน", r"(ก่อน|หลัง|ไม่ถึง|เกิน)เกณฑ์", r"เลื่อนเข้าเรียน", r"ชะลอ", r"ไม่พร้อม.*ป1"),
    ),
    (
        "venue_booking",
        (
            r"หอประชุม",
            r"(ขอใช้|เช่า)(อาคาร|สถานที่|ห้อง|สนาม|โรง)",
            r"จอง(ห้อง|สนาม|สถานที่)",
            r"ยืมสถานที่",
        ),
    ),
    ("withdrawal", (r"ลาออก", r"ออกจากโรงเรียน", r"เลิกเรียน", r"กศน", r"โฮมสคูล", r"บ้านเรียน")),
    (
        "transfer_in",
        (r"ย้ายเข้า", r"ย้าย\S*มา(เรียน|ที่นี่|โรงเรียนนี้)", r"ย้ายมา", r"ย้าย\S*เข้า(มา|โรงเรียนนี้)"),
    ),
    ("transfer_out", (r"ย้ายออก", r"ขอใบย้าย", r"ย้าย\S*ไป", r"ย้ายโรงเรียน", r"หนังสือส่งตัว")),
    (
        "admission",
        (
            r"สมัครเรียน",
            r"รับสมัคร",
            r"สมัคร",
            r"มอบตัว",
            r"รับนักเรียน",
            r"เข้าเรียนที่นี่",
            r"เข้า(เรียน)?(อนุบาล|อ[123]|ป1|ม1|ม4)",
        ),
    ),
)
# One expression per service (its patterns as alternatives): the same matches, one search each.
_COMPILED = tuple(
    (service, re.compile("|".join(f"(?:{pattern})" for pattern in patterns)))
    for service, patterns in _RULES
)


def match_service(text: str) -> str | None:
    """The service id the text asks for, or None when no rule matches."""
    searched = compact(text).replace(".", "")
    for service, pattern in _COMPILED:
        if pattern.search(searched):
            return service
    return None
