"""Who may start a civil servant's service (welfare claims, pension) in a school's chat.

Parents share the chat with the school's staff, so these services are in every school's engine
but not in the parents' menu, and only a civil servant of the school's district may start one
(backend/welfare.py claimant): anyone else is told politely whom they are for. The claimant's
entry point is the words of the service ("เบิกค่าเล่าเรียนบุตร", "บำเหน็จบำนาญ") or the staff rich
menu's welfare tile.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from backend import welfare

MemberCheck = Callable[[AsyncSession, int, str], Awaitable[str | None]]

NOT_A_CLAIMANT = (
    "ขออภัยค่ะ บริการ “{title}” สำหรับข้าราชการและลูกจ้างประจำในสังกัดสำนักงานเขตพื้นที่การศึกษา "
    "ที่ลงทะเบียนเป็นบุคลากรของเขตฯ แล้วเท่านั้นค่ะ หากท่านเป็นข้าราชการในสังกัด "
    "กรุณาขอรหัสเชิญจากผู้ดูแลระบบของโรงเรียนหรือสำนักงานเขตฯ แล้วพิมพ์รหัสในแชตนี้ค่ะ"
)


def members_only(title: str) -> MemberCheck:
    async def check(session: AsyncSession, school_id: int, user_ref: str) -> str | None:
        if await welfare.claimant(session, school_id=school_id, user_ref=user_ref) is not None:
            return None
        return NOT_A_CLAIMANT.format(title=title)

    return check
