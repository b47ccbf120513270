"""Venue booking (ขอใช้อาคารสถานที่), as families live it: the demo school's venues and rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flows_chat import Absent, Chat, PickDate, Tap

from backend.applications.models import ApplicationStatus
from backend.school_config import SchoolConfig, SchoolConfigError, Venue, parse_school_config
from backend.venues import VenueReservation
from flows.registry import flows_for
from flows.services import SAMPLE_CONFIG, venue_booking

# Today is 25 November 2569 (see conftest): the earliest first day is 30 November.
UP_TO_FIRST_DAY = [
    (
        "ขอใช้สถานที่จัดงานค่ะ",
        [
            "เริ่มคำขอใช้อาคารสถานที่ค่ะ",
            "ล่วงหน้าอย่างน้อย 5 วัน",
            "ขั้นตอนที่ 1 จาก 9",
            "• หอประชุม: วันละ 1,500 บาท รับได้ไม่เกิน 300 คน",
            "• สนามฟุตบอล: วันละ 500 บาท",
            "[หอประชุม]",
            "[สนามฟุตบอล]",
            "[ห้องประชุมเล็ก 101]",
        ],
    ),
    (Tap("หอประชุม"), ["ขั้นตอนที่ 2 จาก 9", "ชื่อและนามสกุลของผู้ขอใช้"]),
    ("นายสมชาย ใจดี", ["ขั้นตอนที่ 3 จาก 9", "หน่วยงานหรือองค์กร", "[ข้าม]"]),
    ("ชมรมผู้สูงอายุบ้านหนองบัว", ["ขั้นตอนที่ 4 จาก 9", "กิจกรรมอะไร"]),
    ("ประชุมประจำปีของหมู่บ้าน", ["ขั้นตอนที่ 5 จาก 9", "การพนัน", "ดิสโก้", "[ใช่]", "[ไม่ใช่]"]),
    (Tap("ใช่"), ["ขั้นตอนที่ 6 จาก 9", "ตั้งแต่วันที่เท่าไร", "[เลือกวันที่]"]),
]


def booking(first: str, last: str, people: str = "200") -> list:
    """From the first-day question to the summary."""
    return [
        (PickDate(first), ["ขั้นตอนที่ 7 จาก 9", "ใช้ถึงวันที่เท่าไร"]),
        (PickDate(last), ["ขั้นตอนที่ 8 จาก 9", "กี่คน"]),
        (people, ["ขั้นตอนที่ 9 จาก 9", "เบอร์โทรศัพท์"]),
        ("081-234-5678", ["ตรวจสอบคำขอใช้อาคารสถานที่"]),
    ]


async def reserved_days(chat: Chat, holder_ref: str) -> list[tuple[str, dt.date]]:
    async with chat.maker() as session:
        rows = await session.execute(
            sa.select(VenueReservation.venue_id, VenueReservation.day)
            .where(VenueReservation.holder_ref == holder_ref)
            .order_by(VenueReservation.day)
        )
        return [tuple(row) for row in rows]


async def test_happy_path_reserves_the_days_and_states_the_fee(chat: Chat, clock):
    await chat.play(
        [
            *UP_TO_FIRST_DAY,
            *booking("2026-12-10", "2026-12-12")[:-1],
            (
                "081-234-5678",
                [
                    "สถานที่: หอประชุม",
                    "ผู้ขอใช้: นายสมชาย ใจดี",
                    "หน่วยงาน: ชมรมผู้สูงอายุบ้านหนองบัว",
                    "ใช้เพื่อ: ประชุมประจำปีของหมู่บ้าน",
                    "ยอมรับเงื่อนไข: ใช่",
                    "วันแรก: 10 ธันวาคม 2569",
                    "วันสุดท้าย: 12 ธันวาคม 2569",
                    "จำนวนผู้เข้าร่วม: 200 คน",
                    "เบอร์โทรศัพท์: 081-234-5678",
                    "[แก้วันแรก]",
                    "[ยืนยันส่งคำขอ]",
                ],
            ),
            (
                Tap("ยืนยันส่งคำขอ"),
                [
                    "ส่งคำขอใช้อาคารสถานที่เรียบร้อยแล้วค่ะ",
                    "เลขที่คำขอ: VB-",
                    "วันที่ขอไว้จะถูกกันไว้ให้ระหว่างพิจารณา",
                    "หนังสืออนุญาต",
                    "ค่าใช้สถานที่ 4,500 บาท (3 วัน วันละ 1,500 บาท)",
                    Absent("สนามฟุตบอล"),
                    "ชำระหลังอนุมัติผ่าน PromptPay",
                ],
            ),
        ]
    )
    application = await chat.application()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at == clock.now()
    assert application.answers == {
        "venue": "v_hall",
        "requester_name": "นายสมชาย ใจดี",
        "organisation": "ชมรมผู้สูงอายุบ้านหนองบัว",
        "purpose": "ประชุมประจำปีของหมู่บ้าน",
        "rules_accepted": "yes",
        "first_day": "2026-12-10",
        "last_day": "2026-12-12",
        "attendees": 200,
        "phone": "0812345678",
    }
    assert await reserved_days(chat, application.public_number) == [
        ("hall", dt.date(2026, 12, 10)),
        ("hall", dt.date(2026, 12, 11)),
        ("hall", dt.date(2026, 12, 12)),
    ]


async def test_the_second_family_is_sent_back_to_the_first_day_and_keeps_the_rest(
    engine, maker, clock
):
    first_family = Chat(engine, maker, clock, user_ref="U-family-a")
    second_family = Chat(engine, maker, clock, user_ref="U-family-b")
    # Both fill in the hall for overlapping days at the same time; the first confirms first.
    await first_family.play([*UP_TO_FIRST_DAY, *booking("2026-12-10", "2026-12-12")])
    await second_family.play([*UP_TO_FIRST_DAY, *booking("2026-12-11", "2026-12-13", "80")])
    await first_family.play([(Tap("ยืนยันส่งคำขอ"), ["ส่งคำขอใช้อาคารสถานที่เรียบร้อยแล้วค่ะ"])])
    await second_family.play(
        [
            (
                Tap("ยืนยันส่งคำขอ"),
                [
                    # The days taken are read again at the confirmation: the first day is asked again.
                    "ขออภัยค่ะ หอประชุมมีผู้จองแล้วในวันที่ 11 ธันวาคม 2569",
                    "ขั้นตอนที่ 6 จาก 9",
                    "ตั้งแต่วันที่เท่าไร",
                    Absent("ส่งคำขอใช้อาคารสถานที่เรียบร้อยแล้ว"),
                ],
            ),
        ]
    )
    waiting = await second_family.application()
    assert waiting.status == ApplicationStatus.DRAFT
    assert waiting.current_step == "first_day"
    assert waiting.answers["last_day"] == "2026-12-13"
    assert waiting.answers["attendees"] == 80
    assert await reserved_days(second_family, waiting.public_number) == []

    # Only the 13th is still free: the same last day now fits, so straight back to the summary.
    await second_family.play(
        [
            (
                PickDate("2026-12-13"),
                ["ตรวจสอบคำขอ", "วันแรก: 13 ธันวาคม 2569", "จำนวนผู้เข้าร่วม: 80 คน"],
            ),
            (Tap("ยืนยันส่งคำขอ"), ["ส่งคำขอใช้อาคารสถานที่เรียบร้อยแล้วค่ะ", "เลขที่คำขอ: VB-"]),
        ]
    )
    filed = await second_family.application()
    assert filed.status == ApplicationStatus.SUBMITTED
    assert await reserved_days(second_family, filed.public_number) == [
        ("hall", dt.date(2026, 12, 13))
    ]
    first = await first_family.application()
    assert len(await reserved_days(first_family, first.public_number)) == 3


async def test_another_venue_on_the_same_days_is_free(engine, maker, clock):
    hall = Chat(engine, maker, clock, user_ref="U-family-a")
    field = Chat(engine, maker, clock, user_ref="U-family-b")
    await hall.play([*UP_TO_FIRST_DAY, *booking("2026-12-10", "2026-12-10")])
    await hall.play([(Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: VB-"])])
    await field.play(
        [
            UP_TO_FIRST_DAY[0],
            (Tap("สนามฟุตบอล"), ["ขั้นตอนที่ 2 จาก 9"]),
            *UP_TO_FIRST_DAY[2:],
            *booking("2026-12-10", "2026-12-10", "500"),
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: VB-"]),
        ]
    )
    application = await field.application()
    assert await reserved_days(field, application.public_number) == [
        ("field", dt.date(2026, 12, 10))
    ]


async def test_the_regulation_rules_are_explained_and_nothing_is_lost(chat: Chat):
    await chat.play(
        [
            *UP_TO_FIRST_DAY[:5],
            (Tap("ไม่ใช่"), ["เฉพาะเมื่อยอมรับเงื่อนไขนี้", "“ยกเลิก”", "ขั้นตอนที่ 5 จาก 9"]),
            (Tap("ใช่"), ["ขั้นตอนที่ 6 จาก 9"]),
            (
                PickDate("2026-11-29"),
                ["ล่วงหน้าอย่างน้อย 5 วัน", "วันแรกที่เลือกได้คือ 30 พฤศจิกายน 2569", "ขั้นตอนที่ 6 จาก 9"],
            ),
            ("30 พฤศจิกายน 2569", ["ขั้นตอนที่ 7 จาก 9"]),
            (PickDate("2026-11-28"), ["วันสุดท้ายต้องไม่ก่อนวันแรก", "ขั้นตอนที่ 7 จาก 9"]),
            (PickDate("2026-12-07"), ["ครั้งละไม่เกิน 7 วัน", "ขั้นตอนที่ 7 จาก 9"]),
            (PickDate("2026-12-06"), ["ขั้นตอนที่ 8 จาก 9"]),
            ("350", ["หอประชุมรับได้ไม่เกิน 300 คน", "ขั้นตอนที่ 8 จาก 9"]),
            ("ร้อยกว่าคน", ["ตัวเลขจำนวนเดียว", "ขั้นตอนที่ 8 จาก 9"]),
            ("๑,๒๐๐", ["รับได้ไม่เกิน 300 คน"]),  # Thai digits and a comma are read
            ("ประมาณ 250 คน", ["ขั้นตอนที่ 9 จาก 9"]),
            ("12345", ["เบอร์", "ขั้นตอนที่ 9 จาก 9"]),
            ("0812345678", ["ตรวจสอบคำขอ", "วันสุดท้าย: 6 ธันวาคม 2569", "จำนวนผู้เข้าร่วม: 250 คน"]),
        ]
    )
    answers = (await chat.application()).answers
    assert answers["rules_accepted"] == "yes"
    assert (answers["first_day"], answers["last_day"]) == ("2026-11-30", "2026-12-06")


async def test_a_smaller_room_chosen_from_the_summary_asks_the_head_count_again(chat: Chat):
    await chat.play(
        [
            *UP_TO_FIRST_DAY,
            *booking("2026-12-10", "2026-12-11"),
            (Tap("แก้สถานที่"), ["คำตอบเดิม: หอประชุม", "ขั้นตอนที่ 1 จาก 9"]),
            (
                Tap("ห้องประชุมเล็ก 101"),
                ["ห้องประชุมเล็ก 101รับได้ไม่เกิน 30 คน", "ขั้นตอนที่ 8 จาก 9"],
            ),
            ("25", ["ตรวจสอบคำขอ", "สถานที่: ห้องประชุมเล็ก 101", "จำนวนผู้เข้าร่วม: 25 คน"]),
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: VB-"]),
        ]
    )
    application = await chat.application()
    assert application.answers["venue"] == "v_room_101"
    assert [venue for venue, _ in await reserved_days(chat, application.public_number)] == [
        "room-101",
        "room-101",
    ]


async def test_a_first_day_that_came_too_close_while_waiting_is_asked_again(chat: Chat, clock):
    await chat.play([*UP_TO_FIRST_DAY, *booking("2026-12-01", "2026-12-02")])
    clock.advance(days=3)  # 1 December is now only 3 days away
    await chat.play(
        [
            (Tap("ยืนยันส่งคำขอ"), ["ล่วงหน้าอย่างน้อย 5 วัน", "ขั้นตอนที่ 6 จาก 9"]),
            (PickDate("2026-12-03"), ["วันสุดท้ายต้องไม่ก่อนวันแรก", "ขั้นตอนที่ 7 จาก 9"]),
            (PickDate("2026-12-04"), ["ตรวจสอบคำขอ"]),
        ]
    )
    assert (await chat.application()).status == ApplicationStatus.DRAFT


async def test_skipping_the_organisation_books_in_ones_own_name(chat: Chat):
    await chat.play(
        [
            *UP_TO_FIRST_DAY[:3],
            (Tap("ข้าม"), ["ขั้นตอนที่ 4 จาก 9"]),
            ("ย้อนกลับ", ["คำตอบเดิม: ไม่ได้ระบุ", "ขั้นตอนที่ 3 จาก 9"]),
            (Tap("ข้าม"), ["ขั้นตอนที่ 4 จาก 9"]),
        ]
    )
    assert (await chat.application()).answers["organisation"] is None


def test_the_fee_is_the_daily_rate_times_the_days():
    hall = SAMPLE_CONFIG.venue("hall")
    assert hall is not None
    first = dt.date(2026, 12, 10)
    assert venue_booking.booking_fee(hall, first, first) == Decimal(1500)
    assert venue_booking.booking_fee(hall, first, dt.date(2026, 12, 12)) == Decimal(4500)


def test_a_school_without_venues_is_not_offered_booking_but_the_flow_still_builds():
    config = SchoolConfig()
    assert "venue_booking" not in flows_for(config)
    assert "venue_booking" in flows_for(SAMPLE_CONFIG)
    flow = venue_booking.build(config)
    assert "ยังไม่ได้ระบุสถานที่ที่เปิดให้จองผ่าน LINE" in flow.intro
    assert flow.step("venue").kind.name == "text"


def test_long_venue_names_are_shortened_on_buttons_and_listed_in_full():
    name = "ห้องประชุมอเนกประสงค์ชั้นสามอาคารเฉลิมพระเกียรติ"
    flow = venue_booking.build(parse_school_config({"venues": [{"id": "big-hall", "name": name}]}))
    step = flow.step("venue")
    assert name in step.question
    assert step.kind.options == {"v_big_hall": name[:19] + "…"}


def test_a_free_venue_says_so():
    flow = venue_booking.build(parse_school_config({"venues": [{"id": "yard", "name": "ลานกีฬา"}]}))
    assert "• ลานกีฬา: ไม่มีค่าใช้สถานที่" in flow.step("venue").question
    assert "ไม่มีค่าใช้สถานที่ค่ะ" in flow.next_steps_for({"venue": "v_yard", "first_day": "2026-12-10",
                                                        "last_day": "2026-12-10"})


@pytest.mark.parametrize(
    ("venues", "message"),
    [
        ([Venue(id=f"room{n}", name=f"ห้อง {n}") for n in range(11)], "at most 10 venues"),
        ([Venue(id="room-1", name="ก"), Venue(id="room_1", name="ข")], "differ only by"),
    ],
)
def test_venue_lists_a_conversation_cannot_offer_are_refused_by_name(venues, message):
    with pytest.raises(SchoolConfigError, match=message):
        venue_booking.build(SchoolConfig(venues=venues))
