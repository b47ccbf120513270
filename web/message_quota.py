"""The school's monthly message quota as the staff pages need it, before a send to many parents.

LINE counts every push against the LINE Official Account's monthly message quota and answers 429
once it is used up. Its Messaging API gives the month's target limit (GET /v2/bot/message/quota:
type "limited" with a value, or "none") and what was sent so far (GET
/v2/bot/message/quota/consumption: totalUsage) (LINE Developers, Messaging API reference, "Get the
target limit for sending messages this month" and "Get number of messages sent this month",
https://developers.line.biz/en/reference/messaging-api/#get-quota). The pages know the quota only
through the protocol below; bot/line_quota.py asks LINE (or the stand-in, in development).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

# Less than this share of the month's quota left after sending: the page warns.
WARN_BELOW = 0.1


@dataclass(frozen=True)
class QuotaReading:
    limit: int | None  # None: no target limit set for the month
    used: int

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.used, 0)


class MessageQuota(Protocol):
    async def reading(self, school_id: int) -> QuotaReading | None:
        """The month's limit and use for the school's account; None when LINE could not be asked."""
        ...


@dataclass(frozen=True)
class QuotaCheck:
    """What a send of `messages` pushes would do to the month's quota."""

    messages: int
    reading: QuotaReading | None

    @property
    def exceeds(self) -> bool:
        remaining = self.reading.remaining if self.reading else None
        return remaining is not None and self.messages > remaining

    @property
    def tight(self) -> bool:
        if self.reading is None or self.reading.limit is None or self.exceeds:
            return False
        return self.reading.limit - self.reading.used - self.messages < WARN_BELOW * self.reading.limit

    def refusal_th(self) -> str:
        remaining = self.reading.remaining if self.reading else 0
        return (f"ขออภัยค่ะ โควตาข้อความ LINE ของเดือนนี้เหลือ {remaining:,} ข้อความ แต่การส่งผลครั้งนี้ต้องใช้ "
                f"{self.messages:,} ข้อความ จึงยังส่งไม่ได้ค่ะ กรุณาเพิ่มโควตาหรือเปลี่ยนแพ็กเกจในบัญชี "
                "LINE Official Account ของโรงเรียนก่อน แล้วกดส่งอีกครั้ง")


async def check(quota: MessageQuota | None, school_id: int, messages: int) -> QuotaCheck:
    return QuotaCheck(messages, await quota.reading(school_id) if quota is not None else None)
