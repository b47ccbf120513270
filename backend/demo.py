"""A demo school with sample configuration, for trying the bot out."""

from __future__ import annotations

from backend.clock import SystemClock
from backend.db import make_engine, make_sessionmaker
from backend.organisations import DistrictLevel, DistrictOffice, district_by_slug
from backend.schools import School, school_by_slug

# The demo school's district office (the demo school is in Khon Kaen; the office is made up).
DEMO_DISTRICT = {"slug": "demo-district", "name": "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขตสาธิต",
                 "level": DistrictLevel.PRIMARY.value}

DEMO_SETTINGS: dict = {
    "address": "99 หมู่ 1 ถนนวิทยา ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
    "phone": "043-000-000",
    "email": "office@demo-school.example",
    "office_hours": "จันทร์–ศุกร์ 08:30–16:30 น.",
    "privacy_notice_url": "https://demo-school.example/privacy",
    # A made-up biller ID (tax ID + suffix): fee QR codes show, but no bank would accept them.
    "promptpay": {"biller_id": "099400016550101"},
    "receipt_officer": "นางสาวการเงิน ตัวอย่าง",
    # อ.1–ม.6: a school OBEC allowed to take 3-year-olds, with primary and secondary grades.
    "grades": {"lowest": "k1", "highest": "m6"},
    # A made-up code for outgoing letters (a real school uses the one its district office gave it).
    "letter_code": "ศธ 04999.999",
    "services": {
        "replacement_documents": {"fee": "50.00", "fee_due": "after_approval",
                                  "approvers": ["registrar", "director"]},
        "venue_booking": {"fee_due": "after_approval", "approvers": ["director"]},
    },
    "venues": [
        {"id": "hall", "name": "หอประชุม", "fee_per_day": "1500.00", "capacity": 300},
        {"id": "field", "name": "สนามฟุตบอล", "fee_per_day": "500.00"},
        {"id": "room-101", "name": "ห้องประชุมเล็ก 101", "fee_per_day": "300.00", "capacity": 30},
    ],
}


async def create_demo_school(database_url: str, *, slug: str = "demo") -> bool:
    """Create the demo school if it is missing; True when created."""
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            if await school_by_slug(session, slug) is not None:
                return False
            now = SystemClock().now()
            district = await district_by_slug(session, DEMO_DISTRICT["slug"])
            if district is None:
                district = DistrictOffice(**DEMO_DISTRICT, created_at=now)
                session.add(district)
                await session.flush()
            session.add(School(slug=slug, name="โรงเรียนสาธิตบ้านสวน", settings=DEMO_SETTINGS,
                               district_id=district.id, created_at=now))
            await session.commit()
            return True
    finally:
        await engine.dispose()
